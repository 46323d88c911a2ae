"""Regular expressions of the rule data, scanned only in texts that may hold a match.

``Pattern.finditer`` finds exactly what ``Pattern.finditer_reference`` (the regular expression run on
every text) finds: it only skips texts whose folded form holds none of the pattern's ``needles``,
literals of which every match holds one. Skipping pays: the advertising patterns, run on every
text, cost 656,000 instructions per post more (``bench/charte_count.py``: +27 % of the Charte's
2,471,000). ``test_reference_implementations.py`` proves both agree on arbitrary texts, and that
every match of a pattern holds one of its ``needles``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold


class Pattern:
    """A regular expression of the rule data (case-insensitive), searched in analysed texts.

    Every match holds one of its ``needles`` (see ``needles``): a text whose folded form holds none
    of them cannot match, and is not scanned. Matches are found in the text as written, so a pattern
    may still tell capitals apart (``(?-i:[A-Z]+)``).
    """

    __slots__ = ("regex", "needles")

    def __init__(self, source: str, flags: int = re.IGNORECASE):
        self.regex = re.compile(source, flags)
        self.needles = needles(source, flags)

    def finditer(self, analysed: Analysed) -> Iterator[re.Match]:
        if self.needles is None:
            return self.regex.finditer(analysed.text)
        for needle in self.needles:
            if needle in analysed.folded:
                return self.regex.finditer(analysed.text)
        return iter(())

    def finditer_reference(self, analysed: Analysed) -> Iterator[re.Match]:
        """The plain version ``finditer`` agrees with: every text scanned."""
        return self.regex.finditer(analysed.text)


# A quantifier: ?, *, +, {m}, {m,}, {m,n} or {,n}, then « ? » (lazy) or « + » (possessive) or nothing.
_QUANTIFIER = re.compile(r"(?:[?*+]|\{(\d*)(,\d*)?\})[?+]?")
# Escapes made of a backslash and a letter that stand for a class or a position (\d, \s, \b…). Any
# other escaped letter or digit (\x41, \u00e9, \N{…}, \1) is not read: the pattern gets no needles.
_CLASS_ESCAPES = frozenset("dDsSwWbBAZ")
# Inline flags for the whole pattern, such as (?x) or (?i), change how the rest reads.
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def needles(source: str, flags: int = 0) -> frozenset[str] | None:
    """Folded literals of which every match of ``source`` holds one, or None when there are none to be
    sure of: then every text is scanned.

    Reads the pattern's text (see ``_required``), with Python's ``re`` only to find its quantifiers.
    A verbose pattern, or one with comments or flags for the whole pattern, gives None. Folding keeps
    the needles true whatever the case, accents and typographic apostrophes of the text (``fold``).
    """
    if flags & re.VERBOSE or _GLOBAL_FLAGS.search(source) or "(?#" in source:
        return None
    found = _required(source)
    return frozenset(map(fold, found)) if found else None


def _required(source: str) -> set[str] | None:
    """Literals of which every match of ``source`` holds one (None when there are none to be sure of).

    1. Alternatives (``a|b``): each must give literals, and the needles are all of them.
    2. Otherwise the pattern is read from left to right. A plain character or an escaped sign
       (``\\$``) is a literal; literals one after the other make a run. Anything else ends the run:
       a class ``[…]``, ``\\d``, ``.``, an anchor, a group. A literal made optional (``?``, ``*``,
       ``{0,…}``) is dropped; one repeated (``+``, ``{2}``) ends its run.
    3. A group ``(…)`` or ``(?:…)`` that is not optional is read in turn (1, 2); lookarounds and
       other groups are passed over. A group of plain words right after a run goes on with it
       (« co(?:de|upon) » → « code », « coupon »).
    4. Of the runs and the groups' literals, the set whose shortest literal is longest is kept
       (« \\d+\\s?(?:\\$|dollars?) » → {« $ », « dollar »}; « promo\\s*: » → {« promo »}).
    A construct this reading does not know (``\\x41``, an unbalanced bracket) gives None.
    """
    alternatives = _alternatives(source)
    if alternatives is None:
        return None
    if len(alternatives) > 1:
        found = [_required(alternative) for alternative in alternatives]
        return None if None in found else set().union(*found)
    candidates: list[set[str]] = []
    run, index = "", 0
    while index < len(source):
        char, end = source[index], _item_end(source, index)
        if end < 0 or char in "|)]{}?*+":
            return None  # not read, or a quantifier with nothing before it, or an unbalanced bracket
        literal = group = None
        if char == "\\":
            if source[index + 1].isalnum() and source[index + 1] not in _CLASS_ESCAPES:
                return None
            literal = None if source[index + 1].isalnum() else source[index + 1]
        elif char == "(":
            group = _group_body(source[index:end])
        elif char not in "[.^$" and _folds_as_written(char):
            literal = char
        index = end
        quantifier = _QUANTIFIER.match(source, index)
        if quantifier:
            index = quantifier.end()
            if not _at_least_once(quantifier):
                literal = group = None
        if literal is not None:
            run += literal
            if not quantifier:
                continue
        found = _required(group) if group is not None else None
        if found and run and not quantifier and all(map(_is_plain_word, _alternatives(group))):
            found = {run + word for word in found}  # « co(?:de|upon) » → « code », « coupon »
        if run:
            candidates.append({run})
        run = ""
        if found:
            candidates.append(found)
    if run:
        candidates.append({run})
    return max(candidates, key=lambda candidate: min(map(len, candidate)), default=None)


def _folds_as_written(char: str) -> bool:
    """Whether every character a case-insensitive pattern takes for ``char`` folds as it does: the
    Latin letters and signs French writes (not the micro sign, which matches the Greek mu)."""
    return char < "\u0250" and char != "\u00b5"


def _is_plain_word(literal: str) -> bool:
    """Whether ``literal`` is made of letters only (an alternative such as « de » in « co(?:de|upon) »)."""
    return literal.isalpha() and all(map(_folds_as_written, literal))


def _at_least_once(quantifier: re.Match) -> bool:
    """Whether a quantifier asks for its item at least once (+, {2}, {1,3}; not ?, * or {0,3})."""
    sign = quantifier.group()[0]
    return sign == "+" or (sign == "{" and int(quantifier.group(1) or 0) > 0)


def _alternatives(source: str) -> list[str] | None:
    """The alternatives of ``source`` at its top level (``a|b(c|d)`` → ``a``, ``b(c|d)``)."""
    alternatives, start, index = [], 0, 0
    while index < len(source):
        if source[index] == "|":
            alternatives.append(source[start:index])
            start = index + 1
        index = _item_end(source, index)
        if index < 0:
            return None
    return [*alternatives, source[start:]]


def _group_body(group: str) -> str | None:
    """What a capturing group ``(…)`` or a group ``(?:…)`` holds; None for any other group."""
    if group.startswith("(?:"):
        return group[3:-1]
    return None if group.startswith("(?") else group[1:-1]


def _item_end(source: str, start: int) -> int:
    """The index after the item at ``start``: an escape, a class ``[…]``, a group ``(…)`` or one
    character (-1 when a class or a group does not close)."""
    char = source[start]
    if char == "\\":
        return start + 2 if start + 1 < len(source) else -1
    if char == "[":
        return _class_end(source, start)
    if char == "(":
        return _group_end(source, start)
    return start + 1


def _class_end(source: str, start: int) -> int:
    """The index after the class ``[…]`` opening at ``start`` (-1 when it does not close)."""
    index = start + 1
    if source.startswith("^", index):
        index += 1
    if source.startswith("]", index):  # a « ] » first is a literal
        index += 1
    while index < len(source):
        if source[index] == "\\":
            index += 2
        elif source[index] == "[":
            return -1  # a nested set (Python warns it may change meaning): not read
        elif source[index] == "]":
            return index + 1
        else:
            index += 1
    return -1


def _group_end(source: str, start: int) -> int:
    """The index after the group ``(…)`` opening at ``start`` (-1 when it does not close)."""
    index = start + 1
    while index < len(source) and source[index] != ")":
        index = _item_end(source, index)
        if index < 0:
            return -1
    return index + 1 if index < len(source) else -1
