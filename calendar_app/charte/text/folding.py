"""Folding: lower case, accents removed, typographic apostrophes and spaces made plain.

Guarantees: ``fold`` keeps the length of the text, so a position in the folded text is a position
in the original; folding a text piece by piece gives what folding it whole gives; whatever Python's
case-insensitive matching takes for a letter folds as that letter does (``patterns.needles`` rests
on it). ``_FOLD`` is the plain reference: ``fold`` replaces each character of the lowered text by
its entry there, once, only faster.
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
    # form, so that folding a text piece by piece gives what folding it whole gives.
    table[ord("ς")] = "σ"
    table[ord("œ")] = "o"
    table[ord("Œ")] = "o"
    table[ord("æ")] = "a"
    table[ord("Æ")] = "a"
    return table


_FOLD = _fold_table()
# The same table by character, and a pattern that finds the characters it changes. A text holds a
# few distinct ones (é, à, ’): replacing each throughout is several times cheaper than
# ``str.translate``, which looks every character of the text up in the table.
_FOLD_CHARS = {chr(code): replacement for code, replacement in _FOLD.items()}
_FOLDABLE = re.compile("[" + "".join(map(re.escape, _FOLD_CHARS)) + "]")
# Characters whose replacement is folded again (ǣ → æ): one replacement after the other would fold
# them twice, so a text holding one is translated in one pass.
_FOLDED_TWICE = frozenset(char for char, replacement in _FOLD_CHARS.items() if replacement in _FOLD_CHARS)


# The table's characters beyond Latin-1 that French texts often hold (typographic apostrophes and
# spaces, œ), replaced first: most texts are then Latin-1, and folded by ``bytes.translate``, one
# lookup per byte in C, many times cheaper than finding the characters to replace.
_BEYOND_LATIN1 = tuple(char for char in "\u2019\u2018\u02bc\u202f\u2009\u2007œ" if _FOLD_CHARS[char].isascii())
_LATIN1_FOLD = bytes(ord(_FOLD.get(code, chr(code))) for code in range(256))


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes and spaces made plain; same length."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character whose lower case is longer (e.g. "İ")
        lowered = "".join(char.lower()[0] for char in text)
    for char in _BEYOND_LATIN1:
        if char in lowered:
            lowered = lowered.replace(char, _FOLD_CHARS[char])
    try:
        return lowered.encode("latin-1").translate(_LATIN1_FOLD).decode("latin-1")
    except UnicodeEncodeError:  # other characters beyond Latin-1: each one found and replaced
        pass
    found = set(_FOLDABLE.findall(lowered))
    if not found.isdisjoint(_FOLDED_TWICE):
        return lowered.translate(_FOLD)
    for char in found:
        lowered = lowered.replace(char, _FOLD_CHARS[char])
    return lowered
