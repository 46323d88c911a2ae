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
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calendar_app.models import Approval, AuditEntry, Channel, ChannelVersion, Notification, Post
from calendar_app.models.people import Role
from calendar_app.services.charte import charte_check
from calendar_app.services.notifications import notify, people_with_role
from calendar_app.services.workflow import post_transition, version_transition
from calendar_app.workflow import Status
from publishing.adapters import adapter_for
from publishing.adapters.base import (
    AdapterError,
    AuthError,
    OutcomeUnknown,
    Outgoing,
    PermanentError,
    Published,
    TemporaryError,
)
from publishing.models import PublicationAttempt

logger = logging.getLogger("vitrine.publishing")
WORKER = f"{socket.gethostname()}:{os.getpid()}"

# Where a publication is waiting for the network, its post shows "publishing".
_PENDING = (Status.SCHEDULED, Status.PUBLISHING)


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
    *, now: datetime.datetime | None = None, limit: int | None = None, only: Iterable[int] | None = None
) -> list[Claim]:
    """Claim up to ``limit`` versions due within the look-ahead (among ``only`` if given); one caller gets each."""
    now = now or timezone.now()
    limit = limit or options()["CLAIM_BATCH"]
    until = now + datetime.timedelta(seconds=options()["LOOKAHEAD_SECONDS"])
    token = uuid.uuid4()
    claimed_until = now + datetime.timedelta(seconds=options()["CLAIM_SECONDS"])
    with transaction.atomic():
        candidates = claimable(until)
        if only is not None:
            candidates = candidates.filter(pk__in=list(only))
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # The conditional UPDATE is the claim: a row another dispatcher moved first is left out.
        ChannelVersion.objects.filter(pk__in=ids, status=Status.SCHEDULED).update(
            status=Status.PUBLISHING,
            claim_token=token,
            claimed_until=claimed_until,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        claimed = list(ChannelVersion.objects.filter(pk__in=ids, claim_token=token).values_list("pk", "post_id"))
        _audit_moves(claimed, before=Status.SCHEDULED, after=Status.PUBLISHING)
        _posts_publishing({post_id for _pk, post_id in claimed})
    return [Claim(pk, token) for pk, _post_id in claimed]


def _audit_moves(rows: Iterable[tuple[int, int]], *, before: Status, after: Status, message: str = "") -> None:
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(ChannelVersion)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            actor_repr="Vitrine",
            action="status_changed",
            target_type=kind,
            target_id=str(pk),
            target_repr=f"version {pk}",
            before={"status": before.value},
            after={"status": after.value},
            message=message,
        )
        for pk, _post_id in rows
    )


def _posts_publishing(post_ids: set[int]) -> None:
    """A post is publishing while any of its versions is (again, when one channel is retried alone)."""
    waiting = (Status.SCHEDULED, Status.PARTIALLY_PUBLISHED, Status.FAILED)
    for post in Post.objects.filter(pk__in=post_ids, status__in=waiting):
        post_transition(post=post, target=Status.PUBLISHING, actor=None)


def settle_post(post_id: int) -> None:
    """Give the post the status its channel versions add up to (inside the caller's transaction)."""
    post = Post.objects.select_for_update().get(pk=post_id)
    statuses = set(post.versions.values_list("status", flat=True))
    if statuses & {Status.SCHEDULED, Status.PUBLISHING}:
        return
    published = statuses & {Status.PUBLISHED, Status.REMOVED}
    if published and statuses - {Status.PUBLISHED, Status.REMOVED, Status.WITHDRAWN}:
        target = Status.PARTIALLY_PUBLISHED
    elif published:
        target = Status.PUBLISHED
    elif Status.FAILED in statuses:
        target = Status.FAILED
    elif Status.BLOCKED in statuses:
        target = Status.BLOCKED
    else:
        return
    if post.status != target and post.status == Status.PUBLISHING:
        post_transition(post=post, target=target, actor=None)


# --- Publishing one claimed version -----------------------------------------------------------------


