"""Removing published posts from their networks (art. 7: campaign content during an election period).

A person asks (``removal_request``: who and why, audited); each published channel version gets one
``Removal``. On a network whose API deletes (``kernel.networks.Network.deletes``) the dispatcher claims it
(``claim_removals``) and a django-q2 task makes the call (``remove_claimed``), the answer recorded on the
removal. Where the API cannot delete, the removal waits « to remove by hand » for a person, who says when
it is done (``removal_confirm_by_hand``).

Never doubled, never lost:
- one removal per version (a one-to-one row); a request for a version already being removed adds nothing;
- a removal is claimed by one conditional UPDATE, so one task only makes its call;
- a temporary failure (429, 5xx, timeout, cut connection) is tried again with the publishing backoff, up to
  ``MAX_ATTEMPTS`` calls; a worker killed mid-call lets its claim lapse, and ``reap_removals`` puts the
  removal back to be tried again — deleting twice is harmless, the second call answers "gone";
- a post the network no longer has is closed as « already gone »; a refusal, or the tries spent, leaves it
  « failed » for a person (try again, or remove it by hand), and the communications team is told.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task

from calendar_app.models import Channel, ChannelVersion, Notification, Post
from calendar_app.models.people import Role
from calendar_app.permissions import Abilities, Action, require
from calendar_app.selectors.people import people_with_roles
from calendar_app.services.audit import audit_record
from calendar_app.services.notifications import notify
from calendar_app.services.workflow import bulk_transition
from calendar_app.text_input import clean_text
from calendar_app.workflow import Status
from kernel.credentials import CredentialsUnreadable
from kernel.networks import NETWORKS
from publishing.adapters import adapter_for
from publishing.adapters.base import AdapterError, AuthError, Gone, OutcomeUnknown, TemporaryError
from publishing.models import DONE_STATES, Removal
from publishing.notifications import channel_to_reconnect
from publishing.options import options
from publishing.outcomes import backoff_seconds
from publishing.sending import CREDENTIALS_UNREADABLE, worker_name

logger = logging.getLogger("vitrine.publishing")

State = Removal.State
REASON_MAX_LENGTH = 2000
# Removals asked again from these states start over; the others are under way or done.
ASKED_AGAIN = frozenset({State.FAILED})
NO_REASON = gettext_lazy("Say why it is removed (art. 7): the reason is kept with the removal.")


def removable(versions: Iterable[ChannelVersion]) -> list[ChannelVersion]:
    """The versions still on their network that no removal is taking off: published, no removal, or one failed."""
    found = []
    for version in versions:
        removal = getattr(version, "removal", None)  # select_related("removal") reads it with the version
        if version.status == Status.PUBLISHED and (removal is None or removal.state in ASKED_AGAIN):
            found.append(version)
    return found


def removal_request(*, versions: Iterable[ChannelVersion], actor, reason: str) -> list[Removal]:
    """Ask for ``versions`` to be taken off their networks, because ``reason``; returns the removals made.

    The communications department and the Direction générale decide (``Abilities.can_remove_published``).
    Versions not published, or already being removed, are left out; a failed removal is asked again.
    On a network whose API cannot delete, the removal waits for a person (« to remove by hand »).
    """
    versions = list(versions)
    require(
        Abilities(actor).can_remove_published(),
        actor=actor,
        action=Action.REMOVE,
        target=versions[0].post if versions else actor,
    )
    reason = clean_text(reason or "", max_length=REASON_MAX_LENGTH).strip()
    if not reason:
        raise ValidationError(NO_REASON, code="removal_reason")
    made = []
    with transaction.atomic():
        # Only the versions' rows are locked (PostgreSQL locks no nullable side of an outer join).
        locked = ChannelVersion.objects.select_for_update(of=("self",)).filter(
            pk__in=[version.pk for version in versions]
        )
        for version in removable(locked.select_related("channel", "post", "removal")):
            by_hand = not NETWORKS[version.channel.network].deletes
            values = {
                "requested_by": actor,
                "requested_at": timezone.now(),
                "reason": reason,
                "state": State.BY_HAND if by_hand else State.REQUESTED,
                "attempts": 0,
                "next_attempt_at": None,
                "claim_token": None,
                "claimed_until": None,
                "error": "",  # Removal.explanation says why it waits for a person, in the reader's language
            }
            removal, _created = Removal.objects.update_or_create(version=version, defaults=values)
            audit_record(
                actor=actor,
                action="removal_requested",
                target=version,
                after={"state": removal.state, "channel": str(version.channel)},
                message=reason,
            )
            made.append(removal)
        by_hand: dict[int, list[Removal]] = {}
        for removal in made:
            if removal.state == State.BY_HAND:
                by_hand.setdefault(removal.version.post_id, []).append(removal)
        for removals in by_hand.values():
            _tell_team(removals[0].version.post, "removal_by_hand", removals)
    return made


def removal_retry(*, removal: Removal, actor) -> None:
    """Try a failed removal again, from the first try."""
    require(Abilities(actor).can_remove_published(), actor=actor, action=Action.REMOVE, target=removal.version.post)
    with transaction.atomic():
        if not Removal.objects.filter(pk=removal.pk, state=State.FAILED).update(
            state=State.REQUESTED, attempts=0, next_attempt_at=None, claim_token=None, claimed_until=None
        ):
            raise ValidationError(_("This removal is not a failed one: nothing to try again."), code="removal_state")
        audit_record(actor=actor, action="removal_retried", target=removal.version, message=removal.reason)
    removal.refresh_from_db()


def removal_confirm_by_hand(*, removal: Removal, actor, note: str = "") -> None:
    """A person removed the publication on the network themselves (its API cannot, or the removal failed)."""
    require(Abilities(actor).can_remove_published(), actor=actor, action=Action.REMOVE, target=removal.version.post)
    note = clean_text(note or "", max_length=REASON_MAX_LENGTH).strip()
    now = timezone.now()
    with transaction.atomic():
        if not Removal.objects.filter(pk=removal.pk, state__in=(State.BY_HAND, State.FAILED)).update(
            state=State.REMOVED_BY_HAND, confirmed_by=actor, confirmed_at=now, finished_at=now
        ):
            raise ValidationError(_("This removal is under way or done already."), code="removal_state")
        audit_record(actor=actor, action="removal_confirmed_by_hand", target=removal.version, message=note)
        _version_removed(removal.version, reason=_("Removed by hand by %(person)s.") % {"person": actor})
    removal.refresh_from_db()


# --- The worker's side ------------------------------------------------------------------------------


def claim_removals(*, now: datetime.datetime | None = None, limit: int = 100) -> list[tuple[int, str]]:
    """Claim the removals due, on channels that can call their network; each is claimed by one caller only."""
    now = now or timezone.now()
    claimed_until = now + datetime.timedelta(seconds=options()["NETWORK_TIMEOUT_SECONDS"] + options()["CLAIM_SECONDS"])
    # The dispatcher asks four times a second, and there is seldom anything to remove: first a look at the
    # removals alone (their state's index), then, only if some are due, their channels. Joined at once, the
    # look read the channel versions each time and made restarted workers' first calls 0.5 s later
    # (bench/publish_faults.py).
    due = list(
        Removal.objects.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), state=State.REQUESTED)
        .order_by()
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        due = Removal.objects.filter(
            pk__in=due,
            version__channel__is_active=True,
            version__channel__connection=Channel.Connection.CONNECTED,
        ).values_list("pk", flat=True)
    claims = []
    for pk in list(due):
        token = uuid.uuid4()
        if Removal.objects.filter(pk=pk, state=State.REQUESTED).update(
            state=State.REMOVING, claim_token=token, claimed_until=claimed_until, call_started_at=None
        ):
            claims.append((pk, str(token)))
    return claims


def enqueue_removals(claims: list[tuple[int, str]]) -> int:
    for pk, token in claims:
        async_task("publishing.removals.remove_claimed", pk, token, task_name=f"remove {pk}", group="remove")
    return len(claims)


def reap_removals(*, now: datetime.datetime | None = None) -> int:
    """Put back the removals whose worker stopped mid-call (their claim lapsed), to be tried again now."""
    now = now or timezone.now()
    lapsed = Removal.objects.filter(state=State.REMOVING, claimed_until__lt=now)
    # Read first: an UPDATE takes SQLite's write lock even when it matches nothing, and this runs every 2 s.
    if not lapsed.exists():
        return 0
    return lapsed.update(state=State.REQUESTED, next_attempt_at=now, claimed_until=None)


def remove_claimed(removal_id: int, token: str) -> str:
    """The django-q2 task: make the claimed removal's one call and record the answer; returns its state."""
    with translation.override(settings.LANGUAGE_CODE):  # what the worker writes, people read in the city's language
        return _remove_claimed(removal_id, token)


