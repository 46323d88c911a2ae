"""The Charte reads a text as people see it: invisible characters and decorations do not hide a word,
and a text whose direction is overridden (what it shows is not what it holds) is blocked (art. 5.2)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_app.charte.base import CheckContext, ElectionInfo, Severity
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.language.direction import DirectionControls
from calendar_app.charte.rules.personal_data.rule import PersonalData
from calendar_app.charte.rules.political import PoliticalContent
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.lexicon import Lexicon
from calendar_app.charte.text.unseen import COMBINING_MARKS, INVISIBLE, characters, holds_unseen
from calendar_app.text_input import BIDI_CONTROLS

ELECTION = ElectionInfo(name="Élections municipales 2029", candidate_names=("Hélène Morin",))
LEXICON = Lexicon(["votez pour", "élisez", "partisan"])
UNSEEN = characters(INVISIBLE + COMBINING_MARKS)


@pytest.fixture(scope="module")
def data():
    return data_from_defaults()


def context(body: str, **fields) -> CheckContext:
    return CheckContext(body=body, category="public_interest", at=timezone.now(), **fields)


def terms(text: str) -> list[str]:
    return [match.term for match in LEXICON.find(Analysed(text))]


@pytest.mark.parametrize(
    ("text", "trick"),
    [
        ("vo\u2063tez pour", "invisible separator"),
        ("vo\u2062tez po\u2064ur", "invisible times and plus"),
        ("vo\u180etez pour", "Mongolian vowel separator"),
        ("vo\u034ftez pour", "combining grapheme joiner"),
        ("vo\ufe0ftez pour", "variation selector"),
        ("vo\U000e0020tez pour", "tag character"),
        ("vo\u200etez pour", "left-to-right mark"),
        ("vo\u2066tez pour\u2069", "isolate"),
        ("v\u0336o\u0336t\u0336e\u0336z\u0336 pour", "struck through letters"),
        ("vo\u0332tez pour", "underlined letter"),
        ("vo\u200btez p\u00adour", "zero-width space and soft hyphen (already read)"),
    ],
)
def test_a_word_with_unseen_characters_inside_is_read_as_people_see_it(text, trick):
    assert terms(text) == ["votez pour"], trick


def test_an_accent_typed_as_a_character_of_its_own_is_read_as_the_accented_letter():
    assert terms("E\u0301lisez-nous") == ["élisez"]


def test_the_political_rule_sees_a_partisan_call_hidden_by_invisible_characters(data):
    text = "Le 4 novembre, vo\u2063tez pour Hélè\u2062ne Morin !"
    results = PoliticalContent(data).results(context(text, election=ELECTION))
    assert any(result.blocks for result in results)


def test_a_phone_number_split_by_an_invisible_separator_is_still_found(data):
    text = "Appelez Pierre au 418\u2063555\u20630142. Merci !"
    results = PersonalData(data).results(context(text))
    assert [text[result.start : result.end] for result in results] == ["418\u2063555\u20630142"]


# The quick test (``holds_unseen``) against its plain reference --------------------------------------

TEXTS = st.text(st.one_of(st.characters(), st.sampled_from(list(UNSEEN[:40] + "éàç«»’\u00ad"))), max_size=30)


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_the_quick_test_for_unseen_characters_agrees_with_the_plain_one(text):
    folded = fold(text)
    assert holds_unseen(folded) == any(char in UNSEEN for char in folded)


# However they are slipped into words, unseen characters change nothing that is found -------------

SENTENCES = st.sampled_from(
    [
        "Le 4 novembre, votez pour nous !",
        "Élisez-nous, nous sommes partisans du changement.",
        "La collecte des feuilles aura lieu lundi.",
        "Votez pour votre citrouille préférée.",
    ]
)


@settings(max_examples=80, deadline=None)
@given(SENTENCES, st.lists(st.tuples(st.integers(0, 200), st.sampled_from(UNSEEN)), max_size=6))
def test_unseen_characters_inside_words_change_no_term_found(sentence, insertions):
    text = sentence
    for position, char in insertions:
        position %= len(text) + 1
        # Inside a word only: between two letters, where a reader sees one word.
        if 0 < position < len(text) and text[position - 1].isalpha() and text[position].isalpha():
            text = text[:position] + char + text[position:]
    assert terms(text) == terms(sentence)


# Direction overrides are blocked (art. 5.2) ---------------------------------------------------------


@pytest.mark.parametrize("char", list(BIDI_CONTROLS))
def test_a_direction_control_blocks_the_text_citing_article_5_2(data, char):
    text = f"Bonne nouvelle : {char}ruop zetov"
    [result] = DirectionControls(data).results(context(text))
    assert result.code == "direction_control" and result.article == "5.2"
    assert result.severity == Severity.BLOCK
    assert (result.start, result.end) == (text.index(char), text.index(char) + 1)
    assert f"(U+{ord(char):04X})" in result.message_fr and result.message_fr.endswith("(art. 5.2)")


def test_a_direction_control_in_a_channel_version_is_blocked_there(data):
    results = DirectionControls(data).results(
        context("La collecte aura lieu lundi.", versions=[(7, "facebook", "\u2067Collecte lundi\u2069")])
    )
    assert [(result.channel_id, result.start) for result in results] == [(7, 0)]


@pytest.mark.parametrize(
    "text",
    ["", "La collecte aura lieu lundi.", "مرحبا \u200f بكم", "Famille 👨\u200d👩\u200d👧 ❤️", "\u200e\u061c"],
)
def test_texts_without_direction_controls_pass(data, text):
    assert DirectionControls(data).results(context(text)) == []


def test_the_forms_and_the_charte_refuse_the_same_direction_characters():
    assert set(BIDI_CONTROLS) == {chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
    assert all(re.fullmatch(f"[{INVISIBLE}]", char) for char in BIDI_CONTROLS)  # and never hide a word
