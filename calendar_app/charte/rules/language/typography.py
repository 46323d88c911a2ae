"""French typography (art. 5.2): a space before « : ; ! ? », spaces inside « », and « » rather
than English quotation marks; times, ratios, emoticons and addresses pass."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity, quote
from calendar_app.charte.language_id import LanguageIdentifier, inside, not_prose_spans, terms
from calendar_app.charte.text.analysis import Analysed

SPACE_BEFORE = "typography_space_before"
ENGLISH_QUOTES = "typography_english_quotes"
EMOTICONS = "typography_emoticons"

# Presentation, not policy: how much of the text around a fault a message quotes.
CONTEXT_CHARS = 30

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


class Typography(Check):
    code = "typography"
    article = "5.2"
    severity = Severity.WARN
    help_text = _(
        "French typography: a space (non-breaking, preferably narrow) before « : ; ! ? », spaces inside « », "
        'and « » instead of "…".'
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.identifier = LanguageIdentifier.for_data(data)
        self.marks = "".join(dict.fromkeys("".join(terms(data, SPACE_BEFORE))))
        self.quotes = "".join(dict.fromkeys("".join(terms(data, ENGLISH_QUOTES))))
        emoticons = sorted({term for term in terms(data, EMOTICONS) if term[:1] in self.marks}, key=len, reverse=True)
        self._emoticon = re.compile("|".join(map(re.escape, emoticons))) if emoticons else None
        self._signs = tuple(self.marks + self.quotes) + ("«",)
        # The word glued before a mark, for the message: « Bravo » in « Bravo! ».
        self._before_mark = re.compile(rf"[^\s{re.escape(self.marks)}]{{1,{CONTEXT_CHARS}}}\Z")
        self._mark_run = re.compile(rf"[{re.escape(self.marks)}]+") if self.marks else None
        # Guillemets glued to the words inside them: «Bravo», « Bravo», «Bravo ».
        self._guillemets = re.compile(r"«(?P<lead>\s*)(?P<inner>[^\s«»][^«»\n]{0,300}?)(?P<trail>\s*)»")
        # English quotes around words: "Bravo", “Bravo” (not 27" or a lone quote).
        quotes = re.escape(self.quotes)
        self._english_quotes = (
            re.compile(rf"[{quotes}](?P<inner>[^\s{quotes}](?:[^{quotes}\n]{{0,300}}?[^\s{quotes}])?)[{quotes}]")
            if self.quotes
            else None
        )

    def check(self, context: CheckContext):
        for unit in context.units():
            analysed = unit.text
            if analysed is None or not analysed.text:
                continue
            if not any(mark in analysed.text for mark in self._signs):
                continue
            verdict = self.identifier.identify(analysed)
            if not verdict.reads_as_french:
                continue
            for start, end, message, params in self.faults(analysed, verdict.not_prose):
                yield unit, Finding(message=message, params=params, start=start, end=end)

    def faults(self, analysed: Analysed, not_prose=None) -> list[tuple[int, int, object, dict]]:
        """(start, end, message, params) for each typography fault, in order of position.

        ``not_prose``: the spans of URLs, hashtags, mentions (computed when not given).
        """
        text = analysed.text
        candidates = self._missing_spaces(text)
        if "«" in text:
            candidates.extend(self._glued_guillemets(text))
        if self._english_quotes is not None and any(mark in text for mark in self.quotes):
            candidates.extend(self._quotes(text))
        if not candidates:
            return []
        spans = not_prose_spans(analysed) if not_prose is None else not_prose
        if spans:
            span_starts = [start for start, _end in spans]
            candidates = [fault for fault in candidates if not inside(spans, span_starts, fault[4])]
        candidates.sort(key=lambda fault: fault[0])
        return [fault[:4] for fault in candidates]

    def _missing_spaces(self, text: str) -> list:
        found = []
        for mark in self.marks:
            position = text.find(mark)
            while position != -1:
                run = self._mark_run.match(text, position)
                end = run.end()
                previous = text[position - 1 : position]
                # A run of marks (« ?! ») is one fault, found from its first mark.
                if (
                    previous
                    and not previous.isspace()
                    and previous not in self.marks
                    and not self._not_punctuation(text, position, end)
                ):
                    before = self._before_mark.search(text, max(0, position - CONTEXT_CHARS), position)
                    start = before.start() if before is not None else position
                    marks = text[position:end]
                    found.append(
                        (
                            start,
                            end,
                            _(
                                "A space is missing before « %(mark)s »: write « %(correction)s » instead of "
                                "« %(found)s » (a non-breaking space, preferably narrow)."
                            ),
                            {
                                "mark": mark,
                                "found": quote(text[start:end]),
                                "correction": quote(text[start:position]) + NARROW_NBSP + marks,
                            },
                            position,
                        )
                    )
                position = text.find(mark, end)
        return found

    def _glued_guillemets(self, text: str) -> list:
        found = []
        for match in self._guillemets.finditer(text):
            if match.group("lead") and match.group("trail"):
                continue
            found.append(
                (
                    match.start(),
                    match.end(),
                    _("Guillemets need a non-breaking space inside them: write %(correction)s instead of %(found)s."),
                    {
                        "found": quote(match.group()),
                        "correction": "«" + NBSP + quote(match.group("inner")) + NBSP + "»",
                    },
                    match.start(),
                )
            )
        return found

    def _quotes(self, text: str) -> list:
        found = []
        for match in self._english_quotes.finditer(text):
            found.append(
                (
                    match.start(),
                    match.end(),
                    _("In French, quotation marks are guillemets: write %(correction)s instead of %(found)s."),
                    {
                        "found": quote(match.group()),
                        "correction": "«" + NBSP + quote(match.group("inner")) + NBSP + "»",
                    },
                    match.start(),
                )
            )
        return found

    def _not_punctuation(self, text: str, position: int, end: int) -> bool:
        """A time or ratio (10:30, 16:9), or an emoticon (« Merci:) »): not a punctuation mark."""
        if text[position - 1 : position].isdigit() and text[end : end + 1].isdigit():
            return True
        if self._emoticon is not None:
            emoticon = self._emoticon.match(text, position)
            if emoticon is not None and not text[emoticon.end() : emoticon.end() + 1].isalnum():
                return True
        return False
