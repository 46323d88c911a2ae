"""Official language and language quality (art. 5.2).

« La langue de communication utilisée avec les citoyens est donc le français. […] Si la Ville de
Montmagny est interpellée en anglais par un citoyen, elle pourra répondre en anglais. La qualité de
la langue doit être la plus impeccable possible en toute circonstance. »

- ``OfficialLanguage`` blocks a text whose language is not French, unless the post is marked
  "health and safety" or answers a message written in English. Texts too short to judge are
  never blocked. How the language is decided: ``calendar_app/charte/language_id.py``.
- ``Spelling`` warns on words that are not in the French dictionary of pyspellchecker (loaded once
  per process), with a suggestion when there is a likely one. Left out: proper nouns (a capital
  mid-sentence), acronyms, hashtags, @mentions, URLs, e-mail addresses, numbers, and the words of
  the ``spelling_allowed_words`` lexicon (the city's names, Québec usage, accepted technical terms).
- ``Typography`` warns on French typography faults: no space before « : ; ! ? », no space inside
  « », and "…" or “…” instead of « … ». URLs, times (10:30), ratios (16:9) and emoticons pass.
- ``DirectionControls`` blocks a text holding a bidirectional embedding, override or isolate
  (``calendar_app.text_input.BIDI_CONTROLS``): it shows other words than it holds (« \u202eruop
  zetov » shows « votez pour »), so no rule could read it as people see it. Forms refuse them; this
  catches what comes another way (the admin, an import).

Spelling and typography read only the texts judged French (or short texts with a French word and
no English one): an English text allowed for health and safety is not corrected as French.
All word lists and characters are data (``defaults/language.json``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from itertools import compress

from django.conf.locale import LANG_INFO
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity, quote
from calendar_app.charte.language_id import (
    LanguageIdentifier,
    Verdict,
    inside,
    not_prose_spans,
    terms,
)
from calendar_app.charte.text import Analysed, fold, holds_unseen
from calendar_app.text_input import BIDI_CONTROLS, code_point

ALLOWED_WORDS = "spelling_allowed_words"
SPACE_BEFORE = "typography_space_before"
ENGLISH_QUOTES = "typography_english_quotes"
EMOTICONS = "typography_emoticons"

# Presentation, not policy: how much of the text around a fault a message quotes.
CONTEXT_CHARS = 30

# How many words the spelling rule remembers the inflection check of (memory, not policy).
CACHE_SIZE = 65536

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def reads_as_french(verdict: Verdict) -> bool:
    """Whether the quality rules read a text: judged French, or short with French words only."""
    if verdict.undetermined:
        return verdict.french_share > 0 and verdict.foreign_share == 0
    return verdict.is_french


class _LanguageName:
    """A language's name, translated when the message is rendered (lower case inside a French sentence)."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self) -> str:
        info = LANG_INFO.get(self.code)
        if info is None:
            return self.code
        name = gettext(info["name"])
        return name.lower() if (get_language() or "").startswith("fr") else name


class OfficialLanguage(Check):
    code = "official_language"
    article = "5.2"
    severity = Severity.BLOCK
    # fr: Le français est la langue de communication. L'anglais n'est permis que pour un enjeu de santé et de
    # sécurité ou pour répondre à un citoyen qui a écrit en anglais.
    help_text = _(
        "French is the language of communication. English is allowed only for a health and safety issue "
        "or to answer a citizen who wrote in English."
    )
    # fr: Ce texte semble rédigé en %(language)s et non en français. Rédigez-le en français ; l'anglais n'est permis
    # que pour un enjeu de santé et de sécurité ou pour répondre à un citoyen qui a écrit en anglais (indiquez-le alors
    # dans la publication).
    MESSAGE = _(
        "This text seems to be written in %(language)s, not in French. Write it in French; English is allowed only "
        "for a health and safety issue or to answer a citizen who wrote in English (then mark the post so)."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.identifier = LanguageIdentifier.for_data(data)

    def check(self, context: CheckContext):
        if context.health_and_safety or context.replies_to_english:
            return
        for unit in context.units():
            analysed = unit.text
            if analysed is None:
                continue
            verdict = self.identifier.identify(analysed)
            if verdict.undetermined or verdict.is_french:
                continue
            params = {"language": _LanguageName(verdict.language)}
            yield unit, Finding(self.MESSAGE, params, start=0, end=len(analysed.text))


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
_APOSTROPHES = "'\u2019\u02bc"
# Before a word, what may stand at the start of a sentence (opening quotes, brackets, bullets).
_OPENERS = " \t\u00a0\u202f«\"“(['*•·–—-"
_SENTENCE_END = ".!?…\n\r"


class Spelling(Check):
    code = "spelling"
    article = "5.2"
    severity = Severity.WARN
    # fr: Mots absents du dictionnaire français. Les noms propres, mots-clics, mentions, liens, nombres et noms
    # de la ville sont ignorés.
    help_text = _(
        "Words that are not in the French dictionary. Proper nouns, hashtags, mentions, links, numbers and the "
        "city's names are left out."
    )

    # fr: « %(word)s » n'est pas dans le dictionnaire français : vérifiez l'orthographe (suggestion :
    # « %(suggestion)s »).
    SUGGESTED = _("« %(word)s » is not in the French dictionary: check its spelling (suggestion: « %(suggestion)s »).")
    # fr: « %(word)s » n'est pas dans le dictionnaire français : vérifiez l'orthographe, ou ajoutez ce mot aux mots
    # admis s'il est correct.
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
            if not reads_as_french(verdict):
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
        for ending, replacement in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 2:
                base = word[: len(word) - len(ending)] + replacement
                if base in known or base in allowed:
                    return True
        return False

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
        before = text[max(0, start - CONTEXT_CHARS) : start].rstrip(_OPENERS)
        if not before:
            return start < CONTEXT_CHARS or not text[:start].strip()
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


class Typography(Check):
    code = "typography"
    article = "5.2"
    severity = Severity.WARN
    # fr: Typographie française : une espace (insécable, fine de préférence) avant « : ; ! ? », des espaces à
    # l'intérieur des « », et « » plutôt que "…".
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
            if not reads_as_french(verdict):
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
                            # fr: Il manque une espace avant « %(mark)s » : écrivez « %(correction)s » au lieu de
                            # « %(found)s » (espace insécable, fine de préférence).
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
                    # fr: Les guillemets demandent une espace insécable à l'intérieur : écrivez %(correction)s au
                    # lieu de %(found)s.
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
                    # fr: En français, les guillemets s'écrivent « » : écrivez %(correction)s au lieu de %(found)s.
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


class DirectionControls(Check):
    code = "direction_control"
    article = "5.2"
    severity = Severity.BLOCK
    help_text = _(
        "Characters that change the direction of writing are refused: a text must read as it is written, in French."
    )
    MESSAGE = _(
        "The text contains a character that changes the direction of writing (%(code_point)s): what readers see "
        "is not what was checked. Delete it; a text must read as it is written."
    )

    def check(self, context: CheckContext):
        for unit in context.units():
            analysed = unit.text
            if analysed is None:
                continue
            # Every direction control is an unseen character: most texts hold none, which one encoding of
            # the folded text (same positions) usually tells; then nine searches of str's own, in C.
            text = analysed.text
            if not holds_unseen(analysed.folded) or not any(map(text.__contains__, BIDI_CONTROLS)):
                continue
            position = min(text.find(char) for char in BIDI_CONTROLS if char in text)
            char = text[position]
            yield unit, Finding(self.MESSAGE, {"code_point": code_point(char)}, start=position, end=position + 1)
