"""Reading a CSV file of posts into checked rows (``csv_format``'s columns), or every problem it has, by line.

``read_plan`` guarantees: the file is UTF-8 (with or without a byte order mark) or refused with the way to
save it so; every row is read and checked (texts through ``clean_text``, dates still to come in the
municipality's time zone, channels that exist, are active and that the person may write on, categories,
links, a network's own text only with a channel of that network); rows said twice in the file or imported
before are found by their fingerprint; every problem is collected with its line, as a spreadsheet numbers its
rows, and its column as the file names it. Nothing is written.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from calendar_app.models import Channel, Post, PostLink
from calendar_app.permissions import Abilities
from calendar_app.services.csv_format import (
    ALIASES,
    COLUMNS,
    EXPORTED_COLUMNS,
    Column,
    channel_reference,
    fold,
    header_key,
    network_column,
    unneutralise,
)
from calendar_app.text_input import clean_text
from kernel.networks import NETWORKS

# Several channels, or links, in one cell.
CHANNEL_SEPARATORS = re.compile(r"\s*[|;,\n]\s*")
LINK_SEPARATORS = re.compile(r"[\s|]+")
# A channel as "network:account", or "Network — account" as the pages show it.
CHANNEL_REFERENCE = re.compile(r"^(?P<network>[^:—–]+?)\s*[:—–]\s*(?P<handle>.+)$")
DATE = re.compile(r"^(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})$")
TIME = re.compile(r"^(?P<hour>\d{1,2})\s*(?:[:hH]\s*(?P<minute>\d{2})?)?(?::(?P<second>\d{2}))?$")
YES = frozenset({"oui", "o", "yes", "y", "vrai", "true", "1", "x"})
NO = frozenset({"non", "n", "no", "faux", "false", "0", ""})
# The first bytes of an Excel workbook: .xlsx (a zip) and .xls (an OLE file).
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


class ImportLimits(NamedTuple):
    """The largest file (bytes), the most posts imported at once, and the most scheduled at once."""

    max_bytes: int
    max_rows: int
    max_scheduled_rows: int


def import_limits() -> ImportLimits:
    """The limits of one import: settings, from the environment (``CSV_IMPORT_*``)."""
    return ImportLimits(
        settings.CSV_IMPORT_MAX_BYTES, settings.CSV_IMPORT_MAX_ROWS, settings.CSV_IMPORT_MAX_SCHEDULED_ROWS
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: its line (None: the whole file), its column as the file names it, why."""

    line: int | None
    column: str
    message: str


