"""The publishing worker: on time, exactly once, never silently (DESIGN.md, "Publishing: the guarantees").

Three parts share this module:

- ``claim_due`` — the dispatcher's atomic claim: scheduled versions due within the look-ahead move
  to "publishing" with a fresh claim token, in one conditional UPDATE per batch (on PostgreSQL the
  candidate rows are first locked with ``SELECT … FOR UPDATE SKIP LOCKED``), so that any number of
  dispatchers on any number of machines never claim the same version twice.
- ``publish_claimed`` — the django-q2 task: it re-checks the claim, waits for the due second,
  re-runs the Charte and the approval check (art. 7, 9.4, 9.5), records the attempt *before* the
  network call (one attempt per claim, enforced by a unique constraint), calls the adapter outside
  any transaction, then records the outcome. django-q2's own retries are off: this module decides.
- ``reap`` — the per-minute safety net: a version left "publishing" past its claim is either
  released (nothing was sent) or reconciled with the network (was it published?) before any retry.

Adapters never touch the database; only this module and ``calendar_app.services`` write.
"""

from __future__ import annotations

import datetime
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendar_app.charte.registry import RuleSet, get_ruleset
from calendar_app.models import Approval, Channel, ChannelVersion, Notification, Post
from calendar_app.models.people import Role
from calendar_app.services.charte import charte_check
from calendar_app.services.notifications import notify, people_with_role
from calendar_app.services.workflow import Move, bulk_transition
from calendar_app.workflow import Status
from publishing.adapters import adapter_for
from publishing.adapters.base import (
    AdapterError,
    AuthError,
    NetworkAdapter,
    OutcomeUnknown,
    Outgoing,
    Published,
    TemporaryError,
)
from publishing.credentials import CredentialsUnreadable
from publishing.models import PublicationAttempt

logger = logging.getLogger("vitrine.publishing")
WORKER = f"{socket.gethostname()}:{os.getpid()}"

# Where a publication is waiting for the network, its post shows "publishing".
_PENDING = (Status.SCHEDULED, Status.PUBLISHING)

# A key change (CREDENTIALS_KEY or SECRET_KEY) leaves the stored credentials undecryptable.
CREDENTIALS_UNREADABLE = gettext_lazy(
    "The channel's credentials cannot be read (the encryption key may have changed); nothing was sent. "
    "Reconnect the channel."
)
CREDENTIALS_UNREADABLE_OUTCOME_UNKNOWN = gettext_lazy(
    "The channel's credentials cannot be read (the encryption key may have changed), so whether this "
    "publication went out cannot be checked with the network. Reconnect the channel: it will be checked "
    "before anything is sent again."
)


def options() -> dict:
    return settings.PUBLISHING


# --- Claiming --------------------------------------------------------------------------------------


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


def _move_posts(post_ids: Iterable[int], sources: Iterable[Status], target: Status) -> None:
    """Move the posts still in one of ``sources`` to ``target`` (one locked, conditional UPDATE), audited."""
    bulk_transition(model=Post, moves=post_ids, source=sources, target=target)


def _posts_publishing(post_ids: set[int]) -> None:
    """A post is publishing while any of its versions is (again, when one channel is retried alone)."""
    _move_posts(post_ids, (Status.SCHEDULED, Status.PARTIALLY_PUBLISHED, Status.FAILED), Status.PUBLISHING)


def _settled_status(statuses: set[str]) -> Status | None:
    """The status a post's channel versions add up to once none is left to go out; None while one is."""
    if statuses & {Status.SCHEDULED, Status.PUBLISHING}:
        return None
    published = statuses & {Status.PUBLISHED, Status.REMOVED}
    if published and statuses - {Status.PUBLISHED, Status.REMOVED, Status.WITHDRAWN}:
        return Status.PARTIALLY_PUBLISHED
    if published:
        return Status.PUBLISHED
    if Status.FAILED in statuses:
        return Status.FAILED
    if Status.BLOCKED in statuses:
        return Status.BLOCKED
    return None