def publish_batch(claims: list[tuple[int, str]]) -> list[str]:
    """The django-q2 task: publish each claimed version of the batch in parallel threads."""
    if len(claims) == 1:
        return [publish_claimed(*claims[0])]
    with ThreadPoolExecutor(max_workers=min(len(claims), options()["THREADS_PER_TASK"])) as pool:
        return list(pool.map(lambda claim: _in_thread(publish_claimed, *claim), claims))


def _in_thread(function, *args):
    try:
        return function(*args)
    finally:
        close_old_connections()
        connection.close()


def publish_claimed(version_id: int, token: str, *, wait: bool = True) -> str:
    """Publish one claimed version unless its claim is gone; returns what happened, for the logs."""
    token = uuid.UUID(str(token))
    with translation.override(settings.LANGUAGE_CODE):
        version = (
            ChannelVersion.objects.select_related("post", "channel", "post__author")
            .filter(pk=version_id, status=Status.PUBLISHING, claim_token=token)
            .first()
        )
        if version is None:
            return "stale"
        if wait and version.due_at:
            delay = (version.next_attempt_at or version.due_at) - timezone.now()
            if delay.total_seconds() > 0:
                time.sleep(delay.total_seconds())
        reasons = last_moment_refusals(version)
        attempt = start_attempt(version, token)
        if attempt is None:
            return "stale"
        if reasons:
            _block(version, attempt, reasons)
            return "blocked"
        try:
            outgoing = outgoing_for(version)
        except AdapterError as error:  # an image that cannot be made to fit its network
            return _failed(version, attempt, error)
        adapter = adapter_for(version.channel, timeout=options()["NETWORK_TIMEOUT_SECONDS"])
        PublicationAttempt.objects.filter(pk=attempt.pk).update(call_started_at=timezone.now())
        try:
            published = adapter.publish(outgoing)  # outside any transaction
        except OutcomeUnknown as error:
            return _reconcile(version, attempt, adapter, outgoing, error)
        except AdapterError as error:
            return _failed(version, attempt, error)
        finally:
            adapter.close()
        _published(version, attempt, published)
        return "published"


def start_attempt(version: ChannelVersion, token: uuid.UUID) -> PublicationAttempt | None:
    """Record the attempt before the network call, if the claim still holds (renewing it); None otherwise.

    The conditional UPDATE and the reaper's release both take the version's row lock, so a claim
    is either still this task's (and the attempt is recorded) or already released (and nothing is sent).
    A claim delivered twice finds its attempt already recorded (unique per claim) and stops.
    """
    claimed_until = timezone.now() + datetime.timedelta(seconds=options()["CLAIM_SECONDS"])
    try:
        with transaction.atomic():
            held = ChannelVersion.objects.filter(pk=version.pk, status=Status.PUBLISHING, claim_token=token).update(
                claimed_until=claimed_until
            )
            if not held:
                return None
            return PublicationAttempt.objects.create(
                version=version, number=version.attempts, claim_token=token, worker=WORKER
            )
    except IntegrityError:
        return None


def last_moment_refusals(version: ChannelVersion) -> list[str]:
    """Why ``version`` may not go out now: the Charte at this moment, and a missing approval (art. 9.4, 9.5)."""
    post = version.post
    reasons = [str(result.message) for result in charte_check(post=post, at=timezone.now()).blocks]
    if post.origin != Post.Origin.INTERNAL and not post.approvals.filter(decision=Approval.Decision.APPROVED).exists():
        reasons.append(
            _("A request from a service, committee or organisation needs an approval by the communications department.")
        )
    if not version.channel.is_authorised:
        reasons.append(_("The channel has no authorisation from the Direction générale (art. 8.1)."))
    return reasons


def outgoing_for(version: ChannelVersion) -> Outgoing:
    from publishing.media import media_files_for

    link = version.post.links.values_list("url", flat=True).first() or ""
    return Outgoing(
        text=version.text,
        idempotency_key=str(version.idempotency_key),
        media=tuple(media_files_for(version)),
        link=link,
    )


