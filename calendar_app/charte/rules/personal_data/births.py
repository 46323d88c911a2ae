"""Dates of birth: a date (« 12 mars 1985 », « 1985-03-12 ») right after a word that says it is
one (« né le », « DDN »), unless a range follows (« nés le 1er octobre 2019 ou après »)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from calendar_app.charte.rules.personal_data.patterns import (
    BIRTH,
    DASHES,
    ORDINAL_SUFFIXES,
    CuedPattern,
    Found,
    alternation,
)
from calendar_app.charte.text.analysis import Analysed

# The lexicons this detector reads (see the defaults file for what each holds).
BIRTH_CUES = "personal_data_birth_cues"
DATE_PREFIXES = "personal_data_date_prefixes"
MONTHS = "personal_data_months"
BIRTH_RANGE_WORDS = "personal_data_birth_range_words"

_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_MONTH_NUMBER = r"(?:1[0-2]|0?[1-9])"
_YEAR = r"(?:1[89]|20)\d\d"
_NUMERIC_DATE = (
    rf"(?:{_YEAR}[-/.]{_MONTH_NUMBER}[-/.]{_DAY}"  # 1985-03-12
    rf"|{_DAY}[-/.]{_MONTH_NUMBER}[-/.](?:{_YEAR}|\d\d)"  # 12/03/1985
    rf"|{_MONTH_NUMBER}[-/.]{_DAY}[-/.](?:{_YEAR}|\d\d))"  # 03/12/1985
)


class DatesOfBirth:
    """Finds dates of birth after the words that announce one."""

    def __init__(self, terms):
        months = alternation(terms.get(MONTHS, ()))
        ordinal = alternation(terms.get(ORDINAL_SUFFIXES, ()), bound_start=False)
        prefixes = alternation(terms.get(DATE_PREFIXES, ()))
        textual = (
            rf"(?:{_DAY}{ordinal}?[ \t]+{months}\.?(?:,?[ \t]+{_YEAR})?"  # 12 mars 1985, 1er avril
            rf"|{months}\.?[ \t]+{_DAY}{ordinal}?,?[ \t]+{_YEAR})"  # March 3, 1952
        )
        # A date is a date of birth only after a word that says so (« né le », « DDN »).
        self.cued = CuedPattern(
            terms.get(BIRTH_CUES, []),
            rf"[ \t]*[:\-{DASHES}]?[ \t]*(?:{prefixes}[ \t]+)?(?:{textual}|{_NUMERIC_DATE})(?!\d)",
        )
        self._range = re.compile(r"[ \t,]*" + alternation(terms.get(BIRTH_RANGE_WORDS, ())))

    def find(self, analysed: Analysed, stems: set[str]) -> Iterator[Found]:
        """The dates of birth in a text (``stems``: the cue words it has)."""
        for match in self.cued.finditer(analysed, stems):
            if not self._range.match(analysed.folded, match.end()):  # « nés le 1er octobre 2019 ou après »
                yield Found(BIRTH, match.start(), match.end())