def settle_posts(post_ids: Iterable[int]) -> None:
    """Give each publishing post the status its channel versions add up to (inside the caller's transaction)."""
    statuses: dict[int, set[str]] = {}
    for post_id, status in ChannelVersion.objects.filter(post_id__in=list(post_ids)).values_list("post_id", "status"):
        statuses.setdefault(post_id, set()).add(status)
    targets: dict[Status, list[int]] = {}
    for post_id, found in statuses.items():
        target = _settled_status(found)
        if target is not None:
            targets.setdefault(target, []).append(post_id)
    for target, ids in targets.items():
        _move_posts(ids, (Status.PUBLISHING,), target)


# --- Publishing claimed versions ------------------------------------------------------------------------


@dataclass
class Job:
    """One claimed version on its way out, and what happened to it."""

    version: ChannelVersion
    token: uuid.UUID
    due: datetime.datetime
    refusals: list[str]
    attempt: PublicationAttempt | None = None
    outgoing: Outgoing | None = None
    called_at: datetime.datetime | None = None
    published: Published | None = None
    error: AdapterError | None = None
    outcome: str = ""
    adapter: NetworkAdapter | None = None
    credentials_unreadable: bool = False


def publish_claimed(version_id: int, token, *, wait: bool = True) -> str:
    """Publish one claimed version (``publish_batch`` of one); returns what happened, for the logs."""
    return publish_batch([(version_id, str(token))], wait=wait)[0]


def publish_batch(claims: list[tuple[int, str]], *, wait: bool = True) -> list[str]:
    """The django-q2 task: publish a batch of claimed versions, each at its due second, exactly once.

    1. Versions whose claim is gone are left alone ("stale").
    2. The Charte and the approval are checked for each due second, during the look-ahead.
    3. One transaction renews the claims and records one attempt per claim *before* any network call
       (a claim delivered twice finds its attempt recorded and stops).
    4. The network calls run in parallel threads, outside any transaction, each at its due second.
    5. One transaction records every outcome.
    """
    with translation.override(settings.LANGUAGE_CODE):
        jobs = _load_jobs(claims)
        _start_attempts(jobs)
        sending = [job for job in jobs if job.attempt is not None and not job.refusals]
        for job in sending:  # here, so that the threads below never touch the database
            _prepare(job)
        sending = [job for job in sending if job.error is None and not job.refusals]
        if len(sending) > 1:
            with ThreadPoolExecutor(max_workers=min(len(sending), options()["THREADS_PER_TASK"])) as pool:
                list(pool.map(lambda job: _in_thread(_send, job, wait=wait), sending))
        for job in sending if len(sending) == 1 else ():
            _send(job, wait=wait)
        _record(jobs)
    outcomes = {job.version.pk: job.outcome or "stale" for job in jobs}
    return [outcomes.get(int(version_id), "stale") for version_id, _token in claims]


def _load_jobs(claims: list[tuple[int, str]]) -> list[Job]:
    tokens = {int(version_id): uuid.UUID(str(token)) for version_id, token in claims}
    versions = (
        ChannelVersion.objects.filter(pk__in=list(tokens), status=Status.PUBLISHING)
        .select_related("post", "channel", "post__author")
        .prefetch_related("post__links", "post__post_media__asset")
    )
    jobs = []
    now = timezone.now()
    ruleset = get_ruleset()  # one read of the rule set's revision for the whole batch
    for version in versions:
        if version.claim_token != tokens[version.pk]:
            continue
        due = max(version.next_attempt_at or version.due_at, now)
        jobs.append(Job(version, tokens[version.pk], due, last_moment_refusals(version, at=due, ruleset=ruleset)))
    return jobs


def _start_attempts(jobs: list[Job]) -> None:
    """Renew each claim and record its attempt, atomically; a claim already attempted or released is skipped."""
    if not jobs:
        return
    claimed_until = timezone.now() + datetime.timedelta(seconds=options()["CLAIM_SECONDS"])
    by_token: dict[uuid.UUID, list[int]] = {}
    for job in jobs:
        by_token.setdefault(job.token, []).append(job.version.pk)
    with transaction.atomic():
        held = set()
        for token, ids in by_token.items():
            # The UPDATE takes the rows' locks: the reaper's release waits for it, or it finds no row.
            ChannelVersion.objects.filter(pk__in=ids, status=Status.PUBLISHING, claim_token=token).update(
                claimed_until=claimed_until
            )
            held |= {
                (pk, token)
                for pk in ChannelVersion.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True)
            }
        attempted = set(
            PublicationAttempt.objects.filter(version_id__in=[pk for pk, _token in held]).values_list(
                "version_id", "claim_token"
            )
        )
        starting = [job for job in jobs if (job.version.pk, job.token) in held - attempted]
        attempts = PublicationAttempt.objects.bulk_create(
            PublicationAttempt(version=job.version, number=job.version.attempts, claim_token=job.token, worker=WORKER)
            for job in starting
        )
    for job, attempt in zip(starting, attempts, strict=True):
        job.attempt = attempt


