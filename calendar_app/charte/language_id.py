"""Which language a text is written in, for the Charte's language rules (art. 5.2).

Two stages, both reading the ``Analysed`` text the engine already built (nothing is folded or
tokenised again):

1. A cheap pass over the tokens: the share of French function words (le, des, pour, qu', …)
   and of foreign function words (the, and, for, …), both lists data in
   ``defaults/language.json``. It only ever *clears* a text as French, when its profile is
   unmistakable: enough French function words, almost no foreign ones. It never blocks. Most of
   a city's posts are plain French prose and stop here, in a few microseconds.
2. Every other text — the ones the first pass is unsure about, and every text that could be
   blocked — goes to a real language-identification library, py3langid (a naive Bayes model on
   byte n-grams shipped inside its wheel; nothing is downloaded at run time). So the library, not
   a word list, decides every doubtful case, and no text is judged "not French" without it.
   A text of several sentences is in the language of most of its letters, sentence by sentence:
   French with a few English terms is French; English sentences ending with « Bienvenue à
   tous ! » are English. ``bench/langid_compare.py`` compares py3langid with pycld2, langdetect
   and lingua on short texts; py3langid was the most accurate on short French and Franglais, and
   fast enough for the doubtful share of texts.

Texts with fewer letters than the ``short_text_length`` setting (emoji only, hashtags only, URLs
only, "Bravo!") get no verdict (``und``): nothing is blocked on a guess. URLs, e-mail addresses,
hashtags and @mentions are left out before counting letters and before asking the library.
"""

from __future__ import annotations

import re
import threading
import weakref
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.tokens import tokens
from calendar_app.charte.text.unseen import INVISIBLE

if TYPE_CHECKING:
    from calendar_app.charte.data import CharteData


# Lexicon codes (defaults/language.json).
FRENCH_FUNCTION_WORDS = "language_french_function_words"
FOREIGN_FUNCTION_WORDS = "language_foreign_function_words"
LIBRARY_CANDIDATES = "language_library_candidates"

UNDETERMINED = "und"  # too short to judge, or no linguistic content

# What is not prose — URLs, e-mail addresses, hashtags and @mentions, bare domain names
# (ville.montmagny.qc.ca) — is found from cheap anchors (« :// », « www. », « @ », « # », a dot
# before two to six letters) and widened with small anchored patterns: a pattern scanned over the
# whole text at every position would cost more than all the rest of the language rules.
# The patterns that widen to the left read the text backwards (reversed), from the anchor.
_SCHEME_BEFORE = re.compile(r"[a-z0-9+.-]*[a-z]")
_EMAIL_LOCAL = re.compile(r"[\w.+-]+")
_DOMAIN_BEFORE = re.compile(r"[a-z0-9.-]*[a-z0-9]")
_NON_SPACE = re.compile(r"\S+")
_EMAIL_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"\w+")
_DOMAIN_DOT = re.compile(r"\.[a-z]{2,6}\b")
_DOMAIN_AFTER = re.compile(r"(?:\.[a-z0-9-]+)*(?:/\S*)?")
_REACH = 64  # how far an anchor widens to the left (a scheme, a mailbox, a domain name)


def _start_before(folded: str, position: int, reversed_pattern: re.Pattern) -> int | None:
    """Where the run matching ``reversed_pattern`` that ends at ``position`` starts (None: no run)."""
    match = reversed_pattern.match(folded[max(0, position - _REACH) : position][::-1])
    return position - match.end() if match is not None else None


_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
# Characters a language model should not see: controls, and those people do not see either.
_INVISIBLE = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{INVISIBLE}]")


def terms(data: CharteData, code: str) -> list[str]:
    """The raw terms of a lexicon of the rule data (a list, a set of words or of characters)."""
    found = data.lexicon_terms.get(code)
    if found is None:
        found = data.pattern_terms.get(code, [])
    return [term for term in found if term]


def folded_words(data: CharteData, code: str) -> frozenset[str]:
    """A lexicon's terms as folded tokens, the way ``Analysed`` writes the words of a text."""
    words = set()
    for term in terms(data, code):
        words.update(tokens(fold(term)).words)
    return frozenset(words)


def not_prose_spans(analysed: Analysed) -> list[tuple[int, int]]:
    """Spans of URLs, e-mail addresses, hashtags, mentions and domain names: sorted, not overlapping."""
    folded = analysed.folded
    # ``covered``: where a dot can add nothing, after the « :// » of an address up to its end (a
    # domain name cannot cross « :// », and ends where the address does), and in an e-mail
    # address's domain (when no « / » follows it).
    spans, covered = _web_addresses(folded)
    mailboxes, mailbox_domains = _mailboxes_and_mentions(folded)
    spans += mailboxes
    covered += mailbox_domains
    spans += _hashtags(folded)
    if "." in folded:
        spans += _domain_names(analysed.text, folded, covered)
    return _merged(spans)