def _finish(attempt: PublicationAttempt, outcome: str, *, error: AdapterError | None = None, summary: str = ""):
    PublicationAttempt.objects.filter(pk=attempt.pk).update(
        outcome=outcome,
        finished_at=timezone.now(),
        http_status=getattr(error, "status", None),
        response_summary=(error.summary if error else summary)[:2000],
        error=error.message if error else "",
    )


def _published(version: ChannelVersion, attempt: PublicationAttempt, published: Published) -> None:
    with transaction.atomic():
        version_transition(
            version=version,
            target=Status.PUBLISHED,
            actor=None,
            external_id=published.external_id,
            external_url=published.url,
            published_at=timezone.now(),
            claim_token=None,
            claimed_until=None,
            next_attempt_at=None,
            last_error="",
        )
        _finish(attempt, PublicationAttempt.Outcome.PUBLISHED, summary=published.summary)
        settle_post(version.post_id)
    logger.info("published version=%s channel=%s external_id=%s", version.pk, version.channel_id, published.external_id)


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the network's ``Retry-After``."""
    base, cap = options()["RETRY_BASE_SECONDS"], options()["RETRY_MAX_SECONDS"]
    delay = random.uniform(0, min(cap, base * 2 ** max(0, attempts - 1)))
    return max(delay, retry_after or 0.0)


def _failed(version: ChannelVersion, attempt: PublicationAttempt, error: AdapterError) -> str:
    now = timezone.now()
    if isinstance(error, AuthError):
        outcome, target, message = PublicationAttempt.Outcome.AUTH, Status.SCHEDULED, error.message
    elif isinstance(error, TemporaryError) and version.attempts < options()["MAX_ATTEMPTS"]:
        outcome, target = PublicationAttempt.Outcome.TEMPORARY, Status.SCHEDULED
        message = error.message
    else:
        outcome, target = PublicationAttempt.Outcome.PERMANENT, Status.FAILED
        if isinstance(error, TemporaryError):
            outcome = PublicationAttempt.Outcome.TEMPORARY
            message = _("%(error)s — given up after %(count)d attempts.") % {
                "error": error.message,
                "count": version.attempts,
            }
        else:
            message = error.message
    retry_at = None
    if target == Status.SCHEDULED and outcome == PublicationAttempt.Outcome.TEMPORARY:
        retry_at = now + datetime.timedelta(seconds=backoff_seconds(version.attempts, error.retry_after))
    with transaction.atomic():
        version_transition(
            version=version,
            target=target,
            actor=None,
            reason=message,
            claim_token=None,
            claimed_until=None,
            next_attempt_at=retry_at,
            last_error=message,
        )
        _finish(attempt, outcome, error=error)
        if isinstance(error, AuthError):
            _to_reconnect(version.channel, message)
        elif target == Status.FAILED:
            settle_post(version.post_id)
            _notify_failure(version, message, kind="failed")
    logger.warning(
        "publish failed version=%s channel=%s outcome=%s retry_at=%s error=%s",
        version.pk,
        version.channel_id,
        outcome,
        retry_at,
        error.message,
    )
    return outcome


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


def _block(version: ChannelVersion, attempt: PublicationAttempt, reasons: list[str]) -> None:
    message = " ".join(reasons)
    with transaction.atomic():
        version_transition(
            version=version,
            target=Status.BLOCKED,
            actor=None,
            reason=message,
            claim_token=None,
            claimed_until=None,
            last_error=message,
        )
        _finish(attempt, PublicationAttempt.Outcome.BLOCKED)
        PublicationAttempt.objects.filter(pk=attempt.pk).update(error=message)
        settle_post(version.post_id)
        _notify_failure(version, message, kind="blocked")
    logger.warning("publish blocked version=%s reasons=%s", version.pk, message)


