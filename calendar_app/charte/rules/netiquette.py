"""The nétiquette on the city's own words (art. 5.1, 8.7): insults, vulgarity, discrimination, shouting.

The word lists are data (``defaults/netiquette.json``), one lexicon per category so the message can
name what was found: ``netiquette_insult``, ``netiquette_vulgar`` (Québec sacres with their usual
spellings and derived forms; euphemisms such as « tabarouette » are in no list and pass) and
``netiquette_discriminatory``. Shouting is structure (capitals, repeated marks) measured against the
``shouting_*`` settings, with the acronyms that may stay in capitals in ``shouting_acronyms``.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity, quote
from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.lexicon import Lexicon


class Netiquette(Check):
    code = "netiquette"
    article = "5.1, 8.7"
    severity = Severity.BLOCK
    help_text = _("Insults, vulgar language (Québec sacres included) and discriminatory terms.")

    INSULT = _(
        "Insult or personal attack: « %(found)s ». The city's posts keep a courteous, professional tone: remove it."
    )
    VULGAR = _("Vulgar language: « %(found)s ». Remove it: the city's posts use a courteous, professional tone.")
    DISCRIMINATORY = _(
        "Discriminatory term: « %(found)s ». Remove it: the city's posts belittle no one for their origin, religion, "
        "sex, sexual orientation, gender identity or disability."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        # One lexicon per category in the data, so the message names what was found; read as one
        # lexicon, so a text is read once (a term listed in two categories keeps the first).
        self.messages: dict[str, object] = {}
        for code, message in (
            ("netiquette_discriminatory", self.DISCRIMINATORY),
            ("netiquette_insult", self.INSULT),
            ("netiquette_vulgar", self.VULGAR),
        ):
            for term in data.lexicon(code).terms:
                self.messages.setdefault(term, message)
        self.words = Lexicon(self.messages)

    def check(self, context: CheckContext):
        for unit in context.units():
            analysed = unit.text
            if analysed is None or not analysed.tokens.words:
                continue
            for match in self.words.find(analysed):
                yield unit, _finding(self.messages[match.term], analysed.text, match.start, match.end)


def _finding(message, text: str, start: int, end: int) -> Finding:
    return Finding(message=message, params={"found": quote(text[start:end])}, start=start, end=end)


# Upper-case letters of the Latin scripts French and English use.
_UPPER = "A-ZÀ-ÖØ-ÞŒŸ"
# A word written in capitals (digits, apostrophes and hyphens inside allowed: COVID-19, L'ÉTÉ).
_CAPS_WORD = re.compile(rf"(?<![^\W_])[{_UPPER}][{_UPPER}0-9]*(?:['’\-][{_UPPER}0-9]+)*(?![^\W_])")
# Written [X][X] rather than [X]{2}: Python's engine then scans for the first character in C
# instead of trying a match at every position (the same goes for the patterns built below).
_TWO_CAPITALS = re.compile(rf"[{_UPPER}][{_UPPER}]")
_LETTER = re.compile(r"[^\W\d_]")
_NOT_LETTER = re.compile(r"[\W\d_]+")
# Roman numerals in capitals (Phase III, XXXe édition) are not letters repeated for emphasis.
_ROMAN = re.compile(r"[IVXLCDM]+(?:e|er|re|ème|es)?")
# What starts a web address written without its scheme (and holds the one common triple letter).
_WEB_PREFIX = "www."
# How far around a word to look for the address it may belong to.
_ADDRESS_REACH = 200
_MARKS = "!?¡¿！？‼⁇⁈⁉"
_DOTS = ".…"


# How far a repeated-letters finding reaches around the run to show the whole word.
_WORD_BEFORE = re.compile(r"[^\W_]{0,40}$")
_WORD_AFTER = re.compile(r"[^\W_]{0,40}")


class Shouting(Check):
    code = "shouting"
    article = "5.1"
    severity = Severity.WARN
    help_text = _("Several words in capitals, repeated punctuation or letters repeated for emphasis.")

    CAPITALS = _(
        "Written in capitals: « %(found)s ». Capitals read as shouting: write it in ordinary case (acronyms may stay "
        "in capitals)."
    )
    PUNCTUATION = _("Repeated punctuation: « %(found)s ». Keep a single mark (« ! », « ? ») or an ellipsis (« … »).")
    LETTERS = _("Letters repeated for emphasis: « %(found)s ». Write the word in its usual spelling.")

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.min_words = int(data.setting("shouting_min_words"))
        self.min_letters = int(data.setting("shouting_min_word_letters"))
        punctuation = int(data.setting("shouting_max_repeated_punctuation")) + 1
        dots = int(data.setting("shouting_max_repeated_dots")) + 1
        letters = max(1, int(data.setting("shouting_max_repeated_letters")))  # 0 would flag every letter
        # A quick scan for any run of marks, then the exact thresholds on what it found.
        self.marks = re.compile(_at_least(f"[{_MARKS}{_DOTS}]", min(punctuation, dots)))
        self.punctuation = re.compile(rf"[{_MARKS}]{{{punctuation},}}|[{_DOTS}]{{{dots},}}")
        # Read on the folded text (lower case): any character repeated, then kept only for letters.
        self.letters = re.compile("(.)" + _at_least(r"\1", letters))
        acronyms = data.lexicon("shouting_acronyms").terms
        self.acronyms = {fold(term) for term in acronyms} | {_NOT_LETTER.sub("", fold(term)) for term in acronyms}

    def check(self, context: CheckContext):
        for unit in context.units():
            analysed = unit.text
            if analysed is None or not analysed.text:
                continue
            text = analysed.text
            if self.min_words > 0 and _TWO_CAPITALS.search(text):
                for start, end in self._capitals(text):
                    yield unit, _finding(self.CAPITALS, text, start, end)
            for run in self.marks.finditer(text):
                for match in self.punctuation.finditer(text, *run.span()):
                    yield unit, _finding(self.PUNCTUATION, text, *match.span())
            for start, end in self._repeated_letters(analysed):
                yield unit, _finding(self.LETTERS, text, start, end)

    def _capitals(self, text: str):
        """Runs of words in capitals with at least ``min_words`` words that count (long enough, not acronyms).

        Addresses (https://…, www.…, name@domain) are not words: an e-mail address typed in capitals is not shouting.
        """
        run_start = run_end = None
        counted = 0
        for match in _CAPS_WORD.finditer(text):
            start, end = match.span()
            if _in_address(text, start):
                continue
            if run_end is not None and _LETTER.search(text, run_end, start):
                if counted >= self.min_words:
                    yield run_start, run_end
                run_start, counted = None, 0
            if run_start is None:
                run_start = start
            run_end = end
            word = fold(match.group())
            letters = _NOT_LETTER.sub("", word)
            if len(letters) >= self.min_letters and word not in self.acronyms and letters not in self.acronyms:
                counted += 1
        if run_start is not None and counted >= self.min_words:
            yield run_start, run_end

    def _repeated_letters(self, analysed):
        text, folded = analysed.text, analysed.folded
        for match in self.letters.finditer(folded):
            start, end = match.span()
            # A letter, repeated as written (« créée » folds to « creee » but repeats nothing).
            if not match.group(1).isalpha() or len(set(text[start:end].lower())) != 1:
                continue
            if _in_address(text, start):
                continue
            start -= len(_WORD_BEFORE.search(text, max(0, start - 40), start).group())
            end = _WORD_AFTER.match(text, end).end()
            word = text[start:end]
            if _ROMAN.fullmatch(word) or fold(word) in self.acronyms:  # Phase III, CISSS
                continue
            yield start, end


def _at_least(item: str, count: int) -> str:
    """``item`` repeated ``count`` times or more, written X…X+ rather than X{count,}: the same matches,
    found several times faster by Python's engine (it can scan for the first character, and a
    repeated back-reference costs less)."""
    return item * count + "+" if count > 0 else item + "*"


def _in_address(text: str, position: int) -> bool:
    """Whether ``position`` is inside a web or e-mail address (the run of non-spaces around it)."""
    floor = max(0, position - _ADDRESS_REACH)
    start = max(text.rfind(" ", floor, position), text.rfind("\n", floor, position), floor - 1) + 1
    end = text.find(" ", position, position + _ADDRESS_REACH)
    chunk = text[start : end if end >= 0 else position + _ADDRESS_REACH]
    return "@" in chunk or "://" in chunk or _WEB_PREFIX in chunk.lower()