def _in_thread(function, *args, **kwargs):
    """Run ``function`` in a pool thread; should it ever open a database connection, it is closed."""
    try:
        return function(*args, **kwargs)
    finally:
        connections.close_all()


def _prepare(job: Job) -> None:
    """Who sends and what goes out: the adapter with the channel's credentials, the text, the image
    renditions, the link. Credentials that cannot be decrypted block the job before any network call
    (the channel goes "to reconnect" when it is recorded); an image that cannot fit is the job's error."""
    try:
        job.adapter = adapter_for(job.version.channel, timeout=options()["NETWORK_TIMEOUT_SECONDS"])
    except CredentialsUnreadable:
        job.credentials_unreadable = True
        job.refusals.append(str(CREDENTIALS_UNREADABLE))
        return
    try:
        job.outgoing = outgoing_for(job.version)
    except AdapterError as error:
        job.error = error


def _send(job: Job, *, wait: bool) -> None:
    """Wait for the due second and call the network; runs in a thread and never touches the database."""
    if wait:
        delay = (job.due - timezone.now()).total_seconds()
        if delay > 0:
            time.sleep(delay)
    adapter = job.adapter
    job.called_at = timezone.now()
    try:
        job.published = adapter.publish(job.outgoing)
    except OutcomeUnknown as error:
        _reconcile(job, adapter, error)
    except AdapterError as error:
        job.error = error


def _reconcile(job: Job, adapter, error: AdapterError) -> None:
    """After an unknown outcome: ask the network. Found → published; absent → retried; no answer → the reaper."""
    job.error = error
    try:
        found = adapter.reconcile(job.outgoing)
    except AdapterError:
        job.outcome = PublicationAttempt.Outcome.UNKNOWN  # the claim expires and the reaper tries again
        return
    if found is not None:
        job.published, job.outcome = found, PublicationAttempt.Outcome.FOUND
    else:
        job.error = TemporaryError(error.message, summary=error.summary)
        job.outcome = PublicationAttempt.Outcome.ABSENT


def last_moment_refusals(
    version: ChannelVersion, *, at: datetime.datetime | None = None, ruleset: RuleSet | None = None
) -> list[str]:
    """Why ``version`` may not go out at ``at`` (now by default): the Charte then (an election period may
    have begun since the approval, art. 7), a missing approval (art. 9.4, 9.5), a missing authorisation (art. 8.1)."""
    post = version.post
    report = charte_check(post=post, at=at or timezone.now(), ruleset=ruleset)
    reasons = [str(result.message) for result in report.blocks]
    if post.origin != Post.Origin.INTERNAL and not post.approvals.filter(decision=Approval.Decision.APPROVED).exists():
        reasons.append(
            _("A request from a service, committee or organisation needs an approval by the communications department.")
        )
    if not version.channel.is_authorised:
        reasons.append(_("The channel has no authorisation from the Direction générale (art. 8.1)."))
    return reasons


def outgoing_for(version: ChannelVersion) -> Outgoing:
    from publishing.media import media_files_for

    links = sorted(version.post.links.all(), key=lambda link: (link.position, link.pk))
    return Outgoing(
        text=version.text,
        idempotency_key=str(version.idempotency_key),
        media=tuple(media_files_for(version)),
        link=links[0].url if links else "",
    )


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the network's ``Retry-After``."""
    base, cap = options()["RETRY_BASE_SECONDS"], options()["RETRY_MAX_SECONDS"]
    delay = random.uniform(0, min(cap, base * 2 ** max(0, attempts - 1)))
    return max(delay, retry_after or 0.0)


