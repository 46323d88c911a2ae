"""The data the Charte's rules read: lexicons, patterns, allowed domains, limits, contacts.

Montmagny's French defaults live in ``calendar_app/charte/defaults/*.json`` (one file per family
of rules). A fresh database is loaded with them by a migration; from then on the communications
team edits them in the admin. ``CharteData.from_defaults()`` builds the same data without a
database (benchmarks, the tests of a rule); ``CharteData.from_database()`` reads the tables.

Defaults file shape (every key optional)::

    {
      "lexicons": {"<code>": {"name": "...", "article": "4.3", "kind": "words" | "patterns",
                               "description": "...", "terms": ["...", ...]}},
      "allowed_domains": ["ville.montmagny.qc.ca", ...],
      "network_limits": {"x": {"max_length": 280, "url_length": 23, ...}},
      "settings": {"repetition_window_days": 7, ...}
    }
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from calendar_app.charte.text import Lexicon, Pattern

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"

# Parameters several rules read; each family's own are in its defaults file ("settings").
SETTING_DEFAULTS = {
    "repetition_window_days": 7,
    "repetition_similarity": 0.85,
    "short_text_length": 20,
    "tender_site_domain": "seao.ca",
    "max_findings_per_rule": 50,
}


@lru_cache(maxsize=1)
def file_documents() -> tuple[dict, ...]:
    """The defaults files, read once."""
    return tuple(json.loads(path.read_text(encoding="utf-8")) for path in sorted(DEFAULTS_DIR.glob("*.json")))


@lru_cache(maxsize=1)
def file_settings() -> dict:
    """The parameters of every defaults file."""
    merged = {}
    for document in file_documents():
        merged.update(document.get("settings", {}))
    return merged


@dataclass(frozen=True)
class NetworkLimitData:
    network: str
    max_length: int
    counts_graphemes: bool = False
    url_length: int | None = None  # a link counts this many characters whatever its length (X: 23)
    max_hashtags: int | None = None
    image_required: bool = False


@dataclass(frozen=True)
class OfficialContactData:
    kind: str  # email, phone, address, website
    value: str


@dataclass
class CharteData:
    """Plain data for the rules. Lexicons are compiled on first use and kept for the rule set's life."""

    lexicon_terms: dict[str, list[str]] = field(default_factory=dict)
    pattern_terms: dict[str, list[str]] = field(default_factory=dict)
    allowed_domains: list[str] = field(default_factory=list)
    network_limits: dict[str, NetworkLimitData] = field(default_factory=dict)
    settings: dict = field(default_factory=lambda: dict(SETTING_DEFAULTS))
    official_contacts: list[OfficialContactData] = field(default_factory=list)
    website_domain: str = ""
    # What the rules print for a post's category and a channel's network: the code's own labels
    # (lazy translations), given by whoever builds the data; a code without a label prints itself.
    category_labels: dict[str, str] = field(default_factory=dict)
    network_labels: dict[str, str] = field(default_factory=dict)

    def lexicon(self, code: str) -> Lexicon:
        """The compiled lexicon ``code`` (empty when the data has none)."""
        return self._lexicons.setdefault(code, Lexicon(self.lexicon_terms.get(code, ())))

    def patterns(self, code: str) -> list[Pattern]:
        """The regular expressions of the pattern lexicon ``code`` (case-insensitive)."""
        if code not in self._patterns:
            self._patterns[code] = [Pattern(term) for term in self.pattern_terms.get(code, ())]
        return self._patterns[code]

    def setting(self, name: str):
        """A parameter: the data's, else the defaults files' (a database loaded before a newer
        defaults file lacks its new parameters), else the shared defaults."""
        if name in self.settings:
            return self.settings[name]
        return file_settings().get(name, SETTING_DEFAULTS.get(name))

    def category_label(self, category: str) -> str:
        """The label of the post category ``category`` (the code itself when it has none)."""
        return self.category_labels.get(category, category)

    def network_label(self, network: str) -> str:
        """The label of the network ``network`` (the code itself when it has none)."""
        return self.network_labels.get(network, network)

    @cached_property
    def _lexicons(self) -> dict[str, Lexicon]:
        return {}

    @cached_property
    def _patterns(self) -> dict[str, list[Pattern]]:
        return {}

    # Construction ----------------------------------------------------------------------------

    @classmethod
    def from_defaults(cls, *, website_domain: str = "ville.montmagny.qc.ca", official_contacts=None) -> CharteData:
        """Montmagny's defaults from the files, without a database."""
        data = cls(website_domain=website_domain, category_labels=_category_labels())
        for document in file_documents():
            data._merge(document)
        if official_contacts is None:
            official_contacts = [
                OfficialContactData("email", "info@ville.montmagny.qc.ca"),
                OfficialContactData("phone", "418 248-3361"),
                OfficialContactData("address", "143, rue Saint-Jean-Baptiste Est, Montmagny (Québec) G5V 1K4"),
                OfficialContactData("website", "https://www.ville.montmagny.qc.ca"),
            ]
        data.official_contacts = list(official_contacts)
        return data

    def _merge(self, document: dict) -> None:
        for code, lexicon in document.get("lexicons", {}).items():
            target = self.pattern_terms if lexicon.get("kind") == "patterns" else self.lexicon_terms
            target.setdefault(code, []).extend(lexicon.get("terms", []))
        self.allowed_domains.extend(document.get("allowed_domains", []))
        for network, limits in document.get("network_limits", {}).items():
            self.network_limits[network] = NetworkLimitData(network=network, **limits)
        self.settings.update(document.get("settings", {}))

    def _add_file_defaults_missing_from(self, *, lexicon_codes: set[str], networks: set[str]) -> None:
        """A lexicon or a network limit that a newer defaults file brings and the database does not
        know yet comes from the file; what the database has (an emptied lexicon included) wins."""
        for document in file_documents():
            for code, lexicon in document.get("lexicons", {}).items():
                if code not in lexicon_codes:
                    target = self.pattern_terms if lexicon.get("kind") == "patterns" else self.lexicon_terms
                    target.setdefault(code, []).extend(lexicon.get("terms", []))
            for network, limits in document.get("network_limits", {}).items():
                if network not in networks:
                    self.network_limits[network] = NetworkLimitData(network=network, **limits)

    @classmethod
    def from_database(cls) -> CharteData:
        from calendar_app.models import (
            AllowedLinkDomain,
            CharteLexicon,
            CharteParameter,
            CharteTerm,
            Municipality,
            NetworkLimit,
            OfficialContact,
        )

        data = cls(category_labels=_category_labels())
        for code, kind, term in CharteTerm.objects.values_list("lexicon__code", "lexicon__kind", "term"):
            target = data.pattern_terms if kind == "patterns" else data.lexicon_terms
            target.setdefault(code, []).append(term)
        data.allowed_domains = list(AllowedLinkDomain.objects.values_list("domain", flat=True))
        for limit in NetworkLimit.objects.all():
            data.network_limits[limit.network] = NetworkLimitData(
                network=limit.network,
                max_length=limit.max_length,
                counts_graphemes=limit.counts_graphemes,
                url_length=limit.url_length,
                max_hashtags=limit.max_hashtags,
                image_required=limit.image_required,
            )
        data.settings.update(CharteParameter.objects.values_list("name", "value"))
        data._add_file_defaults_missing_from(
            lexicon_codes=set(CharteLexicon.objects.values_list("code", flat=True)),
            networks=set(data.network_limits),
        )
        municipality = Municipality.objects.first()
        if municipality is not None:
            data.website_domain = municipality.website_domain
            data.official_contacts = [
                OfficialContactData(kind, value)
                for kind, value in OfficialContact.objects.filter(municipality=municipality).values_list(
                    "kind", "value"
                )
            ]
        return data


