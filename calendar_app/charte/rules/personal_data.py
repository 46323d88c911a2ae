"""Personal information (art. 5.13): no personal or non-public information, no individual case.

``PersonalData`` blocks a post that shows a person's phone number, e-mail address, civic address,
social insurance number (NAS), date of birth, file or case number, or health information, each
with its exact span. The city's own official contacts (``data.official_contacts``) pass.

What is code and what is data: the *shapes* (a North American phone number, an e-mail address, a
Canadian postal code, nine digits passing the Luhn check, a date) are generic and live here; every
*word* (extension markers, street types, the words that announce a date of birth or a file number,
months, health terms) comes from the ``personal_data_*`` lexicons of
``calendar_app/charte/defaults/personal_data.json``, editable in the admin.

Everything is read from ``Analysed.folded`` (lower case, accents removed, same length as the
text), so a span found there is the span in what the person wrote.

Speed: the whole Charte must check thousands of posts a second, so no pattern is run over the
whole text but one cheap scan for digits: phone numbers, NAS and postal codes are then read only
around the numbers it finds, and what a word announces (« né le », « dossier no », « tél. »)
only where that word is, found through the stems the text was already analysed into.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity, TextUnit, quote
from calendar_app.charte.text import INVISIBLE, Analysed, characters, fold, learn, stem, tokens

# The lexicons this rule reads (see the defaults file for what each holds).
PHONE_EXTENSIONS = "personal_data_phone_extensions"
PHONE_CUES = "personal_data_phone_cues"
PUBLIC_PHONES = "personal_data_public_phones"
EMAIL_AT = "personal_data_email_at"
EMAIL_DOT = "personal_data_email_dot"
EMAIL_TLDS = "personal_data_email_tlds"
STREET_TYPES = "personal_data_street_types"
STREET_FILLERS = "personal_data_street_fillers"
ADDRESS_CUES = "personal_data_address_cues"
BIRTH_CUES = "personal_data_birth_cues"
DATE_PREFIXES = "personal_data_date_prefixes"
MONTHS = "personal_data_months"
ORDINAL_SUFFIXES = "personal_data_ordinal_suffixes"
BIRTH_RANGE_WORDS = "personal_data_birth_range_words"
FILE_CUES = "personal_data_file_cues"
FILE_MARKERS = "personal_data_file_markers"
PUBLIC_NUMBERS = "personal_data_public_numbers"
CASE_PHRASES = "personal_data_case_phrases"
AMOUNT_UNITS = "personal_data_amount_units"
HEALTH = "personal_data_health"
HEALTH_CONDITIONS = "personal_data_health_conditions"
HEALTH_PERSON_CUES = "personal_data_health_person_cues"
HEALTH_CLOSE_CUES = "personal_data_health_close_cues"
# How many words apart a health condition and a word naming a person may be, either side (a
# setting); and how many words before it a pronoun or a possessive may be.
HEALTH_WINDOW_SETTING = "personal_data_health_window"
HEALTH_CLOSE_WINDOW_SETTING = "personal_data_health_close_window"

# The kinds of personal information, in the order a finding is preferred when two overlap with
# the same length (the more sensitive first).
NAS, PHONE, EMAIL, BIRTH, ADDRESS = "nas", "phone", "email", "birth", "address"
FILE, CASE, HEALTH_INFO = "file", "case", "health"
_PRIORITY = {kind: rank for rank, kind in enumerate((NAS, PHONE, EMAIL, BIRTH, ADDRESS, FILE, CASE, HEALTH_INFO))}

_MESSAGES = {
    # fr: Un numéro de téléphone personnel : « %(found)s ». Retirez-le ou indiquez plutôt le numéro de téléphone officiel de la Ville.  # noqa: E501
    PHONE: _("A personal phone number: « %(found)s ». Remove it, or give the city's official phone number instead."),
    # fr: Une adresse courriel personnelle : « %(found)s ». Retirez-la ou indiquez plutôt l'adresse courriel officielle de la Ville.  # noqa: E501
    EMAIL: _(
        "A personal e-mail address: « %(found)s ». Remove it, or give the city's official e-mail address instead."
    ),
    # fr: Une adresse civique : « %(found)s ». Retirez-la ou indiquez plutôt l'adresse officielle de la Ville.
    ADDRESS: _("A civic address: « %(found)s ». Remove it, or give the city's official address instead."),
    # fr: Un numéro d'assurance sociale : « %(found)s ». Retirez-le : un numéro d'assurance sociale ne se publie jamais.
    NAS: _("A social insurance number: « %(found)s ». Remove it: a social insurance number is never published."),
    # fr: Une date de naissance : « %(found)s ». Retirez-la : la date de naissance d'une personne est un renseignement personnel.  # noqa: E501
    BIRTH: _("A date of birth: « %(found)s ». Remove it: a person's date of birth is personal information."),
    # fr: Un numéro de dossier : « %(found)s ». Retirez-le : un dossier particulier ne se traite pas sur les médias sociaux ; dirigez la personne vers les coordonnées officielles de la Ville.  # noqa: E501
    FILE: _(
        "A file or case number: « %(found)s ». Remove it: an individual case is not handled on social media; "
        "refer the person to the city's official contact."
    ),
    # fr: Un dossier particulier : « %(found)s ». Retirez-le : un dossier particulier ne se traite pas sur les médias sociaux ; dirigez la personne vers les coordonnées officielles de la Ville.  # noqa: E501
    CASE: _(
        "An individual case: « %(found)s ». Remove it: an individual case is not handled on social media; "
        "refer the person to the city's official contact."
    ),
    # fr: Un renseignement de santé : « %(found)s ». Retirez-le : la santé d'une personne est un renseignement personnel.  # noqa: E501
    HEALTH_INFO: _("Health information: « %(found)s ». Remove it: a person's health is personal information."),
}

# Generic shapes ------------------------------------------------------------------------------

_NEVER = r"(?!x)x"  # an alternation with no terms matches nothing
_DASHES = "\u2010-\u2015"  # hyphen, non-breaking hyphen, figure dash, en dash, em dash, bar
# Invisible characters slipped between digits to dodge a filter (``text.INVISIBLE``: zero-width
# spaces and joiners, direction marks, word joiner, byte order mark…). They separate like a space.
_INVISIBLE = INVISIBLE
# Where a phone number, a NAS or a postal code may be: a run of digits and separators long enough
# for seven digits, or a digit, a letter and a digit (the end of a postal code). One scan, digit-led.
# ([0-9] scans twice as fast as \d, which also tries every Unicode digit.)
_CANDIDATE = re.compile(
    rf"[0-9](?:(?P<run>[0-9 \t\-.()/{_DASHES}{_INVISIBLE}]{{5,20}}[0-9])"  # a run: phone number, NAS
    rf"|[a-z][ \t\-{_DASHES}]?[0-9])"  # 5V 1 of G5V 1K4: a postal code
)
# Deleting the separators of a candidate run leaves its digits.
_SEPARATORS = str.maketrans("", "", " \t-.()/" + "".join(map(chr, range(0x2010, 0x2016))) + characters(INVISIBLE))
# How far after a candidate the thing found may go on (an extension: « , poste 123456 »).
_TAIL = 40
# Between the groups of a phone number: a space, a dot, a slash or any dash, possibly spaced.
_SEP = rf"(?:[ \t]?[-./{_DASHES}][ \t]?|[ \t{_INVISIBLE}])"
# A Canadian postal code; the letters D, F, I, O, Q, U never appear, W and Z never first.
_POSTAL = re.compile(
    rf"(?<!\w)([abceghj-nprstvxy]\d[abceghj-nprstv-z])[ \t]?[-{_DASHES}]?[ \t]?(\d[abceghj-nprstv-z]\d)(?!\w)"
)
# Nine digits grouped 3-3-3 with the same separator (a space, a dash or none) between the groups,
# not part of a longer number (1 125 000 000, 12,345 678 901).
_NINE_DIGITS = re.compile(
    r"(?<![\w.,])(?<!\d[ \-])"
    rf"(\d{{3}})([ \t\-{_DASHES}{_INVISIBLE}]?)(\d{{3}})\2(\d{{3}})"
    r"(?!\w)(?![.,\-]\d)(?![ \t]\d)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_MONTH_NUMBER = r"(?:1[0-2]|0?[1-9])"
_YEAR = r"(?:1[89]|20)\d\d"
_NUMERIC_DATE = (
    rf"(?:{_YEAR}[-/.]{_MONTH_NUMBER}[-/.]{_DAY}"  # 1985-03-12
    rf"|{_DAY}[-/.]{_MONTH_NUMBER}[-/.](?:{_YEAR}|\d\d)"  # 12/03/1985
    rf"|{_MONTH_NUMBER}[-/.]{_DAY}[-/.](?:{_YEAR}|\d\d))"  # 03/12/1985
)
# A file identifier: optional letters, then a digit, then letters, digits, dashes, slashes.
_IDENTIFIER = rf"(?P<id>(?:[a-z]{{1,4}}[-{_DASHES}]?)?\d(?:[\w\-/{_DASHES}]*\w)?)"
# What an identifier must look like with no number sign before it: a code, not a count or a year.
_CODE_SHAPE = re.compile(rf"[a-z]{{1,4}}[-{_DASHES}]?\d|\d+[-/{_DASHES}]\d|\d{{5}}|\d[a-z]")
_YEAR_OR_RANGE = re.compile(rf"(?:19|20)\d\d(?:[-/{_DASHES}](?:19|20)?\d\d)?")
_CIVIC_NUMBER = r"(?P<number>\d{1,6}(?:[a-z](?!\w))?(?:[-/]\d{1,6})?)"
_SEGMENT_END = re.compile(r"[,\n;()]")
_SENTENCE_END = re.compile(r"[.!?;\n]")
# What may stand between two health terms that make one finding: spaces and a short article.
_JOINS = re.compile(r"[ \t]*(?:[a-z]{1,3}'?[ \t]*)?")
_WORD = re.compile(r"[^\W_]+")
_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def _luhn(digits: str) -> bool:
    """The Luhn check every social insurance number passes (a mistyped digit fails it)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        total += _LUHN_DOUBLE[value] if position % 2 else value
    return total % 10 == 0


