"""Whose contact it is: a person's, or an institution's or a role's.

Art. 5.13 protects *persons'* information. A phone number, an e-mail address or a civic address
that the city's list does not hold is judged by the words around it, in its sentence:

1. a word that points to a person makes it a person's, whatever else is near: a title and a name
   (« Mme Gagnon »), a first name (« Lorraine »), a name after a word that presents someone to
   reach (« auprès de Lorraine », « chez Gilles »), a personal line or the first person
   (« cellulaire », « domicile », « appelez-moi »);
2. otherwise a word that points to an institution, a service or a place makes it theirs, and it
   passes: « Centre d'action bénévole », « Services Québec », « l'hôtel de ville »; for a phone
   number also the wording of an information line (« composez le », « sans frais »), an extension
   (a switchboard: « poste 2245 ») and a toll-free area code;
3. otherwise it is taken for a person's: a number nobody vouches for is not published.

A role mailbox (« travaux.publics@ », « 311@ », « info@ ») is never a person's.

Every word is data (the ``personal_data_*`` lexicons named below); only the reading is code. The
words are read only around a contact found, so a text without one costs nothing here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calendar_app.charte.rules.personal_data.patterns import Phrases, alternation, first_stems
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold

# The lexicons and settings read here (see the defaults file for what each holds).
PERSON_TITLES = "personal_data_person_titles"
FIRST_NAMES = "personal_data_first_names"
PERSON_INTRODUCERS = "personal_data_person_introducers"
PERSON_WORDS = "personal_data_person_words"
INSTITUTIONS = "personal_data_institutions"
LINE_WORDS = "personal_data_line_words"
ROLE_MAILBOXES = "personal_data_role_mailboxes"
WORDS_BEFORE_SETTING = "personal_data_contact_words_before"
WORDS_AFTER_SETTING = "personal_data_contact_words_after"

# A name as written: a capitalised word, hyphenated parts included (Marie-Ève, Saint-Laurent).
_NAME = re.compile(r"[^\W\d_]+(?:[-\u2011][^\W\d_]+)*")
_WORD = re.compile(r"[^\W_]+")
# Where a sentence ends: « ! ? ; », a line break, or a dot before a space (see ``sentence``).
_SENTENCE_END = re.compile(r"[!?;\n]|\.(?=\s)")
# How far back the beginning of a sentence is looked for, in characters: a longer « sentence »
# (a list of numbers, a hostile text) is read from there, so that each contact costs the same.
SENTENCE_REACH = 300
_SPACES = r"[ \t\u00a0\u202f]+"
# What separates the words of a mailbox's name: travaux.publics, camp-de-jour, loisirs2027.
_MAILBOX_SEPARATORS = re.compile(r"[._+\-\d]+")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


class Holders:
    """Tells a person's contact from an institution's or a role's, by the words around it."""

    def __init__(self, terms, data):
        titles = terms.get(PERSON_TITLES, ())
        self._titles = re.compile(alternation(titles) + _SPACES)
        self._title_words = {fold(title).rstrip(".") for title in titles}
        self._first_names = {fold(name) for name in terms.get(FIRST_NAMES, ())}
        # A text without any of these stems names nobody by a title or a first name.
        self.name_keys = first_stems(titles)[0] | first_stems(terms.get(FIRST_NAMES, ()))[0]
        self._introducers = re.compile(alternation(terms.get(PERSON_INTRODUCERS, ())) + _SPACES)
        self._person_words = re.compile(alternation(terms.get(PERSON_WORDS, ())))
        # Institutions and information lines are read once a text has a contact, all at once.
        self._institutions = Phrases(terms.get(INSTITUTIONS, ()))
        self._institution_starts = {fold(term).split()[0] for term in terms.get(INSTITUTIONS, ()) if term.strip()}
        self._line_words = Phrases(terms.get(LINE_WORDS, ()))
        self._last_read: tuple[Analysed | None, list[Span], list[Span]] = (None, [], [])
        self._role_words = {fold(term) for term in terms.get(ROLE_MAILBOXES, ())}
        before, after = data.setting(WORDS_BEFORE_SETTING), data.setting(WORDS_AFTER_SETTING)
        self._words_before = int(before) if before is not None else 12
        self._words_after = int(after) if after is not None else 6

    # Contacts ----------------------------------------------------------------------------------

    def is_persons_phone(self, analysed: Analysed, start: int, end: int, floor: int, *, switchboard: bool) -> bool:
        """Whether the number at ``start:end`` is a person's. ``floor``: where the contact before it
        ends (the words before that speak of that one); ``switchboard``: it has an extension or a
        toll-free area code."""
        if self._near_a_person(analysed, start, end, floor):
            return True
        institutions, lines = self._institutions_and_lines(analysed)
        return not (switchboard or self._in_sentence(analysed, start, institutions + lines))

    def is_persons_email(self, analysed: Analysed, start: int, end: int, floor: int) -> bool:
        """Whether the address at ``start:end`` is a person's (a role mailbox never is)."""
        if self.is_role_mailbox(analysed.folded[start:end].partition("@")[0]):
            return False
        return self._near_a_person(analysed, start, end, floor) or not self._in_sentence(
            analysed, start, self._institutions_and_lines(analysed)[0]
        )

    def is_persons_address(self, analysed: Analysed, start: int, end: int, floor: int) -> bool:
        """Whether the civic address at ``start:end`` is a person's rather than an institution's
        or a place's (« Hôtel de ville de Shannon, 50, rue Saint-Patrick »)."""
        return self._near_a_person(analysed, start, end, floor) or not self._in_sentence(
            analysed, start, self._institutions_and_lines(analysed)[0]
        )

    def names_a_person_after(self, analysed: Analysed, start: int, end: int) -> bool:
        """Whether the words right after a contact point to a person (« … (cellulaire de Marc) »)."""
        return self._points_to_person(analysed, self._reach(analysed, start, end, start)[1])

    def is_role_mailbox(self, local_part: str) -> bool:
        """« info », « travaux.publics », « 311 », « campdejour »: only service words, or digits."""
        if local_part.isdigit():
            return True
        words = [word for word in _MAILBOX_SEPARATORS.split(local_part) if word]
        return bool(words) and all(word in self._role_words for word in words)

    # Names -------------------------------------------------------------------------------------

    def name_at(self, analysed: Analysed, position: int) -> Span | None:
        """The person's name that begins at ``position``, if one does: a title and a capitalised
        name (« M. Lavoie », « Mme Josée Tremblay »), or a first name and what capitalised words
        follow it (« Josée Tremblay »)."""
        text, folded = analysed.text, analysed.folded
        title = self._titles.match(folded, position)
        if title:
            return self._capitalised_words(text, title.end(), start=position)
        word = _NAME.match(text, position)
        if word and self._is_first_name(analysed, word):
            return self._capitalised_words(text, word.start(), start=position)
        return None

    def name_before(self, analysed: Analysed, end: int, reach: int) -> Span | None:
        """The person's name that ends at ``end`` (spaces and a comma aside), within ``reach``
        characters before it: « Mme Josée Tremblay, » | du 45, rue des Pins."""
        text = analysed.text
        stop = end
        while stop > 0 and text[stop - 1] in " \t,\u00a0":
            stop -= 1
        starts = [word.start() for word in _NAME.finditer(text, max(0, end - reach), stop)]
        starts += [title.start() for title in self._titles.finditer(analysed.folded, max(0, end - reach), stop)]
        for start in sorted(starts):
            name = self.name_at(analysed, start)
            if name is not None and name.end == stop and not self._inside_a_business_name(analysed, start):
                return name
        return None

    def _inside_a_business_name(self, analysed: Analysed, start: int) -> bool:
        """Whether the word before a name makes it part of a shop's or an institution's name:
        an institution word (« la pharmacie Jean Coutu ») or a capitalised word that does not begin
        the sentence (« à la Boulangerie Chez Paul »)."""
        text = analysed.text
        previous = None
        for previous in _WORD.finditer(text, max(0, start - 40), start):  # noqa: B007 — the last one
            pass
        if previous is None or text[previous.end() : start].strip(" \t\u00a0'’"):
            return False
        if analysed.folded[previous.start() : previous.end()] in self._institution_starts:
            return True
        begins_sentence = not text[self._sentence_start(analysed, 0, previous.start()) : previous.start()].strip()
        return previous.group()[0].isupper() and not begins_sentence

    # Reading -----------------------------------------------------------------------------------

    def _near_a_person(self, analysed: Analysed, start: int, end: int, floor: int) -> bool:
        """Whether a word before the contact (from ``floor``) or right after it points to a person."""
        before, after = self._reach(analysed, start, end, floor)
        return self._points_to_person(analysed, before) or self._points_to_person(analysed, after)

    def _in_sentence(self, analysed: Analysed, start: int, spans: list[Span]) -> bool:
        """Whether one of ``spans`` lies in the sentence before ``start``."""
        sentence = self._sentence(analysed, start)
        return any(sentence.start <= span.start and span.end <= start for span in spans)

    def _institutions_and_lines(self, analysed: Analysed) -> tuple[list[Span], list[Span]]:
        """Where a text names an institution, and an information line (read once per text)."""
        last = self._last_read
        if last[0] is not analysed:
            institutions = self._outside_addresses(analysed, self._institutions.find(analysed))
            lines = self._outside_addresses(analysed, self._line_words.find(analysed))
            last = self._last_read = (analysed, institutions, lines)
        return last[1], last[2]

    @staticmethod
    def _outside_addresses(analysed: Analysed, found: list[tuple[int, int, int]]) -> list[Span]:
        """The words found that are not part of an e-mail or a web address (« info@ville.montmagny.
        qc.ca » names no institution)."""
        text = analysed.text
        return [
            Span(start, end)
            for start, end, _index in found
            if text[start - 1 : start] not in ("@", ".", "/")
            and not (text[end : end + 1] in ("@", ".", "/") and text[end + 1 : end + 2].isalnum())
        ]

    def _points_to_person(self, analysed: Analysed, span: Span) -> bool:
        if span.start >= span.end:
            return False
        text, folded = analysed.text, analysed.folded
        if self._person_words.search(folded, span.start, span.end):
            return True
        for title in self._titles.finditer(folded, span.start, span.end):
            if title.end() < len(text) and text[title.end()].isupper():
                return True
        for introducer in self._introducers.finditer(folded, span.start, span.end):
            # « Chez Paul » written with a capital is a shop's name, not someone to reach.
            named = _NAME.match(text, introducer.end())
            if text[introducer.start()].islower() and named and named.group()[0].isupper():
                if fold(named.group()).split("-")[0] not in self._institution_starts:
                    return True
        return any(self._is_first_name(analysed, word) for word in _NAME.finditer(text, span.start, span.end))

    def _is_first_name(self, analysed: Analysed, word: re.Match) -> bool:
        """A capitalised word whose every hyphenated part is a first name (Lorraine, Marie-Ève)."""
        if not word.group()[0].isupper():
            return False
        parts = analysed.folded[word.start() : word.end()].replace("\u2011", "-").split("-")
        return all(part in self._first_names for part in parts)

    def _capitalised_words(self, text: str, position: int, *, start: int) -> Span | None:
        """The run of capitalised words from ``position`` (at most three: « Josée Tremblay »)."""
        end, count = position, 0
        for word in _NAME.finditer(text, position, min(len(text), position + 80)):
            if text[end : word.start()].strip(" \t\u00a0'’") or not word.group()[0].isupper():
                break
            if fold(word.group()) in self._title_words:
                break
            end, count = word.end(), count + 1
            if count == 3:
                break
        return Span(start, end) if count else None

    def _reach(self, analysed: Analysed, start: int, end: int, floor: int) -> tuple[Span, Span]:
        """The words that may speak of a contact: before it in its sentence (from ``floor`` on, at
        most ``personal_data_contact_words_before`` words), and after it up to the end of the
        sentence (at most ``personal_data_contact_words_after`` words)."""
        text = analysed.text
        words = list(_WORD.finditer(text, self._sentence_start(analysed, floor, start), start))
        words = words[-self._words_before :]
        before = Span(words[0].start() if words else start, start)
        sentence_end = min(len(text), end + SENTENCE_REACH)
        for stop in _SENTENCE_END.finditer(text, end, sentence_end):
            if not self._abbreviation_before(analysed, stop.start()):
                sentence_end = stop.start()
                break
        words = list(_WORD.finditer(text, end, sentence_end))[: self._words_after]
        after = Span(end, words[-1].end() if words else end)
        return before, after

    def _sentence(self, analysed: Analysed, start: int) -> Span:
        """The sentence before a contact, from its beginning."""
        return Span(self._sentence_start(analysed, 0, start), start)

    def _sentence_start(self, analysed: Analysed, floor: int, position: int) -> int:
        start = floor = max(floor, position - SENTENCE_REACH)
        for stop in _SENTENCE_END.finditer(analysed.text, floor, position):
            if not self._abbreviation_before(analysed, stop.start()):
                start = stop.end()
        return start

    def _abbreviation_before(self, analysed: Analysed, position: int) -> bool:
        """A dot that ends a title (« M. Lavoie ») or a short abbreviation (« tél. »), not a sentence."""
        if analysed.text[position] != ".":
            return False
        word = re.search(r"[^\W\d_]{1,4}\Z", analysed.folded[max(0, position - 5) : position])
        return word is not None and (word.group() in self._title_words or len(word.group()) <= 3)