class ImportRefused(Exception):
    """The file was not imported; ``problems`` says why, line by line. Nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda problem: problem.line or 0)
        super().__init__("; ".join(problem.message for problem in self.problems))


@dataclass
class PlannedPost:
    """One row, read and checked: what ``post_create`` receives."""

    line: int
    title: str = ""
    category: str = ""
    channels: list[Channel] = field(default_factory=list)
    due_at: datetime.datetime | None = None
    body: str = ""
    links: list[str] = field(default_factory=list)
    health_and_safety: bool = False
    network_texts: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """What the row says, as a stable key: its post's ``source_uid``."""
        said = {
            "title": self.title,
            "category": self.category,
            "channels": sorted(channel_reference(channel) for channel in self.channels),
            "due_at": self.due_at.isoformat(),
            "body": self.body,
            "links": self.links,
            "health_and_safety": self.health_and_safety,
            "network_texts": self.network_texts,
        }
        digest = hashlib.sha256(json.dumps(said, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return f"csv:{digest}"

    def version_texts(self) -> dict[Channel, str]:
        return {
            channel: self.network_texts[channel.network]
            for channel in self.channels
            if channel.network in self.network_texts
        }


def read_plan(data: bytes, abilities: Abilities) -> list[PlannedPost]:
    """The rows of ``data`` (a CSV file), checked for ``abilities``; ``ImportRefused`` with every problem."""
    return _Reader(abilities).read(data)


class _Reader:
    """Reads a CSV file into ``PlannedPost`` rows, or raises ``ImportRefused`` with every problem found."""

    def __init__(self, abilities: Abilities):
        self.can = abilities
        self.max_bytes, self.max_rows, _scheduled = import_limits()
        self.problems: list[Problem] = []
        self.now = timezone.now()
        self.channels = _ChannelIndex(Channel.objects.order_by("network", "handle"))
        self.categories = _choices_index(Post.Category.choices)

    def read(self, data: bytes) -> list[PlannedPost]:
        """1. decode; 2. the header; 3. each row; 4. rows said twice, or imported before."""
        text = self.decode(data)
        delimiter, skip = self.dialect(text)
        records = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
        line, planned = 0, []
        try:
            for _skipped in range(skip):
                line, _cells = next(records)
            line, header = next(records)
            columns = self.columns(header, line)
            for line, cells in records:
                if not any(cell.strip() for cell in cells):
                    continue
                if len(planned) == self.max_rows:
                    raise _refused(
                        _("The file holds more than %(limit)d posts; at most %(limit)d are imported at once: split it.")
                        % {"limit": self.max_rows}
                    )
                planned.append(self.row(line, cells, columns, header))
        except csv.Error as error:
            message = _("This line cannot be read as CSV (%(error)s): check its quotation marks.") % {"error": error}
            raise _refused(message, line + 1) from None
        if not planned:
            raise _refused(_("The file holds no post: under the line of column names, write one post per line."))
        self.check_repeats(planned)
        if self.problems:
            raise ImportRefused(self.problems)
        return planned

    def decode(self, data: bytes) -> str:
        """The file's text: UTF-8, with or without a byte order mark. Anything else is refused with the way to
        save the file as UTF-8: Excel's plain "CSV" is Windows-1252, which cannot be told from Latin-1 or Mac
        Roman for certain, and a wrong guess would change letters without anyone seeing it."""
        if len(data) > self.max_bytes:
            raise _refused(
                _("The file weighs %(size)s; at most %(limit)s is imported at once: split it.")
                % {"size": filesizeformat(len(data)), "limit": filesizeformat(self.max_bytes)}
            )
        save_as_utf8 = _(
            "In Excel, choose File › Save As › “CSV UTF-8 (Comma delimited) (*.csv)”; in LibreOffice, choose “Text "
            "CSV”, tick “Edit filter settings” and the character set “Unicode (UTF-8)”. Then import that file."
        )
        if not data.strip():
            raise _refused(_("The file is empty."))
        if data.startswith(WORKBOOK_SIGNATURES):
            raise _refused(_("This is an Excel workbook, not a CSV file.") + " " + save_as_utf8)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise _refused(_("This file is in UTF-16 (“Unicode text”), not in UTF-8.") + " " + save_as_utf8)
        try:
            return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            message = _(
                "The file is not in UTF-8: line %(line)d holds a character that cannot be read (Excel's plain “CSV” "
                "format writes accented letters in another encoding)."
            ) % {"line": line}
            raise _refused(message + " " + save_as_utf8, line) from None

    @staticmethod
    def dialect(text: str) -> tuple[str, int]:
        """The separator, ``;`` or ``,``, and how many lines come before the header: Excel may write its own
        "sep=;" line first; otherwise whichever of the two the header line holds more of."""
        first = text.split("\n", 1)[0].strip()
        if first.lower().startswith("sep=") and len(first) == 5:
            return first[4], 1
        return (";" if first.count(";") > first.count(",") else ","), 0

    def columns(self, header: list[str], line: int) -> dict[str, tuple[int, Column]]:
        """Each column's key → (its position, the column), from the header row."""
        known = {}
        for column in (*COLUMNS, *EXPORTED_COLUMNS, *(network_column(code) for code in NETWORKS)):
            known[column.french] = known[column.english] = column
        for alias, key in ALIASES.items():
            known[alias] = next(column for column in COLUMNS if column.key == key)
        found: dict[str, tuple[int, Column]] = {}
        problems = []
        for position, name in enumerate(header):
            key = header_key(unneutralise(name))
            column = known.get(key)
            if not key:
                continue
            if column is None:
                problems.append(
                    _("Unknown column “%(column)s”. The columns are: %(columns)s.")
                    % {"column": name.strip(), "columns": _column_names()}
                )
            elif column.key in found:
                problems.append(_("The column “%(column)s” appears twice.") % {"column": name.strip()})
            else:
                found[column.key] = (position, column)
        problems += [
            _("The column “%(column)s” is missing: the first line names the columns (%(columns)s).")
            % {"column": column.name(), "columns": _column_names()}
            for column in COLUMNS
            if column.required and column.key not in found
        ]
        if problems:
            raise ImportRefused([Problem(line, "", message) for message in problems])
        return found

    def row(self, line: int, cells: list[str], columns: dict[str, tuple[int, Column]], header: list[str]):
        """One row as a ``PlannedPost``; each problem in it is added to ``self.problems``."""
        row = PlannedPost(line=line)

        def cell(key: str) -> tuple[str, str]:
            """The cell of the column ``key`` (its value and the column's name in the file)."""
            if key not in columns:
                return "", ""
            position = columns[key][0]
            value = cells[position] if position < len(cells) else ""
            return unneutralise(value.strip()), header[position].strip()

        def problem(column: str, message: str) -> None:
            self.problems.append(Problem(line, column, message))

        extra = next((value for value in cells[len(header) :] if value.strip()), None)
        if extra is not None:
            problem("", _("This line has more cells than line 1 names columns: “%(value)s”.") % {"value": extra[:80]})
        row.title = self.read_text(*cell("title"), problem, max_length=Post._meta.get_field("title").max_length)
        row.body = self.read_text(*cell("text"), problem, max_length=Post.TEXT_MAX_LENGTH)
        self.read_category(row, *cell("category"), problem)
        self.read_channels(row, *cell("channels"), problem)
        self.read_due_at(row, cell("date"), cell("time"), problem)
        self.read_links(row, *cell("links"), problem)
        self.read_health_and_safety(row, *cell("health_and_safety"), problem)
        for key, (_position, column) in columns.items():
            if column.network is not None:
                self.read_network_text(row, column.network, *cell(key), problem)
        return row

    @staticmethod
    def read_text(value: str, name: str, problem: Callable, *, max_length: int) -> str:
        if not value:
            problem(name, _("Required: this cell is empty."))
            return ""
        try:
            return clean_text(value, max_length=max_length)
        except ValidationError as error:
            problem(name, " ".join(error.messages))
            return ""

    def read_category(self, row: PlannedPost, value: str, name: str, problem: Callable) -> None:
        if not value:
            problem(name, _("Required: this cell is empty."))
        elif fold(value) in self.categories:
            row.category = self.categories[fold(value)]
        else:
            labels = ", ".join(str(label) for _code, label in Post.Category.choices)
            message = _("Unknown category “%(value)s”. The categories are: %(categories)s.")
            problem(name, message % {"value": value, "categories": labels})

    def read_channels(self, row: PlannedPost, value: str, name: str, problem: Callable) -> None:
        references = [reference for reference in CHANNEL_SEPARATORS.split(value) if reference]
        if not references:
            problem(name, _("Required: this cell is empty."))
        for reference in references:
            channel, why = self.channels.find(reference)
            if channel is None:
                problem(name, why)
            elif not channel.is_active:
                problem(name, _("The channel “%(channel)s” is no longer active.") % {"channel": channel})
            elif not self.can.can_write_internal(channel):
                message = _("You are not authorised to publish on the channel “%(channel)s” (art. 8.4).")
                problem(name, message % {"channel": channel})
            elif channel not in row.channels:
                row.channels.append(channel)

    def read_due_at(self, row: PlannedPost, date_cell: tuple[str, str], time_cell: tuple[str, str], problem) -> None:
        """The date and the time, in the municipality's time zone, still to come."""
        (date_value, date_name), (time_value, time_name) = date_cell, time_cell
        day = _date(date_value)
        moment = _time(time_value)
        if not date_value:
            problem(date_name, _("Required: this cell is empty."))
        elif day is None:
            example = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
            message = _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. %(example)s.")
            problem(date_name, message % {"value": date_value, "example": example})
        if not time_value:
            problem(time_name, _("Required: this cell is empty."))
        elif moment is None:
            message = _("“%(value)s” is not a time: write it as 9:30 or 9 h 30, on the 24-hour clock.")
            problem(time_name, message % {"value": time_value})
        if day is None or moment is None:
            return
        row.due_at = timezone.make_aware(datetime.datetime.combine(day, moment))
        if row.due_at <= self.now:
            shown = formats.date_format(timezone.localtime(row.due_at), "DATETIME_FORMAT")
            problem(date_name, _("%(moment)s is already past: choose a later date or time.") % {"moment": shown})

    @staticmethod
    def read_links(row: PlannedPost, value: str, name: str, problem: Callable) -> None:
        validate = URLValidator(schemes=["http", "https"])
        for link in LINK_SEPARATORS.split(value):
            if not link:
                continue
            try:
                validate(link)
                row.links.append(clean_text(link, max_length=PostLink._meta.get_field("url").max_length))
            except ValidationError:
                message = _("“%(value)s” is not a web address beginning with https://.")
                problem(name, message % {"value": link[:200]})

    @staticmethod
    def read_health_and_safety(row: PlannedPost, value: str, name: str, problem: Callable) -> None:
        if fold(value) in YES | NO:
            row.health_and_safety = fold(value) in YES
        else:
            problem(name, _("“%(value)s” is neither yes nor no: write “oui” or leave it empty.") % {"value": value})

    @staticmethod
    def read_network_text(row: PlannedPost, network: str, value: str, name: str, problem: Callable) -> None:
        if not value:
            return
        if not any(channel.network == network for channel in row.channels):
            message = _("This post has no %(network)s channel: this text would go nowhere.")
            problem(name, message % {"network": NETWORKS[network].label})
            return
        try:
            row.network_texts[network] = clean_text(value, max_length=Post.TEXT_MAX_LENGTH)
        except ValidationError as error:
            problem(name, " ".join(error.messages))

    def check_repeats(self, planned: list[PlannedPost]) -> None:
        """A row said twice in the file, or imported before (its fingerprint is a post's ``source_uid``);
        rows with other problems are left out: what they say is not known yet."""
        wrong = {problem.line for problem in self.problems}
        first_lines: dict[str, int] = {}
        for row in planned:
            if row.line in wrong:
                continue
            key = row.fingerprint()
            if key in first_lines:
                message = _("This line repeats line %(line)d.") % {"line": first_lines[key]}
                self.problems.append(Problem(row.line, "", message))
            else:
                first_lines[key] = row.line
        imported = Post.objects.filter(source_uid__in=list(first_lines)).values_list(
            "source_uid", "title", "created_at"
        )
        for key, title, created_at in imported:
            message = _(
                "This line was already imported, as “%(title)s” on %(date)s: delete the line, or change that post in "
                "Vitrine."
            ) % {"title": title, "date": formats.date_format(timezone.localtime(created_at), "DATE_FORMAT")}
            self.problems.append(Problem(first_lines[key], "", message))


def _refused(message: str, line: int | None = None) -> ImportRefused:
    return ImportRefused([Problem(line, "", message)])


def _date(value: str) -> datetime.date | None:
    match = DATE.match(value)
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"])) if match else None
    except ValueError:  # 2026-02-30
        return None


def _time(value: str) -> datetime.time | None:
    match = TIME.match(value)
    try:
        return (
            datetime.time(int(match["hour"]), int(match["minute"] or 0), int(match["second"] or 0)) if match else None
        )
    except ValueError:  # 25:00
        return None


def _choices_index(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Each choice's code, and its label in every language of the interface, folded → its code."""
    index = {}
    for code, label in choices:
        index[fold(code)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                index[fold(str(label))] = code
    return index


def _column_names() -> str:
    return ", ".join(column.name() for column in COLUMNS)


class _ChannelIndex:
    """Finds a channel by its reference: "network:account" (the network by code or name, the account with or
    without its "@"), "Network — account" as the pages show it, or the network or the account alone when a
    single channel answers to it."""

    def __init__(self, channels: Iterable[Channel]):
        self.channels = list(channels)
        self.networks = _choices_index((network.code, network.label) for network in NETWORKS.values())
        self.by_reference = {(channel.network, self.account(channel.handle)): channel for channel in self.channels}

    @staticmethod
    def account(handle: str) -> str:
        return fold(handle).removeprefix("@")

    def find(self, reference: str) -> tuple[Channel | None, str]:
        """The channel, or None and why."""
        match = CHANNEL_REFERENCE.match(reference)
        if match and fold(match["network"]) in self.networks:
            key = (self.networks[fold(match["network"])], self.account(match["handle"]))
            if key in self.by_reference:
                return self.by_reference[key], ""
        if fold(reference) in self.networks:
            network = self.networks[fold(reference)]
            candidates = [channel for channel in self.channels if channel.network == network and channel.is_active]
        else:
            account = self.account(reference)
            candidates = [channel for channel in self.channels if self.account(channel.handle) == account]
        if len(candidates) == 1:
            return candidates[0], ""
        if candidates:
            message = _("“%(value)s” names several channels (%(channels)s): write network:account.")
            return None, message % {"value": reference, "channels": ", ".join(map(channel_reference, candidates))}
        example = channel_reference(self.channels[0]) if self.channels else "facebook:villemontmagny"
        message = _("Unknown channel “%(value)s”: write network:account, e.g. %(example)s.")
        return None, message % {"value": reference, "example": example}
