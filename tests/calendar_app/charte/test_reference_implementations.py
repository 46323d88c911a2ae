"""Each fast way of the Charte's text reading gives what its plain version gives, on arbitrary texts.

``fold``, ``holds_unseen``, ``tokens`` and ``Pattern.finditer`` each keep a faster way because it
pays (the figures are in their docstrings); ``fold_reference``, ``holds_unseen_reference``,
``tokens_reference`` and ``Pattern.finditer_reference`` are the plain versions beside them. Texts
mix what changes how a text is read: French accents and ligatures, apostrophes ’ ', capitals whose
lower case is longer (İ), the Greek sigma, combining marks, invisible characters, characters beyond
the Basic Multilingual Plane, digits and signs standing for letters, letters spaced apart, control
characters, and anything else Hypothesis draws.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold, fold_reference
from calendar_app.charte.text.patterns import Pattern, needles
from calendar_app.charte.text.tokens import tokens, tokens_reference
from calendar_app.charte.text.unseen import holds_unseen, holds_unseen_reference

_CHARACTERS = list(
    "aAeEéÉèêàÀâçÇœŒæÆîïôûüÿŸǣǼſıİßµΣσςvVoOtTzZ’'‘ʼ´`0123456789@$#%.,;:-_*·!?！…«» \u00a0\u202f\u2009\n\t"
    "\x00\x07\x1b\x7f\u200b\u00ad\u034f\u0301\u0336\u202e\u2063\ufeff😀🎄𝐀\U000e0041ﬁ"
)
_FRAGMENTS = [
    "votez",
    "Votez pour",
    " v.o.t.e.z ",
    " v o t e ",
    "V-O-T-E-Z",
    "v0tez",
    "p@rti",
    "info@ville.ca",
    "25$",
    "25$50",
    "1@2",
    "1er",
    "l’été",
    "qu'il",
    "#VotezPour",
    "ΟΔΟΣ",
    "ΑΣ2",
    "e\u0301",
    "v\u0336o\u0336",
    "vo\u200btez",
    "20 % de rabais",
    "Code promo : NOEL20",
    "avec le code OIE15",
    "25 dollars",
    "www.",
    "!!!",
    "...",
]
TEXTS = st.lists(
    st.one_of(st.sampled_from(_CHARACTERS), st.sampled_from(_FRAGMENTS), st.characters()), max_size=40
).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_fold_gives_what_its_plain_version_gives(text):
    assert fold(text) == fold_reference(text)
    assert len(fold(text)) == len(text)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_the_quick_look_for_unseen_characters_says_what_its_plain_version_says(text):
    folded = fold(text)
    assert holds_unseen(folded) == holds_unseen_reference(folded)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_tokens_are_those_of_the_plain_version(text):
    folded = fold(text)
    fast, plain = tokens(folded), tokens_reference(folded)
    assert (fast.words, fast.starts, fast.ends) == (plain.words, plain.starts, plain.ends)


# Patterns of the rule data: a text skipped for its needles would not have matched ---------------


def _data_patterns() -> list[Pattern]:
    data = data_from_defaults()
    codes = sorted({*data.pattern_terms})
    return [pattern for code in codes for pattern in data.patterns(code)]


DATA_PATTERNS = _data_patterns()


@pytest.mark.parametrize("pattern", DATA_PATTERNS, ids=[pattern.regex.pattern[:30] for pattern in DATA_PATTERNS])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_data_pattern_finds_what_its_plain_version_finds(pattern, data):
    """On arbitrary texts, and on texts Hypothesis writes to match the pattern."""
    text = data.draw(st.one_of(TEXTS, st.from_regex(pattern.regex)))
    analysed = Analysed(text)
    fast = [match.span() for match in pattern.finditer(analysed)]
    assert fast == [match.span() for match in pattern.finditer_reference(analysed)]


# ``needles`` on patterns of every shape: every match holds a needle ------------------------------

_LITERALS = list("abcdeéÉoOsSkK$%' ") + [r"\$", r"\.", r"\ "]
_ATOMS = [r"\d", r"\s", r"\w", r"\b", ".", "[a-z]", "[^é]", "[(]", "(?=a)", "(?<!b)", "(?-i:A)", "(a)"]
_ATOMS += [
    "(?:ab|c)",
    "(?:ab|cd?)",
    r"(?:a|\d)",
    "(?:x(?:y|zz)|é)",
    r"(?:\$|do(?:l|ll)ar)",
    "(?:ab|)",
    "(a|b[c)])",
    r"(?:ab|\dc)",
    "(?:é|.s)",
]
_QUANTIFIERS = ["", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "{,2}", "+?", "*+"]


@st.composite
def sources(draw) -> str:
    """A regular expression made of literals, classes, groups and lookarounds, each maybe quantified,
    sometimes with an alternative at its top level."""
    items = st.tuples(st.sampled_from(_LITERALS + _ATOMS), st.sampled_from(_QUANTIFIERS)).map("".join)
    source = "".join(draw(st.lists(items, min_size=1, max_size=8)))
    if draw(st.booleans()) and draw(st.booleans()):
        source += "|" + "".join(draw(st.lists(items, min_size=1, max_size=3)))
    return source


def _assert_every_match_holds_a_needle(source: str, flags: int, text: str) -> None:
    found = needles(source, flags)
    folded = fold(text)
    for match in re.compile(source, flags).finditer(text):
        assert any(needle in folded[match.start() : match.end()] for needle in found), (source, text, found)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=sources(), flags=st.sampled_from([0, re.IGNORECASE]), data=st.data())
def test_every_match_of_a_pattern_holds_one_of_its_needles(source, flags, data):
    try:
        regex = re.compile(source, flags)
    except re.error:  # « $? »: nothing to repeat
        assume(False)
    assume(needles(source, flags) is not None)
    _assert_every_match_holds_a_needle(source, flags, data.draw(st.one_of(TEXTS, st.from_regex(regex))))


# Where a reading could go wrong: a literal made optional or repeated, a group that goes on with the
# run before it only when its alternatives are plain words, alternatives whose literal is not first.
TRICKY_SOURCES = [
    r"co(?:de|upon)\s*:",
    r"x(?:ab|\dc)y",
    r"x(?:ab|.c)",
    r"ab(c|de)f",
    r"ab(?:c|d)?e",
    r"ab+cd",
    r"colou?r",
    r"ab{0,2}cde",
    r"a(?:b|)c",
    r"\$(?<![\d$]\$)\s?\d+",
    r"x(?:(?:[kmg]\s?)?\$|dollars?\b)",
    r"ÉTÉ|Noël",
]


@pytest.mark.parametrize("source", TRICKY_SOURCES)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_every_match_of_a_tricky_pattern_holds_one_of_its_needles(source, data):
    regex = re.compile(source, re.IGNORECASE)
    _assert_every_match_holds_a_needle(source, re.IGNORECASE, data.draw(st.one_of(TEXTS, st.from_regex(regex))))
