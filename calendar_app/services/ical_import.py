"""The city's events calendar imported as draft promotion posts (art. 5.5: the city promotes its own events).

1. The file is read line by line first, so that a malformed one is refused with the number of the line at
   fault (``ImportRefused``), then by ``icalendar``; recurring events (RRULE, RDATE, EXDATE, instances
   overridden by a RECURRENCE-ID) are expanded over the next ``ICAL_IMPORT["WINDOW_DAYS"]`` by the
   maintained ``recurring-ical-events``, not by hand.
2. Each occurrence is keyed by its UID and RECURRENCE-ID (``ImportedEvent``): imported again, it creates
   nothing new. A new one gets a draft post (category "event") on the chosen channels, proposed
   ``PROMOTE_DAYS_BEFORE`` days ahead of it; a changed one updates its draft, unless a person has edited
   the draft since (its revision moved) — then the draft is flagged and left as it is; a cancelled one
   (STATUS:CANCELLED, or gone from its address's calendar) flags its draft, which is never deleted.
3. All of it in one transaction: a file that fails anywhere imports nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

import icalendar
import recurring_ical_events
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from calendar_app.models import Channel, ChannelVersion, EventSource, ImportedEvent, Person, Post, PostLink
from calendar_app.services.audit import audit_record
from calendar_app.services.ical_fetch import FetchRefused, fetch_calendar
from calendar_app.services.ical_format import utc_text
from calendar_app.services.posts import post_create
from calendar_app.services.revisions import ConcurrentChange, claim_revision
from calendar_app.text_input import clean_text
from calendar_app.workflow import Status

Attention = ImportedEvent.Attention
# What is kept of an event: its fields' lengths as stored, and for the draft's text the description's first
# 5,000 characters (as much as a request's text) and an address as long as a post's links.
_UID_LENGTH = ImportedEvent._meta.get_field("uid").max_length
_SUMMARY_LENGTH = ImportedEvent._meta.get_field("summary").max_length
_LOCATION_LENGTH = ImportedEvent._meta.get_field("location").max_length
DESCRIPTION_MAX_LENGTH = 5000
URL_MAX_LENGTH = PostLink._meta.get_field("url").max_length


class ImportRefused(Exception):
    """Nothing was imported; ``message`` says why (the line at fault, when there is one)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    drafts: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "%(created)d drafts created, %(updated)d updated, %(unchanged)d unchanged, %(flagged)d to check."
        ) % vars(self)


@dataclass(frozen=True)
class Occurrence:
    uid: str
    recurrence_key: str
    summary: str
    description: str
    location: str
    url: str
    starts_at: datetime.datetime
    all_day: bool
    cancelled: bool

    @property
    def fingerprint(self) -> str:
        parts = (self.summary, self.description, self.location, self.url, self.starts_at.isoformat(), self.all_day)
        return hashlib.sha256(repr(parts).encode()).hexdigest()


# --- Reading -------------------------------------------------------------------------------------------


