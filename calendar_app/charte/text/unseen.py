"""Characters people do not see, read as nothing inside a word.

``INVISIBLE`` and ``COMBINING_MARKS`` are the one source for every rule (links excepted: an
invisible character makes an address another address). ``holds_unseen`` says whether a folded text
holds one, as its plain version ``holds_unseen_reference`` does (``test_reference_implementations.py``
proves it on arbitrary texts).
"""

from __future__ import annotations

import re

# Characters people do not see: Unicode's default-ignorable code points (DerivedCoreProperties.txt,
# Default_Ignorable_Code_Point), which a renderer shows as nothing: the soft hyphen, the combining
# grapheme joiner, the Arabic letter mark, Hangul and Khmer fillers, Mongolian variation selectors,
# zero-width spaces and joiners, direction marks, embeddings, overrides and isolates, the word joiner
# and invisible operators, variation selectors, the byte order mark, tags. Slipped inside a word to
# dodge a filter (« vo\u200btez », « vo\u2063tez »), they are read as nothing. As ranges of a regular
# expression's character class; the one source for every rule (links excepted: an invisible
# character makes an address another address).
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# Combining marks that decorate the letter before them: an accent typed as a character of its own
# (« e\u0301 » for « é », which folding removes anyway), strokes and underlines (« v\u0336o\u0336t\u0336e\u0336z\u0336 »
# reads « votez »). Inside a word they are read as nothing, like the invisible characters.
COMBINING_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Both, as ranges of a character class (the tokens' pattern reads them inside a word).
UNSEEN = INVISIBLE + COMBINING_MARKS
_UNSEEN_CHAR = re.compile(f"[{UNSEEN}]")


def characters(ranges: str) -> str:
    """Every character of a character class made of single characters and ranges (« a-c » → « abc »)."""
    found, index = [], 0
    while index < len(ranges):
        if index + 2 < len(ranges) and ranges[index + 1] == "-":
            found.extend(map(chr, range(ord(ranges[index]), ord(ranges[index + 2]) + 1)))
            index += 3
        else:
            found.append(ranges[index])
            index += 1
    return "".join(found)


def holds_unseen(folded: str) -> bool:
    """Whether a text holds a character of ``INVISIBLE`` or ``COMBINING_MARKS`` (what
    ``holds_unseen_reference`` says).

    All of them lie beyond Latin-1 but the soft hyphen, and a folded French text is usually Latin-1:
    a text in ASCII holds none, and a text in Latin-1 holds one only if it holds a soft hyphen. Both
    questions are answered in C; the regular expression, which reads the text character by character
    against a class of some 4,500 characters, costs 142,000 instructions per post more
    (``bench/charte_count.py``: +6 % of the Charte's 2,471,000)."""
    if folded.isascii():
        return False
    try:
        folded.encode("latin-1")
    except UnicodeEncodeError:
        return holds_unseen_reference(folded)
    return "\u00ad" in folded


def holds_unseen_reference(folded: str) -> bool:
    """The plain version of ``holds_unseen``: one search for a character of the class."""
    return _UNSEEN_CHAR.search(folded) is not None
