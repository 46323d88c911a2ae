"""Lexicons: terms (words or phrases) found in analysed texts, inflected, run together or disguised.

A phrase is indexed by its longest word; ``Lexicon.find`` looks only where the text's stems that
some lexicon knows are (``analysis.Analysed.vocabulary_stems``), not at every token, and returns
the matches in reading order without overlaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from calendar_app.charte.text.analysis import Analysed, learn
from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.stems import stem
from calendar_app.charte.text.tokens import tokens

# Shorter terms are not searched inside hashtags: "#lavitrine" must not match a three-letter word.
_HASHTAG_TERM_MINIMUM = 5


@dataclass(frozen=True, slots=True)
class Match:
    term: str  # the lexicon's term, as written in the lexicon
    start: int
    end: int


class Lexicon:
    """Terms (words or phrases) found in a text whatever their case, accents, inflection or disguise.

    A phrase matches its words in sequence ("votez pour") and the same words run together as one
    token, as in a hashtag ("#votezpour"). Terms are written as a person would; each is analysed
    the same way as the texts.
    """

    def __init__(self, terms: Iterable[str]):
        # Each phrase is indexed by its longest word (its anchor), which is rarely a common word
        # like « le » or « pour »: anchor stem → [(stems of the phrase, term, anchor's position, the
        # set of its stems)]. Every word of a phrase is in the vocabulary (``learn``), so a phrase
        # whose words are not all in a text is passed over without looking for where its anchor is.
        self._anchored: dict[str, list[tuple[tuple[str, ...], str, int, frozenset[str]]]] = {}
        # The stem of a phrase's words run together (a one-token hashtag such as #votezpour) → term.
        self._joined: dict[str, str] = {}
        # Every term's words run together, searched inside longer hashtags (#VotezEquipeMontmagnyAvenir).
        hashtag_forms: dict[str, str] = {}
        self.terms: list[str] = []
        for term in terms:
            term = term.strip()
            words = tokens(fold(term)).words if term else []
            if not words:
                continue
            self.terms.append(term)
            stems = tuple(stem(word) for word in words)
            anchor = max(range(len(stems)), key=lambda position: len(stems[position]))
            self._anchored.setdefault(stems[anchor], []).append((stems, term, anchor, frozenset(stems)))
            joined = "".join(words)
            if len(words) > 1:
                self._joined.setdefault(stem(joined), term)
            if len(joined) >= _HASHTAG_TERM_MINIMUM:
                hashtag_forms.setdefault(joined, term)
        self._anchors = frozenset(self._anchored)
        self._joined_stems = frozenset(self._joined)
        self._stems = self._anchors | self._joined_stems
        learn(self._stems.union(*(phrase for entries in self._anchored.values() for phrase, *_rest in entries)))
        self._hashtag_terms = hashtag_forms
        self._hashtag_pattern = (
            re.compile("|".join(re.escape(form) for form in sorted(hashtag_forms, key=len, reverse=True)))
            if hashtag_forms
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.terms)

    def find(self, analysed: Analysed) -> list[Match]:
        """The terms in ``analysed``, in reading order, without overlaps (the longest wins)."""
        # Most texts contain none of a lexicon's words: a set intersection (in C) says so at once.
        known = analysed.vocabulary_stems()
        present = self._stems.intersection(known)
        hashtags = self._hashtag_pattern is not None and "#" in analysed.folded
        if not (present or hashtags):
            return []
        anchors, joined = present & self._anchors, present & self._joined_stems
        stems, starts, ends = analysed.stems, analysed.tokens.starts, analysed.tokens.ends
        spans: list[tuple[int, int, str]] = []  # (start, end, term) in characters
        # Only where the stems found are (tuple.index scans in C), not a loop over every token. Spans
        # with the same start and end keep this order (phrases, then joined words) for _without_overlaps.
        count = len(stems)
        for current in anchors:
            phrases = [entry for entry in self._anchored[current] if entry[3] <= known]
            if not phrases:
                continue
            for index in _indexes(stems, current):
                for phrase, term, anchor, _words in phrases:
                    first, last = index - anchor, index - anchor + len(phrase) - 1
                    if first >= 0 and last < count and stems[first : last + 1] == phrase:
                        spans.append((starts[first], ends[last], term))
        for current in joined:
            for index in _indexes(stems, current):
                spans.append((starts[index], ends[index], self._joined[current]))
        if hashtags:
            for hashtag in _HASHTAG.finditer(analysed.folded):
                inside = self._hashtag_pattern.search(hashtag.group(1))
                if inside:
                    spans.append((hashtag.start(1), hashtag.end(1), self._hashtag_terms[inside.group()]))
        return _without_overlaps(spans)


_HASHTAG = re.compile(r"#([a-z0-9]+)")


def _indexes(items: Sequence[str], item: str) -> Iterator[int]:
    """Every index of ``item`` in ``items``, in order."""
    index = -1
    try:
        while True:
            index = items.index(item, index + 1)
            yield index
    except ValueError:
        return


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[Match]:
    found: list[Match] = []
    for start, end, term in sorted(spans, key=lambda span: (span[0], span[0] - span[1])):
        if found and start < found[-1].end:
            continue
        found.append(Match(term, start, end))
    return found
