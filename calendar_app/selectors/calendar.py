"""Reads for the editorial calendar: the channel versions due in a window that a person may see, and the
periods shown behind them (election periods, closure days)."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from calendar_app.models import ChannelVersion, ClosureDay, ElectionPeriod
from calendar_app.selectors.posts import posts_visible_to

if TYPE_CHECKING:
    from calendar_app.permissions import Abilities


def calendar_versions(
    abilities: Abilities,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    channel_ids: Collection[int] = (),
    statuses: Collection[str] = (),
) -> QuerySet[ChannelVersion]:
    """The channel versions due in [start, end) of the posts ``abilities`` may see, optionally only on these
    channels or in these statuses, in due order, with their post's title, revision and author and their
    channel's network and handle (one query; other fields load on access)."""
    versions = ChannelVersion.objects.filter(
        due_at__gte=start, due_at__lt=end, post__in=posts_visible_to(abilities).values("pk")
    )
    if channel_ids:
        versions = versions.filter(channel_id__in=channel_ids)
    if statuses:
        versions = versions.filter(status__in=statuses)
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


def election_periods_between(first: datetime.date, last: datetime.date) -> QuerySet[ElectionPeriod]:
    """The election periods that overlap the days [first, last] (art. 7)."""
    return ElectionPeriod.objects.filter(starts_on__lte=last, ends_on__gte=first).order_by("starts_on")


def closure_days_between(first: datetime.date, last: datetime.date) -> QuerySet[ClosureDay]:
    """The city's closure days in [first, last] (art. 8.6)."""
    return ClosureDay.objects.filter(date__gte=first, date__lte=last).order_by("date")
