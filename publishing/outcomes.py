"""What an attempt's result means, and recording it: the version's and the post's status, the attempt
itself, retries with backoff, the people to tell, the log line.

Everything is decided before the one short transaction that records a batch; inside it, only the
versions still held by their claim move (a version the reaper took over meanwhile is left to it).
"""

from __future__ import annotations

import datetime
import logging
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import ChannelVersion, Post
from calendar_app.selectors.posts import posts_once_partially_published
from calendar_app.services.workflow import Move, bulk_transition
from calendar_app.workflow import Status, settled_status
from publishing.adapters.base import AuthError, OutcomeUnknown, TemporaryError
from publishing.models import PublicationAttempt
from publishing.notifications import channel_to_reconnect, notify_publication_problem, notify_published
from publishing.options import options
from publishing.sending import Job

logger = logging.getLogger("vitrine.publishing")

# A post settled in one of these went out somewhere: its people are told where, once (``notify_published``;
# a post partially published before, whose failed channel was retried since, was announced then).
_WENT_OUT = (Status.PUBLISHED, Status.PARTIALLY_PUBLISHED)
# What ``record_outcomes`` writes on each attempt (one bulk UPDATE).
_ATTEMPT_FIELDS = ["outcome", "call_started_at", "finished_at", "http_status", "response_summary", "error"]


class WorkerStopped(OutcomeUnknown):
    """The worker that made the call stopped before recording its answer (the reaper found its claim lapsed):
    the look-up comes at once, the network having had all this time."""


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the network's ``Retry-After``."""
    base, cap = options()["RETRY_BASE_SECONDS"], options()["RETRY_MAX_SECONDS"]
    delay = random.uniform(0, min(cap, base * 2 ** max(0, attempts - 1)))
    return max(delay, retry_after or 0.0)


@dataclass(frozen=True)
class Decision:
    target: Status
    outcome: str
    message: str = ""
    retry_at: datetime.datetime | None = None
    # Since when the version's outcome is unknown (kept, set or cleared by this attempt).
    unverified_since: datetime.datetime | None = None


def decide(job: Job) -> Decision:
    """What an attempt's result means for its version: published, retried later, failed, blocked, or
    unknown — then looked up at a later attempt, and « to verify » by a person once the tries are spent."""
    Outcome = PublicationAttempt.Outcome
    attempts, most = job.version.attempts, options()["MAX_ATTEMPTS"]
    unverified = job.version.unverified_since
    if job.credentials_unreadable and job.looking_up:  # it waits, unverified, for the channel's reconnection
        return Decision(Status.SCHEDULED, Outcome.AUTH, " ".join(job.refusals), unverified_since=unverified)
    if job.refusals:
        return Decision(Status.BLOCKED, Outcome.BLOCKED, " ".join(job.refusals))
    if job.published is not None:
        return Decision(Status.PUBLISHED, job.outcome or Outcome.PUBLISHED)
    error = job.error
    if job.outcome == Outcome.UNKNOWN:
        unverified = unverified or job.called_at or timezone.now()
        if attempts < most:
            retry_at = timezone.now() if isinstance(error, WorkerStopped) else _retry_at(attempts)
            return Decision(Status.SCHEDULED, Outcome.UNKNOWN, error.message, retry_at, unverified)
        message = _(
            "%(error)s Whether it went out is still unknown after %(count)d attempts: check the account, then say "
            "on the post's page whether it was published or must be sent again."
        ) % {"error": error.message, "count": attempts}
        return Decision(Status.TO_VERIFY, Outcome.UNKNOWN, message, unverified_since=unverified)
    if job.outcome == Outcome.ABSENT:
        message = _("Not on the network: the publication whose outcome was unknown did not go out.")
        if attempts < most:
            return Decision(Status.SCHEDULED, Outcome.ABSENT, message, timezone.now())
        return Decision(Status.FAILED, Outcome.ABSENT, _given_up(message, attempts))
    if isinstance(error, AuthError):
        return Decision(Status.SCHEDULED, Outcome.AUTH, error.message, unverified_since=unverified)
    outcome = Outcome.TEMPORARY if isinstance(error, TemporaryError) else Outcome.PERMANENT
    if isinstance(error, TemporaryError):
        if attempts < most:
            return Decision(Status.SCHEDULED, outcome, error.message, _retry_at(attempts, error.retry_after))
        return Decision(Status.FAILED, outcome, _given_up(error.message, attempts))
    return Decision(Status.FAILED, outcome, error.message)


def _retry_at(attempts: int, retry_after: float | None = None) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=backoff_seconds(attempts, retry_after))


def _given_up(message: str, attempts: int) -> str:
    return _("%(error)s — given up after %(count)d attempts.") % {"error": message, "count": attempts}


