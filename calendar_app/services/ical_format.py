"""The calendar as iCalendar text (RFC 5545): a VCALENDAR of VEVENTs, with the municipality's VTIMEZONE.

Written line by line (``calendar_head``, ``event_text``, ``calendar_tail``) so that a feed streams and a
calendar of 10,000 posts is written in a fraction of a second; the ``icalendar`` package, which builds
each property as an object, takes about 2 s for it. ``reference_calendar`` builds the same calendar with
``icalendar``: it is the plain reference, and a property-based test holds the two to the same meaning on
any text. The VTIMEZONE itself comes from ``icalendar`` (once per feed).

Times: a moment is written in the municipality's time zone (``DTSTART;TZID=America/Toronto:…``), except
the second occurrence of a wall-clock time repeated when daylight-saving time ends, which the TZID form
cannot say (RFC 5545 reads a repeated time as its first occurrence): that one is written in UTC.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

from calendar_app.text_input import CONTROL_CHARACTERS

PRODID = "-//Vitrine//Calendrier éditorial//FR"
CRLF = "\r\n"
# Content lines are folded at 75 octets (RFC 5545, 3.1); a continuation line starts with one space.
LINE_OCTETS = 75
TENTATIVE, CONFIRMED, CANCELLED = "TENTATIVE", "CONFIRMED", "CANCELLED"

# Control characters have no place in a TEXT value (RFC 5545, 3.3.11), nor in Vitrine's texts
# (``text_input.CONTROL_CHARACTERS``: tab and line ends are kept); line ends are first made "\n", then
# written as the two characters "\n".
_CONTROLS = re.compile(f"[{CONTROL_CHARACTERS}]")


@dataclass(frozen=True)
class FeedItem:
    """One VEVENT. ``start`` is a moment (aware) or, for a whole-day item, a date; it ends at ``end``
    (exclusive, of the same kind) or lasts ``duration``."""

    uid: str
    start: datetime.datetime | datetime.date
    summary: str
    description: str = ""
    end: datetime.datetime | datetime.date | None = None
    duration: datetime.timedelta | None = None
    status: str = CONFIRMED
    sequence: int = 0
    last_modified: datetime.datetime | None = None
    categories: tuple[str, ...] = ()
    url: str = ""


def clean_text(value: str) -> str:
    """``value`` as a TEXT value may hold it: line ends as "\n", no control characters but the tab."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", value)


