"""The CSV file of posts: its columns, in French and in English, and how its cells are written (issue 13,
item 6). The import (``csv_reading``, ``csv_transfer``) and the export (``csv_export``) share it, so that an
exported file imports again as it is."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy

from calendar_app.models import Channel

# A cell beginning with one of these is a formula to a spreadsheet (OWASP, "CSV injection"): the export writes
# it after an apostrophe, which the import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column of the file: its key, its French and English names, and what it holds."""

    key: str
    french: str
    english: str
    required: bool
    help: str
    network: str | None = None  # a network's own text
    exported_only: bool = False  # written by the export, read past by the import

    def name(self, language: str | None = None) -> str:
        return self.french if (language or translation.get_language() or "fr").startswith("fr") else self.english


COLUMNS: tuple[Column, ...] = (
    Column("title", "titre", "title", True, gettext_lazy("What the calendar shows; not published.")),
    Column(
        "category", "categorie", "category", True, gettext_lazy("One of the categories below, by its name or code.")
    ),
    Column(
        "channels",
        "canaux",
        "channels",
        True,
        gettext_lazy(
            "The channels, separated by “|”, each as network:account (e.g. facebook:villemontmagny), or the "
            "network alone when it has one channel."
        ),
    ),
    Column("date", "date", "date", True, gettext_lazy("The publication date, as YYYY-MM-DD.")),
    Column("time", "heure", "time", True, gettext_lazy("The publication time, on the 24-hour clock: 9:30 or 9 h 30.")),
    Column("text", "texte", "text", True, gettext_lazy("The text to publish.")),
    Column("links", "liens", "links", False, gettext_lazy("Web addresses, separated by “|” or spaces.")),
    Column(
        "health_and_safety",
        "sante_securite",
        "health_and_safety",
        False,
        gettext_lazy("“oui” when English is allowed for a health and safety matter (art. 5.2); otherwise empty."),
    ),
)
EXPORTED_COLUMNS: tuple[Column, ...] = (
    Column("status", "statut", "status", False, gettext_lazy("The post's status."), exported_only=True),
    Column(
        "channel_statuses",
        "statuts_canaux",
        "channel_statuses",
        False,
        gettext_lazy("Each channel's status and time."),
        exported_only=True,
    ),
    Column(
        "published_links",
        "liens_publies",
        "published_links",
        False,
        gettext_lazy("The addresses of the published posts."),
        exported_only=True,
    ),
)
# Other names the import takes for a column (compared as ``header_key`` gives them).
ALIASES = {"canal": "channels", "channel": "channels", "lien": "links", "sante_et_securite": "health_and_safety"}


def network_column(network: str) -> Column:
    """The column of a network's own text (``ChannelVersion.text_override`` of its channels)."""
    return Column(
        f"text_{network}",
        f"texte_{network}",
        f"text_{network}",
        False,
        gettext_lazy("The text for the %(network)s channels, when it differs from the post's text."),
        network=network,
    )


def fold(value: str) -> str:
    """``value`` as names are compared: without accents, case or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", value)
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).casefold().split())


def header_key(name: str) -> str:
    """A header as the import compares it: « Santé / sécurité » is "sante_securite"."""
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_")


def neutralise(value: str) -> str:
    """A cell that a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unneutralise(value: str) -> str:
    """A cell as it was before ``neutralise``."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def channel_reference(channel: Channel) -> str:
    """How a file names a channel: "facebook:villemontmagny"."""
    return f"{channel.network}:{channel.handle}"
