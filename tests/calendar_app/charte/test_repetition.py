"""Repetition (art. 5): a near-identical text already planned on the same channel within the window."""

from __future__ import annotations

import pytest
from django.utils import timezone

from calendar_app.charte.base import CheckContext, Severity
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.repetition import Repetition, similarity

DATA = data_from_defaults()
NOTICE = (
    "Avis aux citoyens : en raison des travaux de réfection de la rue Saint-Jean-Baptiste, la circulation se fera "
    "en alternance entre la rue Saint-Louis et la rue Sainte-Marie du lundi 12 au vendredi 16 mai, de 7 h à 17 h. "
    "Les commerces demeurent accessibles. Merci de votre patience et de votre collaboration. Pour en savoir plus, "
    "consultez le site Web de la Ville."
)


def _check(text: str, recent: list[str], channel_id=4, network="facebook"):
    context = CheckContext(
        body=text,
        category="public_notice",
        at=timezone.now(),
        versions=[(channel_id, network, "")],
        recent_texts_by_channel={channel_id: recent},
    )
    return Repetition(DATA).results(context)


def test_it_warns_on_the_same_text_already_planned_on_the_channel():
    [result] = _check(NOTICE, ["Autre chose.", NOTICE])
    assert (result.code, result.severity, result.article) == ("repetition", Severity.WARN, "5")
    assert (result.target, result.channel_id, result.network) == ("version", 4, "facebook")
    assert "100%" in result.message_en and "Facebook" in result.message_en and "7" in result.message_en


def test_case_accents_punctuation_and_spacing_do_not_hide_a_repetition():
    disguised = NOTICE.upper().replace("é", "e").replace(" ", "  ").replace(",", "")
    assert len(_check(disguised, [NOTICE])) == 1


def test_one_changed_word_in_a_long_post_is_still_a_repetition():
    assert len(_check(NOTICE.replace("patience", "compréhension"), [NOTICE])) == 1


def test_one_changed_word_in_a_tweet_is_still_a_repetition():
    tweet = "Rappel : la collecte des encombrants a lieu ce samedi. Déposez vos objets en bordure de rue avant 7 h."
    assert len(_check(tweet.replace("7 h", "8 h"), [tweet])) == 1


def test_a_different_text_on_the_same_channel_passes():
    other = "La bibliothèque municipale sera fermée le 25 décembre et le 1er janvier. Bonnes fêtes à toutes et à tous !"
    assert _check(other, [NOTICE]) == []
    assert _check("Collecte des ordures lundi.", ["Collecte du recyclage mardi."]) == []


def test_the_same_text_on_another_channel_passes():
    context = CheckContext(
        body=NOTICE,
        category="public_notice",
        at=timezone.now(),
        versions=[(4, "facebook", "")],
        recent_texts_by_channel={9: [NOTICE]},
    )
    assert Repetition(DATA).results(context) == []


def test_a_version_with_its_own_text_is_compared_with_that_text():
    short = "Travaux rue Saint-Jean-Baptiste : circulation en alternance du 12 au 16 mai."
    context = CheckContext(
        body=NOTICE,
        category="public_notice",
        at=timezone.now(),
        versions=[(4, "facebook", ""), (5, "x", short)],
        recent_texts_by_channel={4: [short], 5: [short]},
    )
    assert [(result.channel_id, result.network) for result in Repetition(DATA).results(context)] == [(5, "x")]


def test_the_threshold_is_data():
    data = data_from_defaults()
    data.settings["repetition_similarity"] = 1.0
    context = CheckContext(
        body=NOTICE.replace("patience", "compréhension"),
        category="event",
        at=timezone.now(),
        versions=[(4, "facebook", "")],
        recent_texts_by_channel={4: [NOTICE]},
    )
    assert Repetition(data).results(context) == []


def test_similarity_is_symmetric_and_bounded():
    first, second = tuple("a b c d e f".split()), tuple("a b c d e g".split())
    assert similarity(first, second) == similarity(second, first)
    assert similarity(first, first) == 1.0
    assert similarity((), first) == 0.0


ODD_TEXTS = [
    "",
    "a " * 50_000,
    "\x00\x01\x02\x1b[31m\x7f",
    "\u202eمرحبا بالعالم\u202c \u200f",
    "\u200b\u200c\u200d\ufeff" * 50,
    "😀🎉👨‍👩‍👧‍👦🇨🇦" * 100,
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_input_never_raises(text):
    _check(text, [text, "", NOTICE])
    _check(NOTICE, [text])
