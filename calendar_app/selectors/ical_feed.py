"""Reads for the calendar as iCal (feeds, downloads): the items the calendar page shows — through its own
selectors and filters, so the two always agree — as ``FeedItem``s, and what they depend on, for the
feeds' ETag and Last-Modified.

- A post is one VEVENT (UID ``post-<id>@<ICAL["UID_DOMAIN"]>``) at its first channel time in the window;
  its description gives each channel's text (and time, when they differ) and the link to its page. A
  request still without a time is the same UID as a whole-day item over its desired dates; it keeps its
  UID once it has times, so calendar applications move it rather than doubling it. SEQUENCE is the post's
  revision, raised by every change to it or its channels (rescheduling included).
- An other communication (website news, newsletter, print…) is ``other-<id>@…``.
- The election periods (art. 7) and emergency windows (art. 6) are feeds of their own.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Channel, ChannelVersion, OtherCommunication, Post
from calendar_app.selectors.calendar import (
    NO_FILTERS,
    CalendarFilters,
    election_periods_between,
    emergency_windows_between,
    plan_selection,
)
from calendar_app.selectors.posts import AWAITING_DECISION
from calendar_app.services.ical_format import CANCELLED, CONFIRMED, TENTATIVE, FeedItem
from calendar_app.workflow import Status

if TYPE_CHECKING:
    from calendar_app.permissions import Abilities

# What a post's status is to a calendar application (RFC 5545, 3.8.1.11).
CANCELLED_STATUSES = frozenset({Status.WITHDRAWN, Status.REFUSED, Status.REMOVED})
TENTATIVE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, *AWAITING_DECISION})
# Bumped when what a feed writes changes, so that every ETag changes with it.
FEED_FORMAT = "1"

# The address of an item's page, absolute: ``link("post", 12)``.
Link = Callable[[str, int], str]


def event_status(status: str) -> str:
    if status in CANCELLED_STATUSES:
        return CANCELLED
    return TENTATIVE if status in TENTATIVE_STATUSES else CONFIRMED


def uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{settings.ICAL['UID_DOMAIN']}"


def plan_items(
    abilities: Abilities,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    filters: CalendarFilters = NO_FILTERS,
    link: Link,
) -> Iterator[FeedItem]:
    """What the calendar shows ``abilities`` in [start, end) with ``filters`` (``plan_selection``): posts,
    requests awaiting a decision, other communications; read a few thousand rows at a time."""
    shown = plan_selection(abilities, start=start, end=end, filters=filters)
    yield from post_items(shown.versions, link=link)
    yield from request_items(shown.requests, link=link)
    yield from _other_items(shown.others, link=link)


def plan_fingerprint(
    abilities: Abilities, *, start: datetime.datetime, end: datetime.datetime, filters: CalendarFilters = NO_FILTERS
) -> tuple[str, datetime.datetime | None]:
    """A digest of what ``plan_items`` would show (how many items, their latest change, their revisions) and
    the latest change: three aggregate queries, without reading the items."""
    shown = plan_selection(abilities, start=start, end=end, filters=filters)
    figures = [
        shown.versions.order_by().aggregate(
            items=Count("pk"),
            changed=Max("updated_at"),
            post_changed=Max("post__updated_at"),
            revisions=Sum("post__revision"),
        ),
        *(
            items.order_by().aggregate(items=Count("pk"), changed=Max("updated_at"), revisions=Sum("revision"))
            for items in (shown.requests, shown.others)
        ),
    ]
    changes = [value for row in figures for key, value in row.items() if key in ("changed", "post_changed") and value]
    digest = hashlib.sha256(repr((FEED_FORMAT, figures)).encode()).hexdigest()
    return digest, max(changes, default=None)


def post_items(versions: QuerySet[ChannelVersion], *, link: Link) -> Iterator[FeedItem]:
    """A VEVENT per post of ``versions`` (channel versions with a time), from one query read in chunks."""
    channels = {pk: (label, channel_label) for pk, label, channel_label in _channel_labels()}
    statuses = {value: str(label) for value, label in Status.choices}
    categories = {value: str(label) for value, label in Post.Category.choices}
    # Each translated line once per feed, not once per post.
    status_lines = {value: _("Status: %(status)s") % {"status": label} for value, label in statuses.items()}
    category_lines = {value: _("Category: %(category)s") % {"category": label} for value, label in categories.items()}
    opening = _("Open in Vitrine: %(url)s")
    duration = datetime.timedelta(minutes=settings.ICAL["EVENT_MINUTES"])
    # A version's last change or its post's, whichever is later: one time read per row rather than two.
    rows = versions.annotate(changed=Greatest("updated_at", "post__updated_at")).order_by("post_id", "due_at", "pk")
    rows = rows.values_list(
        "post_id",
        "due_at",
        "status",
        "text_override",
        "channel_id",
        "changed",
        "post__title",
        "post__body",
        "post__status",
        "post__category",
        "post__revision",
    )
    for post_id, group in groupby(rows.iterator(chunk_size=2000), key=itemgetter(0)):
        versions = list(group)
        first = versions[0]
        title, body, status, category, revision = first[6:]
        networks = list(dict.fromkeys(channels[row[4]][0] for row in versions))
        same_time = all(row[1] == first[1] for row in versions)
        parts = [status_lines[status], *([category_lines[category]] if category else [])]
        for _post, due, version_status, text, channel_id, *_rest in versions:
            heading = channels[channel_id][1]
            if not same_time:
                heading += " · " + _local_text(due)
            if version_status != status:
                heading += " · " + statuses[version_status]
            parts.append(f"{heading}\n{text or body}")
        url = link("post", post_id)
        parts.append(opening % {"url": url})
        yield FeedItem(
            uid=uid("post", post_id),
            start=first[1],
            duration=duration,
            summary=f"{' · '.join(networks)} — {title}",
            description="\n\n".join(parts),
            status=event_status(status),
            sequence=revision,
            last_modified=max(row[5] for row in versions),
            categories=(categories[category],) if category else (),
            url=url,
        )


def request_items(requests: QuerySet[Post], *, link: Link) -> Iterator[FeedItem]:
    """Requests awaiting a decision and still without a time (``requests``): whole-day items over their
    desired dates."""
    statuses = {value: str(label) for value, label in Status.choices}
    categories = {value: str(label) for value, label in Post.Category.choices}
    for pk, title, body, status, category, desired_from, desired_until, revision, changed in requests.values_list(
        "pk", "title", "body", "status", "category", "desired_from", "desired_until", "revision", "updated_at"
    ).iterator(chunk_size=2000):
        url = link("post", pk)
        parts = [
            _("Request awaiting a decision (%(status)s), without a time yet.") % {"status": statuses[status]},
            body,
            _("Open in Vitrine: %(url)s") % {"url": url},
        ]
        yield FeedItem(
            uid=uid("post", pk),
            start=desired_from,
            end=(desired_until or desired_from) + datetime.timedelta(days=1),
            summary=_("Request — %(title)s") % {"title": title},
            description="\n\n".join(parts),
            status=TENTATIVE,
            sequence=revision,
            last_modified=changed,
            categories=(categories[category],) if category else (),
            url=url,
        )


def _other_items(others: QuerySet[OtherCommunication], *, link: Link) -> Iterator[FeedItem]:
    kinds = {value: str(label) for value, label in OtherCommunication.Kind.choices}
    duration = datetime.timedelta(minutes=settings.ICAL["EVENT_MINUTES"])
    for pk, title, kind, starts_at, ends_at, notes, revision, changed in others.values_list(
        "pk", "title", "kind", "starts_at", "ends_at", "notes", "revision", "updated_at"
    ).iterator(chunk_size=2000):
        url = link("other", pk)
        yield FeedItem(
            uid=uid("other", pk),
            start=starts_at,
            end=ends_at,
            duration=None if ends_at else duration,
            summary=f"{kinds[kind]} — {title}",
            description="\n\n".join(part for part in (notes, _("Open in Vitrine: %(url)s") % {"url": url}) if part),
            sequence=revision,
            last_modified=changed,
            categories=(kinds[kind],),
            url=url,
        )


def _channel_labels():
    for channel in Channel.objects.only("network", "handle"):
        yield channel.pk, str(channel.get_network_display()), str(channel)


def _local_text(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- The periods behind the plan --------------------------------------------------------------------


def election_items(*, first: datetime.date, last: datetime.date, link: Link) -> list[FeedItem]:
    """Each election period meeting [first, last] (art. 7) as a whole-day item, and its polling day."""
    items = []
    for period in election_periods_between(first, last):
        url = link("election", period.pk)
        items.append(
            FeedItem(
                uid=uid("election", period.pk),
                start=period.starts_on,
                end=period.ends_on + datetime.timedelta(days=1),
                summary=_("Election period (art. 7) — %(name)s") % {"name": period.name},
                description=_(
                    "No partisan content on the city's channels, and no council member's post, until the "
                    "period ends (art. 7). Open in Vitrine: %(url)s"
                )
                % {"url": url},
                categories=(_("Election period"),),
                url=url,
            )
        )
        items.append(
            FeedItem(
                uid=uid("polling-day", period.pk),
                start=period.polling_day,
                end=period.polling_day + datetime.timedelta(days=1),
                summary=_("Polling day — %(name)s") % {"name": period.name},
                categories=(_("Election period"),),
                url=url,
            )
        )
    return items


def emergency_items(*, start: datetime.datetime, end: datetime.datetime, now: datetime.datetime) -> list[FeedItem]:
    """Each emergency window (art. 6) meeting [start, end); one still on ends, for now, at ``now``."""
    items = []
    for window in emergency_windows_between(start, end):
        summary = _("Emergency mode (art. 6)") + (f" — {window.reason}" if window.reason else "")
        items.append(
            FeedItem(
                uid=uid("emergency", int(window.starts_at.timestamp())),
                start=window.starts_at,
                end=window.ends_at or max(now, window.starts_at + datetime.timedelta(minutes=1)),
                summary=summary if window.ends_at else summary + " — " + _("still on"),
                categories=(_("Emergency"),),
            )
        )
    return items
