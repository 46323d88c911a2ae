"""Phone numbers: ten digits (with or without +1 and an extension) wherever they are, seven digits
only after a word that announces a phone number; the city's numbers and public help lines pass."""

from __future__ import annotations

import re
from collections.abc import Iterator

from calendar_app.charte.rules.personal_data.patterns import DASHES, OFFICIAL, PHONE, CuedPattern, Found, alternation
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.unseen import INVISIBLE

# The lexicons this detector reads (see the defaults file for what each holds).
PHONE_EXTENSIONS = "personal_data_phone_extensions"
PHONE_CUES = "personal_data_phone_cues"
TOLL_FREE_CODES = "personal_data_toll_free_codes"

# How far after a run of digits a number may go on (an extension: « , poste 123456 »).
_TAIL = 40
# Between the groups of a phone number: a space, a dot, a slash or any dash, possibly spaced;
# or an invisible character slipped between digits to dodge a filter (``text.INVISIBLE``).
_SEP = rf"(?:[ \t]?[-./{DASHES}][ \t]?|[ \t{INVISIBLE}])"


class Phones:
    """Finds phone numbers; ``allow`` adds a number that is not a person's (the city's, a help line)."""

    def __init__(self, terms):
        extensions = alternation(terms.get(PHONE_EXTENSIONS, ()))
        extension = rf"(?P<extension>[ \t]*,?[ \t]*{extensions}[ \t]*[.:]?[ \t]*\d{{1,6}}(?!\d))?"
        self._phone = re.compile(
            r"(?<![\w+])(?<!\d[.,\-/])"
            rf"(?:\+[ \t]?1{_SEP}?|1{_SEP}?)?"  # +1, 1-
            rf"(?:\([ \t]?(?P<area>[2-9]\d\d)[ \t]?\)[ \t]?|(?P<area2>[2-9]\d\d){_SEP}?)"  # (418) or 418
            rf"(?P<exchange>[2-9]\d\d){_SEP}?(?P<line>\d{{4}})(?!\d|[.,]\d)"  # 248-3361
            rf"{extension}"  # poste 1234
        )
        # Seven digits (248-3361) are a phone number only after a word that announces one.
        local_number = rf"(?P<exchange>[2-9]\d\d)[-. {DASHES}](?P<line>\d{{4}})(?!\d|[.,]\d){extension}"
        self.local = CuedPattern(terms.get(PHONE_CUES, []), rf"[^\d\n]{{0,20}}?(?<!\d)(?P<number>{local_number})")
        self._local_number = re.compile(local_number)
        self._official: set[str] = set()
        self._toll_free = {term.strip() for term in terms.get(TOLL_FREE_CODES, ())}

    def allow(self, value: str) -> None:
        """An official number's keys: its ten digits (whatever the writing, with or without the
        leading 1 or an extension: the city's line with an extension still reaches the city) and
        its last seven (248-3361 written without the area code)."""
        match = self._phone.search(fold(value))
        if match:
            digits = _ten_digits(match)
        else:
            digits = re.sub(r"\D", "", value)
            if len(digits) == 11 and digits.startswith("1"):
                digits = digits[1:]
        self._official.update({digits, digits[-7:]} if len(digits) >= 10 else {digits})

    def around_run(self, folded: str, start: int, end: int, read_up_to: int) -> tuple[list[Found], int]:
        """The numbers around a run of ten digits or more from ``start`` to ``end`` (read from
        ``read_up_to`` on: an earlier run may have read the beginning), and where the last one ends.
        An allowed number comes as an ``OFFICIAL`` finding (never reported)."""
        found = []
        # « +1 (418) » begins up to three characters before the run.
        for match in self._phone.finditer(folded, max(read_up_to, start - 3), end + _TAIL):
            read_up_to = match.end()
            kind = OFFICIAL if _ten_digits(match) in self._official else PHONE
            found.append(Found(kind, match.start(), match.end()))
        return found, read_up_to

    def is_switchboard(self, folded: str, start: int) -> bool:
        """Whether the number found at ``start`` reaches an organisation's switchboard: it has an
        extension (« poste 2245 ») or a toll-free area code (1 877 …)."""
        match = self._phone.match(folded, start)
        if match is None:  # seven digits, after a word such as « tél. »
            match = self._local_number.match(folded, start)
            return match is not None and bool(match.group("extension"))
        return bool(match.group("extension")) or (match.group("area") or match.group("area2")) in self._toll_free

    def local_numbers(self, analysed: Analysed, stems: set[str]) -> Iterator[Found]:
        """Seven-digit numbers after a cue word (``stems``: the cue words the text has)."""
        for match in self.local.finditer(analysed, stems):
            if match.group("exchange") + match.group("line") not in self._official:
                yield Found(PHONE, match.start("number"), match.end("number"))


def _ten_digits(match: re.Match) -> str:
    """A phone number's area code, exchange and line, whatever the writing."""
    return (match.group("area") or match.group("area2")) + match.group("exchange") + match.group("line")
