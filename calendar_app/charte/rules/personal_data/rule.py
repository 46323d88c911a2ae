"""The personal-information rule (art. 5.13): runs each detector of this package over every text
of a post, keeps the longest of overlapping findings, lets the city's official contacts pass, and
lets an institution's or a role's phone number, e-mail or address pass (``holders``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity, TextUnit, quote
from calendar_app.charte.rules.personal_data.births import DatesOfBirth
from calendar_app.charte.rules.personal_data.civic_addresses import CivicAddresses
from calendar_app.charte.rules.personal_data.emails import EmailAddresses
from calendar_app.charte.rules.personal_data.files import IndividualCases
from calendar_app.charte.rules.personal_data.health import HealthInformation
from calendar_app.charte.rules.personal_data.holders import Holders
from calendar_app.charte.rules.personal_data.patterns import (
    ADDRESS,
    BIRTH,
    CASE,
    DASHES,
    EMAIL,
    FILE,
    HEALTH_INFO,
    NAS,
    OFFICIAL,
    PHONE,
    PRIORITY,
    Found,
    alternation,
)
from calendar_app.charte.rules.personal_data.phones import Phones
from calendar_app.charte.rules.personal_data.social_insurance import SocialInsuranceNumbers
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.unseen import INVISIBLE, characters

# Public help lines the city relays (prevention, emergencies): they pass like its own number.
PUBLIC_PHONES = "personal_data_public_phones"
# « ou », « or »: between two numbers, the second is another way to reach the same holder.
CONTACT_JOINS = "personal_data_contact_joins"

_MESSAGES = {
    PHONE: _("A personal phone number: « %(found)s ». Remove it, or give the city's official phone number instead."),
    EMAIL: _(
        "A personal e-mail address: « %(found)s ». Remove it, or give the city's official e-mail address instead."
    ),
    ADDRESS: _("A civic address: « %(found)s ». Remove it, or give the city's official address instead."),
    NAS: _("A social insurance number: « %(found)s ». Remove it: a social insurance number is never published."),
    BIRTH: _("A date of birth: « %(found)s ». Remove it: a person's date of birth is personal information."),
    FILE: _(
        "A file or case number: « %(found)s ». Remove it: an individual case is not handled on social media; "
        "refer the person to the city's official contact."
    ),
    CASE: _(
        "An individual case: « %(found)s ». Remove it: an individual case is not handled on social media; "
        "refer the person to the city's official contact."
    ),
    HEALTH_INFO: _("Health information: « %(found)s ». Remove it: a person's health is personal information."),
}

# Where a phone number, a NAS or a postal code may be: a run of digits and separators long enough
# for seven digits, or a digit, a letter and a digit (the end of a postal code). One scan, digit-led.
# ([0-9] scans twice as fast as \d, which also tries every Unicode digit.) Invisible characters
# slipped between digits to dodge a filter (``text.INVISIBLE``) separate like a space.
_CANDIDATE = re.compile(
    rf"[0-9](?:(?P<run>[0-9 \t\-.()/{DASHES}{INVISIBLE}]{{5,20}}[0-9])"  # a run: phone number, NAS
    rf"|[a-z][ \t\-{DASHES}]?[0-9])"  # 5V 1 of G5V 1K4: a postal code
)
# Deleting the separators of a candidate run leaves its digits.
_SEPARATORS = str.maketrans("", "", " \t-.()/" + "".join(map(chr, range(0x2010, 0x2016))) + characters(INVISIBLE))


class PersonalData(Check):
    code = "personal_data"
    article = "5.13"
    severity = Severity.BLOCK
    help_text = _(
        "Personal information (a person's phone number, e-mail address, civic address, social insurance number, "
        "date of birth, file number or health) is never published; the city's official contacts are allowed."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        terms = data.lexicon_terms
        self._phones = Phones(terms)
        self._emails = EmailAddresses(terms)
        self._addresses = CivicAddresses(terms)
        self._social_insurance = SocialInsuranceNumbers(terms)
        self._births = DatesOfBirth(terms)
        self._cases = IndividualCases(terms)
        self._health = HealthInformation(terms, data)
        self._holders = Holders(terms, data)
        self._join = re.compile(rf"[ \t,/]*(?:{alternation(terms.get(CONTACT_JOINS, ()))}[ \t,/]*)?")
        self._allow_official_contacts(data)
        # Every word a cue-led pattern can start from: a text with none of them skips them all.
        cued = (self._phones.local, self._addresses.cued, self._births.cued, self._cases.cued)
        phrases = (self._health.terms, self._health.conditions, self._cases.case_phrases)
        self._cue_keys = set(self._emails.at_keys).union(*(item.keys for item in cued + phrases))
        # What an address or a file tied to a person needs: a street type or a file word (« rue »,
        # « plainte »), and a title, a first name or a word such as « propriétaire » or « constat ».
        # Common words: they are kept apart, so that they do not send a text through the others.
        self._people_keys = self._addresses.keys | self._cases.named.keys | self._holders.name_keys
        self._people_keys |= self._addresses.tie_keys
        # A cue list with a term made of signs only must be scanned for in every text.
        self._scan_always = any(item.scan for item in cued)

    def _allow_official_contacts(self, data) -> None:
        # Any e-mail address at the city's own domain (or one of its sub-domains) is official: it
        # is a municipal mailbox (info@, loisirs@, an employee's work address) that the city
        # answers, not a person's private address. The domains of official website contacts count
        # too; other addresses pass only when listed one by one as official e-mail contacts.
        if data.website_domain:
            self._emails.allow_domain(data.website_domain)
        for number in data.lexicon_terms.get(PUBLIC_PHONES, ()):
            self._phones.allow(number)
        for contact in data.official_contacts:
            if contact.kind == "phone":
                self._phones.allow(contact.value)
            elif contact.kind == "email":
                self._emails.allow_address(contact.value)
            elif contact.kind == "website":
                self._emails.allow_domain(contact.value)
            elif contact.kind == "address":
                self._addresses.allow(contact.value)

    def _numbers(self, analysed: Analysed) -> Iterator[Found]:
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
            if digits >= 10:
                phones, phones_end = self._phones.around_run(folded, start, end, phones_end)
                yield from phones
            if digits >= 9:
                yield from self._social_insurance.in_run(folded, start, end)
        if postal_codes:
            yield from self._addresses.with_postal_codes(folded)

    def found_in(self, analysed: Analysed) -> list[Found]:
        """Every piece of personal information in one text, overlaps resolved, in reading order."""
        contacts = list(self._numbers(analysed))
        found = []
        vocabulary = analysed.vocabulary_stems()
        stems = self._cue_keys.intersection(vocabulary)  # the cue words this text has, if any
        if stems or "@" in analysed.folded:
            contacts.extend(self._emails.find(analysed, stems))
        if stems or self._scan_always:
            contacts.extend(self._phones.local_numbers(analysed, stems))
            found.extend(self._addresses.after_cues(analysed, stems))
            found.extend(self._births.find(analysed, stems))
            found.extend(self._cases.find(analysed, stems))
            found.extend(self._health.find(analysed, stems))
        people = self._people_keys.intersection(vocabulary)
        if people:
            named = not people.isdisjoint(self._holders.name_keys)
            if not people.isdisjoint(self._addresses.keys) and (
                named or not people.isdisjoint(self._addresses.tie_keys)
            ):
                found.extend(self._addresses.tied_to_people(analysed, people, self._holders))
            if named and not people.isdisjoint(self._cases.named.keys):
                found.extend(self._cases.of_named_people(analysed, people, self._holders))
        if any(item.kind != OFFICIAL for item in contacts):
            found.extend(self._persons_contacts(analysed, contacts))
        return _without_overlaps(found)

    def _persons_contacts(self, analysed: Analysed, contacts: list[Found]) -> Iterator[Found]:
        """The phone numbers, e-mail and postal addresses that are a person's, not an institution's
        or a role's. The words before a contact that speak of it begin after the contact before it
        (« appelez Pierre au 418 … ou le Centre d'action bénévole au 418 … »)."""
        floor, previous_persons = 0, None
        holders, folded = self._holders, analysed.folded
        for item in sorted(contacts, key=lambda item: item.start):
            joined = previous_persons is False and self._join.fullmatch(folded, floor, item.start)
            if item.kind in (OFFICIAL, NAS):
                persons = item.kind == NAS  # a NAS is always a person's
            elif joined:  # « 1 877 644-4545 ou 418 644-4545 »: unless « (cellulaire de Marc) » follows
                persons = holders.names_a_person_after(analysed, item.start, item.end)
            elif item.kind == PHONE:
                switchboard = self._phones.is_switchboard(folded, item.start)
                persons = holders.is_persons_phone(analysed, item.start, item.end, floor, switchboard=switchboard)
            elif item.kind == EMAIL:
                address = analysed.folded[item.start : item.end]
                persons = self._emails.imitates_official(address) or holders.is_persons_email(
                    analysed, item.start, item.end, floor
                )
            else:
                persons = holders.is_persons_address(analysed, item.start, item.end, floor)
            if persons:
                yield item
            floor, previous_persons = max(floor, item.end), persons

    def check(self, context: CheckContext) -> Iterator[tuple[TextUnit, Finding]]:
        for unit in context.units():
            if unit.text is None or not unit.text.text:
                continue
            for item in self.found_in(unit.text):
                found = quote(unit.text.text[item.start : item.end])
                yield unit, Finding(_MESSAGES[item.kind], {"found": found}, start=item.start, end=item.end)


def _without_overlaps(found: list[Found]) -> list[Found]:
    """Keep the longest of overlapping findings (the more sensitive kind on a tie), in text order."""
    if len(found) < 2:
        return found
    kept: list[Found] = []
    for item in sorted(found, key=lambda item: (item.start - item.end, PRIORITY[item.kind], item.start)):
        if all(item.end <= other.start or item.start >= other.end for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda item: item.start)
