"""The reaper: a version left "publishing" past its claim belongs to a worker that stopped (killed, its
machine gone: its heartbeat no longer renews the claim), and so does one whose holder is certainly gone
already (``publishing.liveness``: killed on this host; a restarted worker recovers at once). It never
calls a network, so it can run every few seconds (in the dispatcher, ``REAP_SECONDS``, and as a
per-minute django-q2 Schedule, ``publishing.reaper.reap``):

- nothing was sent under the claim (no attempt recorded) → the version is released, scheduled again as
  it was, and goes out at the dispatcher's next look;
- an attempt was recorded, so a call may have reached the network → the attempt's outcome is unknown,
  and the version is scheduled for a look-up at once (``publishing.sending.call``), never sent again
  blind; past the tries allowed, it is « to verify » by a person.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calendar_app.models import ChannelVersion
from calendar_app.services.workflow import bulk_transition
from calendar_app.workflow import Status
from publishing.claims import by_token
from publishing.liveness import certainly_gone
from publishing.models import PublicationAttempt
from publishing.outcomes import WorkerStopped, record_outcomes
from publishing.sending import Job

logger = logging.getLogger("vitrine.publishing")


def reap(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Release, or mark unknown, every version left "publishing" past its claim (or held by a process
    certainly gone); returns how many of each. It works in bulk — a killed worker may leave hundreds of
    claims, and a restarted dispatcher reaps before it dispatches anything; should recording them
    together fail, it records them one by one, and a row that fails is logged and left for the next pass."""
    now = now or timezone.now()
    publishing = ChannelVersion.objects.filter(status=Status.PUBLISHING)
    holders = publishing.filter(claimed_until__gte=now).order_by().values_list("claimed_by", flat=True).distinct()
    lapsed = Q(claimed_until__lt=now) | Q(claimed_by__in=[holder for holder in holders if certainly_gone(holder)])
    stuck = list(publishing.filter(lapsed).select_related("post", "channel", "post__author"))
    if not stuck:
        return {"released": 0, "unknown": 0}
    released = _release_unattempted(stuck, lapsed=lapsed, now=now)
    unknown = _record_unknown([version for version in stuck if version.pk not in released], lapsed=lapsed, now=now)
    counts = {"released": len(released), "unknown": len(unknown)}
    logger.info("reaper %s", counts)
    return counts


def _release_unattempted(stuck: list[ChannelVersion], *, lapsed: Q, now: datetime.datetime) -> set[int]:
    """Back to scheduled, as they were, the versions with no attempt under their claim (nothing was sent);
    returns them. Each claim's still lapsed (its worker did not renew it meanwhile)."""
    attempted = PublicationAttempt.objects.filter(version=OuterRef("pk"), claim_token=OuterRef("claim_token"))
    released: set[int] = set()
    for token, ids in by_token((version.pk, version.claim_token) for version in stuck).items():
        released |= set(
            bulk_transition(
                model=ChannelVersion,
                moves=ids,
                source=Status.PUBLISHING,
                target=Status.SCHEDULED,
                where=Q(claim_token=token) & lapsed & ~Exists(attempted),
                updated_at=now,
                claim_token=None,
                claimed_until=None,
            )
        )
    return released


def _record_unknown(versions: list[ChannelVersion], *, lapsed: Q, now: datetime.datetime) -> set[int]:
    """Record as unknown the pending attempt of each version (a call may have reached the network), to be
    looked up at once; returns the versions moved (not those another reaper, or their worker after all,
    settled first)."""
    attempts = PublicationAttempt.objects.filter(
        version__in=versions, outcome=PublicationAttempt.Outcome.PENDING
    ).order_by()
    pending = {(attempt.version_id, attempt.claim_token): attempt for attempt in attempts}
    jobs = []
    with translation.override(settings.LANGUAGE_CODE):
        for version in versions:
            attempt = pending.get((version.pk, version.claim_token))
            if attempt is None:
                continue
            job = Job(version, version.claim_token, now, [], attempt=attempt, called_at=attempt.call_started_at)
            job.error = WorkerStopped(
                _(
                    "The worker process %(worker)s stopped during its call to the network (its claim was last "
                    "renewed until %(until)s), so whether the post went out is unknown: it will be looked up on "
                    "the network before anything is sent again."
                )
                % {"worker": attempt.worker, "until": timezone.localtime(version.claimed_until).strftime("%H:%M:%S")}
            )
            job.outcome = PublicationAttempt.Outcome.UNKNOWN
            jobs.append(job)
        try:
            return record_outcomes(jobs, where=lapsed)
        except Exception:
            logger.exception("reaper: %d unknown outcomes could not be recorded together; one by one", len(jobs))
        moved: set[int] = set()
        for job in jobs:  # a row that fails is logged and left for the next pass; it never stops the others
            try:
                moved |= record_outcomes([job], where=lapsed)
            except Exception:
                logger.exception("reaper: version=%s could not be released", job.version.pk)
        return moved