@dataclass(frozen=True)
class _Decision:
    target: Status | None  # None: leave it publishing (the reaper reconciles)
    outcome: str
    message: str = ""
    retry_at: datetime.datetime | None = None


def _decide(job: Job) -> _Decision:
    """What an attempt's result means for its version: published, retried later, failed, blocked or unknown."""
    Outcome = PublicationAttempt.Outcome
    if job.refusals:
        return _Decision(Status.BLOCKED, Outcome.BLOCKED, " ".join(job.refusals))
    if job.published is not None:
        return _Decision(Status.PUBLISHED, job.outcome or Outcome.PUBLISHED)
    if job.outcome == Outcome.UNKNOWN:
        return _Decision(None, Outcome.UNKNOWN, job.error.message)
    error = job.error
    if isinstance(error, AuthError):
        return _Decision(Status.SCHEDULED, Outcome.AUTH, error.message)
    outcome = job.outcome or (Outcome.TEMPORARY if isinstance(error, TemporaryError) else Outcome.PERMANENT)
    if isinstance(error, TemporaryError):
        if job.version.attempts < options()["MAX_ATTEMPTS"]:
            delay = backoff_seconds(job.version.attempts, error.retry_after)
            return _Decision(
                Status.SCHEDULED, outcome, error.message, timezone.now() + datetime.timedelta(seconds=delay)
            )
        message = _("%(error)s — given up after %(count)d attempts.") % {
            "error": error.message,
            "count": job.version.attempts,
        }
        return _Decision(Status.FAILED, outcome, message)
    return _Decision(Status.FAILED, outcome, error.message)


def _record(jobs: list[Job]) -> None:
    """Record every attempted job's outcome in one short transaction, then tell people what went wrong.

    Everything is prepared before the transaction opens; inside it, the versions still held by
    their claim move through the workflow (``bulk_transition``: one locked, conditional UPDATE per
    claim and outcome status; a version the reaper took over meanwhile is left to it), and the
    attempts are written with one bulk UPDATE.
    """
    attempted = [job for job in jobs if job.attempt is not None]
    if not attempted:
        return
    now = timezone.now()
    decisions = {job.version.pk: _decide(job) for job in attempted}
    groups: dict[tuple[uuid.UUID, Status], list[Move]] = {}
    for job in attempted:
        decision, published, error = decisions[job.version.pk], job.published, job.error
        attempt = job.attempt
        attempt.outcome, attempt.call_started_at, attempt.finished_at = decision.outcome, job.called_at, now
        attempt.http_status = getattr(error, "status", None) if published is None else None
        attempt.response_summary = (published.summary if published else getattr(error, "summary", ""))[:2000]
        attempt.error = "" if published else decision.message
        if decision.target is None:
            continue
        fields = {"next_attempt_at": decision.retry_at, "last_error": "" if published else decision.message}
        if published is not None:
            fields.update(external_id=published.external_id, external_url=published.url, published_at=now)
        groups.setdefault((job.token, decision.target), []).append(
            Move(job.version.pk, fields=fields, reason=decision.message)
        )
    with transaction.atomic():
        held = set()
        for (token, target), moves in groups.items():
            held |= set(
                bulk_transition(
                    model=ChannelVersion,
                    moves=moves,
                    source=Status.PUBLISHING,
                    target=target,
                    where=Q(claim_token=token),
                    updated_at=now,
                    claim_token=None,
                    claimed_until=None,
                )
            )
        PublicationAttempt.objects.bulk_update(
            [job.attempt for job in attempted],
            ["outcome", "call_started_at", "finished_at", "http_status", "response_summary", "error"],
        )
        moved = [job for job in attempted if job.version.pk in held]
        settle_posts({job.version.post_id for job in moved})
        for job in moved:
            decision = decisions[job.version.pk]
            if decision.outcome == PublicationAttempt.Outcome.AUTH or job.credentials_unreadable:
                _to_reconnect(job.version.channel, decision.message)
            if decision.target in (Status.FAILED, Status.BLOCKED):
                _notify_failure(job.version, decision.message, blocked=decision.target == Status.BLOCKED)
    for job in attempted:
        decision = decisions[job.version.pk]
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
        job.outcome = decision.outcome


