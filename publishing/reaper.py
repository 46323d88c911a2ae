"""The reaper, the per-minute safety net: a version left "publishing" past its claim (a worker killed, a
task lost) is either released (nothing was sent) or reconciled with the network (was it published?)
before any retry. It runs as a django-q2 Schedule (``publishing.reaper.reap``) and in the dispatcher.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calendar_app.models import Channel, ChannelVersion
from calendar_app.services.workflow import bulk_transition
from calendar_app.workflow import Status
from publishing.adapters.base import OutcomeUnknown
from publishing.models import PublicationAttempt
from publishing.notifications import channel_to_reconnect
from publishing.options import options
from publishing.outcomes import record_outcomes
from publishing.sending import CREDENTIALS_UNREADABLE_OUTCOME_UNKNOWN, Job, prepare, reconcile

logger = logging.getLogger("vitrine.publishing")


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
        prepare(job)
        if job.credentials_unreadable:
            message = str(CREDENTIALS_UNREADABLE_OUTCOME_UNKNOWN)
            with transaction.atomic():
                ChannelVersion.objects.filter(pk=version.pk, claim_token=version.claim_token).update(last_error=message)
                channel_to_reconnect(version.channel, message)
            logger.warning("reaper: version=%s channel=%s credentials unreadable", version.pk, version.channel_id)
            return ""
        if job.error is None:
            reconcile(job, job.adapter, OutcomeUnknown(_("The worker stopped.")))
        record_outcomes([job])
    return "reconciled"
