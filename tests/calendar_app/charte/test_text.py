"""French-aware matching: case, accents, inflection, elision, hashtags, mentions, obfuscation."""

from __future__ import annotations

import pytest

from calendar_app.charte.text import Analysed, Lexicon, fold, stem

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


def test_stems_fold_plural_and_feminine_forms():
    assert stem("partisanes") == stem("partisans") == stem("partisan")
    assert stem("candidates") == stem("candidat")
    assert stem("électrices") == stem("électeur")


def test_long_and_hostile_text_is_handled():
    text = ("\u200b\u202e" + "votez pour ") * 10_000 + "\x00\x07"
    assert len(LEXICON.find(Analysed(text))) == 10_000
