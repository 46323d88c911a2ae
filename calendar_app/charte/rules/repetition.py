"""Repetition (art. 5, planned content): the same text twice on one channel within a few days.

The measure is the Jaccard similarity of word shingles (runs of n consecutive words) of the folded
texts — case, accents, punctuation and spacing do not count. Why this measure:

- It is fast: the words come from the analysis every rule shares (``Analysed``), shingles are
  built with ``zip`` and compared with set operations, all in C; a recent text's shingles are
  cached, and a pair whose shingle counts alone rule out the threshold is skipped.
  ``difflib`` would be costlier (quadratic in the worst case, Python loops).
- Its meaning is simple: the share of word runs the two texts have in common.
- n grows with the length of the shorter text (1 word under 26 words, 2 under 40, then 3), so
  that one changed word in a long post still reads as the same post (one word in 80 changes 3
  three-word shingles of 78: 0.93), while in a short text, where one word is a large part of the
  message, words are compared one by one (one word in 20: 0.90).
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import TARGET_VERSION, Check, CheckContext, Finding, Severity, TextUnit
from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.tokens import tokens

# Shingle size by the number of words of the shorter text: (fewer than this many words, n).
_SHINGLE_SIZES = ((26, 1), (40, 2))
_LONG_SHINGLE = 3


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(tokens(fold(text)).words)


@lru_cache(maxsize=8192)
def _shingles(words: tuple[str, ...], size: int) -> frozenset:
    if size == 1 or len(words) <= size:
        return frozenset(words) if size == 1 else frozenset([words])
    return frozenset(zip(*(words[offset:] for offset in range(size)), strict=False))


def _shingle_size(word_count: int) -> int:
    for limit, size in _SHINGLE_SIZES:
        if word_count < limit:
            return size
    return _LONG_SHINGLE


def similarity(first: tuple[str, ...], second: tuple[str, ...], threshold: float = 0.0) -> float:
    """The Jaccard similarity of the two word sequences' shingles; 0 when it cannot reach ``threshold``."""
    if not first or not second:
        return 0.0
    if first == second:
        return 1.0
    size = _shingle_size(min(len(first), len(second)))
    a, b = _shingles(first, size), _shingles(second, size)
    small, large = sorted((len(a), len(b)))
    if small < threshold * large:  # |A ∩ B| / |A ∪ B| ≤ small / large
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


class Repetition(Check):
    code = "repetition"
    article = "5"
    severity = Severity.WARN
    help_text = _("A near-identical text already scheduled or published on the same channel within a few days.")

    MESSAGE = _(
        "This text is %(similarity)s%% identical to a text already scheduled or published on this %(network)s "
        "channel less than %(days)s days apart: rewrite it or space the posts further apart."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.threshold = float(data.setting("repetition_similarity"))
        self.days = data.setting("repetition_window_days")

    def check(self, context: CheckContext):
        recent_by_channel = context.recent_texts_by_channel
        if not recent_by_channel:
            return
        analysed = {unit.text.text: unit.text for unit in context.units() if unit.text is not None}
        for channel_id, network, text in context.version_texts():
            recent = recent_by_channel.get(channel_id)
            if not recent or not text:
                continue
            analysis = analysed.get(text)
            words = tuple(analysis.tokens.words) if analysis is not None else _words(text)
            best = 0.0
            for other in recent:
                if other:
                    best = max(best, similarity(words, _words(other), self.threshold))
                    if best == 1.0:
                        break
            if best and best >= self.threshold:
                unit = TextUnit(target=TARGET_VERSION, text=None, channel_id=channel_id, network=network)
                params = {"similarity": int(best * 100), "network": self.data.network_label(network), "days": self.days}
                yield unit, Finding(message=self.MESSAGE, params=params)
