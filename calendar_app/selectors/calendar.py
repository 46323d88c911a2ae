"""Reads for the editorial calendar: what a person may see in a window, filtered as the page's address says
(``calendar_filters_from``, also the filtered plan's definition for an export), the lists its filters offer,
and the periods shown behind it (election periods, emergency windows, statutory holidays, closure days)."""

from __future__ import annotations

import datetime
import functools
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import (
    AccreditedOrganisation,
    ChannelVersion,
    ClosureDay,
    ElectionPeriod,
    EmergencySwitch,
    Municipality,
    OtherCommunication,
    Person,
    Post,
    Service,
)
from calendar_app.models.municipality import statutory_holidays
from calendar_app.selectors.posts import AWAITING_DECISION, posts_visible_to
from calendar_app.workflow import Status

if TYPE_CHECKING:
    from calendar_app.permissions import Abilities

# Words looked for at most (each must appear in a title or a text), and the longest search kept.
SEARCH_MAX_WORDS = 8
SEARCH_MAX_LENGTH = 200


class InvalidFilter(ValueError):
    """A filter value that is not one of its kind (a channel id that is not a number, an unknown status...)."""


class _Query(Protocol):
    def get(self, key: str, default: str | None = None) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...


@dataclass(frozen=True)
class CalendarFilters:
    """What the calendar shows; an empty field filters nothing. Values within a field are alternatives,
    fields add up. Channels and kinds together say *where*: with none chosen, posts and other
    communications are shown; with some, only the posts on those channels and the other communications of
    those kinds. Other communications have no status, so a status filter shows posts only."""

    channel_ids: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    service_ids: frozenset[int] = frozenset()
    organisation_ids: frozenset[int] = frozenset()
    author_ids: frozenset[int] = frozenset()
    search: str = ""

    @property
    def shows_posts(self) -> bool:
        return bool(self.channel_ids) or not self.kinds

    @property
    def shows_other_communications(self) -> bool:
        return (bool(self.kinds) or not self.channel_ids) and not self.statuses

    @property
    def words(self) -> list[str]:
        return self.search.split()[:SEARCH_MAX_WORDS]

    @property
    def requesters(self) -> list[str]:
        """The ``requester`` values of the address, as the page's list offers them."""
        return [f"service-{pk}" for pk in sorted(self.service_ids)] + [
            f"organisation-{pk}" for pk in sorted(self.organisation_ids)
        ]


NO_FILTERS = CalendarFilters()


def _ids(query: _Query, name: str) -> frozenset[int]:
    try:
        return frozenset(int(value) for value in query.getlist(name) if value != "")
    except ValueError:
        raise InvalidFilter(_("This filter is not understood: %(name)s.") % {"name": name}) from None


def _choices(query: _Query, name: str, known) -> frozenset[str]:
    values = frozenset(value for value in query.getlist(name) if value != "")
    if not values <= set(known):
        raise InvalidFilter(_("This filter is not understood: %(name)s.") % {"name": name})
    return values


def calendar_filters_from(query: _Query) -> CalendarFilters:
    """The filters an address holds (a ``QueryDict``, e.g. ``request.GET``): ``channel`` (channel ids),
    ``kind`` (other communications' kinds), ``status``, ``category``, ``requester`` (``service-<id>`` or
    ``organisation-<id>``) and ``author`` (person ids), each repeatable, and ``q`` (words that must each
    appear in a title or a text). Other parameters are ignored; empty values filter nothing.

    ``InvalidFilter`` (a ``ValueError`` whose message names the parameter, in the active language) for a
    value that is not of its kind: the JSON endpoint answers 400, the page shows everything.
    """
    service_ids, organisation_ids = set(), set()
    for value in query.getlist("requester"):
        kind, _dash, pk = value.partition("-")
        if value == "":
            continue
        if kind not in ("service", "organisation") or not pk.isdigit():
            raise InvalidFilter(_("This filter is not understood: %(name)s.") % {"name": "requester"})
        (service_ids if kind == "service" else organisation_ids).add(int(pk))
    return CalendarFilters(
        channel_ids=_ids(query, "channel"),
        kinds=_choices(query, "kind", OtherCommunication.Kind.values),
        statuses=_choices(query, "status", Status.values),
        categories=_choices(query, "category", Post.Category.values),
        service_ids=frozenset(service_ids),
        organisation_ids=frozenset(organisation_ids),
        author_ids=_ids(query, "author"),
        search=" ".join((query.get("q") or "").split())[:SEARCH_MAX_LENGTH],
    )


def plan_window(
    start: str, end: str, *, default: tuple[datetime.date, datetime.date]
) -> tuple[datetime.datetime, datetime.datetime]:
    """The window [start, end) an export's address asks for, in the municipality's time zone: a date
    (YYYY-MM-DD) is that whole day, a wall-clock time ("2026-12-01T00:00:00", as the calendar sends its
    window) is that moment. Without ``start``, the first day of ``default``; without ``end``, a year after
    ``start`` when it is given, else the last day of ``default``. ``ValueError`` for anything else."""
    start_at = _moment(start) if start else _midnight(default[0])
    if not end:
        last = add_year(timezone.localtime(start_at).date()) - datetime.timedelta(days=1) if start else default[1]
        return start_at, _midnight(last + datetime.timedelta(days=1))
    end_at = _moment(end) if "T" in end else _midnight(datetime.date.fromisoformat(end) + datetime.timedelta(days=1))
    if end_at <= start_at:
        raise ValueError(end)
    return start_at, end_at


