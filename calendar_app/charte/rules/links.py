"""Links (art. 2, 5.4, 5.7): well formed, to allowed sites, to the city's website, to the tender system.

The addresses are found and judged by the shared ``calendar_app.charte.addresses.LinkScanner``;
each rule here decides what an address means for the policy.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.addresses import FoundUrl, LinkScanner, domains_of, host_in, normalise_domain
from calendar_app.charte.base import Check, CheckContext, Finding, Severity, TextUnit

_MESSAGE_URL_LENGTH = 80


def shorten(url: str) -> str:
    """An address short enough to quote in a message."""
    return url if len(url) <= _MESSAGE_URL_LENGTH else url[: _MESSAGE_URL_LENGTH - 1] + "…"


def _text_units(context: CheckContext) -> list[TextUnit]:
    return [unit for unit in context.units() if unit.text is not None]


def _links_to(scanner: LinkScanner, context: CheckContext, domains: frozenset[str]) -> bool:
    """Whether the post's texts or attached links point to one of ``domains``."""
    for unit in _text_units(context):
        for found in scanner.scan(unit.text.text):
            if found.host and host_in(found.host, domains):
                return True
    for link in context.links:
        found = scanner.judge_link(link.url)
        if found.host and host_in(found.host, domains):
            return True
    return False


class MalformedLinks(Check):
    code = "malformed_link"
    article = "5.7"
    severity = Severity.BLOCK
    help_text = _("Web addresses in the text and the attached links must be well formed.")

    MESSAGES = {
        "bad_scheme": _(
            "The link « %(found)s » does not begin with a web address prefix (« %(scheme)s »): write it with https://."
        ),
        "bad_separator": _(
            "The link « %(found)s » is malformed after « %(scheme)s »: a web address begins with %(scheme)s:// "
            "(a colon and two slashes)."
        ),
        "no_host": _(
            "The link « %(found)s » has no domain name: complete it (for example https://%(example)s/…) or remove it."
        ),
        "bad_host": _(
            "The domain name « %(host)s » in the link « %(found)s » is invalid or incomplete: check its spelling "
            "(letters, digits and hyphens, with dots between the parts, as in %(example)s)."
        ),
        "bad_char": _(
            "The link « %(found)s » contains a character a web address cannot hold (%(char)s): remove it or copy "
            "the address again from the browser."
        ),
        "space": _(
            "The link « %(found)s » contains a space: a web address has none; remove the space or copy the address "
            "again from the browser."
        ),
        "no_scheme": _("The link « %(found)s » is not a complete web address: begin it with https://."),
    }

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.scanner = LinkScanner.for_data(data)
        self.example = normalise_domain(data.website_domain) or "…"

    def _finding(self, found: FoundUrl) -> Finding:
        params = {"found": shorten(found.url), "example": self.example, "scheme": "", "host": "", "char": ""}
        params.update(found.detail or {})
        return Finding(message=self.MESSAGES[found.problem], params=params, start=found.start, end=found.end)

    def check(self, context: CheckContext):
        for unit in _text_units(context):
            for found in self.scanner.scan(unit.text.text):
                if not found.ok:
                    yield unit, self._finding(found)
        for link in context.links:
            found = self.scanner.judge_link(link.url)
            if not found.ok:
                yield self._finding(found)


class LinkDomains(Check):
    code = "link_domain"
    article = "5.7"
    severity = Severity.WARN
    help_text = _("Links to sites outside the list of allowed domains need a second look.")

    MESSAGE = _(
        "The link « %(found)s » leads to %(domain)s, which is not on the list of allowed sites: make sure the page is "
        "relevant and reliable (a link is not an endorsement by the city), or have the site added to the list."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.scanner = LinkScanner.for_data(data)
        self.allowed = domains_of([*data.allowed_domains, data.website_domain])

    def _finding(self, found: FoundUrl) -> Finding | None:
        if found.host is None or host_in(found.host, self.allowed):
            return None
        domain = found.host[4:] if found.host.startswith("www.") else found.host
        return Finding(
            message=self.MESSAGE,
            params={"found": shorten(found.url), "domain": domain},
            start=found.start,
            end=found.end,
        )

    def check(self, context: CheckContext):
        reported = set()
        for unit in _text_units(context):
            for found in self.scanner.scan(unit.text.text):
                finding = self._finding(found)
                if finding is not None:
                    reported.add(found.host)
                    yield unit, finding
        for link in context.links:
            found = self.scanner.judge_link(link.url)
            if found.host in reported:
                continue  # already shown where the text quotes it
            finding = self._finding(found)
            if finding is not None:
                reported.add(found.host)
                yield finding


class WebsiteLink(Check):
    code = "website_link"
    article = "2, 5.4"
    severity = Severity.WARN
    help_text = _("Posts whose subject has a page on the city's website link to it, the main reference.")

    MESSAGE = _(
        "A post of category « %(category)s » should link to the city's website (%(domain)s), the main reference: "
        "add the link to the page that gives the details."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.scanner = LinkScanner.for_data(data)
        self.domain = normalise_domain(data.website_domain)
        self.domains = domains_of([data.website_domain])
        categories = data.setting("website_link_categories") or ()
        self.categories = frozenset([categories] if isinstance(categories, str) else categories)

    def check(self, context: CheckContext):
        if context.category not in self.categories or not self.domains:
            return
        if not _links_to(self.scanner, context, self.domains):
            yield Finding(
                message=self.MESSAGE,
                params={"category": self.data.category_label(context.category), "domain": self.domain},
            )


class TenderLink(Check):
    code = "tender_link"
    article = "5.4"
    severity = Severity.WARN
    help_text = _("A call for tenders links to the tender system where its documents are published.")

    CATEGORY = "tender"

    MESSAGE = _(
        "A call for tenders should link to the electronic tendering system (%(domain)s), where its documents are "
        "published: add the link to the notice."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.scanner = LinkScanner.for_data(data)
        setting = data.setting("tender_site_domain") or ()
        self.domains = domains_of(setting)
        self.domain = ", ".join(sorted(self.domains))

    def check(self, context: CheckContext):
        if context.category != self.CATEGORY or not self.domains:
            return
        if not _links_to(self.scanner, context, self.domains):
            yield Finding(message=self.MESSAGE, params={"domain": self.domain})