def read_calendar(data: bytes) -> tuple[icalendar.Calendar, list[int]]:
    """The calendar in ``data``, and the line on which each of its VEVENTs begins; ``ImportRefused`` naming
    the line at fault for a file that is not iCalendar."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(_("Line %(line)d is not UTF-8 text.") % {"line": line}) from None
    event_lines, open_components = [], []
    for number, line in _content_lines(text):
        try:
            name, _params, value = icalendar.parser.Contentline(line, strict=False).parts()
        except ValueError:
            raise ImportRefused(
                _("Line %(line)d is not an iCalendar line: “%(text)s”.") % {"line": number, "text": line[:80]}
            ) from None
        name, value = name.upper(), value.strip().upper()
        if not open_components and (name, value) != ("BEGIN", "VCALENDAR"):
            raise ImportRefused(_("Line %(line)d: an iCalendar file begins with BEGIN:VCALENDAR.") % {"line": number})
        if name == "BEGIN":
            open_components.append(value)
            if value == "VEVENT":
                event_lines.append(number)
        elif name == "END":
            if not open_components or open_components[-1] != value:
                expected = open_components[-1] if open_components else "—"
                raise ImportRefused(
                    _("Line %(line)d ends %(found)s where %(expected)s should end.")
                    % {"line": number, "found": value, "expected": expected}
                )
            open_components.pop()
    if open_components:
        raise ImportRefused(_("The file ends before END:%(name)s.") % {"name": open_components[-1]})
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as error:
        raise ImportRefused(_("This file is not iCalendar: %(error)s") % {"error": error}) from None
    return calendar, event_lines


def _content_lines(text: str):
    """Each unfolded content line with the number of the line it begins on."""
    current, start = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1] in (" ", "\t") and current is not None:
            current += line[1:]
            continue
        if current is not None and current.strip():
            yield start, current
        current, start = line, number
    if current is not None and current.strip():
        yield start, current


def occurrences(
    calendar: icalendar.Calendar, event_lines: list[int], *, start: datetime.date, end: datetime.date
) -> list[Occurrence]:
    """The occurrences of the calendar's events in [start, end), each checked; ``ImportRefused`` naming the
    event (and its line) whose date cannot be read, or whose text holds a refused character."""
    lines, series = {}, set()
    for event, line in zip(calendar.walk("VEVENT"), event_lines, strict=False):
        uid = str(event.get("UID", "")).strip()
        lines.setdefault(uid, line)
        if any(name in event for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
            series.add(uid)
        # icalendar keeps a property it cannot read as "broken", and says which in ``errors``.
        if event.errors:
            raise ImportRefused(
                _("Line %(line)d: the event “%(uid)s” has a %(name)s that cannot be read.")
                % {"line": line, "uid": event.get("UID", "?"), "name": event.errors[0][0]}
            )
        if "DTSTART" not in event or not str(event.get("UID", "")).strip():
            raise ImportRefused(_("Line %(line)d: every event needs a UID and a DTSTART.") % {"line": line})
    try:
        found = recurring_ical_events.of(calendar).between(start, end)
    except Exception as error:  # the library's own errors (a bad RRULE…) have no common class
        raise ImportRefused(_("The events cannot be expanded: %(error)s") % {"error": error}) from None
    if len(found) > settings.ICAL_IMPORT["MAX_EVENTS"]:
        raise ImportRefused(
            _("The calendar has %(count)d events in the next %(days)d days; at most %(limit)d are imported at once.")
            % {"count": len(found), "days": (end - start).days, "limit": settings.ICAL_IMPORT["MAX_EVENTS"]}
        )
    return [_occurrence(event, lines, series) for event in found]


def _occurrence(event, lines: dict[str, int], series: set[str]) -> Occurrence:
    """``event`` as imported; ``series``: the UIDs of repeated events, whose occurrences are told apart by their
    RECURRENCE-ID (the library gives one to every occurrence, a single event's included)."""
    starts = event.decoded("DTSTART")
    all_day = not isinstance(starts, datetime.datetime)
    if all_day:
        starts = timezone.make_aware(datetime.datetime.combine(starts, datetime.time.min))
    elif timezone.is_naive(starts):  # a floating time: the municipality's
        starts = timezone.make_aware(starts)
    uid = str(event.get("UID")).strip()
    key = ""
    if uid in series and event.get("RECURRENCE-ID") is not None:
        moment = event.decoded("RECURRENCE-ID")
        key = utc_text(moment) if isinstance(moment, datetime.datetime) else f"{moment:%Y%m%d}"

    def text(name: str, limit: int) -> str:
        """The property's text, cut to ``limit`` characters; a refused character refuses the file."""
        try:
            return clean_text(str(event.get(name, ""))[:limit]).strip()
        except ValidationError as error:
            raise ImportRefused(
                _("Line %(line)d: the event “%(uid)s”: %(error)s")
                % {"line": lines.get(uid, 0), "uid": uid, "error": " ".join(error.messages)}
            ) from None

    return Occurrence(
        uid=uid[:_UID_LENGTH],
        recurrence_key=key,
        summary=text("SUMMARY", _SUMMARY_LENGTH) or _("Event"),
        description=text("DESCRIPTION", DESCRIPTION_MAX_LENGTH),
        location=text("LOCATION", _LOCATION_LENGTH),
        url=text("URL", URL_MAX_LENGTH),
        starts_at=starts,
        all_day=all_day,
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
    )


# --- Importing -----------------------------------------------------------------------------------------


def events_import(
    *,
    data: bytes,
    actor: Person,
    channels: list[Channel],
    source: EventSource | None = None,
    now: datetime.datetime | None = None,
) -> ImportReport:
    """Import the events of ``data`` as drafts written by ``actor`` on ``channels``, all or nothing."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    calendar, event_lines = read_calendar(data)
    found = occurrences(
        calendar, event_lines, start=today, end=today + datetime.timedelta(days=settings.ICAL_IMPORT["WINDOW_DAYS"])
    )
    report = ImportReport()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        known = {
            (item.uid, item.recurrence_key): item
            for item in ImportedEvent.objects.select_for_update()
            .select_related("post")
            .filter(uid__in={found_.uid for found_ in found})
        }
        for occurrence in found:
            record = known.get((occurrence.uid, occurrence.recurrence_key))
            if record is None:
                if occurrence.cancelled:
                    continue  # nothing was prepared for it: nothing to cancel
                record = _create(occurrence, actor=actor, channels=channels, source=source, now=now)
                report.created += 1
            else:
                _apply(record, occurrence, actor=actor, report=report, now=now)
            report.drafts.append(record.post_id)
        if source is not None:
            seen = {(occurrence.uid, occurrence.recurrence_key) for occurrence in found}
            for record in ImportedEvent.objects.select_for_update().filter(
                source=source, starts_at__gte=now, attention=""
            ):
                if (record.uid, record.recurrence_key) not in seen:
                    _flag(record, Attention.CANCELLED, _("The event is no longer in the calendar."), actor=actor)
                    report.flagged += 1
    return report


def source_import(source: EventSource, *, now: datetime.datetime | None = None) -> ImportReport | None:
    """Import ``source``'s address now, and record how it went on the source (its ``last_…`` fields, on
    ``source`` too); None if it failed."""
    try:
        data = fetch_calendar(source.url)
        report = events_import(
            data=data, actor=source.created_by, channels=list(source.channels.all()), source=source, now=now
        )
    except (FetchRefused, ImportRefused) as error:
        _record_run(source, ok=False, result=error.message)
        return None
    _record_run(source, ok=True, result=report.summary())
    return report


def source_add(*, name: str, url: str, channels: list[Channel], is_active: bool, actor: Person) -> ImportReport:
    """Add (or update, by its address) an events calendar read from ``url`` and import it now, ``actor`` writing
    the drafts. The address is read first, outside any transaction; then the source is saved and its events
    imported in one: a calendar that cannot be imported is not added (``FetchRefused``, ``ImportRefused``)."""
    data = fetch_calendar(url)
    with transaction.atomic():
        source, _created = EventSource.objects.update_or_create(
            url=url, defaults={"name": name, "is_active": is_active, "created_by": actor}
        )
        source.channels.set(channels)
        audit_record(actor=actor, action="event_source_saved", target=source, after={"url": url})
        report = events_import(data=data, actor=actor, channels=channels, source=source)
        _record_run(source, ok=True, result=report.summary())
    return report


def _record_run(source: EventSource, *, ok: bool, result: str) -> None:
    source.last_run_at, source.last_ok, source.last_result = timezone.now(), ok, result
    source.save(update_fields=["last_run_at", "last_ok", "last_result"])


def _create(occurrence: Occurrence, *, actor, channels, source, now) -> ImportedEvent:
    proposed = _proposed_time(occurrence, now=now)
    post = post_create(
        author=actor,
        title=_draft_title(occurrence),
        category=Post.Category.EVENT,
        body=_draft_text(occurrence),
        channels=channels,
        due_times={channel: proposed for channel in channels} if proposed else None,
        links=[occurrence.url] if _is_web_address(occurrence.url) else [],
    )
    audit_record(actor=actor, action="event_imported", target=post, after={"uid": occurrence.uid})
    return ImportedEvent.objects.create(
        uid=occurrence.uid,
        recurrence_key=occurrence.recurrence_key,
        source=source,
        post=post,
        summary=occurrence.summary,
        starts_at=occurrence.starts_at,
        all_day=occurrence.all_day,
        location=occurrence.location,
        fingerprint=occurrence.fingerprint,
        written_revision=post.revision,
    )


def _apply(record: ImportedEvent, occurrence: Occurrence, *, actor, report: ImportReport, now) -> None:
    """An occurrence imported before: unchanged, updated in its draft, or flagged."""
    if occurrence.cancelled:
        if record.attention != Attention.CANCELLED:
            _flag(record, Attention.CANCELLED, _("The event was cancelled in its calendar."), actor=actor)
            report.flagged += 1
        else:
            report.unchanged += 1
        return
    if occurrence.fingerprint == record.fingerprint:
        report.unchanged += 1
        return
    post = record.post
    try:
        if post.status != Status.DRAFT:
            raise ConcurrentChange(post)
        claim_revision(post, seen=record.written_revision)
    except ConcurrentChange:
        detail = _("Now: “%(summary)s”, %(when)s.") % {"summary": occurrence.summary, "when": _when(occurrence)}
        _flag(record, Attention.CHANGED_AFTER_EDIT, detail, actor=actor, fingerprint=occurrence.fingerprint)
        report.flagged += 1
        return
    title, body = _draft_title(occurrence), _draft_text(occurrence)
    audit_record(
        actor=actor,
        action="imported_event_updated",
        target=post,
        before={"title": post.title, "body": post.body},
        after={"title": title, "body": body},
    )
    Post.objects.filter(pk=post.pk).update(title=title, body=body, updated_at=now)
    proposed = _proposed_time(occurrence, now=now)
    ChannelVersion.objects.filter(post=post, status=Status.DRAFT).update(due_at=proposed, updated_at=now)
    record.summary, record.starts_at, record.all_day = occurrence.summary, occurrence.starts_at, occurrence.all_day
    record.location, record.fingerprint = occurrence.location, occurrence.fingerprint
    record.written_revision, record.attention, record.attention_detail = post.revision, "", ""
    record.save()
    report.updated += 1


def _flag(record: ImportedEvent, attention: str, detail: str, *, actor, fingerprint: str | None = None) -> None:
    record.attention, record.attention_detail = attention, detail
    if fingerprint is not None:
        record.fingerprint = fingerprint
    record.save(update_fields=["attention", "attention_detail", "fingerprint", "updated_at"])
    audit_record(
        actor=actor, action="imported_event_flagged", target=record.post, after={"attention": attention}, message=detail
    )


def _proposed_time(occurrence: Occurrence, *, now: datetime.datetime) -> datetime.datetime | None:
    """``PROMOTE_DAYS_BEFORE`` days before the event at ``PROMOTE_AT_HOUR``; none if that is past."""
    day = timezone.localtime(occurrence.starts_at).date() - datetime.timedelta(
        days=settings.ICAL_IMPORT["PROMOTE_DAYS_BEFORE"]
    )
    proposed = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(settings.ICAL_IMPORT["PROMOTE_AT_HOUR"]))
    )
    return proposed if proposed > now else None


def _when(occurrence: Occurrence) -> str:
    local = timezone.localtime(occurrence.starts_at)
    if occurrence.all_day:
        return formats.date_format(local.date(), "DATE_FORMAT")
    return formats.date_format(local, "DATETIME_FORMAT")


def _is_web_address(url: str) -> bool:
    """Whether the event's URL can be the draft's link (art. 5.4: events point to the website)."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def _draft_title(occurrence: Occurrence) -> str:
    return occurrence.summary[: Post._meta.get_field("title").max_length]


def _draft_text(occurrence: Occurrence) -> str:
    """A first text for the promotion post, which a person rewrites: what, when, where, and the details."""
    when = _when(occurrence) + (f" — {occurrence.location}" if occurrence.location else "")
    parts = [occurrence.summary, when, occurrence.description]
    return clean_text("\n\n".join(part for part in parts if part), max_length=Post.TEXT_MAX_LENGTH).strip()