def _remove_claimed(removal_id: int, token: str) -> str:
    called_at = timezone.now()
    # One call per claim: the conditional UPDATE starts it; a task delivered twice, or a claim reaped, finds none.
    if not Removal.objects.filter(
        pk=removal_id, state=State.REMOVING, claim_token=token, call_started_at__isnull=True
    ).update(call_started_at=called_at, attempts=F("attempts") + 1):
        return "stale"
    removal = Removal.objects.select_related("version__channel", "version__post").get(pk=removal_id)
    version = removal.version
    error: AdapterError | None = None
    try:
        adapter = adapter_for(
            version.channel,
            timeout=options()["NETWORK_TIMEOUT_SECONDS"],
            connect_timeout=options()["CONNECT_TIMEOUT_SECONDS"],
        )
        adapter.delete(version.external_id)
    except CredentialsUnreadable:
        error = AuthError(str(CREDENTIALS_UNREADABLE))
    except AdapterError as failure:
        error = failure
    return _record(removal, token, error, called_at=called_at)


def _decide(removal: Removal, error: AdapterError | None) -> tuple[str, datetime.datetime | None]:
    """The removal's next state after a call, and when to try again."""
    if error is None:
        return State.REMOVED, None
    if isinstance(error, Gone):
        return State.GONE, None
    if isinstance(error, AuthError):  # waits for the channel's reconnection, as a publication does
        return State.REQUESTED, None
    if isinstance(error, (TemporaryError, OutcomeUnknown)) and removal.attempts < options()["MAX_ATTEMPTS"]:
        retry_after = getattr(error, "retry_after", None)
        delay = backoff_seconds(removal.attempts, retry_after)
        return State.REQUESTED, timezone.now() + datetime.timedelta(seconds=delay)
    return State.FAILED, None


