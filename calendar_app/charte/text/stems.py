"""Light French inflection: plural and feminine endings folded onto one key.

``stem`` folds « partisanes », « partisans » and « partisan » onto one stem, so a lexicon lists each
word once.
"""

from __future__ import annotations

# Feminine and plural endings folded onto the masculine singular; longest first.
_ENDINGS = (
    ("trices", "teur"),
    ("euses", "eur"),
    ("trice", "teur"),
    ("euse", "eur"),
    ("elles", "el"),
    ("ennes", "en"),
    ("elle", "el"),
    ("enne", "en"),
    ("ives", "if"),
    ("ive", "if"),
    ("aux", "al"),
    ("es", ""),
    ("s", ""),
    ("x", ""),
    ("e", ""),
)


def stem(word: str) -> str:
    """A light French stem: plural and feminine endings removed (partisanes → partisan)."""
    found = _stems.get(word)
    if found is None:
        if len(_stems) >= _STEMS_KEPT:
            _stems.clear()
        found = _stems[word] = _stem(word)
    return found


def _stem(word: str) -> str:
    if len(word) <= 3:
        return word
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) + len(replacement) >= 3:
            return word[: len(word) - len(ending)] + replacement
    return word


# Stems made so far (memory, not policy: emptied when full).
_STEMS_KEPT = 65536
_stems: dict[str, str] = {}
