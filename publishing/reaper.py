"""The reaper: a version left "publishing" past its claim belongs to a worker that stopped (killed, its
machine gone: its heartbeat no longer renews the claim). It never calls a network, so it can run every
few seconds (in the dispatcher, ``REAP_SECONDS``, and as a per-minute django-q2 Schedule,
``publishing.reaper.reap``):

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
from publishing.models import PublicationAttempt
from publishing.outcomes import WorkerStopped, record_outcomes
from publishing.sending import Job

logger = logging.getLogger("vitrine.publishing")


def reap(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Release, or mark unknown, every version left "publishing" past its claim; returns how many of each.

    A row that fails is logged and left for the next pass; it never stops the others.
    """
    now = now or timezone.now()
    counts = {"released": 0, "unknown": 0}
    stuck = ChannelVersion.objects.filter(status=Status.PUBLISHING, claimed_until__lt=now)
    for version in stuck.select_related("post", "channel", "post__author"):
        try:
            outcome = _reap_one(version, now=now)
        except Exception:
            logger.exception("reaper: version=%s could not be released", version.pk)
            continue
        if outcome in counts:
            counts[outcome] += 1
    if any(counts.values()):
        logger.info("reaper %s", counts)
    return counts


def _reap_one(version: ChannelVersion, *, now: datetime.datetime) -> str:
    """Release ``version`` (nothing was sent under its claim) or record its attempt's outcome as unknown;
    returns "released", "unknown" or "" (another reaper, or its worker after all, got there first)."""
    expired = Q(claim_token=version.claim_token, claimed_until__lt=now)
    attempted = PublicationAttempt.objects.filter(version=OuterRef("pk"), claim_token=OuterRef("claim_token"))
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
    attempt = PublicationAttempt.objects.filter(
        version=version, claim_token=version.claim_token, outcome=PublicationAttempt.Outcome.PENDING
    ).first()
    if attempt is None:
        return ""
    job = Job(version, version.claim_token, now, [], attempt=attempt, called_at=attempt.call_started_at)
    with translation.override(settings.LANGUAGE_CODE):
        job.error = WorkerStopped(
            _(
                "The worker process %(worker)s stopped during its call to the network (its claim was last "
                "renewed until %(until)s), so whether the post went out is unknown: it will be looked up on "
                "the network before anything is sent again."
            )
            % {"worker": attempt.worker, "until": timezone.localtime(version.claimed_until).strftime("%H:%M:%S")}
        )
        job.outcome = PublicationAttempt.Outcome.UNKNOWN
        moved = record_outcomes([job], where=expired)
    return "unknown" if moved else ""