def _record(removal: Removal, token: str, error: AdapterError | None, *, called_at) -> str:
    state, retry_at = _decide(removal, error)
    message = error.message if error is not None else ""
    if state == State.FAILED and isinstance(error, (TemporaryError, OutcomeUnknown)):
        message = _("%(error)s — given up after %(count)d attempts.") % {"error": message, "count": removal.attempts}
    now = timezone.now()
    entry = {
        "number": removal.attempts,
        "at": called_at.isoformat(),
        "worker": worker_name(),
        "state": state,
        "http_status": getattr(error, "status", None),
        "answer": getattr(error, "summary", "") if error is not None else "",
        "error": message,
    }
    with transaction.atomic():
        current = Removal.objects.select_for_update().filter(pk=removal.pk, claim_token=token).first()
        if current is None:  # claimed again since (this worker was taken for stopped): the newer claim answers
            return "stale"
        current.log = [*current.log, entry]
        current.state, current.next_attempt_at, current.error = state, retry_at, message
        current.http_status, current.response_summary = entry["http_status"], entry["answer"]
        current.claimed_until = None
        current.finished_at = now if state in DONE_STATES or state == State.FAILED else None
        current.save()
        audit_record(
            actor=None,
            action="removal_answered",
            target=removal.version,
            after={"state": state, "attempt": removal.attempts, "http_status": entry["http_status"]},
            message=message or str(State(state).label),
        )
        if state in DONE_STATES:
            _version_removed(removal.version, reason=removal.reason)
            _tell_team(removal.version.post, "removal_done", [current])
        elif state == State.FAILED:
            _tell_team(removal.version.post, "removal_failed", [current])
        elif isinstance(error, AuthError):
            channel_to_reconnect(removal.version.channel, message)
    logger.info("removal id=%s version=%s state=%s", removal.pk, removal.version_id, state)
    return state


def _version_removed(version: ChannelVersion, *, reason: str) -> None:
    """The version leaves the network; its post is « removed » once none of its versions is published."""
    bulk_transition(
        model=ChannelVersion, moves=[version.pk], source=Status.PUBLISHED, target=Status.REMOVED, reason=reason
    )
    post_id = version.post_id
    if not ChannelVersion.objects.filter(post_id=post_id, status__in=(Status.PUBLISHED, Status.PUBLISHING)).exists():
        bulk_transition(
            model=Post,
            moves=[post_id],
            source=(Status.PUBLISHED, Status.PARTIALLY_PUBLISHED),
            target=Status.REMOVED,
            reason=reason,
        )


def _tell_team(post: Post, template: str, removals: list[Removal]) -> None:
    """The communications team, and the post's author, hear of a removal made, failed, or to make by hand."""
    team = list(people_with_roles(Role.COMMUNICATIONS))
    recipients = team + ([post.author] if post.author_id not in {person.pk for person in team} else [])
    notify(
        recipients=recipients,
        kind=Notification.Kind.CHANNEL,
        template=template,
        context={"removals": removals},
        post=post,
        url=reverse("calendar_app:post_detail", args=[post.pk]),
    )
