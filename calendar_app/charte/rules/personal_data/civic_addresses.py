"""Civic addresses: a civic number and street leading to a postal code on the same line, after a
word that announces where someone lives (« j'habite au »), right after a person's name or a word
naming who lives there (« Mme Josée Tremblay, du 45, rue des Pins », « le propriétaire du 12, rue
Saint-Louis »), or in a sentence about a file (« … a reçu un constat d'infraction »); the city's own
addresses pass, and whose an address is (a person's or a place's) is told by ``holders``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from calendar_app.charte.rules.personal_data.holders import SENTENCE_REACH, Holders
from calendar_app.charte.rules.personal_data.patterns import (
    ADDRESS,
    DASHES,
    ORDINAL_SUFFIXES,
    CuedPattern,
    Found,
    alternation,
    first_stems,
    positions,
)
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold

# The lexicons this detector reads (see the defaults file for what each holds).
STREET_TYPES = "personal_data_street_types"
STREET_FILLERS = "personal_data_street_fillers"
ADDRESS_CUES = "personal_data_address_cues"
ADDRESS_HOLDERS = "personal_data_address_holders"
ADDRESS_LINKS = "personal_data_address_links"
ADDRESS_FILE_WORDS = "personal_data_address_file_words"

# A Canadian postal code; the letters D, F, I, O, Q, U never appear, W and Z never first.
_POSTAL = re.compile(
    rf"(?<!\w)([abceghj-nprstvxy]\d[abceghj-nprstv-z])[ \t]?[-{DASHES}]?[ \t]?(\d[abceghj-nprstv-z]\d)(?!\w)"
)
_CIVIC_NUMBER = r"(?P<number>\d{1,6}(?:[a-z](?!\w))?(?:[-/]\d{1,6})?)"
_SEGMENT_END = re.compile(r"[,\n;()]")
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"[0-9]")
_BLANKS = " \t,\u00a0"
_SENTENCE_END = re.compile(r"[!?;\n]|\.(?=\s)")
# How far before a civic number a person's name or a word naming who lives there may begin, and
# how far before a street type its civic number may be (« 41 Main Street », « 214, 3e Avenue »).
_HOLDER_REACH = 60
_NUMBER_REACH = 40


@dataclass(frozen=True, slots=True)
class Address:
    """What two addresses are compared by, each part when known."""

    number: str | None
    street: frozenset[str]
    postal: str | None


class CivicAddresses:
    """Finds civic addresses; ``allow`` adds one of the city's."""

    def __init__(self, terms):
        street_types = alternation(terms.get(STREET_TYPES, ()))
        ordinal = alternation(terms.get(ORDINAL_SUFFIXES, ()), bound_start=False)
        self._street_fillers = {fold(term).strip(". ") for term in terms.get(STREET_FILLERS, ())}
        self._street_types = {fold(term).strip(". ") for term in terms.get(STREET_TYPES, ())}
        # A civic number and its street type: 143, rue ...; 214, 3e Avenue; 45 Main Street.
        self._civic = re.compile(
            rf"(?<![\w.,\-/]){_CIVIC_NUMBER}(?:[ \t]*,)?[ \t]+"
            rf"(?:(?:\d{{1,3}}{ordinal}[ \t]+)?{street_types}"  # French order
            rf"|(?:[^\W\d_][\w'\-]*[ \t]+){{1,3}}{street_types})"  # English order
        )
        # An address with no postal code is someone's only after a word such as « j'habite au ».
        self.cued = CuedPattern(terms.get(ADDRESS_CUES, []), r"[^\n.!?\d]{0,40}?(?<!\w)(?=\d)")
        # Civic addresses tied to a person (a name, « le propriétaire du », a file) are looked for
        # only in a text with a street type (``keys``).
        self.keys, _ = first_stems(terms.get(STREET_TYPES, ()))
        # A text without any of these stems ties no address to a person but by a name.
        self.tie_keys = (
            first_stems(terms.get(ADDRESS_HOLDERS, ()))[0] | first_stems(terms.get(ADDRESS_FILE_WORDS, ()))[0]
        )
        self._links = _folded_longest_first(terms.get(ADDRESS_LINKS, ()))
        self._holder_words = _folded_longest_first(terms.get(ADDRESS_HOLDERS, ()))
        self._file_words = re.compile(alternation(terms.get(ADDRESS_FILE_WORDS, ())))
        self._official: list[Address] = []

    def allow(self, value: str) -> None:
        """One of the city's addresses: each with a postal code, else its first civic number and street."""
        analysed = Analysed(value)
        postal = [address for _found, address in self._postal_addresses(analysed.folded)]
        self._official.extend(postal or self._first_address(analysed))

    def with_postal_codes(self, folded: str) -> Iterator[Found]:
        """The addresses that end with a postal code (a text that has one: see the digit scan)."""
        for found, address in self._postal_addresses(folded):
            if not self._is_official(address):
                yield found

    def after_cues(self, analysed: Analysed, stems: set[str]) -> Iterator[Found]:
        """The addresses after a word that announces one (``stems``: the cue words the text has)."""
        for cue in self.cued.finditer(analysed, stems):
            found, address = self._address_at(analysed, cue.end())
            if found is not None and not self._is_official(address):
                yield found

    def tied_to_people(self, analysed: Analysed, stems: set[str], holders: Holders) -> Iterator[Found]:
        """Civic addresses without a postal code that point to a person: right after a name or a
        word naming who lives there, or in a sentence about a file when no institution holds them
        (``stems``: the cue words the text has)."""
        hits = self.keys.intersection(stems)
        if not hits:
            return
        folded, starts, ends, read_up_to = analysed.folded, analysed.tokens.starts, analysed.tokens.ends, 0
        # Only before a street type: « 45, rue », « 41 Main Street » (the number a few words before).
        for index in positions(analysed.stems, hits):
            window = max(read_up_to, starts[index] - _NUMBER_REACH)
            if not _DIGIT.search(folded, window, starts[index]):
                continue  # « sur place », « la Côte-du-Sud »
            civic = next(self._civic.finditer(folded, window, ends[index] + 1), None)
            if civic is None or civic.end() < starts[index]:
                continue
            read_up_to = civic.end()
            found, address = self._address_at(analysed, civic.start())
            if found is None or self._is_official(address):
                continue
            if self._after_a_holder(analysed, civic.start(), holders) or (
                self._about_a_file(folded, found) and holders.is_persons_address(analysed, found.start, found.end, 0)
            ):
                yield found

    def _after_a_holder(self, analysed: Analysed, start: int, holders: Holders) -> bool:
        """« Mme Josée Tremblay, du | 45 », « le propriétaire du | 12 »."""
        floor = max(0, start - _HOLDER_REACH)
        head = analysed.folded[floor:start].rstrip(_BLANKS)
        link = _last_word(head, self._links)
        if link:
            head = head[: -len(link)].rstrip(_BLANKS)  # « Mme Josée Tremblay, du » → « Mme Josée Tremblay »
        if _last_word(head, self._holder_words):
            return True  # « le propriétaire »
        return holders.name_before(analysed, floor + len(head), _HOLDER_REACH) is not None

    def _about_a_file(self, folded: str, found: Found) -> bool:
        """Whether the sentence of an address speaks of a file (« constat d'infraction »)."""
        floor = max(0, found.start - SENTENCE_REACH)
        start = max((stop.end() for stop in _SENTENCE_END.finditer(folded, floor, found.start)), default=floor)
        stop = _SENTENCE_END.search(folded, found.end, found.end + SENTENCE_REACH)
        end = stop.start() if stop else min(len(folded), found.end + SENTENCE_REACH)
        return self._file_words.search(folded, start, end) is not None

    def _is_official(self, address: Address) -> bool:
        """Compared by civic number, street (its distinctive words) and postal code, each when known."""
        for official in self._official:
            if address.postal and official.postal and address.postal != official.postal:
                continue
            if address.number is None:  # a postal code alone: the city hall's passes
                if address.postal and address.postal == official.postal:
                    return True
                continue
            if address.number != official.number:
                continue
            if address.street and official.street and not (address.street & official.street):
                continue
            return True
        return False

    def _postal_addresses(self, folded: str) -> Iterator[tuple[Found, Address]]:
        """Each postal code, with the civic address that leads to it on the same line, if any."""
        for match in _POSTAL.finditer(folded):
            postal = match.group(1) + match.group(2)
            floor = max(0, match.start() - 120, folded.rfind("\n", 0, match.start()) + 1)
            civic = None
            for civic in self._civic.finditer(folded, floor, match.start()):  # noqa: B007 — the last one
                pass
            if civic is not None:
                start, number = civic.start(), civic.group("number")
                street = self._street_key(folded[civic.end("number") : match.start()])
            else:
                start, number, street = match.start(), None, frozenset()
            yield Found(ADDRESS, start, match.end()), Address(number, street, postal)

    def _first_address(self, analysed: Analysed) -> list[Address]:
        """An official address written without a postal code: its first civic number and street."""
        civic = self._civic.search(analysed.folded)
        return [self._address_at(analysed, civic.start())[1]] if civic else []

    def _address_at(self, analysed: Analysed, position: int) -> tuple[Found | None, Address | None]:
        civic = self._civic.match(analysed.folded, position)
        if civic is None:
            return None, None
        end = self._street_name_end(analysed, civic.end())
        street = self._street_key(analysed.folded[civic.end("number") : end])
        return Found(ADDRESS, civic.start(), end), Address(civic.group("number"), street, None)

    def _street_name_end(self, analysed: Analysed, position: int) -> int:
        """Where a street name beginning at ``position`` ends: its capitalised words, numbers and
        particles (rue des Érables | depuis 20 ans)."""
        text, folded = analysed.text, analysed.folded
        segment_end = _SEGMENT_END.search(folded, position)
        limit = min(segment_end.start() if segment_end else len(folded), position + 80)
        end = position
        for word in _WORD.finditer(folded, position, limit):
            first = text[word.start()]
            if first.isupper() or first.isdigit():
                end = word.end()
            elif word.group() not in self._street_fillers:
                break
        return end

    def _street_key(self, segment: str) -> frozenset[str]:
        """The words that name a street, without its type, particles and direction (for comparison)."""
        segment = segment.lstrip(" \t,")
        cut = _SEGMENT_END.search(segment)
        if cut:
            segment = segment[: cut.start()]
        return frozenset(
            word
            for word in _WORD.findall(segment)
            if word not in self._street_fillers and word not in self._street_types and not word.isdigit()
        )


def _folded_longest_first(terms) -> tuple[str, ...]:
    return tuple(sorted({fold(term.strip()) for term in terms if term.strip()}, key=len, reverse=True))


def _last_word(text: str, words: tuple[str, ...]) -> str | None:
    """The one of ``words`` that ``text`` ends with, if any (a whole word: « du », not « sud »)."""
    for word in words:
        if text.endswith(word) and not text[-len(word) - 1 : -len(word)].isalnum():
            return word
    return None
