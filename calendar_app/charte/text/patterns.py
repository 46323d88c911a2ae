"""Regular expressions of the rule data, scanned only in texts that may hold a match.

``Pattern.finditer`` finds exactly what ``Pattern.regex.finditer`` finds, its plain reference
(``test_text.py`` proves it on the corpus): it only skips texts whose folded form holds none of the
``needles``, the folded literals of which every match holds one. ``needles`` reads the pattern with
Python's own parser, and gives up (None: every text is scanned) when it cannot be sure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre_constants  # the parser's vocabulary; read, never relied on for a match
from re import _parser as sre_parser

from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold


class Pattern:
    """A regular expression of the rule data (case-insensitive), searched in analysed texts.

    Every match holds one of its ``needles`` (folded literals, see ``needles``): a text whose folded
    form holds none of them cannot match, and is not scanned. Matches are found in the text as
    written, so a pattern may still tell capitals apart (``(?-i:[A-Z]+)``).
    """

    __slots__ = ("regex", "needles")

    def __init__(self, source: str, flags: int = re.IGNORECASE):
        self.regex = re.compile(source, flags)
        self.needles = needles(source, flags)

    def finditer(self, analysed: Analysed) -> Iterator[re.Match]:
        if self.needles is None:
            return self.regex.finditer(analysed.text)
        folded = analysed.folded
        for needle in self.needles:
            if needle in folded:
                return self.regex.finditer(analysed.text)
        return iter(())


_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}


def needles(source: str, flags: int = 0) -> frozenset[str] | None:
    """Folded literals of which every match of ``source`` contains one, or None when there are none
    to be sure of (a pattern of digits or classes only). Folding keeps them true whatever the case,
    accents and typographic apostrophes of the text (see ``fold``)."""
    try:
        parsed = sre_parser.parse(source, flags)
    except Exception:  # a parser of another Python version: no needles, every text is scanned
        return None
    found = _required(parsed)
    if not found or not all(found):
        return None
    return frozenset(fold(literal) for literal in found)


def _required(items) -> set[str] | None:
    """For a sequence of parsed items: the most telling set of literals one of which every match holds."""
    best: set[str] | None = None

    def keep(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and all(candidate) and (best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    run = ""
    for op, value in items:
        if op is sre_constants.LITERAL:
            run += chr(value)
            continue
        if op in _ZERO_WIDTH:  # consumes nothing: the literals around it are consecutive in the text
            continue
        if run and op in (sre_constants.SUBPATTERN, sre_constants.BRANCH):
            # « co(?:de|upon) »: the run goes on into each alternative (« code », « coupon »).
            starts = _prefixes([(op, value)])
            if all(starts):
                keep({run + start for start in starts})
        keep({run} if run else None)
        run = ""
        if op is sre_constants.SUBPATTERN:
            keep(_required(value[3]))
        elif op is sre_constants.ATOMIC_GROUP:
            keep(_required(value))
        elif op in _REPEATS and value[0] >= 1:
            keep(_required(value[2]))
        elif op is sre_constants.BRANCH:
            alternatives = [_required(alternative) for alternative in value[1]]
            if all(alternatives):
                keep(set().union(*alternatives))
    keep({run} if run else None)
    return best


def _prefixes(items) -> set[str]:
    """The literal each alternative of a parsed sequence begins with ("" for one that begins otherwise)."""
    if items and items[0][0] is sre_constants.BRANCH:
        return set().union(*(_prefixes(alternative) for alternative in items[0][1][1]))
    if items and items[0][0] is sre_constants.SUBPATTERN and len(items) == 1:
        return _prefixes(items[0][1][3])
    prefix = ""
    for op, value in items:
        if op is not sre_constants.LITERAL:
            break
        prefix += chr(value)
    return {prefix}