def _moment(value: str) -> datetime.datetime:
    if "T" in value:
        return timezone.make_aware(datetime.datetime.fromisoformat(value[:19]))
    return _midnight(datetime.date.fromisoformat(value))


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def add_year(day: datetime.date) -> datetime.date:
    """The same day a year later (the 28th of February for the 29th)."""
    return day.replace(year=day.year + 1) if (day.month, day.day) != (2, 29) else day.replace(year=day.year + 1, day=28)


def _requested_by(filters: CalendarFilters, prefix: str = "") -> Q:
    return Q(**{f"{prefix}requesting_service_id__in": filters.service_ids}) | Q(
        **{f"{prefix}requesting_organisation_id__in": filters.organisation_ids}
    )


def _described_by(filters: CalendarFilters, *, prefix: str = "", search: tuple[str, ...]) -> Q:
    """What ``filters`` ask of an item beyond where and when — its category, who asked for it, who wrote it
    (fields under ``prefix``: ``post__`` for a channel version), and each word in one of its ``search`` fields.
    The same for posts, requests and other communications."""
    condition = Q()
    if filters.categories:
        condition &= Q(**{f"{prefix}category__in": filters.categories})
    if filters.service_ids or filters.organisation_ids:
        condition &= _requested_by(filters, prefix)
    if filters.author_ids:
        condition &= Q(**{f"{prefix}author_id__in": filters.author_ids})
    for word in filters.words:
        condition &= functools.reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in search))
    return condition


def calendar_versions(
    abilities: Abilities,
    *,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    filters: CalendarFilters = NO_FILTERS,
) -> QuerySet[ChannelVersion]:
    """The channel versions with a due time in [start, end) (either end open when None) of the posts
    ``abilities`` may see, as ``filters`` says (the search looks in the post's title and text and the
    version's own text), in due order, with their post's title, revision, author and origin and their
    channel's network and handle (one query; other fields load on access). Filtering is done in SQL."""
    versions = ChannelVersion.objects.filter(due_at__isnull=False)
    if not filters.shows_posts:
        return versions.none()
    if start is not None:
        versions = versions.filter(due_at__gte=start)
    if end is not None:
        versions = versions.filter(due_at__lt=end)
    if not abilities.sees_every_post:
        versions = versions.filter(post__in=posts_visible_to(abilities).values("pk"))
    if filters.channel_ids:
        versions = versions.filter(channel_id__in=filters.channel_ids)
    if filters.statuses:
        versions = versions.filter(status__in=filters.statuses)
    versions = versions.filter(
        _described_by(filters, prefix="post__", search=("post__title", "post__body", "text_override"))
    )
    # Only what a calendar item shows or its permission reads: a month may hold thousands of them.
    return (
        versions.select_related("post", "channel")
        .only(
            "status",
            "due_at",
            "post__title",
            "post__revision",
            "post__author_id",
            "post__origin",
            "channel__network",
            "channel__handle",
        )
        .order_by("due_at", "pk")
    )


def calendar_requests(
    abilities: Abilities,
    *,
    start: datetime.date,
    end: datetime.date,
    filters: CalendarFilters = NO_FILTERS,
) -> QuerySet[Post]:
    """The requests awaiting a decision (art. 9.4, 9.5) whose desired dates meet [start, end) and that have no
    time yet on any channel (a proposed time puts a request on the calendar as its versions), as ``filters``
    says: the reviewer sees them where they were asked for and opens them from there (one query)."""
    if not filters.shows_posts or (filters.statuses and not filters.statuses & AWAITING_DECISION):
        return Post.objects.none()
    posts = posts_visible_to(abilities).filter(
        status__in=AWAITING_DECISION, desired_from__isnull=False, desired_from__lt=end
    )
    posts = posts.filter(Q(desired_until__gte=start) | Q(desired_until__isnull=True, desired_from__gte=start))
    posts = posts.exclude(versions__due_at__isnull=False)
    if filters.statuses:
        posts = posts.filter(status__in=filters.statuses)
    if filters.channel_ids:
        posts = posts.filter(versions__channel_id__in=filters.channel_ids).distinct()
    posts = posts.filter(_described_by(filters, search=("title", "body")))
    return posts.only("title", "status", "desired_from", "desired_until").order_by("desired_from", "pk")


