"""French-aware matching: case, accents, inflection, elision, hashtags, mentions, obfuscation."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import _FOLD_CHARS, fold
from calendar_app.charte.text.lexicon import Lexicon
from calendar_app.charte.text.patterns import _folds_as_written, needles
from calendar_app.charte.text.stems import stem
from calendar_app.charte.text.tokens import _masked_words, _pattern_words, tokens

CORPUS = Path(__file__).resolve().parents[2] / "data" / "charte_corpus.jsonl"

LEXICON = Lexicon(["votez pour", "partisan", "Équipe Montmagny Avenir", "élisez", "câlisse"])


def found(text: str) -> list[tuple[str, str]]:
    return [(match.term, text[match.start : match.end]) for match in LEXICON.find(Analysed(text))]


@pytest.mark.parametrize(
    ("text", "term", "excerpt"),
    [
        ("VOTEZ POUR nous !", "votez pour", "VOTEZ POUR"),
        ("Votez   pour elle", "votez pour", "Votez   pour"),
        ("#VotezPour", "votez pour", "VotezPour"),
        ("des idées partisanes", "partisan", "partisanes"),
        ("v0tez p0ur lui", "votez pour", "v0tez p0ur"),
        ("v.o.t.e.z pour lui", "votez pour", "v.o.t.e.z pour"),
        ("l’Équipe Montmagny-Avenir", "Équipe Montmagny Avenir", "Équipe Montmagny-Avenir"),
        ("Élisez-nous", "élisez", "Élisez"),
        ("C-A-L-I-S-S-E", "câlisse", "C-A-L-I-S-S-E"),
        ("@partisan", "partisan", "partisan"),
        ("#VotezPourEquipeMontmagnyAvenir", "votez pour", "VotezPourEquipeMontmagnyAvenir"),
        ("Allez ! #EquipeMontmagnyAvenir2029", "Équipe Montmagny Avenir", "EquipeMontmagnyAvenir2029"),
        ("vo\u200btez p\u00adour", "votez pour", "vo\u200btez p\u00adour"),
    ],
)
def test_it_finds_a_term_however_it_is_written(text, term, excerpt):
    assert (term, excerpt) in found(text)


@pytest.mark.parametrize(
    "text",
    ["Le bureau de vote est ouvert de 10 h à 20 h.", "Voici comment voter par anticipation.", "", "🎄🎅", "a b"],
)
def test_civic_information_and_odd_input_find_nothing(text):
    assert found(text) == []


def test_folding_keeps_positions():
    text = "Élection À L’ÉTÉ — ﬁn œuvre"
    assert len(fold(text)) == len(text)
    assert fold("Élisez l’Équipe").startswith("elisez l'equipe")


@pytest.mark.parametrize("seed", range(10))
def test_folding_replaces_each_character_by_its_folded_form_once(seed):
    """Whichever way ``fold`` takes (Latin-1 bytes, or finding the characters), each character of the
    lowered text is looked up once in the table (ǣ → æ, not then a)."""
    rng = random.Random(seed)
    characters = [chr(code) for code in range(0x3000)]
    for _ in range(200):
        text = "".join(rng.choice(characters if rng.random() < 0.2 else "Élan À œuvre’ß\u00a0ÿ") for _ in range(20))
        lowered = text.lower() if len(text.lower()) == len(text) else "".join(char.lower()[0] for char in text)
        assert fold(text) == "".join(_FOLD_CHARS.get(char, char) for char in lowered), text


def test_each_character_folds_on_its_own():
    """The final sigma is the one letter lowered by its neighbours (ΟΔΟΣ → οδος, but ΟΣ2 → οσ2): both
    forms fold alike, so folding a text piece by piece gives what folding it whole gives."""
    for text in ("ΟΔΟΣ ΑΣ", "ΣΑΣ.", "İstanbul ΟΔΟΣ", "x ΑΣ b"):
        for cut in range(len(text) + 1):
            assert fold(text[:cut]) + fold(text[cut:]) == fold(text), (text, cut)


def test_folding_a_folded_text_changes_nothing():
    assert fold("ǣ Ǽ Æ œ") == "a a a o"
    assert fold(fold("Élan ǣ ΟΔΟΣ ſ")) == fold("Élan ǣ ΟΔΟΣ ſ")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("info@ville", ["info@ville"]),
        ("a@@b $x y$ 1$2", ["a@@b", "x", "y", "1$2"]),
        ("@ville", ["ville"]),
        ("25 $", ["25"]),
        ("a@ b @", ["a", "b"]),
    ],
)
def test_an_at_or_dollar_sign_between_letters_or_digits_joins_them(text, words):
    assert _masked_words(text)[0] == _pattern_words(text)[0] == words


def test_only_words_mixing_letters_with_digits_or_signs_are_read_as_letters():
    assert tokens(fold("V0tez p@rti, 25$50 ou 1@2, le 1er mai à 10h")).words == (
        "votez",
        "parti",
        "25$50",
        "ou",
        "1@2",
        "le",
        "ier",
        "mai",
        "a",
        "ioh",
    )


def test_stems_fold_plural_and_feminine_forms():
    assert stem("partisanes") == stem("partisans") == stem("partisan")
    assert stem("candidates") == stem("candidat")
    assert stem("électrices") == stem("électeur")


def test_long_and_hostile_text_is_handled():
    text = ("\u200b\u202e" + "votez pour ") * 10_000 + "\x00\x07"
    assert len(LEXICON.find(Analysed(text))) == 10_000


# Patterns of the rule data: skipped in texts that hold none of their needles ----------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"co(?:de|upon)\s*[:=]\s*[A-Z0-9]{4,20}", {"code", "coupon"}),
        (r"x(?:ab|\dc)y", {"x"}),
        (r"promo\s*[:=]\s*[A-Z0-9]{4,20}", {"promo"}),
        (r"\d+\s?% de rabais\b", {"% de rabais"}),
        (r"\$(?<![\d$]\$)\s?\d+", {"$"}),
        (r"RÉDUCTION\b", {"reduction"}),
        (r"colou?r", {"colo"}),
        (r"ab{0,2}cde", {"cde"}),
        (r"ab+cd", {"ab"}),
        (r"\d+\s?(?:\$|dollars?\b)", {"$", "dollar"}),
        (r"x(?:ab|cd)+y", {"ab", "cd"}),
        (r"abc|de", {"abc", "de"}),
        (r"(?:ab)?\d", None),
        (r"\d+", None),
        (r"a|\d", None),
        (r"\x41bc", None),
        (r"(?x) a b c", None),
        (r"ab(?#comment)cd", None),
    ],
)
def test_needles_are_literals_every_match_holds_folded(source, expected):
    assert needles(source) == (frozenset(expected) if expected is not None else None)


def test_whatever_python_matches_case_insensitively_folds_as_the_literal():
    """The guarantee needles rest on: a character that a case-insensitive pattern takes for a literal
    ``needles`` reads (É for é, the long s for s, the dotless i for i, K for the Kelvin sign's k)
    folds as the literal does."""
    everything = "".join(chr(code) for code in range(0x30000) if not 0xD800 <= code < 0xE000)
    folded = fold(everything)
    for literal in map(chr, range(0x250)):
        if not _folds_as_written(literal):
            continue
        same = {folded[match.start()] for match in re.finditer(re.escape(literal), everything, re.IGNORECASE)}
        assert same == {fold(literal)}, (literal, same)


def test_a_data_pattern_finds_what_its_regular_expression_finds():
    data = data_from_defaults()
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [
        "Code : NOEL20",
        "20 % DE RABAIS",
        "CŌDE: OIE15",
        "prix 25$",
        "20 % de rabaiſ",
        "Code promo : ſOLDE20",
        "25 DOLLARS",
    ]
    for code in ("advertising_solicitation_patterns", "advertising_prices"):
        for pattern in data.patterns(code):
            for text in texts:
                expected = [match.span() for match in pattern.regex.finditer(text)]
                assert [match.span() for match in pattern.finditer(Analysed(text))] == expected, text
