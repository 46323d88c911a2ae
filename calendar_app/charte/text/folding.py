"""Folding: lower case, accents removed, typographic apostrophes and spaces made plain.

Guarantees: ``fold`` keeps the length of the text, so a position in the folded text is a position
in the original; each character folds on its own, whatever its neighbours (a literal in the text is
the folded literal in the folded text); whatever Python's case-insensitive matching takes for a
letter folds as that letter does (``patterns.needles`` rests on it).

``fold_reference`` is the plain version: the lowered text translated by the table ``_FOLD``.
``fold`` gives the same text (``test_reference_implementations.py`` proves it on arbitrary texts),
faster: ``str.translate`` looks each character up in a dictionary, and costs 380,000 instructions
per post more (``bench/charte_count.py``: +15 % of the Charte's 2,471,000).
"""

from __future__ import annotations

import re
import unicodedata


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = "".join(part for part in unicodedata.normalize("NFD", char) if not unicodedata.combining(part))
        if len(base) == 1 and base != char:
            table[code] = base.lower()
    # Typographic apostrophes and quotes become plain ones (same length).
    for char in "\u2019\u2018\u02bc\u00b4`":
        table[ord(char)] = "'"
    for char in "\u00a0\u202f\u2009\u2007":
        table[ord(char)] = " "
    # Letters that Python's case-insensitive matching takes for an ASCII one (long s, dotless i):
    # folded onto it, so that a folded text holds the folded literals of every match (``needles``).
    table[ord("ſ")] = "s"
    table[ord("ı")] = "i"
    # The final sigma, the one letter whose lower case depends on its neighbours (Σ → σ or ς): one
    # form, so that each character folds on its own.
    table[ord("ς")] = "σ"
    table[ord("œ")] = "o"
    table[ord("Œ")] = "o"
    table[ord("æ")] = "a"
    table[ord("Æ")] = "a"
    # A letter whose base letter folds in turn (ǣ → æ) folds as its base does (a): folding a folded
    # text changes nothing.
    for code, replacement in table.items():
        table[code] = table.get(ord(replacement), replacement)
    return table


_FOLD = _fold_table()


def fold_reference(text: str) -> str:
    """Lower case, then each character replaced by its entry in ``_FOLD``; same length as ``text``."""
    return _lowered(text).translate(_FOLD)


def fold(text: str) -> str:
    """What ``fold_reference`` gives: each character of the table that the text holds is found once by
    a regular expression (a text holds few distinct ones: é, à, ’), then replaced throughout by
    ``str.replace``, in C."""
    lowered = _lowered(text)
    for char in set(_FOLDABLE.findall(lowered)):
        lowered = lowered.replace(char, _FOLD_CHARS[char])
    return lowered


def _lowered(text: str) -> str:
    """The text in lower case, one character for one (« İ », whose lower case is two, keeps the first)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(char.lower()[0] for char in text)
    return lowered


# For ``fold``: the table by character, and a pattern that finds the characters it changes.
_FOLD_CHARS = {chr(code): replacement for code, replacement in _FOLD.items()}
_FOLDABLE = re.compile("[" + "".join(map(re.escape, _FOLD_CHARS)) + "]")
