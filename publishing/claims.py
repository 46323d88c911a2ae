"""What is due, and claiming it: the dispatcher's side of "exactly once".

``claim_due`` moves scheduled versions due within the look-ahead to "publishing" with a fresh claim
token, in one conditional UPDATE per batch (on PostgreSQL the candidate rows are first locked with
``SELECT … FOR UPDATE SKIP LOCKED``), so that any number of dispatchers on any number of machines
never claim the same version twice. The claimed versions go to ``publishing.task.publish_batch``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from calendar_app.models import Channel, ChannelVersion, Post
from calendar_app.services.workflow import bulk_transition
from calendar_app.workflow import Status
from publishing.options import options


def _due_filter(until: datetime.datetime) -> Q:
    first_try = Q(next_attempt_at__isnull=True, due_at__lte=until)
    return Q(status=Status.SCHEDULED) & (first_try | Q(next_attempt_at__lte=until))


def claimable(until: datetime.datetime):
    """Scheduled versions due by ``until`` on channels that can publish, emergencies first (art. 6)."""
    return (
        ChannelVersion.objects.filter(_due_filter(until))
        .filter(channel__is_active=True, channel__connection=Channel.Connection.CONNECTED)
        .order_by("-post__is_emergency", "due_at", "pk")
    )


def next_due_at() -> datetime.datetime | None:
    """When the next scheduled version falls due (first tries and retries alike)."""
    scheduled = ChannelVersion.objects.filter(
        status=Status.SCHEDULED, channel__is_active=True, channel__connection=Channel.Connection.CONNECTED
    )
    first = scheduled.filter(next_attempt_at__isnull=True).order_by("due_at").values_list("due_at", flat=True).first()
    retry = scheduled.order_by("next_attempt_at").exclude(next_attempt_at__isnull=True)
    retry = retry.values_list("next_attempt_at", flat=True).first()
    return min((when for when in (first, retry) if when is not None), default=None)


@dataclass(frozen=True)
class Claim:
    version_id: int
    token: uuid.UUID


def claim_due(
    *,
    now: datetime.datetime | None = None,
    limit: int | None = None,
    only: Iterable[int] | None = None,
    lookahead: float | None = None,
) -> list[Claim]:
    """Claim up to ``limit`` versions due within ``lookahead`` seconds (``LOOKAHEAD_SECONDS`` by default),
    among ``only`` if given; each version is claimed by one caller only."""
    now = now or timezone.now()
    limit = limit or options()["CLAIM_BATCH"]
    until = now + datetime.timedelta(seconds=options()["LOOKAHEAD_SECONDS"] if lookahead is None else lookahead)
    token = uuid.uuid4()
    claimed_until = now + datetime.timedelta(seconds=options()["CLAIM_SECONDS"])
    with transaction.atomic():
        candidates = claimable(until)
        if only is not None:
            candidates = candidates.filter(pk__in=list(only))
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        candidates = list(candidates.values_list("pk", "post_id")[:limit])
        if not candidates:
            return []
        # The conditional UPDATE is the claim: a row another dispatcher moved first is left out.
        moved = set(
            bulk_transition(
                model=ChannelVersion,
                moves=[pk for pk, _post_id in candidates],
                source=Status.SCHEDULED,
                target=Status.PUBLISHING,
                claim_token=token,
                claimed_until=claimed_until,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
        )
        claimed = [(pk, post_id) for pk, post_id in candidates if pk in moved]
        _posts_publishing({post_id for _pk, post_id in claimed})
    return [Claim(pk, token) for pk, _post_id in claimed]


def _posts_publishing(post_ids: set[int]) -> None:
    """A post is publishing while any of its versions is (again, when one channel is retried alone)."""
    bulk_transition(
        model=Post,
        moves=post_ids,
        source=(Status.SCHEDULED, Status.PARTIALLY_PUBLISHED, Status.FAILED),
        target=Status.PUBLISHING,
    )