def _alternation(terms: Iterable[str], *, bound_start: bool = True) -> str:
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
        return _NEVER
    return "(?:" + "|".join(sorted(pieces, key=lambda piece: (-len(piece), piece))) + ")"


def _first_stems(terms: Iterable[str]) -> tuple[set[str], bool]:
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


class _Cued:
    """A pattern that begins with a word from the data, tried only where a text has that word."""

    def __init__(self, terms: list[str], tail: str):
        self.regex = re.compile(_alternation(terms) + tail)
        self.keys, self.scan = _first_stems(terms)

    def finditer(self, analysed: Analysed, stems: set[str]) -> Iterator[re.Match]:
        if self.scan:
            yield from self.regex.finditer(analysed.folded)
            return
        hits = self.keys.intersection(stems)
        if not hits:
            return
        folded, starts, last_end = analysed.folded, analysed.tokens.starts, -1
        for index, word_stem in enumerate(analysed.stems):
            if word_stem in hits and starts[index] >= last_end:
                match = self.regex.match(folded, starts[index])
                if match:
                    last_end = match.end()
                    yield match


class _Phrases:
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


@dataclass(frozen=True, slots=True)
class _Found:
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Address:
    number: str | None
    street: frozenset[str]
    postal: str | None


class PersonalData(Check):
    code = "personal_data"
    article = "5.13"
    severity = Severity.BLOCK
    # fr: Un renseignement personnel (numéro de téléphone, adresse courriel, adresse civique, numéro d'assurance sociale, date de naissance, numéro de dossier ou santé d'une personne) ne se publie jamais ; les coordonnées officielles de la Ville sont permises.  # noqa: E501
    help_text = _(
        "Personal information (a person's phone number, e-mail address, civic address, social insurance number, "
        "date of birth, file number or health) is never published; the city's official contacts are allowed."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        terms = data.lexicon_terms
        self._compile_phones(terms)
        self._compile_emails(terms)
        self._compile_addresses(terms)
        self._compile_births_and_files(terms)
        self._compile_health(terms, data)
        self._official_phones: set[str] = set()
        self._official_emails: set[str] = set()
        self._official_domains: set[str] = set()
        self._official_addresses: list[_Address] = []
        self._load_official_contacts(data)
        # Every word a cue-led pattern can start from: a text with none of them skips them all.
        cued = (self._local_phone, self._cued_address, self._birth, self._file)
        phrases = (self._health_terms, self._health_conditions, self._case_phrases)
        self._cue_keys = set(self._at_keys).union(*(item.keys for item in cued + phrases))
        # A cue list with a term made of signs only must be scanned for in every text.
        self._scan_always = any(item.scan for item in cued)

    # Compilation ---------------------------------------------------------------------------------

    def _compile_phones(self, terms) -> None:
        extensions = _alternation(terms.get(PHONE_EXTENSIONS, ()))
        extension = rf"(?:[ \t]*,?[ \t]*{extensions}[ \t]*[.:]?[ \t]*\d{{1,6}}(?!\d))?"
        self._phone = re.compile(
            r"(?<![\w+])(?<!\d[.,\-/])"
            rf"(?:\+[ \t]?1{_SEP}?|1{_SEP}?)?"  # +1, 1-
            rf"(?:\([ \t]?(?P<area>[2-9]\d\d)[ \t]?\)[ \t]?|(?P<area2>[2-9]\d\d){_SEP}?)"  # (418) or 418
            rf"(?P<exchange>[2-9]\d\d){_SEP}?(?P<line>\d{{4}})(?!\d|[.,]\d)"  # 248-3361
            rf"{extension}"  # poste 1234
        )
        # Seven digits (248-3361) are a phone number only after a word that announces one.
        self._local_phone = _Cued(
            terms.get(PHONE_CUES, []),
            rf"[^\d\n]{{0,20}}?(?<!\d)(?P<number>(?P<exchange>[2-9]\d\d)[-. {_DASHES}](?P<line>\d{{4}})"
            rf"(?!\d|[.,]\d){extension})",
        )

    def _compile_emails(self, terms) -> None:
        at_words = _alternation(terms.get(EMAIL_AT, ()))
        dot_words = _alternation(terms.get(EMAIL_DOT, ()))
        tlds = _alternation(terms.get(EMAIL_TLDS, ()))
        bracketed_dot = rf"[ \t]*[\[({{<][ \t]*{dot_words}[ \t]*[\])}}>][ \t]*"
        self._at_keys, _ = _first_stems(terms.get(EMAIL_AT, ()))
        self._dot_keys, _ = _first_stems(terms.get(EMAIL_DOT, ()))
        # « nom [at] domaine.com », « nom(arobase)domaine(point)com »
        self._bracketed_at = re.compile(rf"[ \t]*[\[({{<][ \t]*{at_words}[ \t]*[\])}}>][ \t]*")
        # « nom at domaine dot com »: only with a spelled dot and a known suffix (see _spelled_domain)
        self._spelled_at = re.compile(rf"[ \t]+{at_words}[ \t]+")
        self._local_part = re.compile(r"(?<![\w.%+\-@])[\w%+\-]+(?:\.[\w%+\-]+)*\Z")
        label = r"\w(?:[\w\-]*\w)?"
        self._domain = re.compile(rf"(?:{label}\.)+[a-z]{{2,24}}(?![\w\-])(?!\.\w)")
        self._disguised_domain = re.compile(rf"(?:{label}(?:\.|{bracketed_dot}))+[a-z]{{2,24}}(?![\w\-])")
        self._spelled_domain = re.compile(rf"(?:{label}(?:[ \t]+{dot_words}[ \t]+|\.))+{tlds}(?![\w\-])")
        self._dot_word = re.compile(rf"{bracketed_dot}|[ \t]+{dot_words}[ \t]+")

    def _compile_addresses(self, terms) -> None:
        street_types = _alternation(terms.get(STREET_TYPES, ()))
        ordinal = _alternation(terms.get(ORDINAL_SUFFIXES, ()), bound_start=False)
        self._street_fillers = {fold(term).strip(". ") for term in terms.get(STREET_FILLERS, ())}
        self._street_types = {fold(term).strip(". ") for term in terms.get(STREET_TYPES, ())}
        # A civic number and its street type: 143, rue ...; 214, 3e Avenue; 45 Main Street.
        self._civic = re.compile(
            rf"(?<![\w.,\-/]){_CIVIC_NUMBER}(?:[ \t]*,)?[ \t]+"
            rf"(?:(?:\d{{1,3}}{ordinal}[ \t]+)?{street_types}"  # French order
            rf"|(?:[^\W\d_][\w'\-]*[ \t]+){{1,3}}{street_types})"  # English order
        )
        # An address with no postal code is someone's only after a word such as « j'habite au ».
        self._cued_address = _Cued(terms.get(ADDRESS_CUES, []), r"[^\n.!?\d]{0,40}?(?<!\w)(?=\d)")

    def _compile_births_and_files(self, terms) -> None:
        months = _alternation(terms.get(MONTHS, ()))
        ordinal = _alternation(terms.get(ORDINAL_SUFFIXES, ()), bound_start=False)
        prefixes = _alternation(terms.get(DATE_PREFIXES, ()))
        textual = (
            rf"(?:{_DAY}{ordinal}?[ \t]+{months}\.?(?:,?[ \t]+{_YEAR})?"  # 12 mars 1985, 1er avril
            rf"|{months}\.?[ \t]+{_DAY}{ordinal}?,?[ \t]+{_YEAR})"  # March 3, 1952
        )
        # A date is a date of birth only after a word that says so (« né le », « DDN »).
        self._birth = _Cued(
            terms.get(BIRTH_CUES, []),
            rf"[ \t]*[:\-{_DASHES}]?[ \t]*(?:{prefixes}[ \t]+)?(?:{textual}|{_NUMERIC_DATE})(?!\d)",
        )
        self._birth_range = re.compile(r"[ \t,]*" + _alternation(terms.get(BIRTH_RANGE_WORDS, ())))
        # « dossier no 2024-00123 », « dossier 2024-00123 », or a few words apart but then with a
        # number sign: « Dossier de M. Bernier (no 23-1187) ». The gap may hold the dot of an
        # abbreviation (M., Mme.), not the end of a sentence.
        markers = _alternation(terms.get(FILE_MARKERS, ()))
        gap = r"(?:[^\n.!?;:]|(?<=[\s(][a-z])\.|(?<=[\s(][a-z]{2})\.|(?<=[\s(][a-z]{3})\.)"
        self._file = _Cued(
            terms.get(FILE_CUES, []),
            rf"(?:[ \t]*(?P<marker>{markers}[ \t]*[:.]?|:)?[ \t]*{_IDENTIFIER}"
            rf"|(?P<gap>{gap}{{1,40}}?)[ \t(]{markers}[ \t]*[:.]?[ \t]*"
            + _IDENTIFIER.replace("?P<id>", "?P<gap_id>")
            + ")",
        )
        # A public document's number (« le dossier du règlement no 1301 ») is not a person's file.
        self._public_number = re.compile(_alternation(terms.get(PUBLIC_NUMBERS, ())))
        self._case_phrases = _Phrases(terms.get(CASE_PHRASES, ()))
        self._amount_after = re.compile(r"[ \t]*" + _alternation(terms.get(AMOUNT_UNITS, ())))
        self._amount_before = re.compile(r"[$€][ \t]*\Z")

    def _compile_health(self, terms, data) -> None:
        self._health_terms = _Phrases(terms.get(HEALTH, ()))
        self._health_conditions = _Phrases(terms.get(HEALTH_CONDITIONS, ()))
        self._health_person_cues = _Phrases(terms.get(HEALTH_PERSON_CUES, ()), exact=True)
        self._health_close_cues = _Phrases(terms.get(HEALTH_CLOSE_CUES, ()), exact=True)
        # Settings; when one is missing (None) a cue anywhere in the sentence counts.
        window, close_window = data.setting(HEALTH_WINDOW_SETTING), data.setting(HEALTH_CLOSE_WINDOW_SETTING)
        self._health_window = int(window) if window is not None else None
        self._health_close_window = int(close_window) if close_window is not None else None

    # Official contacts ---------------------------------------------------------------------------

    def _load_official_contacts(self, data) -> None:
        def domain_of(value: str) -> str:
            value = fold(value.strip())
            host = urlsplit(value if "//" in value else "//" + value).hostname or ""
            return host.removeprefix("www.")

        # Any e-mail address at the city's own domain (or one of its sub-domains) is official: it
        # is a municipal mailbox (info@, loisirs@, an employee's work address) that the city
        # answers, not a person's private address. The domains of official website contacts count
        # too; other addresses pass only when listed one by one as official e-mail contacts.
        if data.website_domain:
            self._official_domains.add(domain_of(data.website_domain))
        # Public help lines the city relays (prevention, emergencies) pass like its own number.
        for number in data.lexicon_terms.get(PUBLIC_PHONES, ()):
            self._official_phones.update(self._phone_keys(number))
        for contact in data.official_contacts:
            if contact.kind == "phone":
                self._official_phones.update(self._phone_keys(contact.value))
            elif contact.kind == "email":
                self._official_emails.add(fold(contact.value.strip()))
            elif contact.kind == "website":
                self._official_domains.add(domain_of(contact.value))
            elif contact.kind == "address":
                analysed = Analysed(contact.value)
                postal = [address for _found, address in self._postal_addresses(analysed.folded)]
                self._official_addresses.extend(postal or self._first_address(analysed))
        self._official_domains.discard("")

    def _phone_keys(self, value: str) -> set[str]:
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
        return {digits, digits[-7:]} if len(digits) >= 10 else {digits}

    def _is_official_email(self, address: str) -> bool:
        if address in self._official_emails:
            return True
        domain = address.rpartition("@")[2]
        return any(domain == official or domain.endswith("." + official) for official in self._official_domains)

    def _is_official_address(self, address: _Address) -> bool:
        """Compared by civic number, street (its distinctive words) and postal code, each when known."""
        for official in self._official_addresses:
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

    # Finding each kind ---------------------------------------------------------------------------

    def _numbers(self, analysed: Analysed) -> Iterator[_Found]:
        """Phone numbers, NAS and addresses with a postal code, read around the candidates of one scan."""
        folded = analysed.folded
        postal_codes, phones_end = False, 0
        for candidate in _CANDIDATE.finditer(folded):
            run = candidate.group("run")
            if run is None:
                postal_codes = True
                continue
            digits = len(run.translate(_SEPARATORS)) + 1
            start, end = candidate.start(), candidate.end()
            if digits >= 10:  # « +1 (418) » begins up to three characters before the run
                for match in self._phone.finditer(folded, max(phones_end, start - 3), end + _TAIL):
                    phones_end = match.end()
                    if _ten_digits(match) not in self._official_phones:
                        yield _Found(PHONE, match.start(), match.end())
            if digits >= 9:
                for match in _NINE_DIGITS.finditer(folded, start, end + 3):
                    if not _luhn(match.group(1) + match.group(3) + match.group(4)):
                        continue  # nine digits that fail the Luhn check are not a NAS
                    if self._amount_after.match(folded, match.end()) or self._amount_before.search(
                        folded, max(0, match.start() - 3), match.start()
                    ):
                        continue  # an amount (125 000 000 $), not a NAS
                    yield _Found(NAS, match.start(), match.end())
        if postal_codes:
            for found, address in self._postal_addresses(folded):
                if not self._is_official_address(address):
                    yield found

    def _local_phones(self, analysed: Analysed, stems: set[str]) -> Iterator[_Found]:
        for match in self._local_phone.finditer(analysed, stems):
            if match.group("exchange") + match.group("line") not in self._official_phones:
                yield _Found(PHONE, match.start("number"), match.end("number"))

    def _emails(self, analysed: Analysed, stems: set[str]) -> Iterator[_Found]:
        folded = analysed.folded
        markers: list[tuple[int, int, re.Pattern]] = []
        if "@" in folded:
            position = folded.find("@")
            while position >= 0:
                markers.append((position, position + 1, self._domain))
                position = folded.find("@", position + 1)
        if not self._at_keys.isdisjoint(stems):
            markers.extend((m.start(), m.end(), self._disguised_domain) for m in self._bracketed_at.finditer(folded))
            if not self._dot_keys.isdisjoint(analysed.vocabulary_stems()):
                markers.extend((m.start(), m.end(), self._spelled_domain) for m in self._spelled_at.finditer(folded))
        for at_start, at_end, domain_pattern in markers:
            local = self._local_part.search(folded, max(0, at_start - 64), at_start)
            if local is None:
                continue  # @VilleMontmagny, @montmagny@mastodon.social: an account, not an address
            domain = domain_pattern.match(folded, at_end)
            if domain is None:
                continue
            address = local.group() + "@" + self._dot_word.sub(".", domain.group())
            if not self._is_official_email(address):
                yield _Found(EMAIL, local.start(), domain.end())

    def _postal_addresses(self, folded: str) -> Iterator[tuple[_Found, _Address]]:
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
            yield _Found(ADDRESS, start, match.end()), _Address(number, street, postal)

    def _cued_addresses(self, analysed: Analysed, stems: set[str]) -> Iterator[_Found]:
        for cue in self._cued_address.finditer(analysed, stems):
            found, address = self._address_at(analysed, cue.end())
            if found is not None and not self._is_official_address(address):
                yield found

    def _first_address(self, analysed: Analysed) -> list[_Address]:
        """An official address written without a postal code: its first civic number and street."""
        civic = self._civic.search(analysed.folded)
        return [self._address_at(analysed, civic.start())[1]] if civic else []

    def _address_at(self, analysed: Analysed, position: int) -> tuple[_Found | None, _Address | None]:
        civic = self._civic.match(analysed.folded, position)
        if civic is None:
            return None, None
        end = self._street_name_end(analysed, civic.end())
        street = self._street_key(analysed.folded[civic.end("number") : end])
        return _Found(ADDRESS, civic.start(), end), _Address(civic.group("number"), street, None)

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

    def _births(self, analysed: Analysed, stems: set[str]) -> Iterator[_Found]:
        for match in self._birth.finditer(analysed, stems):
            if not self._birth_range.match(analysed.folded, match.end()):  # « nés le 1er octobre 2019 ou après »
                yield _Found(BIRTH, match.start(), match.end())

    def _files(self, analysed: Analysed, stems: set[str]) -> Iterator[_Found]:
        folded = analysed.folded
        for match in self._file.finditer(analysed, stems):
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
            yield _Found(FILE, match.start(), end)
        for start, end, _index in self._case_phrases.find(analysed, stems):
            yield _Found(CASE, start, end)

    def _health_information(self, analysed: Analysed, stems: set[str]) -> Iterator[_Found]:
        """Health terms always; conditions near a word naming a person, or right after a health term
        (« souffre d'une » + « commotion cérébrale » make one finding)."""
        strong = self._health_terms.find(analysed, stems)
        conditions = self._health_conditions.find(analysed, stems)
        if not strong and not conditions:
            return
        near, close = [], []
        if conditions:
            near = self._health_person_cues.find(analysed)
            close = self._health_close_cues.find(analysed)
        matches = sorted(
            [(start, end, index, True) for start, end, index in strong]
            + [(start, end, index, False) for start, end, index in conditions]
        )
        folded, spans = analysed.folded, []
        for start, end, index, always in matches:
            if spans and start < spans[-1][1]:
                continue
            if spans and _JOINS.fullmatch(folded, spans[-1][1], start):
                spans[-1][1] = end  # « atteint de » + « la » + « maladie de Lyme »
            elif always or self._near_a_person(folded, (start, end, index), near, close):
                spans.append([start, end])
        for start, end in spans:
            yield _Found(HEALTH_INFO, start, end)

    def _near_a_person(self, folded: str, condition, near: list, close: list) -> bool:
        """Whether a word naming a person is near the condition, in the same sentence."""
        start, end, index = condition
        for cue_start, cue_end, cue_index in near:
            if self._health_window is None or abs(cue_index - index) <= self._health_window:
                if _same_sentence(folded, (cue_start, cue_end), (start, end)):
                    return True
        for cue_start, cue_end, cue_index in close:
            if self._health_close_window is None or 0 < index - cue_index <= self._health_close_window:
                if _same_sentence(folded, (cue_start, cue_end), (start, end)):
                    return True
        return False

    # The check -----------------------------------------------------------------------------------

    def found_in(self, analysed: Analysed) -> list[_Found]:
        """Every piece of personal information in one text, overlaps resolved, in reading order."""
        found = list(self._numbers(analysed))
        stems = self._cue_keys.intersection(analysed.vocabulary_stems())  # the cue words this text has, if any
        if stems or "@" in analysed.folded:
            found.extend(self._emails(analysed, stems))
        if stems or self._scan_always:
            found.extend(self._local_phones(analysed, stems))
            found.extend(self._cued_addresses(analysed, stems))
            found.extend(self._births(analysed, stems))
            found.extend(self._files(analysed, stems))
            found.extend(self._health_information(analysed, stems))
        return _without_overlaps(found)

    def check(self, context: CheckContext) -> Iterator[tuple[TextUnit, Finding]]:
        for unit in context.units():
            if unit.text is None or not unit.text.text:
                continue
            for item in self.found_in(unit.text):
                found = quote(unit.text.text[item.start : item.end])
                yield unit, Finding(_MESSAGES[item.kind], {"found": found}, start=item.start, end=item.end)


def _ten_digits(match: re.Match) -> str:
    """A phone number's area code, exchange and line, whatever the writing."""
    return (match.group("area") or match.group("area2")) + match.group("exchange") + match.group("line")


def _same_sentence(folded: str, cue: tuple[int, int], condition: tuple[int, int]) -> bool:
    """No sentence ends between a cue and a condition (the dot of « M. » ends no sentence)."""
    if cue[0] < condition[0]:
        end = cue[1] + 1 if folded.startswith(".", cue[1]) else cue[1]
        return _SENTENCE_END.search(folded, end, condition[0]) is None
    return _SENTENCE_END.search(folded, condition[1], cue[0]) is None


def _without_overlaps(found: list[_Found]) -> list[_Found]:
    """Keep the longest of overlapping findings (the more sensitive kind on a tie), in text order."""
    if len(found) < 2:
        return found
    kept: list[_Found] = []
    for item in sorted(found, key=lambda item: (item.start - item.end, _PRIORITY[item.kind], item.start)):
        if all(item.end <= other.start or item.start >= other.end for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda item: item.start)
