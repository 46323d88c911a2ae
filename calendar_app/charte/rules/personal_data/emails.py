"""E-mail addresses, written plainly (« nom@domaine.com ») or disguised (« nom [at] domaine.com »,
« nom(arobase)domaine(point)com », « nom at domaine dot com »); the city's own pass."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from calendar_app.charte.rules.personal_data.patterns import EMAIL, Found, alternation, first_stems
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.folding import fold

# The lexicons this detector reads (see the defaults file for what each holds).
EMAIL_AT = "personal_data_email_at"
EMAIL_DOT = "personal_data_email_dot"
EMAIL_TLDS = "personal_data_email_tlds"


class EmailAddresses:
    """Finds e-mail addresses. Any address at an allowed domain (or one of its sub-domains) is
    official, and so is each address allowed one by one."""

    def __init__(self, terms):
        at_words = alternation(terms.get(EMAIL_AT, ()))
        dot_words = alternation(terms.get(EMAIL_DOT, ()))
        tlds = alternation(terms.get(EMAIL_TLDS, ()))
        bracketed_dot = rf"[ \t]*[\[({{<][ \t]*{dot_words}[ \t]*[\])}}>][ \t]*"
        # The stems a text must have for a disguised address: a spelled « at », a spelled dot.
        self.at_keys, _ = first_stems(terms.get(EMAIL_AT, ()))
        self._dot_keys, _ = first_stems(terms.get(EMAIL_DOT, ()))
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
        self._official_addresses: set[str] = set()
        self._official_domains: set[str] = set()

    def allow_address(self, value: str) -> None:
        self._official_addresses.add(fold(value.strip()))

    def allow_domain(self, value: str) -> None:
        """A domain (« ville.montmagny.qc.ca », « https://www.ville.montmagny.qc.ca/ ») whose
        mailboxes are the city's: info@, loisirs@, an employee's work address."""
        value = fold(value.strip())
        domain = (urlsplit(value if "//" in value else "//" + value).hostname or "").removeprefix("www.")
        if domain:
            self._official_domains.add(domain)

    def find(self, analysed: Analysed, stems: set[str]) -> Iterator[Found]:
        """The addresses in a text (``stems``: the cue words it has, for the disguised ones)."""
        folded = analysed.folded
        markers: list[tuple[int, int, re.Pattern]] = []
        if "@" in folded:
            position = folded.find("@")
            while position >= 0:
                markers.append((position, position + 1, self._domain))
                position = folded.find("@", position + 1)
        if not self.at_keys.isdisjoint(stems):
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
            if not self._is_official(address):
                yield Found(EMAIL, local.start(), domain.end())

    def imitates_official(self, address: str) -> bool:
        """Whether an address that is not official borrows the city's domain (« …@ville.montmagny.qc.ca.
        exemple.com », « …@faux-ville.montmagny.com »): even a service's mailbox there is not the city's."""
        domain = fold(address).rpartition("@")[2]
        labels = set(domain.split("."))
        for official in self._official_domains:
            distinctive = max(official.split("."), key=len)
            if official + "." in domain + "." or distinctive in labels:
                return not self._is_official(fold(address))
        return False

    def _is_official(self, address: str) -> bool:
        if address in self._official_addresses:
            return True
        domain = address.rpartition("@")[2]
        return any(domain == official or domain.endswith("." + official) for official in self._official_domains)