def _category_labels() -> dict[str, str]:
    from calendar_app.models import Post

    return dict(Post.Category.choices)


def install_defaults(apps=None) -> None:
    """Load the defaults files into the Charte tables, adding only what is missing.

    Takes the historical ``apps`` registry in a migration, the real models otherwise. Never
    changes or deletes a row: what the communications team edited stays as they left it.
    """
    if apps is None:
        from django.apps import apps
    get = lambda name: apps.get_model("calendar_app", name)  # noqa: E731
    lexicon_model, term_model = get("CharteLexicon"), get("CharteTerm")
    domain_model, limit_model = get("AllowedLinkDomain"), get("NetworkLimit")
    parameter_model = get("CharteParameter")
    get("CharteSettings").objects.get_or_create(singleton=True)
    for name, value in SETTING_DEFAULTS.items():
        parameter_model.objects.get_or_create(name=name, defaults={"value": value})
    for path in sorted(DEFAULTS_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for code, spec in document.get("lexicons", {}).items():
            lexicon, _created = lexicon_model.objects.get_or_create(
                code=code,
                defaults={
                    "name": spec.get("name", code),
                    "article": spec.get("article", ""),
                    "kind": spec.get("kind", "words"),
                    "description": spec.get("description", ""),
                },
            )
            existing = set(term_model.objects.filter(lexicon=lexicon).values_list("term", flat=True))
            term_model.objects.bulk_create(
                term_model(lexicon=lexicon, term=term)
                for term in dict.fromkeys(spec.get("terms", []))
                if term not in existing
            )
        for domain in document.get("allowed_domains", []):
            domain_model.objects.get_or_create(domain=domain)
        for network, limits in document.get("network_limits", {}).items():
            limit_model.objects.get_or_create(network=network, defaults=limits)
        for name, value in document.get("settings", {}).items():
            parameter_model.objects.get_or_create(name=name, defaults={"value": value})