def _to_reconnect(channel: Channel, message: str) -> None:
    """Stop every attempt on ``channel`` until it is reconnected, and tell the communications team."""
    if Channel.objects.filter(pk=channel.pk, connection=Channel.Connection.CONNECTED).update(
        connection=Channel.Connection.TO_RECONNECT
    ):
        notify(
            recipients=people_with_role(Role.COMMUNICATIONS),
            kind=Notification.Kind.CHANNEL,
            template="channel_to_reconnect",
            context={"channel": channel, "message": message},
            url=reverse("publishing:status"),
        )


def _notify_failure(version: ChannelVersion, message: str, *, blocked: bool) -> None:
    recipients = {person.pk: person for person in people_with_role(Role.COMMUNICATIONS)}
    recipients[version.post.author_id] = version.post.author
    notify(
        recipients=recipients.values(),
        kind=Notification.Kind.CHANNEL,
        template="publication_problem",
        context={"version": version, "message": message, "blocked": blocked},
        post=version.post,
        url=reverse("publishing:status"),
    )


# --- The reaper --------------------------------------------------------------------------------------


def reap(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Release or reconcile every version left "publishing" past its claim (worker killed, task lost).

    A row that fails is logged and left for the next pass; it never stops the others.
    """
    now = now or timezone.now()
    counts = {"released": 0, "reconciled": 0}
    stuck = ChannelVersion.objects.filter(status=Status.PUBLISHING, claimed_until__lt=now)
    for version in stuck.select_related("post", "channel", "post__author"):
        try:
            outcome = _reap_one(version, now=now)
        except Exception:
            logger.exception("reaper: version=%s could not be released or reconciled", version.pk)
            continue
        if outcome in counts:
            counts[outcome] += 1
    if any(counts.values()):
        logger.info("reaper %s", counts)
    return counts


def _reap_one(version: ChannelVersion, *, now: datetime.datetime) -> str:
    """Release ``version`` (nothing was sent under its claim) or reconcile it with the network; returns
    "released", "reconciled" or "" (another reaper has it, or its channel must be reconnected first)."""
    expired = Q(claim_token=version.claim_token, claimed_until__lt=now)
    attempted = PublicationAttempt.objects.filter(version=OuterRef("pk"), claim_token=OuterRef("claim_token"))
    # Nothing was sent under this claim: it can simply be claimed again.
    if bulk_transition(
        model=ChannelVersion,
        moves=[version.pk],
        source=Status.PUBLISHING,
        target=Status.SCHEDULED,
        where=expired & ~Exists(attempted),
        updated_at=now,
        claim_token=None,
        claimed_until=None,
    ):
        return "released"
    # Something may have been sent, and only the network can say what: without readable credentials
    # it waits (publishing) until the channel is reconnected, never sent again before it is checked.
    if version.channel.connection != Channel.Connection.CONNECTED:
        return ""
    # One reaper takes the reconciliation (the claim is renewed).
    renewed = ChannelVersion.objects.filter(expired, pk=version.pk, status=Status.PUBLISHING).update(
        claimed_until=now + datetime.timedelta(seconds=options()["CLAIM_SECONDS"])
    )
    if not renewed:
        return ""
    job = Job(version, version.claim_token, now, [])
    job.attempt = PublicationAttempt.objects.get(version=version, claim_token=version.claim_token)
    with translation.override(settings.LANGUAGE_CODE):
        _prepare(job)
        if job.credentials_unreadable:
            message = str(CREDENTIALS_UNREADABLE_OUTCOME_UNKNOWN)
            with transaction.atomic():
                ChannelVersion.objects.filter(pk=version.pk, claim_token=version.claim_token).update(last_error=message)
                _to_reconnect(version.channel, message)
            logger.warning("reaper: version=%s channel=%s credentials unreadable", version.pk, version.channel_id)
            return ""
        if job.error is None:
            _reconcile(job, job.adapter, OutcomeUnknown(_("The worker stopped.")))
        _record([job])
    return "reconciled"


# --- Retrying one channel by hand ----------------------------------------------------------------------


__all__ = ["claim_due", "publish_batch", "publish_claimed", "reap"]
