"""A text analysed once for every rule: folded, tokenised, stemmed; and the lexicons' vocabulary.

``Analysed(text, like=other)`` reuses the words a text shares with one analysed before it (a channel
version made from the post's text); the result is exactly that of ``Analysed(text)``, its plain
reference (``test_text.py`` proves it on random texts).
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable

from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.stems import stem_all
from calendar_app.charte.text.tokens import tokens

# Every stem that some lexicon of the process looks for (a few thousand per rule set), replaced by a
# larger set whenever a lexicon brings new ones. A text is matched against it once (``Analysed.
# vocabulary_stems``); each lexicon then looks at the few stems found, not at every word again.
_vocabulary: frozenset[str] = frozenset()
_vocabulary_lock = threading.Lock()


def learn(stems: Iterable[str]) -> None:
    """Add stems that a lexicon looks for to the vocabulary (see ``Analysed.vocabulary_stems``)."""
    global _vocabulary
    with _vocabulary_lock:
        new = frozenset(stems).difference(_vocabulary)
        if new:
            _vocabulary = _vocabulary | new


class Analysed:
    """A text folded and tokenised once, for every lexicon that looks at it.

    ``like``: the analysis of another text this one may begin like (a channel version made from the
    post's text): the words the two share are not folded and tokenised again. The result is the same
    as without it."""

    __slots__ = ("text", "folded", "tokens", "stems", "_known")

    def __init__(self, text: str, like: Analysed | None = None):
        self.text = text
        count = _shared_tokens(like, text) if like is not None else 0
        if count:
            position = like.tokens.starts[count]
            self.folded = like.folded[:position] + fold(text[position:])
            self.tokens = tokens(self.folded, like.tokens, count)
        else:
            self.folded = fold(text)
            self.tokens = tokens(self.folded)
        if count and not self.tokens.joined:  # (a run of spaced letters may join shared words)
            self.stems = like.stems[:count] + stem_all(self.tokens.words[count:])
        else:
            self.stems = stem_all(self.tokens.words)
        self._known: tuple[frozenset[str], frozenset[str]] | None = None

    def vocabulary_stems(self) -> frozenset[str]:
        """The stems of this text that some lexicon looks for (``learn``): usually none or a few."""
        vocabulary, known = _vocabulary, self._known
        if known is None or known[0] is not vocabulary:  # a lexicon learnt new stems since
            known = self._known = (vocabulary, vocabulary.intersection(self.stems))
        return known[1]


def _shared_tokens(like: Analysed, text: str) -> int:
    """How many of ``like``'s tokens ``text`` shares, with what follows up to the next one's start.

    Each such token is the same in both texts: a token ends where a character cannot go on with it,
    and that character lies before the next token's start. Folding the rest from that start gives
    the same letters too (the only letter Python lowers by its neighbours, the Greek sigma, looks no
    further than the token's first character, and ``fold`` writes both its forms alike). Texts with
    letters spaced apart are analysed whole."""
    if like.tokens.joined or len(like.tokens) < 2:
        return 0
    # The length of the common beginning, by halves (each comparison is one call in C).
    low, high = 0, min(len(text), len(like.text))
    while low < high:
        middle = (low + high + 1) // 2
        if text.startswith(like.text[:middle]):
            low = middle
        else:
            high = middle - 1
    # The last token that starts strictly inside the common part is read again.
    return max(0, bisect_left(like.tokens.starts, low) - 1)
