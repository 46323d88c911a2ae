"""French-aware matching: case, accents, inflection, elision, hashtags, mentions, obfuscation."""

from __future__ import annotations

import json
import operator
import random
import re
from pathlib import Path

import pytest

from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import _FOLD_CHARS, fold
from calendar_app.charte.text.lexicon import Lexicon
from calendar_app.charte.text.patterns import needles
from calendar_app.charte.text.stems import stem, stem_all
from calendar_app.charte.text.tokens import (
    _MIXED,
    _MIXED_FLAGS,
    _SPACED_IN_MASK,
    _SPACED_LETTERS,
    _TOKEN_BYTES,
    _joined_tokens,
    _plain_tokens,
    tokens,
)

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


def test_folding_a_text_in_pieces_gives_what_folding_it_whole_gives():
    """The final sigma is the one letter lowered by its neighbours (ΟΔΟΣ → οδος, but ΟΣ2 → οσ2)."""
    for text in ("ΟΔΟΣ ΑΣ", "ΣΑΣ.", "İstanbul ΟΔΟΣ", "x ΑΣ b"):
        for cut in range(len(text) + 1):
            assert fold(text[:cut]) + fold(text[cut:]) == fold(text), (text, cut)


# Characters that change how a text is read: accents, capitals, the sigma and the dotted I, invisible
# marks, digits and signs standing for letters, letters spaced apart, apostrophes, addresses.
_PALETTE = ["a", "e", "é", "É", "v", "o", "t", "z", "Σ", "ς", "İ", "1", "0", "3", "@", "$", "#", " ", " ", ".", "-"]
_PALETTE += ["\u200b", "\u00ad", "’", "'", "\n", "votez", " v.o.t.e.z ", " v o t ", "noël", "1er", "ville.ca"]


@pytest.mark.parametrize("seed", range(40))
def test_a_text_analysed_like_another_is_analysed_as_on_its_own(seed):
    """A channel version analysed after the post's text (``like``) reuses the words they share: the
    result is exactly the one an analysis on its own gives, wherever the two texts part."""
    rng = random.Random(seed)
    for _ in range(50):
        body = "".join(rng.choice(_PALETTE) for _ in range(rng.randrange(0, 60)))
        cut = rng.randrange(len(body) + 1)
        version = body[:cut] + "".join(rng.choice(_PALETTE) for _ in range(rng.randrange(0, 20)))
        alone, like = Analysed(version), Analysed(version, like=Analysed(body))
        assert like.folded == alone.folded, (body, version)
        assert (like.tokens.words, like.tokens.starts, like.tokens.ends) == (
            alone.tokens.words,
            alone.tokens.starts,
            alone.tokens.ends,
        ), (body, version)
        assert like.stems == alone.stems, (body, version)


@pytest.mark.parametrize(
    ("body", "version"),
    [
        (
            "Prix : 1@2 ou 3$4, merci.",
            "Prix : 1@2 ou 3$4, v0tez.",
        ),
        ("Prix : 1@2, v0tez.", "Prix : 1@2, merci."),
        ("Votez v o t e z ici.", "Votez v o t e z là."),  # letters spaced apart
        ("Votez v o ici.", "Votez v o t e z"),  # a run of spaced letters that begins in the shared words
        ("Le 1er mai, au parc.", "Le 1er mai, à la v.o.t.e.z"),
    ],
)
def test_a_version_is_read_as_on_its_own_whatever_the_rest_of_the_body_holds(body, version):
    alone, like = Analysed(version), Analysed(version, like=Analysed(body))
    assert (like.folded, like.tokens.words, like.tokens.starts, like.stems) == (
        alone.folded,
        alone.tokens.words,
        alone.tokens.starts,
        alone.stems,
    )