def calendar_other_communications(
    *,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    filters: CalendarFilters = NO_FILTERS,
) -> QuerySet[OtherCommunication]:
    """The other communications on the calendar in [start, end): those starting in it and those begun
    before it and still running into it, as ``filters`` says (the search looks in the title and the notes),
    in order of their start. Everyone who plans sees them all."""
    items = OtherCommunication.objects.all()
    if not filters.shows_other_communications:
        return items.none()
    if end is not None:
        items = items.filter(starts_at__lt=end)
    if start is not None:
        items = items.filter(Q(starts_at__gte=start) | Q(ends_at__gt=start))
    if filters.kinds:
        items = items.filter(kind__in=filters.kinds)
    items = items.filter(_described_by(filters, search=("title", "notes")))
    return items.only("title", "kind", "starts_at", "ends_at", "revision").order_by("starts_at", "pk")


def window_days(start: datetime.datetime, end: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The first and last local days of the window [start, end) (``end`` itself excluded)."""
    return timezone.localtime(start).date(), timezone.localtime(end - datetime.timedelta(microseconds=1)).date()


@dataclass(frozen=True)
class PlanSelection:
    """What the calendar shows in a window with its filters — the calendar page's items and the iCal feeds'
    alike: channel versions with a time, requests awaiting a decision over their desired dates, other
    communications."""

    versions: QuerySet[ChannelVersion]
    requests: QuerySet[Post]
    others: QuerySet[OtherCommunication]


def plan_selection(
    abilities: Abilities,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    filters: CalendarFilters = NO_FILTERS,
) -> PlanSelection:
    first, last = window_days(start, end)
    return PlanSelection(
        versions=calendar_versions(abilities, start=start, end=end, filters=filters),
        requests=calendar_requests(abilities, start=first, end=last + datetime.timedelta(days=1), filters=filters),
        others=calendar_other_communications(start=start, end=end, filters=filters),
    )


@dataclass(frozen=True)
class FilterChoices:
    """What the calendar's filters offer: the services and organisations that may ask, and the people who
    wrote what this person may see."""

    services: QuerySet[Service]
    organisations: QuerySet[AccreditedOrganisation]
    authors: QuerySet[Person]


def calendar_filter_choices(abilities: Abilities) -> FilterChoices:
    visible = Post.objects.all() if abilities.sees_every_post else posts_visible_to(abilities)
    authors = Person.objects.filter(
        Q(pk__in=visible.values("author_id")) | Q(pk__in=OtherCommunication.objects.values("author_id"))
    ).order_by("last_name", "first_name", "username")
    return FilterChoices(
        services=Service.objects.filter(is_active=True).order_by("name"),
        organisations=AccreditedOrganisation.objects.order_by("name"),
        authors=authors,
    )


# --- Behind the items --------------------------------------------------------------------------------


def election_periods_between(first: datetime.date, last: datetime.date) -> QuerySet[ElectionPeriod]:
    """The election periods that overlap the days [first, last] (art. 7)."""
    return ElectionPeriod.objects.filter(starts_on__lte=last, ends_on__gte=first).order_by("starts_on")


def closure_days_between(first: datetime.date, last: datetime.date) -> QuerySet[ClosureDay]:
    """The city's closure days in [first, last] (art. 8.6)."""
    return ClosureDay.objects.filter(date__gte=first, date__lte=last).order_by("date")


@dataclass(frozen=True)
class EmergencyWindow:
    """From a switch of emergency mode on to the next switch off (``ends_at`` None: still on)."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    reason: str


def emergency_windows_between(start: datetime.datetime, end: datetime.datetime) -> list[EmergencyWindow]:
    """The emergency windows (art. 6) that overlap [start, end), read from the switches' history: each
    from a switch on to the next switch off. A switch that repeats the state before it changes nothing."""
    before = EmergencySwitch.objects.filter(switched_at__lt=start).order_by("-switched_at", "-pk").first()
    switches = [
        *([before] if before is not None else []),
        *EmergencySwitch.objects.filter(switched_at__gte=start, switched_at__lt=end).order_by("switched_at", "pk"),
    ]
    windows, opened = [], None
    for switch in switches:
        if switch.active and opened is None:
            opened = switch
        elif not switch.active and opened is not None:
            if switch.switched_at > start:
                windows.append(EmergencyWindow(opened.switched_at, switch.switched_at, opened.reason))
            opened = None
    if opened is not None:
        windows.append(EmergencyWindow(opened.switched_at, None, opened.reason))
    return windows


@dataclass(frozen=True)
class StatutoryHoliday:
    date: datetime.date
    name: str


def statutory_holidays_between(
    first: datetime.date, last: datetime.date, *, language: str | None = None
) -> list[StatutoryHoliday]:
    """The statutory holidays in [first, last] of the municipality's country and province (its settings;
    Montmagny's, Canada and Québec, before it has any), named in ``language`` when the package has it."""
    municipality = Municipality.current()
    if municipality is not None:
        country, subdivision = municipality.holidays_country, municipality.holidays_subdivision
    else:
        country = Municipality._meta.get_field("holidays_country").default
        subdivision = Municipality._meta.get_field("holidays_subdivision").default
    try:
        days = statutory_holidays(country, subdivision, years=range(first.year, last.year + 1), language=language)
    except NotImplementedError:  # a code the package dropped since it was saved: no band rather than no calendar
        return []
    return [StatutoryHoliday(day, name) for day, name in sorted(days.items()) if first <= day <= last]
