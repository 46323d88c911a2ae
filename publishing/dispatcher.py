"""The dispatcher: watches the next due time itself (django-q2's Schedule looks only every ~30 s),
claims what falls due and hands it to the django-q2 workers in small batches.

Run one or more per installation (``manage.py publish_dispatcher``, started by ``runall``): claims
are atomic, so several dispatchers on several machines share the work without doubling anything.
Its loop never waits on a network: every call, look-ups after an unknown outcome included, is made by
a django-q2 task; the reaper it runs every ``REAP_SECONDS`` only reads and writes the database. Removals
of published posts (``publishing.removals``) go the same way: claimed here, called in a task.
"""

from __future__ import annotations

import logging
import math
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_q.tasks import async_task

from publishing.claims import Claim, claim_due, coming, next_due_at
from publishing.options import options
from publishing.reaper import reap
from publishing.removals import claim_removals, enqueue_removals, reap_removals

logger = logging.getLogger("vitrine.publishing")


def batch_size(count: int) -> int:
    """Versions per task: a few claimed together share one task; a burst is spread over every worker.

    At least ``TASK_BATCH`` (so that a steady flow does not occupy a worker per version while it
    waits for its second), at most ``TASK_BATCH_MAX``, else ``count`` split evenly over the workers.
    """
    workers = settings.Q_CLUSTER.get("workers", 1)
    return min(options()["TASK_BATCH_MAX"], max(options()["TASK_BATCH"], math.ceil(count / workers)))


def batches(claims: list[Claim]) -> list[list[Claim]]:
    """The claims in tasks of ``batch_size``, each channel's claims next to each other: should a channel's
    network hang, its calls hold as few workers as the batch size allows."""
    size = batch_size(len(claims))
    ordered = sorted(claims, key=lambda claim: claim.channel_id)
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def enqueue(claims: list[Claim]) -> int:
    """Hand ``claims`` to django-q2 in batches (each batch runs its network calls in parallel threads)."""
    for batch in batches(claims):
        pairs = [(claim.version_id, str(claim.token)) for claim in batch]
        async_task("publishing.task.publish_batch", pairs, task_name=f"publish {pairs[0][0]}…", group="publish")
    return len(claims)


def current_lookahead(now=None) -> float:
    """How far ahead to claim: the usual look-ahead and one slice beyond it, so that each task takes a
    slice of due times and holds its worker about LOOKAHEAD + SLICE seconds (one task per version
    entering the look-ahead would hold every worker waiting); or the longer burst look-ahead when a
    burst is coming: then its checks and attempts are prepared before its due second, and only the
    network calls are left for it."""
    now = now or timezone.now()
    horizon = now + timezone.timedelta(seconds=options()["BURST_LOOKAHEAD_SECONDS"])
    # Those due already are claimed now whatever the look-ahead: a backlog (after a restart) is no burst.
    if coming(horizon, now=now)[: options()["BURST_THRESHOLD"]].count() >= options()["BURST_THRESHOLD"]:
        return options()["BURST_LOOKAHEAD_SECONDS"]
    return options()["LOOKAHEAD_SECONDS"] + options()["SLICE_SECONDS"]


def dispatch_once() -> int:
    """Claim and enqueue everything due within the look-ahead, and the removals due (art. 7); returns how many
    were handed over."""
    handed = enqueue_removals(claim_removals())
    lookahead = current_lookahead()
    while True:
        claims = claim_due(lookahead=lookahead)
        handed += enqueue(claims)
        if len(claims) < options()["CLAIM_BATCH"]:
            return handed


def seconds_until_next(now=None) -> float:
    """How long the dispatcher may sleep: until the next due time minus the look-ahead, at most one poll."""
    poll = options()["POLL_SECONDS"]
    upcoming = next_due_at()
    if upcoming is None:
        return poll
    now = now or timezone.now()
    return max(0.0, min(poll, (upcoming - now).total_seconds() - options()["LOOKAHEAD_SECONDS"]))


def run(stop: threading.Event) -> None:
    """Dispatch until ``stop`` is set. A database hiccup is logged and retried, never fatal."""
    logger.info("dispatcher started")
    next_reap = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() >= next_reap:
                reap()
                reap_removals()
                next_reap = time.monotonic() + options()["REAP_SECONDS"]
            handed = dispatch_once()
            if handed:
                logger.info("dispatched count=%d", handed)
            wait = seconds_until_next()
            if not handed and wait == 0:
                # Due, yet nothing to claim: its channel's network is slow right now (claims.slow_channels).
                wait = options()["POLL_SECONDS"]
        except Exception:
            logger.exception("dispatcher loop failed; retrying")
            close_old_connections()
            wait = 1.0
        if wait:
            stop.wait(wait)
    logger.info("dispatcher stopped")