def record_outcomes(jobs: list[Job], *, where: Q | None = None) -> set[int]:
    """Record every attempted job's outcome in one short transaction, then log it; returns the versions moved.

    1. Each outcome is decided, and written onto its attempt and its version's move, before the
       transaction opens.
    2. Inside it, the versions still held by their claim (and matching ``where``: the reaper's "still
       expired") move through the workflow (``bulk_transition``: one locked, conditional UPDATE per
       claim and outcome status).
    3. The attempts are written with one bulk UPDATE: all of them when the worker that made the calls
       records (what the network answered is the truth, even if the reaper took the version over
       meanwhile); only those of the versions moved when the reaper records.
    4. The posts of the versions moved take the status their versions add up to; channels whose token
       was refused go "to reconnect"; failures and blocks are told to people.
    5. Once committed, the people of the posts that went out are told where (once per post).
    6. Each outcome is logged and kept on its job.
    """
    attempted = [job for job in jobs if job.attempt is not None]
    if not attempted:
        return set()
    now = timezone.now()
    decisions = {job.version.pk: decide(job) for job in attempted}
    groups: dict[tuple[uuid.UUID, Status], list[Move]] = {}
    for job in attempted:
        decision = decisions[job.version.pk]
        _write_attempt(job, decision, now=now)
        groups.setdefault((job.token, decision.target), []).append(_version_move(job, decision, now=now))
    with transaction.atomic():
        held = _move_held_versions(groups, now=now, where=where)
        moved = [job for job in attempted if job.version.pk in held]
        PublicationAttempt.objects.bulk_update(
            [job.attempt for job in (attempted if where is None else moved)], _ATTEMPT_FIELDS
        )
        post_ids = {job.version.post_id for job in moved}
        announced = posts_once_partially_published(post_ids)  # read before this batch settles any post
        settled = settle_posts(post_ids)
        went_out = [pk for status in _WENT_OUT for pk in settled.get(status, ()) if pk not in announced]
        for job in moved:
            _tell_people(job, decisions[job.version.pk])
    # After the commit: rendering a notice per post (5–8 ms each) would hold the database's write lock, which
    # the other workers wait for to record their attempts right before their calls.
    notify_published(went_out)
    for job in attempted:
        decision = decisions[job.version.pk]
        _log(job, decision)
        job.outcome = decision.outcome
    return held


def _write_attempt(job: Job, decision: Decision, *, now: datetime.datetime) -> None:
    """The attempt's outcome, timing, HTTP status, response summary and error (in memory; saved in bulk)."""
    attempt, published, error = job.attempt, job.published, job.error
    attempt.outcome, attempt.finished_at = decision.outcome, now
    attempt.call_started_at = job.called_at or attempt.call_started_at
    attempt.http_status = getattr(error, "status", None) if published is None else None
    attempt.response_summary = (published.summary if published else getattr(error, "summary", ""))[:2000]
    attempt.error = "" if published else decision.message


def _version_move(job: Job, decision: Decision, *, now: datetime.datetime) -> Move:
    """The version's own fields for its move: the next attempt, the last error, what the network published."""
    published = job.published
    fields = {
        "next_attempt_at": decision.retry_at,
        "last_error": "" if published else decision.message,
        "unverified_since": decision.unverified_since,
    }
    if published is not None:
        # When it went out: the call found since on the network (a look-up), else this call.
        went_out = job.version.unverified_since or job.called_at or now
        fields.update(external_id=published.external_id, external_url=published.url, published_at=went_out)
    return Move(job.version.pk, fields=fields, reason=decision.message)


def _move_held_versions(
    groups: dict[tuple[uuid.UUID, Status], list[Move]], *, now: datetime.datetime, where: Q | None = None
) -> set[int]:
    """Move each group's versions still publishing under its claim token (and matching ``where``) to its
    status, releasing the claim; returns the versions moved (the others were taken over meanwhile)."""
    held = set()
    for (token, target), moves in groups.items():
        held |= set(
            bulk_transition(
                model=ChannelVersion,
                moves=moves,
                source=Status.PUBLISHING,
                target=target,
                where=Q(claim_token=token) & (where or Q()),
                updated_at=now,
                claim_token=None,
                claimed_until=None,
            )
        )
    return held


def settle_posts(post_ids: Iterable[int]) -> dict[Status, list[int]]:
    """Give each publishing post the status its channel versions add up to (inside the caller's transaction);
    returns the posts moved, by their new status."""
    statuses: dict[int, set[str]] = {}
    for post_id, status in ChannelVersion.objects.filter(post_id__in=list(post_ids)).values_list("post_id", "status"):
        statuses.setdefault(post_id, set()).add(status)
    targets: dict[Status, list[int]] = {}
    for post_id, found in statuses.items():
        target = settled_status(found)
        if target is not None:
            targets.setdefault(target, []).append(post_id)
    return {
        target: bulk_transition(model=Post, moves=ids, source=(Status.PUBLISHING,), target=target)
        for target, ids in targets.items()
    }


def _tell_people(job: Job, decision: Decision) -> None:
    """A refused token or unreadable credentials: the channel goes to reconnect; a failure or a block:
    the author and the communications team are told."""
    if decision.outcome == PublicationAttempt.Outcome.AUTH or job.credentials_unreadable:
        channel_to_reconnect(job.version.channel, decision.message)
    if decision.target in (Status.FAILED, Status.BLOCKED, Status.TO_VERIFY):
        notify_publication_problem(
            job.version,
            decision.message,
            blocked=decision.target == Status.BLOCKED,
            to_verify=decision.target == Status.TO_VERIFY,
        )


def _log(job: Job, decision: Decision) -> None:
    log = logger.info if decision.target == Status.PUBLISHED else logger.warning
    log(
        "publication version=%s channel=%s outcome=%s status=%s retry_at=%s error=%s",
        job.version.pk,
        job.version.channel_id,
        decision.outcome,
        decision.target,
        decision.retry_at,
        decision.message,
        extra={
            "version": job.version.pk,
            "channel": job.version.channel_id,
            "outcome": str(decision.outcome),
            "status": str(decision.target or ""),
            "lateness_ms": round((job.called_at - job.due).total_seconds() * 1000, 1) if job.called_at else None,
        },
    )
