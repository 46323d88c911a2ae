"""Social insurance numbers (NAS): nine digits grouped 3-3-3 that pass the Luhn check and are not
an amount (« 125 000 000 $ »)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from calendar_app.charte.rules.personal_data.patterns import DASHES, NAS, Found, alternation
from calendar_app.charte.text.unseen import INVISIBLE

# The lexicon this detector reads: the units that make nine digits an amount.
AMOUNT_UNITS = "personal_data_amount_units"

# Nine digits grouped 3-3-3 with the same separator (a space, a dash or none) between the groups,
# not part of a longer number (1 125 000 000, 12,345 678 901).
_NINE_DIGITS = re.compile(
    r"(?<![\w.,])(?<!\d[ \-])"
    rf"(\d{{3}})([ \t\-{DASHES}{INVISIBLE}]?)(\d{{3}})\2(\d{{3}})"
    r"(?!\w)(?![.,\-]\d)(?![ \t]\d)"
)
_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn(digits: str) -> bool:
    """The Luhn check every social insurance number passes (a mistyped digit fails it)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        total += _LUHN_DOUBLE[value] if position % 2 else value
    return total % 10 == 0


class SocialInsuranceNumbers:
    """Finds social insurance numbers in the runs of digits a text holds."""

    def __init__(self, terms):
        self._amount_after = re.compile(r"[ \t]*" + alternation(terms.get(AMOUNT_UNITS, ())))
        self._amount_before = re.compile(r"[$€][ \t]*\Z")

    def in_run(self, folded: str, start: int, end: int) -> Iterator[Found]:
        """The numbers in a run of nine digits or more from ``start`` to ``end``."""
        for match in _NINE_DIGITS.finditer(folded, start, end + 3):
            if not luhn(match.group(1) + match.group(3) + match.group(4)):
                continue  # nine digits that fail the Luhn check are not a NAS
            if self._amount_after.match(folded, match.end()) or self._amount_before.search(
                folded, max(0, match.start() - 3), match.start()
            ):
                continue  # an amount (125 000 000 $), not a NAS
            yield Found(NAS, match.start(), match.end())