def escape(value: str) -> str:
    """A TEXT value, escaped (RFC 5545, 3.3.11): backslash first, then the separators and line ends."""
    return clean_text(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets, never inside a character's UTF-8 bytes."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return line
    parts, start, limit = [], 0, LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character's first byte
            end -= 1
        parts.append(data[start:end])
        start, limit = end, LINE_OCTETS - 1  # the leading space takes one octet
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def moment_property(name: str, value: datetime.datetime | datetime.date, zone: ZoneInfo) -> str:
    """``DTSTART``/``DTEND``: a date, a wall-clock time with its TZID, or (a repeated hour's second
    occurrence) UTC."""
    if not isinstance(value, datetime.datetime):
        return f"{name};VALUE=DATE:{value:%Y%m%d}"
    local = value.astimezone(zone)
    if local.fold:
        return f"{name}:{utc_text(value)}"
    return f"{name};TZID={zone.key}:{local:%Y%m%dT%H%M%S}"


def duration_text(duration: datetime.timedelta) -> str:
    """A positive duration as RFC 5545 writes it (3.3.6), e.g. ``PT15M``, ``P1DT2H``."""
    seconds = int(duration.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    time = "".join(f"{count}{unit}" for count, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if count)
    text = f"P{days}D" if days else "P"
    if time or not days:
        text += "T" + (time or "0S")
    return text


def calendar_head(*, name: str, zone: ZoneInfo, first: datetime.date, last: datetime.date) -> str:
    """The calendar's opening lines and the VTIMEZONE of ``zone`` for the years of [first, last]."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        f"X-WR-TIMEZONE:{zone.key}",
    ]
    return "".join(fold(line) + CRLF for line in lines) + timezone_text(zone.key, first.year, last.year)


def calendar_tail() -> str:
    return "END:VCALENDAR" + CRLF


@functools.lru_cache(maxsize=16)
def timezone_text(key: str, first_year: int, last_year: int) -> str:
    """The VTIMEZONE of ``key`` with its transitions from the year before ``first_year`` to the year after
    ``last_year`` (icalendar writes them from the tz database)."""
    zone = icalendar.Timezone.from_tzid(
        key, first_date=datetime.date(first_year - 1, 1, 1), last_date=datetime.date(last_year + 2, 1, 1)
    )
    return zone.to_ical().decode()


def event_text(item: FeedItem, *, stamp: datetime.datetime, zone: ZoneInfo) -> str:
    """The VEVENT of ``item``, its lines folded and ended by CRLF; ``stamp`` is the DTSTAMP (when the feed was
    written). Lines of a fixed, short form (a UTC time, a duration, a status, a number) are never longer than
    75 octets: only the others go through ``fold``."""
    lines = ["BEGIN:VEVENT", fold(f"UID:{escape(item.uid)}"), f"DTSTAMP:{_stamp_text(stamp)}"]
    lines.append(fold(moment_property("DTSTART", item.start, zone)))
    if item.end is not None:
        lines.append(fold(moment_property("DTEND", item.end, zone)))
    elif item.duration is not None:
        lines.append(f"DURATION:{_duration_text(item.duration)}")
    lines.append(fold(f"SUMMARY:{escape(item.summary)}"))
    if item.description:
        lines.append(fold(f"DESCRIPTION:{escape(item.description)}"))
    if item.categories:
        lines.append(fold("CATEGORIES:" + ",".join(escape(category) for category in item.categories)))
    lines += [f"STATUS:{item.status}", f"SEQUENCE:{item.sequence}"]
    if item.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{utc_text(item.last_modified)}")
    if item.url:
        lines.append(fold(f"URL:{clean_text(item.url)}"))
    lines.append("END:VEVENT")
    return CRLF.join(lines) + CRLF


# The same for every event of a feed: written once.
_stamp_text = functools.lru_cache(maxsize=4)(utc_text)
_duration_text = functools.lru_cache(maxsize=16)(duration_text)


def calendar_text(
    items, *, name: str, zone: ZoneInfo, stamp: datetime.datetime, first: datetime.date, last: datetime.date
) -> str:
    """A whole calendar at once (the feeds stream the same parts)."""
    events = "".join(event_text(item, stamp=stamp, zone=zone) for item in items)
    return calendar_head(name=name, zone=zone, first=first, last=last) + events + calendar_tail()


# --- The plain reference --------------------------------------------------------------------------------


def reference_calendar(items, *, name: str, zone: ZoneInfo, stamp: datetime.datetime) -> icalendar.Calendar:
    """The same calendar built with ``icalendar``, property by property: what ``calendar_text`` must mean."""
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", clean_text(name))
    calendar.add("x-wr-timezone", zone.key)
    for item in items:
        event = icalendar.Event()
        event.add("uid", clean_text(item.uid))
        event.add("dtstamp", stamp.astimezone(datetime.UTC))
        event.add("dtstart", _reference_moment(item.start, zone))
        if item.end is not None:
            event.add("dtend", _reference_moment(item.end, zone))
        elif item.duration is not None:
            event.add("duration", item.duration)
        event.add("summary", clean_text(item.summary))
        if item.description:
            event.add("description", clean_text(item.description))
        if item.categories:
            event.add("categories", [clean_text(category) for category in item.categories])
        event.add("status", item.status)
        event.add("sequence", item.sequence)
        if item.last_modified is not None:
            event.add("last-modified", item.last_modified.astimezone(datetime.UTC))
        if item.url:
            event.add("url", clean_text(item.url))
        calendar.add_component(event)
    return calendar


def _reference_moment(value, zone: ZoneInfo):
    if not isinstance(value, datetime.datetime):
        return value
    local = value.astimezone(zone)
    return value.astimezone(datetime.UTC) if local.fold else local
