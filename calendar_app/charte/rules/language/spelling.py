"""Spelling (art. 5.2): words missing from pyspellchecker's French dictionary, with a suggestion
when there is a likely one; names, acronyms, addresses and the allowed words pass.

Good Québec French must pass, since advisers stop reading warnings that are mostly wrong:

- the allowed words (``spelling_allowed_words``): Québec usage, municipal vocabulary, the region's
  place names and their demonyms, welded compounds of the 1990 rectified spelling (« platebande »);
- the rectified spelling's systematic forms (``spelling_rectified_equivalents``): a word that reads as
  a dictionary word once one of its rectified spellings is given back its traditional one
  (« règlementation » → « réglementation », « connaitre » → « connaître »);
- abbreviations of addresses and contacts before their period (``spelling_abbreviations``: « boul. »,
  « app. », « Ste- »), and the endings of inclusive writing (« écolier(-ière)s »).

A plural or feminine form missing from the dictionary passes when its base is a word, but only as
French forms it: « activitées », « citoyenes », « collectee » and « bacss » are mistakes, not forms
of « activité », « citoyen », « collecte » and « bacs »."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from itertools import compress

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity
from calendar_app.charte.language_id import LanguageIdentifier, inside, not_prose_spans, terms
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold

ALLOWED_WORDS = "spelling_allowed_words"
RECTIFIED_EQUIVALENTS = "spelling_rectified_equivalents"
ABBREVIATIONS = "spelling_abbreviations"
# « rectified → traditional » in a term of ``spelling_rectified_equivalents``.
EQUIVALENCE_ARROW = "→"

# How far back a word's sentence start is looked for (a name mid-sentence is not a mistake).
LOOK_BACK_CHARS = 30

# How many words the spelling rule remembers the inflection check of (memory, not policy).
CACHE_SIZE = 65536


class _Dictionary:
    """pyspellchecker's French dictionary, loaded once per process (about half a second)."""

    _lock = threading.Lock()
    _instance: _Dictionary | None = None

    def __init__(self):
        from spellchecker import SpellChecker

        # Distance 1 only: suggestions at distance 2 cost up to seconds for a long unknown word.
        self.checker = SpellChecker(language="fr", distance=1)
        frequencies = self.checker.word_frequency.dictionary
        self.words = frozenset(frequencies)
        # The most frequent accented spelling of each accent-less form: « evenement » → « événement ».
        by_folded: dict[str, tuple[int, str]] = {}
        for word, frequency in frequencies.items():
            key = fold(word)
            best = by_folded.get(key)
            if best is None or frequency > best[0]:
                by_folded[key] = (frequency, word)
        self.accented = {key: word for key, (_frequency, word) in by_folded.items()}

    @classmethod
    def get(cls) -> _Dictionary:
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    cls._instance = cls()
        return cls._instance

    @lru_cache(maxsize=8192)  # noqa: B019 - one instance per process, kept for its life
    def suggestion(self, word: str) -> str | None:
        accented = self.accented.get(fold(word))
        if accented is not None and accented != word:
            return accented
        try:
            return self._correction(word)
        except Exception:  # the library's own failure must not stop the Charte
            return None

    def _correction(self, word: str) -> str | None:
        """What pyspellchecker's ``correction`` (distance 1) returns for a lower-case word missing from
        its dictionary: the library's own edits and its own test of each word, but only the edits that
        are dictionary words (one set intersection) are tested, not all of them, one Python call each
        (a thousand edits, a millisecond per word in the library)."""
        checker = self.checker
        edits = checker.edit_distance_1(word)
        if edits == {word}:  # the library's answer for a word not worth correcting (a number…): itself
            return word
        candidates = checker.known(edits.intersection(self.words))
        if not candidates:
            return None
        # Like the library: a candidate that differs only by its accents first, then the most frequent.
        plain = _without_diacritics(word)
        same = [candidate for candidate in candidates if _without_diacritics(candidate) == plain]
        return max(same or candidates, key=checker.word_frequency.dictionary.__getitem__)


