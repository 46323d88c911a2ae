"""The data the Charte's rules read: lexicons, patterns, allowed domains, limits, contacts, labels.

Plain data: ``calendar_app.charte.loader`` builds it from the tables (``data_from_database``) or,
without a database, from the defaults files (``data_from_defaults``), with the code's labels for
categories and networks. Montmagny's French defaults live in ``calendar_app/charte/defaults/*.json``
(one file per family of rules, read once and kept: a parameter missing from the data falls back
to them). A fresh database is loaded with them by a migration; from then on the communications
team edits them in the admin.

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

from calendar_app.charte.text.lexicon import Lexicon
from calendar_app.charte.text.patterns import Pattern

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

    # Construction (``calendar_app.charte.loader`` reads the files and the tables) -------------

    def add_document(self, document: dict) -> None:
        """Add what a defaults document holds (the shape in this module's docstring)."""
        for code, lexicon in document.get("lexicons", {}).items():
            target = self.pattern_terms if lexicon.get("kind") == "patterns" else self.lexicon_terms
            target.setdefault(code, []).extend(lexicon.get("terms", []))
        self.allowed_domains.extend(document.get("allowed_domains", []))
        for network, limits in document.get("network_limits", {}).items():
            self.network_limits[network] = NetworkLimitData(network=network, **limits)
        self.settings.update(document.get("settings", {}))

    def add_file_defaults_missing_from(self, *, lexicon_codes: set[str], networks: set[str]) -> None:
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