@pytest.mark.parametrize("seed", range(10))
def test_plain_texts_are_split_as_the_token_pattern_splits_them(seed):
    """Texts without invisible characters are split without regular expression: the same tokens."""
    rng = random.Random(seed)
    palette = [
        "a",
        "é",
        "z",
        "9",
        " ",
        "  ",
        ".",
        "'",
        "’",
        "«",
        "—",
        "😀",
        "\n",
        "ab",
        "l'été",
        "Σ",
        "ǣ",
        "@",
        "$",
        "a@b",
        "@@",
    ]
    for _ in range(300):
        folded = fold("".join(rng.choice(palette) for _ in range(rng.randrange(0, 40))))
        position = rng.randrange(len(folded) + 1)
        raw = folded[position:].encode("ascii", "replace")
        masked = raw.translate(_TOKEN_BYTES).decode("ascii")
        assert _plain_tokens(masked, position) == _joined_tokens(folded, position), (folded, position)
        start = rng.choice([0, *_joined_tokens(folded, 0)[1]])  # where tokens() reads from: a token's start
        flags = folded[start:].encode("ascii", "replace").translate(_MIXED_FLAGS)
        assert (b"\1\2" in flags or b"\2\1" in flags) == bool(_MIXED.search(folded, start)), folded
        if _SPACED_LETTERS.search(folded):
            assert _SPACED_IN_MASK.search(folded.encode("ascii", "replace").translate(_TOKEN_BYTES).decode("ascii"))


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
    assert list(_plain_tokens(text, 0)[0]) == list(_joined_tokens(text, 0)[0]) == words


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


def test_a_version_that_begins_as_the_body_shares_its_words():
    body = Analysed("La collecte des sapins aura lieu le 8 janvier. Déposez votre arbre avant 7 h.")
    version = Analysed("La collecte des sapins aura lieu le 8 janvier. https://ville.ca/sapins", like=body)
    assert version.tokens.words[:9] == body.tokens.words[:9]
    assert version.tokens.words[9:] == ("https", "ville", "ca", "sapins")
    # Taken from the body, not split again: the same string objects (« janvier », read again, is not).
    assert all(map(operator.is_, version.tokens.words[:8], body.tokens.words[:8]))
    assert Analysed(version.text).tokens.words[1] is not body.tokens.words[1]


def test_stems_fold_plural_and_feminine_forms():
    assert stem("partisanes") == stem("partisans") == stem("partisan")
    assert stem("candidates") == stem("candidat")
    assert stem("électrices") == stem("électeur")


@pytest.mark.parametrize("seed", range(5))
def test_stemming_words_together_gives_the_stem_of_each(seed):
    """``stem_all`` reads known stems from the cache in one pass: the same as ``stem`` word by word,
    whether the words were met before or not."""
    rng = random.Random(seed)
    endings = ["", "s", "e", "es", "x", "aux", "euse", "trices", "ive", "elle", "enne"]
    for _ in range(100):
        words = ["".join(rng.choice("abcdeilnorstuv") for _ in range(rng.randrange(1, 8))) + rng.choice(endings)]
        words += rng.sample(words * 3 + ["partisanes", "vote", "a"], k=3)
        assert stem_all(words) == tuple(stem(word) for word in words), words
        assert stem_all(words) == tuple(stem(word) for word in words), words  # now every word is known


def test_long_and_hostile_text_is_handled():
    text = ("\u200b\u202e" + "votez pour ") * 10_000 + "\x00\x07"
    assert len(LEXICON.find(Analysed(text))) == 10_000


# Patterns of the rule data: skipped in texts that hold none of their needles ----------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"co(?:de|upon)\s*[:=]\s*[A-Z0-9]{4,20}", {"code", "coupon"}),
        (r"\d+\s?%\s?(?:de\s+)?(?:rabais|réduction|off)\b", {"rabais", "reduction", "off"}),
        (r"\d+\s?(?:\$|dollars?\b)", {"$", "dollar"}),
        (r"x(?:ab|cd)+y", {"ab", "cd"}),
        (r"RÉDUCTION\b", {"reduction"}),
        (r"(?:ab)?\d", None),
        (r"\d+", None),
        (r"a|\d", None),
    ],
)
def test_needles_are_literals_every_match_holds_folded(source, expected):
    assert needles(source) == (frozenset(expected) if expected is not None else None)


@pytest.mark.parametrize("letter", "abcdefghijklmnopqrstuvwxyzàâçéèêëîïôùûüÿœæ")
def test_whatever_python_matches_case_insensitively_folds_as_the_needle(letter):
    """The guarantee needles rest on: a character that a case-insensitive pattern takes for
    ``letter`` (É for é, the long s for s, the dotless i for i) folds as ``letter`` does."""
    pattern = re.compile(re.escape(letter), re.IGNORECASE)
    same = [chr(code) for code in range(0x3000) if pattern.fullmatch(chr(code))]
    assert {fold(char) for char in same} == {fold(letter)}, same


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
            assert pattern.needles, pattern.regex.pattern
            for text in texts:
                expected = [match.span() for match in pattern.regex.finditer(text)]
                assert [match.span() for match in pattern.finditer(Analysed(text))] == expected, text
