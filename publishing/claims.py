"""What is due, and claiming it: the dispatcher's side of "exactly once".

``claim_due`` moves scheduled versions due within the look-ahead to "publishing" with a fresh claim
token, in one conditional UPDATE per batch (on PostgreSQL the candidate rows are first locked with
``SELECT … FOR UPDATE SKIP LOCKED``), so that any number of dispatchers on any number of machines
never claim the same version twice. The claimed versions go to ``publishing.task.publish_batch``.

A claim is short (``CLAIM_SECONDS``): the process working on it proves it is alive by renewing it
(``Heartbeat``, every ``HEARTBEAT_SECONDS``); the claims of a process that stopped renewing them are
the reaper's within seconds. Each claim names its holder (``publishing.liveness``): the dispatcher
that made it, then the worker whose heartbeat renews it; a holder certainly gone (killed, on this
host) gives its claims to the reaper at once. Nothing is claimed on a channel whose network is slow
right now (``slow_channels``), so that one network that does not answer holds at most the worker
already waiting on it.
"""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from calendar_app.models import Channel, ChannelVersion, Post
from calendar_app.services.workflow import bulk_transition
from calendar_app.workflow import Status
from publishing.liveness import identity
from publishing.models import PublicationAttempt
from publishing.options import options

logger = logging.getLogger("vitrine.publishing")


def _due_filter(until: datetime.datetime) -> Q:
    first_try = Q(next_attempt_at__isnull=True, due_at__lte=until)
    return Q(status=Status.SCHEDULED) & (first_try | Q(next_attempt_at__lte=until))


def slow_channels(now: datetime.datetime | None = None):
    """The channels (ids, a subquery) with a call unanswered for ``SLOW_CALL_SECONDS`` under a live claim:
    their network is slow or dead right now. A dead worker's call does not count (its claim has lapsed)."""
    now = now or timezone.now()
    return PublicationAttempt.objects.filter(
        outcome=PublicationAttempt.Outcome.PENDING,
        call_started_at__lt=now - datetime.timedelta(seconds=options()["SLOW_CALL_SECONDS"]),
        version__status=Status.PUBLISHING,
        version__claimed_until__gte=now,
    ).values("version__channel_id")


def claimable(until: datetime.datetime, *, now: datetime.datetime | None = None):
    """Scheduled versions due by ``until`` on channels that can publish and whose network is not slow right
    now, emergencies first (art. 6)."""
    return (
        ChannelVersion.objects.filter(_due_filter(until))
        .filter(channel__is_active=True, channel__connection=Channel.Connection.CONNECTED)
        .exclude(channel_id__in=slow_channels(now))
        .order_by("-post__is_emergency", "due_at", "pk")
    )


def coming(until: datetime.datetime, *, now: datetime.datetime):
    """The claimable versions falling due after ``now`` and by ``until`` (not those due already)."""
    return claimable(until, now=now).exclude(_due_filter(now))


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
    channel_id: int = 0


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
        candidates = claimable(until, now=now)
        if only is not None:
            candidates = candidates.filter(pk__in=list(only))
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        candidates = list(candidates.values_list("pk", "post_id", "channel_id")[:limit])
        if not candidates:
            return []
        # The conditional UPDATE is the claim: a row another dispatcher moved first is left out.
        moved = set(
            bulk_transition(
                model=ChannelVersion,
                moves=[pk for pk, _post_id, _channel_id in candidates],
                source=Status.SCHEDULED,
                target=Status.PUBLISHING,
                claim_token=token,
                claimed_until=claimed_until,
                claimed_by=identity(),
                updated_at=now,
            )
        )
        claimed = [candidate for candidate in candidates if candidate[0] in moved]
        _posts_publishing({post_id for _pk, post_id, _channel_id in claimed})
    return [Claim(pk, token, channel_id) for pk, _post_id, channel_id in claimed]


def _posts_publishing(post_ids: set[int]) -> None:
    """A post is publishing while any of its versions is (again, when one channel is retried alone)."""
    bulk_transition(
        model=Post,
        moves=post_ids,
        source=(Status.SCHEDULED, Status.PARTIALLY_PUBLISHED, Status.FAILED, Status.TO_VERIFY),
        target=Status.PUBLISHING,
    )


def by_token(claims: Iterable[tuple[int, uuid.UUID | str]]) -> dict[uuid.UUID, list[int]]:
    """Version ids by claim token, from (version id, token) pairs."""
    grouped: dict[uuid.UUID, list[int]] = {}
    for version_id, token in claims:
        grouped.setdefault(uuid.UUID(str(token)), []).append(int(version_id))
    return grouped


def renew(claims: dict[uuid.UUID, list[int]], *, now: datetime.datetime | None = None) -> int:
    """Extend the claims still held (version ids by claim token) by ``CLAIM_SECONDS``, held from now on
    by this process; returns how many."""
    now = now or timezone.now()
    claimed_until = now + datetime.timedelta(seconds=options()["CLAIM_SECONDS"])
    renewed = 0
    for token, ids in claims.items():
        renewed += ChannelVersion.objects.filter(pk__in=ids, status=Status.PUBLISHING, claim_token=token).update(
            claimed_until=claimed_until, claimed_by=identity()
        )
    return renewed


class Heartbeat:
    """While a task works on its claims, a thread renews them every ``HEARTBEAT_SECONDS``: a live worker
    keeps what it holds, however long its network takes; a killed one stops renewing, and its claims
    lapse after ``CLAIM_SECONDS`` for the reaper. Used as a context manager around the task's work."""

    def __init__(self, claims: dict[uuid.UUID, list[int]]):
        self.claims = claims
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="publishing-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        if self.claims:
            renew(self.claims)  # at once: the task may have waited in the queue for part of its claim
            self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(options()["HEARTBEAT_SECONDS"]):
                try:
                    renew(self.claims)
                except Exception:  # a busy database: the next beat tries again, well within the claim
                    logger.warning("heartbeat: the claims could not be renewed this time", exc_info=True)
        finally:
            connections.close_all()
