"""A text analysed once for every rule: folded, tokenised, stemmed; and the lexicons' vocabulary."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.stems import stem
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
    """A text folded, tokenised and stemmed once, for every lexicon that looks at it."""

    __slots__ = ("text", "folded", "tokens", "stems", "_known")

    def __init__(self, text: str):
        self.text = text
        self.folded = fold(text)
        self.tokens = tokens(self.folded)
        self.stems = tuple(map(stem, self.tokens.words))
        self._known: tuple[frozenset[str], frozenset[str]] | None = None

    def vocabulary_stems(self) -> frozenset[str]:
        """The stems of this text that some lexicon looks for (``learn``): usually none or a few."""
        vocabulary, known = _vocabulary, self._known
        if known is None or known[0] is not vocabulary:  # a lexicon learnt new stems since
            known = self._known = (vocabulary, vocabulary.intersection(self.stems))
        return known[1]
