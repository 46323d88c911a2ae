"""Images (art. 5.9): source and rights, consent of identifiable persons, alternative text."""

from __future__ import annotations

import pytest
from django.utils import timezone

from calendar_app.charte.base import CheckContext, MediaInfo, Severity
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.media import ImageAltText, ImageConsent, ImageSource

DATA = data_from_defaults()
GOOD = {
    "alt_text": "Des enfants patinent sur l'anneau de glace du parc Saint-Nicolas.",
    "credit": "Photo : Ville de Montmagny",
    "rights_statement": "Photo prise par le Service des communications.",
}


def _context(*media: MediaInfo) -> CheckContext:
    return CheckContext(body="Patinage libre ce soir !", category="event", at=timezone.now(), media=list(media))


def _image(media_id=1, **fields) -> MediaInfo:
    return MediaInfo(id=media_id, **{**GOOD, **fields})


def test_a_well_documented_image_passes_every_image_rule():
    context = _context(_image(shows_identifiable_persons=True, has_consent=True))
    for rule in (ImageSource, ImageConsent, ImageAltText):
        assert rule(DATA).results(context) == []


def test_it_blocks_an_image_without_credit_and_without_rights_with_one_result_each():
    results = ImageSource(DATA).results(_context(_image(7, credit="  ", rights_statement="")))
    assert [(result.code, result.severity, result.media_id, result.target) for result in results] == [
        ("image_source", Severity.BLOCK, 7, "media"),
        ("image_source", Severity.BLOCK, 7, "media"),
    ]
    assert "source" in results[0].message_en and "rights" in results[1].message_en


def test_a_credit_of_punctuation_only_is_no_credit():
    results = ImageSource(DATA).results(_context(_image(credit="—")))
    assert len(results) == 1


def test_it_checks_each_image_and_ignores_other_media():
    context = _context(_image(1), _image(2, credit=""), MediaInfo(id=3, is_image=False))
    assert [result.media_id for result in ImageSource(DATA).results(context)] == [2]
    assert ImageAltText(DATA).results(context) == []


def test_it_blocks_identifiable_persons_without_consent():
    [result] = ImageConsent(DATA).results(_context(_image(4, shows_identifiable_persons=True)))
    assert (result.code, result.article, result.media_id) == ("image_consent", "5.9", 4)
    assert ImageConsent(DATA).results(_context(_image(has_consent=False))) == []


@pytest.mark.parametrize("alt_text", ["", "   ", "\n\t", "…"])
def test_it_blocks_an_image_without_alternative_text(alt_text):
    [result] = ImageAltText(DATA).results(_context(_image(alt_text=alt_text)))
    assert (result.code, result.severity) == ("image_alt_text", Severity.BLOCK)
    assert "screen reader" in result.message_en


@pytest.mark.parametrize(
    "alt_text",
    [
        "image",
        "Photo",
        "IMAGES",
        "Image 3",
        "IMG_1234.jpg",
        "DSC0001",
        "PXL_20240512_143012",
        "capture d’écran",
        "Sans titre",
        "photo.png",
        "1234",
        "logo",
    ],
)
def test_it_blocks_an_alternative_text_that_describes_nothing(alt_text):
    [result] = ImageAltText(DATA).results(_context(_image(alt_text=alt_text)))
    assert alt_text.strip() in result.message_fr


@pytest.mark.parametrize(
    "alt_text",
    [
        "Logo de la Ville de Montmagny",
        "Photo du maire coupant le ruban à la bibliothèque",
        "Affiche du Festival de l'Oie blanche 2026",
    ],
)
def test_a_real_description_passes_even_when_it_starts_with_photo_or_logo(alt_text):
    assert ImageAltText(DATA).results(_context(_image(alt_text=alt_text))) == []


ODD_VALUES = [
    "",
    "a" * 100_000,
    "\x00\x01\x1b[31m\x7f",
    "\u202eمرحبا\u202c\u200f",
    "\u200b\u200d\ufeff",
    "😀👨‍👩‍👧‍👦🇨🇦",
    "\ud800",
]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_input_never_raises(value):
    context = _context(
        MediaInfo(id=None, alt_text=value, credit=value, rights_statement=value, shows_identifiable_persons=True),
        _image(alt_text=value),
    )
    for rule in (ImageSource, ImageConsent, ImageAltText):
        for result in rule(DATA).results(context):
            assert result.message_en and result.message_fr
