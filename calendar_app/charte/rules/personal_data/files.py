"""Individual cases: a file or case number after the word that names it (« dossier no 2024-00123 »),
a named person's file (« la plainte de M. Lavoie »), and the phrases that tell of one person's case;
a public document's number passes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from calendar_app.charte.rules.personal_data.holders import Holders
from calendar_app.charte.rules.personal_data.patterns import (
    CASE,
    DASHES,
    FILE,
    CuedPattern,
    Found,
    Phrases,
    alternation,
)
from calendar_app.charte.text.analysis import Analysed

# The lexicons this detector reads (see the defaults file for what each holds).
FILE_CUES = "personal_data_file_cues"
FILE_MARKERS = "personal_data_file_markers"
PUBLIC_NUMBERS = "personal_data_public_numbers"
CASE_PHRASES = "personal_data_case_phrases"
CASE_WORDS = "personal_data_case_words"
CASE_LINKS = "personal_data_case_links"

# A file identifier: optional letters, then a digit, then letters, digits, dashes, slashes.
_IDENTIFIER = rf"(?P<id>(?:[a-z]{{1,4}}[-{DASHES}]?)?\d(?:[\w\-/{DASHES}]*\w)?)"
# What an identifier must look like with no number sign before it: a code, not a count or a year.
_CODE_SHAPE = re.compile(rf"[a-z]{{1,4}}[-{DASHES}]?\d|\d+[-/{DASHES}]\d|\d{{5}}|\d[a-z]")
_YEAR_OR_RANGE = re.compile(rf"(?:19|20)\d\d(?:[-/{DASHES}](?:19|20)?\d\d)?")


class IndividualCases:
    """Finds file numbers and the phrases of an individual case."""

    def __init__(self, terms):
        # « dossier no 2024-00123 », « dossier 2024-00123 », or a few words apart but then with a
        # number sign: « Dossier de M. Bernier (no 23-1187) ». The gap may hold the dot of an
        # abbreviation (M., Mme.), not the end of a sentence.
        markers = alternation(terms.get(FILE_MARKERS, ()))
        gap = r"(?:[^\n.!?;:]|(?<=[\s(][a-z])\.|(?<=[\s(][a-z]{2})\.|(?<=[\s(][a-z]{3})\.)"
        self.cued = CuedPattern(
            terms.get(FILE_CUES, []),
            rf"(?:[ \t]*(?P<marker>{markers}[ \t]*[:.]?|:)?[ \t]*{_IDENTIFIER}"
            rf"|(?P<gap>{gap}{{1,40}}?)[ \t(]{markers}[ \t]*[:.]?[ \t]*"
            + _IDENTIFIER.replace("?P<id>", "?P<gap_id>")
            + ")",
        )
        # A public document's number (« le dossier du règlement no 1301 ») is not a person's file.
        self._public_number = re.compile(alternation(terms.get(PUBLIC_NUMBERS, ())))
        self.case_phrases = Phrases(terms.get(CASE_PHRASES, ()))
        # « la plainte de | M. Lavoie »: the name itself is read by ``Holders.name_at``.
        links = alternation(terms.get(CASE_LINKS, ()))
        self.named = CuedPattern(terms.get(CASE_WORDS, []), rf"[ \t]+{links}[ \t]*")

    def of_named_people(self, analysed: Analysed, stems: set[str], holders: Holders) -> Iterator[Found]:
        """A file of a named person (« la plainte de M. Lavoie », « la demande de Josée Tremblay »)
        (``stems``: the cue words the text has)."""
        for match in self.named.finditer(analysed, stems):
            name = holders.name_at(analysed, match.end())
            if name is not None:
                yield Found(CASE, match.start(), name.end)

    def find(self, analysed: Analysed, stems: set[str]) -> Iterator[Found]:
        """The file numbers, then the case phrases, of a text (``stems``: the cue words it has)."""
        folded = analysed.folded
        for match in self.cued.finditer(analysed, stems):
            end = match.end()
            if match.group("gap") is not None:  # « Dossier de M. Bernier (no 23-1187) »
                if self._public_number.search(match.group("gap")):
                    continue  # « le dossier du règlement no 1301 »: a public document
                if "(" in folded[match.start() : end] and folded.startswith(")", end):
                    end += 1
            elif match.group("marker") in (None, ":"):  # no number sign: the number must look like a code
                identifier = match.group("id")
                if not _CODE_SHAPE.search(identifier) or _YEAR_OR_RANGE.fullmatch(identifier):
                    continue  # « le dossier 2026 », « Dossier : 3 nouveaux parcs », « réclamation 2026-2027 »
            yield Found(FILE, match.start(), end)
        for start, end, _index in self.case_phrases.find(analysed, stems):
            yield Found(CASE, start, end)
