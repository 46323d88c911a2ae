"""One claimed version on its way out: the last checks, what goes out, the network call, reconciliation.

``send`` runs in a pool thread and never touches the database; everything it needs is loaded
before (``prepare``). Used by the publish task (``publishing.task``) and the reaper.
"""

from __future__ import annotations

import datetime
import time
import uuid
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendar_app.charte.registry import RuleSet
from calendar_app.models import Approval, ChannelVersion, Post
from calendar_app.services.charte import charte_check
from kernel.credentials import CredentialsUnreadable
from publishing.adapters import adapter_for
from publishing.adapters.base import (
    AdapterError,
    NetworkAdapter,
    OutcomeUnknown,
    Outgoing,
    Published,
    TemporaryError,
)
from publishing.models import PublicationAttempt
from publishing.options import options

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


def prepare(job: Job) -> None:
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


def send(job: Job, *, wait: bool) -> None:
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
        reconcile(job, adapter, error)
    except AdapterError as error:
        job.error = error


def reconcile(job: Job, adapter, error: AdapterError) -> None:
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
