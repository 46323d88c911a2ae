"""Reads for the plan's CSV export: the channel versions the calendar shows, grouped by post, and their links.

Two queries whatever the size of the plan: the versions (with their post and channel) stream in chunks from
one cursor, and the links of every post in the window come in one list.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import F, Min, QuerySet, Window

from calendar_app.models import ChannelVersion, PostLink
from calendar_app.selectors.calendar import NO_FILTERS, CalendarFilters, calendar_versions

if TYPE_CHECKING:
    from calendar_app.permissions import Abilities

# What a row of the file shows of a version, its post and its channel.
_FIELDS = (
    "post_id",
    "channel_id",
    "status",
    "due_at",
    "text_override",
    "external_url",
    "post__title",
    "post__category",
    "post__body",
    "post__status",
    "post__health_and_safety",
    "channel__network",
    "channel__handle",
)


def plan_versions(
    abilities: Abilities,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    filters: CalendarFilters = NO_FILTERS,
) -> QuerySet[ChannelVersion]:
    """The channel versions the calendar shows ``abilities`` between ``start`` and ``end`` with ``filters``
    (``calendar_versions``), with what a row of the file needs."""
    return calendar_versions(abilities, start=start, end=end, filters=filters).only(*_FIELDS)


def in_post_order(versions: QuerySet[ChannelVersion]) -> QuerySet[ChannelVersion]:
    """``versions`` with each post's together, the posts in the order of their first time among them."""
    first_due = Window(Min("due_at"), partition_by=[F("post_id")])
    return versions.annotate(first_due=first_due).order_by(
        "first_due", "post_id", "channel__network", "channel__handle", "pk"
    )


def plan_links(versions: QuerySet[ChannelVersion]) -> dict[int, list[str]]:
    """The links of the posts of ``versions``, in their order, by post id (one query)."""
    links: dict[int, list[str]] = {}
    rows = PostLink.objects.filter(post_id__in=versions.values("post_id")).order_by("post_id", "position", "pk")
    for post_id, url in rows.values_list("post_id", "url"):
        links.setdefault(post_id, []).append(url)
    return links
