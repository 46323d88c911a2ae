"""One claimed version on its way out: the last checks, what goes out, the one network call.

``call`` runs in a pool thread and never touches the database; everything it needs is loaded before
(``prepare``). A version whose last call had an unknown outcome (``unverified_since``) is only looked
up on the network, never sent again, until the network says whether it is there. Used by the publish
task (``publishing.task``).
"""

from __future__ import annotations

import datetime
import os
import socket
import uuid
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendar_app.charte.registry import RuleSet
from calendar_app.models import Approval, ChannelVersion, Post
from calendar_app.services.charte import CharteReport, charte_check
from kernel.credentials import CredentialsUnreadable
from publishing.adapters import adapter_for
from publishing.adapters.base import AdapterError, AuthError, NetworkAdapter, OutcomeUnknown, Outgoing, Published
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
    report: CharteReport | None = None  # the Charte's last-moment check (none for a look-up)
    attempt: PublicationAttempt | None = None
    outgoing: Outgoing | None = None
    called_at: datetime.datetime | None = None
    published: Published | None = None
    error: AdapterError | None = None
    outcome: str = ""
    adapter: NetworkAdapter | None = None
    recorded: bool = False  # its outcome is recorded already (the task records answers while it waits)
    credentials_unreadable: bool = False

    @property
    def looking_up(self) -> bool:
        """Its last call's outcome is unknown: this time the network is asked whether the post is there."""
        return self.version.unverified_since is not None


def last_moment_refusals(
    version: ChannelVersion,
    *,
    at: datetime.datetime | None = None,
    ruleset: RuleSet | None = None,
    report: CharteReport | None = None,
) -> list[str]:
    """Why ``version`` may not go out at ``at`` (now by default): the Charte then (an election period may
    have begun since the approval, art. 7), a missing approval (art. 9.4, 9.5), a missing authorisation (art. 8.1).
    ``report``: the Charte's report for its post at ``at``, if already made (a batch's, ``charte_checks``)."""
    post = version.post
    report = report or charte_check(post=post, at=at or timezone.now(), ruleset=ruleset)
    reasons = [str(result.message) for result in report.blocks]
    if post.origin != Post.Origin.INTERNAL and not post.approvals.filter(decision=Approval.Decision.APPROVED).exists():
        reasons.append(
            _("A request from a service, committee or organisation needs an approval by the communications department.")
        )
    if missing := version.channel.missing_for_authorisation():
        reasons.append(
            _("The channel is not authorised (art. 5.10, 8.1, 9.1); its checklist lacks: %(missing)s.")
            % {"missing": "; ".join(missing)}
        )
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
    renditions, the link. Credentials that cannot be decrypted stop the job before any network call
    (the channel goes "to reconnect" when it is recorded); an image that cannot fit is the job's error."""
    try:
        job.adapter = adapter_for(
            job.version.channel,
            timeout=options()["NETWORK_TIMEOUT_SECONDS"],
            connect_timeout=options()["CONNECT_TIMEOUT_SECONDS"],
        )
    except CredentialsUnreadable:
        job.credentials_unreadable = True
        job.refusals.append(str(CREDENTIALS_UNREADABLE_OUTCOME_UNKNOWN if job.looking_up else CREDENTIALS_UNREADABLE))
        return
    try:
        job.outgoing = outgoing_for(job.version)
    except AdapterError as error:
        job.error = error


def worker_name() -> str:
    """The process making the call (the django-q2 worker itself, not its cluster's parent)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def request_summary(job: Job) -> str:
    """What this attempt asks the network, for the attempt log (no secret: no token, no credential)."""
    outgoing, network = job.outgoing, job.version.channel.network
    if job.looking_up:
        return (
            f"{network}: look-up of the publication sent at {job.version.unverified_since.isoformat()} "
            f"(idempotency key {outgoing.idempotency_key}); nothing is sent"
        )
    return (
        f"{network}: publish {len(outgoing.text)} characters, {len(outgoing.media)} image(s), "
        f"link {outgoing.link or '—'}, idempotency key {outgoing.idempotency_key}"
    )


def call(job: Job) -> None:
    """The one network call of this attempt; runs in a thread and never touches the database.

    A publication is sent; a version whose last outcome is unknown is looked up instead (found → it
    is published; absent → it may be sent at the next attempt). A look-up that fails for any reason
    but a refused token leaves the outcome unknown.
    """
    adapter, outcome = job.adapter, PublicationAttempt.Outcome
    job.called_at = timezone.now()
    try:
        if job.looking_up:
            job.published = adapter.lookup(job.outgoing, since=job.version.unverified_since)
            job.outcome = outcome.FOUND if job.published else outcome.ABSENT
        else:
            job.published = adapter.publish(job.outgoing)
    except AuthError as error:
        job.error = error
    except OutcomeUnknown as error:
        job.error, job.outcome = error, outcome.UNKNOWN
    except AdapterError as error:
        job.error = error
        if job.looking_up:
            job.outcome = outcome.UNKNOWN