def _notify_failure(version: ChannelVersion, message: str, *, kind: str) -> None:
    recipients = {person.pk: person for person in people_with_role(Role.COMMUNICATIONS)}
    recipients[version.post.author_id] = version.post.author
    notify(
        recipients=recipients.values(),
        kind=Notification.Kind.CHANNEL,
        template="publication_problem",
        context={"version": version, "message": message, "blocked": kind == "blocked"},
        post=version.post,
        url=reverse("publishing:status"),
    )


def _reconcile(version, attempt, adapter, outgoing: Outgoing, error: AdapterError) -> str:
    """After an unknown outcome: ask the network; found → published, absent → retry, no answer → the reaper."""
    _finish(attempt, PublicationAttempt.Outcome.UNKNOWN, error=error)
    try:
        found = adapter.reconcile(outgoing)
    except AdapterError:
        return "unknown"  # the claim expires and the reaper reconciles later
    if found is not None:
        _published(version, attempt, found)
        PublicationAttempt.objects.filter(pk=attempt.pk).update(outcome=PublicationAttempt.Outcome.FOUND)
        return "found"
    retry = TemporaryError(error.message, summary=error.summary)
    _failed(version, attempt, retry)
    PublicationAttempt.objects.filter(pk=attempt.pk).update(outcome=PublicationAttempt.Outcome.ABSENT)
    return "absent"


# --- The reaper --------------------------------------------------------------------------------------


def reap(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Release or reconcile every version left "publishing" past its claim (worker killed, task lost)."""
    now = now or timezone.now()
    counts = {"released": 0, "reconciled": 0}
    stuck = ChannelVersion.objects.filter(status=Status.PUBLISHING, claimed_until__lt=now).select_related(
        "post", "channel"
    )
    for version in stuck:
        expired = ChannelVersion.objects.filter(
            pk=version.pk, status=Status.PUBLISHING, claim_token=version.claim_token, claimed_until__lt=now
        )
        attempted = PublicationAttempt.objects.filter(version=OuterRef("pk"), claim_token=OuterRef("claim_token"))
        with transaction.atomic():
            # Nothing was sent under this claim: it can simply be claimed again.
            released = expired.filter(~Exists(attempted)).update(
                status=Status.SCHEDULED, claim_token=None, claimed_until=None, updated_at=now
            )
            if released:
                _audit_moves([(version.pk, version.post_id)], before=Status.PUBLISHING, after=Status.SCHEDULED)
                counts["released"] += 1
                continue
            # Something may have been sent: one reaper takes the reconciliation (the claim is renewed).
            renewed = expired.update(claimed_until=now + datetime.timedelta(seconds=options()["CLAIM_SECONDS"]))
        if not renewed:
            continue
        attempt = PublicationAttempt.objects.get(version=version, claim_token=version.claim_token)
        adapter = adapter_for(version.channel, timeout=options()["NETWORK_TIMEOUT_SECONDS"])
        try:
            with translation.override(settings.LANGUAGE_CODE):
                stopped = OutcomeUnknown(_("The worker stopped."))
                _reconcile(version, attempt, adapter, outgoing_for(version), stopped)
            counts["reconciled"] += 1
        except AdapterError:
            logger.exception("reaper could not reconcile version=%s; the next round will", version.pk)
        finally:
            adapter.close()
    if any(counts.values()):
        logger.info("reaper %s", counts)
    return counts


# --- Retrying one channel by hand ----------------------------------------------------------------------


def retry_now(version: ChannelVersion, *, actor) -> None:
    """Send a failed channel version again now, leaving the post's other channels alone."""
    from calendar_app.permissions import Abilities, Action, require

    require(
        Abilities(actor).can_schedule(version.post, version.channel),
        actor=actor,
        action=Action.SCHEDULE,
        target=version,
    )
    with transaction.atomic():
        version_transition(version=version, target=Status.SCHEDULED, actor=actor, next_attempt_at=timezone.now())


__all__ = ["PermanentError", "claim_due", "publish_batch", "publish_claimed", "reap", "retry_now"]
