"""Every text people write is normalised, and refused when it holds control or direction characters."""

from __future__ import annotations

import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_app import forms as calendar_forms
from calendar_app.forms import ImageForm, LinksField, MessageForm
from calendar_app.text_input import TextField, clean_text, normalise_text, validate_text

# The reference: what the module must refuse, written from Unicode's categories, not from its lists.
ALLOWED_CONTROLS = {"\t", "\n", "\r"}
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def refused(char: str) -> bool:
    category = unicodedata.category(char)
    if char in ALLOWED_CONTROLS:
        return False
    return category in {"Cc", "Cs"} or char in {"\ufffe", "\uffff"} or char in BIDI


def codes(error: ValidationError) -> list[str]:
    return [item.code for item in error.error_list]


# Texts mixing ordinary letters with the characters that matter here, so that examples hit them often.
INTERESTING = st.sampled_from(list("aé e\u0301\r\n\t\x00\x0b\x1f\x7f\x85\u200b\u00ad\u202e\u2066\u200e\ufffe\ud800«»’"))
TEXTS = st.text(st.one_of(st.characters(), INTERESTING), max_size=40)


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_normalising_twice_changes_nothing(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_validation_accepts_exactly_the_texts_without_refused_characters(text):
    should_refuse = any(map(refused, text))
    try:
        validate_text(text)
    except ValidationError:
        assert should_refuse
    else:
        assert not should_refuse


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_clean_text_returns_nfc_with_newline_line_endings_or_refuses(text):
    try:
        cleaned = clean_text(text)
    except ValidationError as error:
        assert set(codes(error)) <= {"control_character", "bidi_control"}
        return
    assert unicodedata.is_normalized("NFC", cleaned)
    assert "\r" not in cleaned


def test_line_endings_become_newlines_and_accents_one_character():
    assert normalise_text("Bonjour\r\nà tous\rmerci") == "Bonjour\nà tous\nmerci"
    assert normalise_text("e\u0301lection") == "\u00e9lection"


@pytest.mark.parametrize("char", ["\x0b", "\x1f", "\x00", "\x7f", "\x9b"])
def test_a_control_character_is_refused_naming_its_code_point(char):
    with pytest.raises(ValidationError) as raised:
        validate_text(f"Collecte{char} des feuilles")
    assert codes(raised.value) == ["control_character"]
    message = raised.value.error_list[0]
    with translation.override("en"):
        assert f"(U+{ord(char):04X})" in str(message.message % message.params)


@pytest.mark.parametrize("char", sorted(BIDI))
def test_a_direction_override_or_isolate_is_refused_citing_the_policy(char):
    with pytest.raises(ValidationError) as raised:
        validate_text(f"{char}ruop zetov")
    assert codes(raised.value) == ["bidi_control"]
    message = raised.value.error_list[0]
    assert "art. 5.2" in str(message.message % message.params)


def test_tabs_line_breaks_emoji_and_zero_width_joiners_are_accepted():
    validate_text("Ligne 1\n\tLigne 2\r\nFamille 👨\u200d👩\u200d👧 ❤️ et marque\u200e de direction")


def test_a_text_too_long_is_refused_with_the_length_code():
    with pytest.raises(ValidationError) as raised:
        clean_text("a" * 11, max_length=10)
    assert codes(raised.value) == ["max_length"]
    assert clean_text("e\u0301" * 10, max_length=10) == "\u00e9" * 10  # counted as stored, after NFC


def test_both_kinds_of_refusal_are_reported_together():
    with pytest.raises(ValidationError) as raised:
        clean_text("\x0b\u202e" + "a" * 10, max_length=5)
    assert codes(raised.value) == ["max_length", "control_character", "bidi_control"]


def test_the_form_field_normalises_and_refuses_and_strips_what_surrounds_the_text():
    field = TextField(max_length=20)
    assert field.clean("  Fe\u0302te\r\nde quartier ") == "F\u00eate\nde quartier"
    with pytest.raises(ValidationError) as raised:
        field.clean("Fête\x0bde quartier")
    assert codes(raised.value) == ["control_character"]
    assert TextField(required=False).clean("") == ""
    assert field.clean("Fête\x0b") == "Fête"  # (Python's whitespace at either end is stripped, not stored)


@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (MessageForm, {"body": "Bonjour\x00à tous"}),
        (MessageForm, {"body": "\u202eruop zetov"}),
        (MessageForm, {"body": "a" * 1_000_000}),
        (ImageForm, {"alt_text": "Photo\x0bdu parc"}),
    ],
)
def test_forms_that_store_a_text_refuse_a_bad_one(form_class, data):
    form = form_class(data=data)
    assert not form.is_valid()
    assert set(form.errors) == set(data)


# Text fields whose own validation already refuses every control character (an address, a number).
NOT_FREE_TEXT = (forms.EmailField, forms.URLField, forms.UUIDField, forms.SlugField, forms.RegexField, LinksField)


def test_every_free_text_field_of_every_form_is_normalised_and_validated():
    unchecked = [
        f"{form_class.__name__}.{name}"
        for form_class in vars(calendar_forms).values()
        if isinstance(form_class, type) and issubclass(form_class, forms.BaseForm)
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, (TextField, *NOT_FREE_TEXT))
        and not isinstance(field.widget, forms.HiddenInput)
    ]
    assert unchecked == []


def test_a_link_with_a_control_character_is_refused():
    with pytest.raises(ValidationError) as raised:
        LinksField(required=False).clean("https://ville.example/avis\x1fcollecte")
    assert codes(raised.value) == ["control_character"]
