"""The home dashboard: what each person needs to see first, as a few bounded reads (``dashboard_for``).

Each part is shown to the roles it concerns: what goes out today and this week to those who plan; what awaits
review to the communications department; one's own requests and posts to those who write them; failed or
blocked publications, and those to verify, to those who can act on them; channels to reconnect and upcoming
election periods.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from calendar_app.models import Channel, ChannelVersion, ElectionPeriod, Post
from calendar_app.selectors.posts import posts_awaiting_review, posts_followed_by, posts_visible_to
from calendar_app.workflow import Status
from kernel.networks import NETWORKS

if TYPE_CHECKING:
    from calendar_app.permissions import Abilities

# How many rows each part shows; the full lists are one link away.
PART_LENGTH = 8
# The statuses that ask a person to act after the worker has tried (to verify: say whether it went out).
NEEDS_ACTION = (Status.FAILED, Status.BLOCKED, Status.TO_VERIFY)


@dataclass
class Upcoming:
    """One post going out at one time, on one or more channels."""

    post: Post
    due_at: datetime.datetime
    versions: list[ChannelVersion]


def grouped(versions, limit: int = PART_LENGTH) -> list[Upcoming]:
    """``versions`` (ordered by time) as one row per post and time, the first ``limit`` of them."""
    rows: dict[tuple[int, datetime.datetime], Upcoming] = {}
    for version in versions:
        key = (version.post_id, version.due_at)
        if key not in rows:
            if len(rows) == limit:
                break
            rows[key] = Upcoming(version.post, version.due_at, [])
        rows[key].versions.append(version)
    return list(rows.values())


@dataclass
class Dashboard:
    today: list[Upcoming] = field(default_factory=list)
    this_week: list[Upcoming] = field(default_factory=list)
    to_review: list[Post] = field(default_factory=list)
    to_review_count: int = 0
    mine: list[Post] = field(default_factory=list)
    problems: list[ChannelVersion] = field(default_factory=list)
    to_reconnect: list[Channel] = field(default_factory=list)
    elections: list[ElectionPeriod] = field(default_factory=list)


def _versions(abilities: Abilities):
    return ChannelVersion.objects.filter(post__in=posts_visible_to(abilities)).select_related("post", "channel")


def dashboard_for(abilities: Abilities, *, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
    week_end = day_end + datetime.timedelta(days=6)
    board = Dashboard()
    timed = Q(status__in=(Status.SCHEDULED, Status.PUBLISHING, Status.PUBLISHED))
    if abilities.can_plan():
        upcoming = _versions(abilities).filter(timed).order_by("due_at", "pk")
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        # A post goes out on a few channels at once: enough versions for PART_LENGTH posts.
        enough = PART_LENGTH * len(NETWORKS)
        board.today = grouped(upcoming.filter(due_at__gte=start, due_at__lt=day_end)[:enough])
        board.this_week = grouped(upcoming.filter(due_at__gte=day_end, due_at__lt=week_end)[:enough])
        board.elections = list(ElectionPeriod.objects.filter(ends_on__gte=today).order_by("starts_on")[:3])
    if abilities.is_reviewer:
        queue = posts_awaiting_review()
        board.to_review = list(queue[:PART_LENGTH])
        board.to_review_count = queue.count()
    if abilities.can_submit_for_service() or abilities.can_submit_for_organisation() or abilities.can_write_internal():
        board.mine = list(posts_followed_by(abilities)[:PART_LENGTH])
    if abilities.is_reviewer or abilities.can_write_internal():
        problems = _versions(abilities).filter(status__in=NEEDS_ACTION).order_by("-updated_at")
        if not abilities.is_reviewer:
            problems = problems.filter(post__author=abilities.person)
        board.problems = list(problems[:PART_LENGTH])
    if abilities.is_reviewer or abilities.is_direction:
        board.to_reconnect = list(Channel.objects.filter(connection=Channel.Connection.TO_RECONNECT, is_active=True))
    return board
