"""What the personal-data detectors share: the kinds of finding, the characters that separate
digits, and two ways to find words from the data in a text — a pattern led by a cue word
(``CuedPattern``) and a list of words and phrases (``Phrases``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from calendar_app.charte.text.analysis import Analysed, learn
from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.stems import stem
from calendar_app.charte.text.tokens import tokens

# A lexicon more than one detector reads (« 1er », « 3e »: dates and street numbers).
ORDINAL_SUFFIXES = "personal_data_ordinal_suffixes"

# The kinds of personal information, in the order a finding is preferred when two overlap with
# the same length (the more sensitive first).
NAS, PHONE, EMAIL, BIRTH, ADDRESS = "nas", "phone", "email", "birth", "address"
FILE, CASE, HEALTH_INFO = "file", "case", "health"
# Not a finding: an allowed phone number (the city's, a help line), kept only so that a number
# given as its alternative (« 1 877 644-4545 ou 418 644-4545 ») is read as the same holder's.
OFFICIAL = "official"
PRIORITY = {kind: rank for rank, kind in enumerate((NAS, PHONE, EMAIL, BIRTH, ADDRESS, FILE, CASE, HEALTH_INFO))}

NEVER = r"(?!x)x"  # an alternation with no terms matches nothing
DASHES = "\u2010-\u2015"  # hyphen, non-breaking hyphen, figure dash, en dash, em dash, bar


@dataclass(frozen=True, slots=True)
class Found:
    """A piece of personal information: its kind and its span in the text."""

    kind: str
    start: int
    end: int


def alternation(terms: Iterable[str], *, bound_start: bool = True) -> str:
    """A regex alternation of words from the data, folded, longest first, on word boundaries."""
    pieces = set()
    for term in terms:
        folded = fold(term.strip())
        if not folded:
            continue
        piece = r"[ \t]+".join(re.escape(word) for word in folded.split())
        if bound_start and folded[0].isalnum():
            piece = r"(?<!\w)" + piece
        if folded[-1].isalnum():
            piece += r"(?![^\W\d_])"  # not followed by a letter (a digit may follow: x1234)
        pieces.add(piece)
    if not pieces:
        return NEVER
    return "(?:" + "|".join(sorted(pieces, key=lambda piece: (-len(piece), piece))) + ")"


def first_stems(terms: Iterable[str]) -> tuple[set[str], bool]:
    """The stems a text must contain for one of the terms to be in it, and whether a term has no
    word at all (a sign such as « # »), which only a scan of the whole text can find."""
    keys, signs_only = set(), False
    for term in terms:
        words = tokens(fold(term.strip())).words
        if words:
            keys.add(stem(words[0]))
        elif term.strip():
            signs_only = True
    learn(keys)
    return keys, signs_only


def positions(stems: list[str], wanted: set[str]) -> list[int]:
    """Where the stems of ``wanted`` are in a text's stems, in order. (``list.index`` looks for each
    one: the text's words are not walked one by one in Python.)"""
    found = []
    for word_stem in wanted:
        index = -1
        try:
            while True:
                index = stems.index(word_stem, index + 1)
                found.append(index)
        except ValueError:
            pass
    return sorted(found)


class CuedPattern:
    """A pattern that begins with a word from the data, tried only where a text has that word."""

    def __init__(self, terms: list[str], tail: str):
        self.regex = re.compile(alternation(terms) + tail)
        self.keys, self.scan = first_stems(terms)

    def finditer(self, analysed: Analysed, stems: set[str]) -> Iterator[re.Match]:
        if self.scan:
            yield from self.regex.finditer(analysed.folded)
            return
        hits = self.keys.intersection(stems)
        if not hits:
            return
        folded, starts, last_end = analysed.folded, analysed.tokens.starts, -1
        for index in positions(analysed.stems, hits):
            if starts[index] >= last_end:
                match = self.regex.match(folded, starts[index])
                if match:
                    last_end = match.end()
                    yield match


class Phrases:
    """Words and phrases from the data, found in a text as ``Lexicon`` finds them (folded,
    inflected, a phrase also run together as one hashtag), but fast: each phrase is looked up by its
    longest word, so a text without any of those words (a set intersection) is not walked at all."""

    def __init__(self, terms: Iterable[str], *, exact: bool = False):
        # anchor stem → (stems of the phrase, position of the anchor in it); longest phrase first
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        self.exact = exact  # compare the words as written (folded), not their stems
        for term in terms:
            words = tokens(fold(term.strip())).words
            if not words:
                continue
            phrase = tuple(words) if exact else tuple(stem(word) for word in words)
            offset = max(range(len(phrase)), key=lambda position: len(phrase[position]))
            self._phrases.setdefault(phrase[offset], []).append((phrase, offset))
            if len(words) > 1:  # #atteintdecancer
                joined = "".join(words) if exact else stem("".join(words))
                self._phrases.setdefault(joined, []).append(((joined,), 0))
        for candidates in self._phrases.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))
        self.keys = set(self._phrases)
        learn(self.keys)

    def find(self, analysed: Analysed, present: Iterable[str] | None = None) -> list[tuple[int, int, int]]:
        """(start, end, index of the first word) of each term found, in reading order, no overlaps.
        ``present``: the stems worth looking for when the caller already knows them (else all)."""
        words = analysed.tokens.words if self.exact else analysed.stems
        hits = self.keys.intersection(words if present is None else present)
        if not hits:
            return []
        starts, ends = analysed.tokens.starts, analysed.tokens.ends
        candidates = []
        for index in [index for index, word in enumerate(words) if word in hits]:
            for phrase, offset in self._phrases[words[index]]:
                first = index - offset
                if first >= 0 and tuple(words[first : first + len(phrase)]) == phrase:
                    candidates.append((first, -len(phrase)))
                    break
        found, next_index = [], 0
        for first, size in sorted(candidates):
            if first >= next_index:
                last = first - size - 1
                found.append((starts[first], ends[last], first))
                next_index = last + 1
        return found