def _without_diacritics(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


# Plural and feminine endings, tried when a word is not in the dictionary as written (the
# dictionary lists common forms, not all: « résidentes » → « résident »). Longest first.
_ENDINGS = (
    ("trices", "teur"),
    ("euses", "eur"),
    ("elles", "el"),
    ("ennes", "en"),
    ("ères", "er"),
    ("ettes", "et"),
    ("trice", "teur"),
    ("euse", "eur"),
    ("elle", "el"),
    ("enne", "en"),
    ("ère", "er"),
    ("ette", "et"),
    ("esses", "e"),
    ("esse", "e"),
    ("ives", "if"),
    ("ive", "if"),
    ("aux", "al"),
    ("es", ""),
    ("s", ""),
    ("x", ""),
    ("e", ""),
)
# The forms of a verb in -er the dictionary may lack (« priorisé », « priorisez », « webdiffusera »).
_VERB_ENDINGS = (
    ("eront", "er"),
    ("erait", "er"),
    ("era", "er"),
    ("ées", "er"),
    ("és", "er"),
    ("ée", "er"),
    ("ez", "er"),
    ("ons", "er"),
    ("ant", "er"),
    ("é", "er"),
)
# A base ending so does not take a bare « e » for its feminine: the dictionary lists the right form
# (« citoyenne », « complète », « heureuse », « active », « première », « civile »), so base + e is a
# mistake (« citoyene », « conseile »), as is an e doubled (« collectee »).
_NO_BARE_FEMININE = ("e", "en", "on", "el", "il", "et", "x", "f", "er")
# What a plural in x follows (« bateaux », « jeux », « bijoux »).
_PLURAL_X_AFTER = ("au", "eu", "ou")
_APOSTROPHES = "'\u2019\u02bc"
# Right before a word glued to the previous one, what makes it an ending of inclusive writing
# (« écolier(-ière)s », « citoyen·ne·s »).
_INCLUSIVE_OPENERS = ("(-", "(", "·", "•", "\u2027")
# Before a word, what may stand at the start of a sentence (opening quotes, brackets, bullets).
_OPENERS = " \t\u00a0\u202f«\"“(['*•·–—-"
_SENTENCE_END = ".!?…\n\r"


class Spelling(Check):
    code = "spelling"
    article = "5.2"
    severity = Severity.WARN
    help_text = _(
        "Words that are not in the French dictionary. Proper nouns, hashtags, mentions, links, numbers and the "
        "city's names are left out."
    )

    SUGGESTED = _("« %(word)s » is not in the French dictionary: check its spelling (suggestion: « %(suggestion)s »).")
    UNKNOWN = _(
        "« %(word)s » is not in the French dictionary: check its spelling, or add it to the allowed words if it is "
        "correct."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.identifier = LanguageIdentifier.for_data(data)
        allowed = set()
        for term in terms(data, ALLOWED_WORDS):
            word = term.strip().lower().replace("\u2019", "'").replace("œ", "oe").replace("æ", "ae")
            allowed.add(word)
            allowed.update(part for part in re.split(r"[-' ]", word) if part)
        self.allowed = frozenset(allowed)
        self.rectified = _equivalents(terms(data, RECTIFIED_EQUIVALENTS))
        self.abbreviations = frozenset(term.strip().lower().rstrip(".") for term in terms(data, ABBREVIATIONS))
        self.max_suggestions = int(data.setting("spelling_max_suggestions"))
        self._dictionary: _Dictionary | None = None
        self._inflected: dict[str, bool] = {}

    @property
    def dictionary(self) -> _Dictionary:
        if self._dictionary is None:
            self._dictionary = _Dictionary.get()
        return self._dictionary

    def check(self, context: CheckContext):
        for unit in context.units():
            analysed = unit.text
            if analysed is None or not analysed.tokens.words:
                continue
            verdict = self.identifier.identify(analysed)
            if not verdict.reads_as_french:
                continue
            for start, end, word, suggestion in self.misspelt(analysed, verdict.not_prose):
                if suggestion:
                    params = {"word": word, "suggestion": suggestion}
                    finding = Finding(self.SUGGESTED, params, start=start, end=end)
                else:
                    finding = Finding(self.UNKNOWN, {"word": word}, start=start, end=end)
                yield unit, finding

    def misspelt(self, analysed: Analysed, not_prose=None):
        """(start, end, word as written, suggestion or None) for each word not in the dictionary.

        ``not_prose``: the spans of URLs, hashtags, mentions (computed when not given).
        """
        dictionary = self.dictionary
        known, allowed = dictionary.words, self.allowed
        # A cheap filter on the folded tokens the engine already made: a token whose folded form is
        # a dictionary word written without accents is right (« parc »); the others — accented
        # words (« seance » for « séance »), names, mistakes — are looked at as written.
        words = analysed.tokens.words
        candidates = set(words).difference(known, allowed)
        if candidates:  # numbers and single letters (l', d') are never mistakes
            candidates = {word for word in candidates if len(word) > 1 and not word.isdigit()}
        if not candidates:
            return
        text = analysed.text
        starts, ends = analysed.tokens.starts, analysed.tokens.ends
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = "".join(char.lower()[0] for char in text)
        spans = not_prose_spans(analysed) if not_prose is None else not_prose
        span_starts = [start for start, _end in spans]
        suggestions_left = self.max_suggestions
        for index in list(compress(range(len(words)), map(candidates.__contains__, words))):
            start, end = starts[index], ends[index]
            word = lowered[start:end]
            if word in known or word in allowed:
                continue
            written = text[start:end]
            if not written.isalpha():  # 10h, v.o.t.e.z
                continue
            if spans and inside(spans, span_starts, start):
                continue
            if self._abbreviation(text, word, end) or _inclusive_ending(text, start):
                continue
            if written[0].isupper():
                if written.isupper() or not self._sentence_start(text, start) or self._name_follows(text, end):
                    continue  # an acronym, a proper noun mid-sentence, a first name (« Annie Lapointe »)
            elif not written.islower():
                continue  # a brand written with inner capitals (iPhone)
            if self._in_compound(text, lowered, starts, ends, index) or self._known(word):
                continue
            suggestion = None
            if suggestions_left > 0:
                suggestions_left -= 1
                suggestion = dictionary.suggestion(word)
                if suggestion == word:
                    suggestion = None
            if written[0].isupper() and suggestion is None:
                continue  # at the start of a sentence, an unknown capitalised word with no close word: a name
            if suggestion and written[0].isupper():
                suggestion = suggestion[0].upper() + suggestion[1:]
            yield start, end, written, suggestion

    def _known(self, word: str) -> bool:
        """Whether a word missing from the dictionary is a form of a word in it (remembered per word)."""
        found = self._inflected.get(word)
        if found is None:
            if len(self._inflected) >= CACHE_SIZE:
                self._inflected.clear()
            found = self._inflected[word] = self._inflection_known(word)
        return found

    def _inflection_known(self, word: str) -> bool:
        known, allowed = self.dictionary.words, self.allowed
        if "œ" in word or "æ" in word:
            word = word.replace("œ", "oe").replace("æ", "ae")
            if word in known or word in allowed:
                return True
        if self._form_known(word):
            return True
        # The 1990 rectified spelling: the word with one rectified spelling given back its
        # traditional one (« règlementation » → « réglementation », « aout » → « août »).
        for pattern, traditional in self.rectified:
            for match in pattern.finditer(word):
                candidate = word[: match.start()] + traditional + word[match.end() :]
                if candidate in known or candidate in allowed or self._form_known(candidate):
                    return True
        return False

    def _form_known(self, word: str) -> bool:
        """Whether ``word`` is a plural or feminine form, as French makes them, of a known word."""
        known, allowed = self.dictionary.words, self.allowed
        for ending, replacement in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 2:
                base = word[: len(word) - len(ending)] + replacement
                if (base in known or base in allowed) and self._formed(base, ending, replacement):
                    return True
        for ending, replacement in _VERB_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                verb = word[: len(word) - len(ending)] + replacement
                if verb in known or verb in allowed:
                    return True
        return False

    def _formed(self, base: str, ending: str, replacement: str) -> bool:
        """Whether French forms base + ending so (the plural of « bacs » is not « bacss »)."""
        if replacement:
            return True
        if ending in ("s", "x") and base.endswith(("s", "x", "z")):
            return False
        if ending == "x" and not base.endswith(_PLURAL_X_AFTER):
            return False
        if ending in ("e", "es"):
            if base.endswith("é"):  # a past participle agrees (« priorisées »); a noun does not (« activitées »)
                verb = base[:-1] + "er"
                return verb in self.dictionary.words or verb in self.allowed
            if base.endswith(_NO_BARE_FEMININE):
                return False
        return True

    def _abbreviation(self, text: str, word: str, end: int) -> bool:
        """An abbreviation of the list before its period or hyphen, or a number (« boul. », « Ste-Julie »,
        « rte 132 »)."""
        if word not in self.abbreviations:
            return False
        following = text[end : end + 2]
        return following[:1] in (".", "-") or (len(following) == 2 and following[0] == " " and following[1].isdigit())

    def _in_compound(self, text: str, lowered: str, starts: list[int], ends: list[int], index: int) -> bool:
        """An elided word (jusqu', lorsqu'), or a part of a known compound (aujourd'hui, week-end)."""
        known, allowed = self.dictionary.words, self.allowed
        end = ends[index]
        following = text[end : end + 1]
        if following and following in _APOSTROPHES:
            word = lowered[starts[index] : end]
            if word + "e" in known:  # elision drops a final e: jusqu' → jusque
                return True
        # The run of tokens joined by hyphens or apostrophes around this one.
        first = last = index
        while first > 0 and ends[first - 1] + 1 == starts[first] and text[ends[first - 1]] in "-" + _APOSTROPHES:
            first -= 1
        while last + 1 < len(starts) and ends[last] + 1 == starts[last + 1] and text[ends[last]] in "-" + _APOSTROPHES:
            last += 1
        if first == last:
            return False
        compound = lowered[starts[first] : ends[last]]
        for apostrophe in _APOSTROPHES[1:]:
            compound = compound.replace(apostrophe, "'")
        if compound in known or compound in allowed:
            return True
        # Any two neighbours forming a known compound (« l'aujourd'hui », « grand-mère »).
        for left in range(first, last):
            for right in range(max(left + 1, index), last + 1):
                if left <= index <= right:
                    part = lowered[starts[left] : ends[right]]
                    for apostrophe in _APOSTROPHES[1:]:
                        part = part.replace(apostrophe, "'")
                    if part in known or part in allowed:
                        return True
        return False

    @staticmethod
    def _sentence_start(text: str, start: int) -> bool:
        before = text[max(0, start - LOOK_BACK_CHARS) : start].rstrip(_OPENERS)
        if not before:
            return start < LOOK_BACK_CHARS or not text[:start].strip()
        if (
            before[-1] == "."
            and len(before) >= 2
            and before[-2].isupper()
            and (len(before) == 2 or not before[-3].isalpha())
        ):
            return False  # after an initial or « M. »: a name follows
        return before[-1] in _SENTENCE_END

    @staticmethod
    def _name_follows(text: str, end: int) -> bool:
        """Whether a capitalised word follows (« Annie Lapointe », « Gilles Boucher »)."""
        following = text[end : end + 2]
        return len(following) == 2 and following[0] in " \u00a0-" and following[1].isupper()


def _equivalents(lines: list[str]) -> list[tuple[re.Pattern, str]]:
    """The « rectified → traditional » terms as (regular expression, replacement)."""
    equivalents = []
    for line in lines:
        rectified, arrow, traditional = line.partition(EQUIVALENCE_ARROW)
        if not arrow or not rectified.strip():
            continue
        try:
            pattern = re.compile(rectified.strip())
        except re.error:  # a term mistyped in the admin accepts nothing rather than stopping the Charte
            continue
        equivalents.append((pattern, traditional.strip()))
    return equivalents


def _inclusive_ending(text: str, start: int) -> bool:
    """Whether the word at ``start`` is an ending of inclusive writing glued to a word (« écolier(-ière)s »)."""
    for opener in _INCLUSIVE_OPENERS:
        at = start - len(opener)
        if at > 0 and text[at:start] == opener and text[at - 1].isalpha():
            return True
    return False


def preload_dictionary() -> None:
    """Load the dictionary now rather than at the first check (a process that forks workers shares it)."""
    _Dictionary.get()