def _web_addresses(folded: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The addresses led by « :// », « www. » or « mailto: », and the part after each « :// »."""
    spans, covered = [], []
    for anchor in ("://", "www.", "mailto:"):
        position = folded.find(anchor)
        while position != -1:
            start = position
            if anchor == "://":
                start = _start_before(folded, position, _SCHEME_BEFORE)
                if start is None:
                    start = position
            end = _NON_SPACE.match(folded, position).end()
            spans.append((start, end))
            if anchor == "://":
                covered.append((position, end))
            position = folded.find(anchor, end)
    return spans, covered


def _mailboxes_and_mentions(folded: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """E-mail addresses and @mentions, and the domains of the addresses no « / » follows."""
    spans, covered = [], []
    position = folded.find("@")
    while position != -1:
        local = _start_before(folded, position, _EMAIL_LOCAL)
        domain = _EMAIL_DOMAIN.match(folded, position + 1)
        if local is not None and domain is not None:
            spans.append((local, domain.end()))
            end = domain.end()
            if not folded.startswith("/", end):
                covered.append((position, end))
        else:
            word = _WORD.match(folded, position + 1)
            end = word.end() if word is not None else position + 1
            spans.append((position, end))
        position = folded.find("@", end)
    return spans, covered


def _hashtags(folded: str) -> list[tuple[int, int]]:
    spans = []
    position = folded.find("#")
    while position != -1:
        word = _WORD.match(folded, position + 1)
        end = word.end() if word is not None else position + 1
        spans.append((position, end))
        position = folded.find("#", end)
    return spans


def _domain_names(text: str, folded: str, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Bare domain names (ville.montmagny.qc.ca), outside the ``covered`` spans."""
    spans = []
    dot = _DOMAIN_DOT.search(folded)
    while dot is not None:
        position = dot.start()
        for covered_start, covered_end in covered:
            if covered_start <= position < covered_end:
                dot = _DOMAIN_DOT.search(folded, covered_end)
                break
        else:
            start = _start_before(folded, position, _DOMAIN_BEFORE)
            if start is not None:
                end = _DOMAIN_AFTER.match(folded, dot.end()).end()
                if text[start:end].islower():  # « fin.Début » is a missing space, not a domain
                    spans.append((start, end))
            dot = _DOMAIN_DOT.search(folded, dot.end())
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans sorted, those that overlap or touch made one."""
    if len(spans) < 2:
        return spans
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def inside(spans, starts: list[int], position: int) -> bool:
    """Whether ``position`` falls in one of ``spans`` (sorted; ``starts`` their starts)."""
    index = bisect_left(starts, position + 1) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


@dataclass(frozen=True, slots=True)
class Verdict:
    language: str  # an ISO 639 code, or "und"
    letters: int  # letters of prose (URLs, hashtags, mentions left out)
    french_share: float  # share of the words that are French function words
    foreign_share: float
    decided_by: str  # "short", "function_words" or "library"
    # Where the URLs, e-mail addresses, hashtags and mentions are (the quality rules skip them too).
    not_prose: tuple[tuple[int, int], ...] = ()

    @property
    def is_french(self) -> bool:
        return self.language == "fr"

    @property
    def undetermined(self) -> bool:
        return self.language == UNDETERMINED

    @property
    def reads_as_french(self) -> bool:
        """Whether the quality rules read a text: judged French, or short with French words only."""
        if self.undetermined:
            return self.french_share > 0 and self.foreign_share == 0
        return self.is_french


class _Library:
    """py3langid's model, loaded once per process and per list of candidate languages."""

    _lock = threading.Lock()
    _loaded: dict[tuple[str, ...], object] = {}

    @classmethod
    def get(cls, candidates: tuple[str, ...]):
        identifier = cls._loaded.get(candidates)
        if identifier is None:
            with cls._lock:
                identifier = cls._loaded.get(candidates)
                if identifier is None:
                    from py3langid.langid import MODEL_FILE
                    from py3langid.langid import LanguageIdentifier as Py3LangId

                    identifier = Py3LangId.from_model_file(MODEL_FILE)
                    known = set(identifier.labels)
                    usable = [code for code in candidates if code in known]
                    if usable:
                        identifier.set_languages(usable)
                    cls._loaded[candidates] = identifier
        return identifier


class LanguageIdentifier:
    """Decides the language of analysed texts; built once per rule data (see ``for_data``)."""

    def __init__(
        self,
        *,
        french_words: frozenset[str],
        foreign_words: frozenset[str],
        candidates: tuple[str, ...],
        short_text_length: int,
        clear_min_words: int,
        clear_min_share: float,
        clear_foreign_max_share: float,
        library_max_chars: int,
        cache_size: int = 4096,
    ):
        self.french_words = french_words
        self.foreign_words = foreign_words
        self.candidates = candidates
        self.short_text_length = short_text_length
        self.clear_min_words = clear_min_words
        self.clear_min_share = clear_min_share
        self.clear_foreign_max_share = clear_foreign_max_share
        self.library_max_chars = library_max_chars
        self._cache: dict[str, Verdict] = {}
        self._cache_size = cache_size

    @classmethod
    def from_data(cls, data: CharteData) -> LanguageIdentifier:
        return cls(
            french_words=folded_words(data, FRENCH_FUNCTION_WORDS),
            foreign_words=folded_words(data, FOREIGN_FUNCTION_WORDS),
            candidates=tuple(term.strip().lower() for term in terms(data, LIBRARY_CANDIDATES)),
            short_text_length=int(data.setting("short_text_length")),
            clear_min_words=int(data.setting("language_clear_min_function_words")),
            clear_min_share=float(data.setting("language_clear_min_french_share")),
            clear_foreign_max_share=float(data.setting("language_clear_max_foreign_share")),
            library_max_chars=int(data.setting("language_library_max_chars")),
        )

    # The rules of one rule set share one identifier (and so its cache of verdicts): the
    # official-language rule decides a text, the spelling and typography rules reuse the verdict.
    _by_data: dict[int, tuple[weakref.ref, LanguageIdentifier]] = {}

    @classmethod
    def for_data(cls, data: CharteData) -> LanguageIdentifier:
        entry = cls._by_data.get(id(data))
        if entry is not None and entry[0]() is data:
            return entry[1]
        identifier = cls.from_data(data)
        key = id(data)
        cls._by_data[key] = (weakref.ref(data, lambda _ref: cls._by_data.pop(key, None)), identifier)
        return identifier

    def identify(self, analysed: Analysed) -> Verdict:
        verdict = self._cache.get(analysed.text)
        if verdict is None:
            verdict = self._identify(analysed)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[analysed.text] = verdict
        return verdict

    def _identify(self, analysed: Analysed) -> Verdict:
        text = analysed.text
        words = analysed.tokens.words
        spans = tuple(not_prose_spans(analysed))
        if spans:
            starts, kept, previous = analysed.tokens.starts, [], 0
            for start, end in spans:
                low = bisect_left(starts, start)
                kept.extend(words[previous:low])
                previous = max(previous, bisect_left(starts, end))
            kept.extend(words[previous:])
            words = kept
        # Counted by filters and joins, cheaper than summing maps over the words.
        numbers = list(filter(str.isdigit, words))
        letters = len("".join(words)) - len("".join(numbers))
        count = (len(words) - len(numbers)) or 1
        french = len(list(filter(self.french_words.__contains__, words)))
        foreign = len(list(filter(self.foreign_words.__contains__, words)))
        french_share, foreign_share = french / count, foreign / count
        if letters < self.short_text_length and not text.isascii():
            # Tokens are Latin letters and digits: count the letters of other scripts too (a text in
            # Arabic or Chinese is not short).
            letters = len(_LETTER.findall(self._prose(text, spans)))
        if letters < self.short_text_length:
            return Verdict(UNDETERMINED, letters, french_share, foreign_share, "short", spans)
        if (
            french >= self.clear_min_words
            and french_share >= self.clear_min_share
            and foreign_share <= self.clear_foreign_max_share
        ):
            return Verdict("fr", letters, french_share, foreign_share, "function_words", spans)
        language = self._library_language(self._prose(text, spans))
        return Verdict(language, letters, french_share, foreign_share, "library", spans)

    def _library_language(self, prose: str) -> str:
        """The library's verdict: the language of most of the letters, sentence by sentence.

        A text mixing sentences in two languages is in the language of most of its letters
        (« mostly English » is English even when it ends with « Bienvenue à tous ! »); sentences
        too short to judge alone, or a text of one sentence, are judged as a whole.
        """
        library = _Library.get(self.candidates)
        letters_by_language: dict[str, int] = {}
        sentences = [
            (sentence, count)
            for sentence in _SENTENCE_END.split(prose)
            if (count := len(_LETTER.findall(sentence))) >= self.short_text_length
        ]
        if len(sentences) >= 2:
            for sentence, count in sentences:
                language = library.classify(sentence)[0]
                letters_by_language[language] = letters_by_language.get(language, 0) + count
            language = max(letters_by_language, key=letters_by_language.get)
        else:
            language = library.classify(prose)[0]
        return UNDETERMINED if language == "zxx" else language  # zxx: the model's "no linguistic content"

    def _prose(self, text: str, spans: tuple[tuple[int, int], ...]) -> str:
        if spans:
            parts, position = [], 0
            for start, end in spans:
                parts.append(text[position:start])
                position = end
            parts.append(text[position:])
            text = " ".join(parts)
        return _INVISIBLE.sub("", text[: self.library_max_chars])
