"""When posts go out: approve and schedule, schedule, reschedule (art. 8.2, 8.4).

One service per intent, each deciding from the post as stored (never from what a page says
about it) and claiming the post's revision, so that two people acting on the same post cannot
both succeed. A post is scheduled on all its channels or on none; each channel version may have
its own due time. A change of time after approval re-runs the Charte at the new time and is
either approved again on the spot by someone who may approve, or sends the post back to review.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendar_app.models import Approval, Channel, ChannelVersion, Post
from calendar_app.permissions import Abilities, Action, require
from calendar_app.selectors.posts import posts_once_partially_published
from calendar_app.services.audit import audit_record
from calendar_app.services.charte import CharteBlocked, CharteReport, charte_check, charte_require_passing
from calendar_app.services.notifications import notify_published
from calendar_app.services.posts import post_back_to_review, record_decision, require_may_approve
from calendar_app.services.revisions import claim_revision, post_as_stored, require_revision
from calendar_app.services.workflow import post_transition, version_transition
from calendar_app.text_input import validate_text
from calendar_app.workflow import IllegalTransition, Status, settled_status


@dataclass(frozen=True)
class Timing:
    """When each channel version goes out: its own time in ``per_version`` (by version id), else ``default``."""

    default: datetime.datetime | None = None
    per_version: Mapping[int, datetime.datetime] = field(default_factory=dict)

    def due_times(self, versions: list[ChannelVersion]) -> dict[int, datetime.datetime]:
        """Each version's due time; ``ValidationError`` (keyed ``due_at``) if one has none."""
        times = {version.pk: self.per_version.get(version.pk) or self.default for version in versions}
        missing = [version.channel for version in versions if times[version.pk] is None]
        if missing:
            raise ValidationError(
                {"due_at": _("Give a publication time for every channel (missing: %(channels)s).")},
                code="due_at_missing",
                params={"channels": ", ".join(str(channel) for channel in missing)},
            )
        return times


def _require_may_schedule(post: Post, actor, versions: list[ChannelVersion]) -> None:
    """Refuse unless ``actor`` may schedule ``post`` on each of its channels, and each is authorised (art. 8.1)."""
    can = Abilities(actor)
    allowed = (
        all(can.can_schedule(post, version.channel) for version in versions) if versions else can.can_schedule(post)
    )
    require(allowed, actor=actor, action=Action.SCHEDULE, target=post)
    for version in versions:
        require_authorised(version.channel)


def require_authorised(channel: Channel) -> None:
    if missing := channel.missing_for_authorisation():
        raise ValidationError(
            _("The channel “%(channel)s” is not authorised (art. 5.10, 8.1, 9.1); its checklist lacks: %(missing)s."),
            code="channel_not_authorised",
            params={"channel": channel, "missing": "; ".join(missing)},
        )


def _versions(post: Post, *statuses: Status) -> list[ChannelVersion]:
    return list(post.versions.filter(status__in=statuses).select_related("channel").order_by("pk"))


def _check_at_each_time(
    post: Post, times: dict[int, datetime.datetime], *, actor, acknowledge_warnings: bool
) -> CharteReport:
    """The Charte at every due time (an election period or a closure day may cover one): what blocks at any
    time is said before any warning is asked about; returns the report of the first time, which the
    approval records."""
    moments = sorted(set(times.values()))
    for at in moments:
        report = charte_check(post=post, at=at)
        if report.blocks:
            raise CharteBlocked(report)
    reports = [
        charte_require_passing(post=post, actor=actor, at=at, acknowledge_warnings=acknowledge_warnings)
        for at in moments
    ]
    return reports[0]


def schedule_versions(post: Post, versions: list[ChannelVersion], times: dict[int, datetime.datetime], *, actor):
    for version in versions:
        version_transition(version=version, target=Status.SCHEDULED, actor=actor, due_at=times[version.pk])
    post_transition(post=post, target=Status.SCHEDULED, actor=actor)


def post_approve_and_schedule(
    *,
    post: Post,
    actor,
    timing: Timing,
    acknowledge_warnings: bool = False,
    seen_revision: int | None = None,
    texts=None,
) -> Approval:
    """Approve ``post`` and schedule it on every channel, all at once or not at all.

    For a post awaiting review (the communications department, never on their own request), or a
    draft by its author whose role needs no review (art. 8.4). ``texts`` (``editing.PostTexts``),
    if given, are saved first, so the approval covers what goes out.
    """
    from calendar_app.services.editing import apply_texts

    post = post_as_stored(post)
    require_revision(post, seen_revision)
    require_may_approve(post, actor)
    versions = _versions(post, Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW)
    _require_may_schedule(post, actor, versions)
    times = timing.due_times(versions)
    with transaction.atomic():
        claim_revision(post, seen=post.revision)
        if texts is not None:
            apply_texts(post, texts, actor=actor)
        report = _check_at_each_time(post, times, actor=actor, acknowledge_warnings=acknowledge_warnings)
        if post.status == Status.SUBMITTED:
            _move(post, versions, Status.IN_REVIEW, actor=actor)
        _move(post, versions, Status.APPROVED, actor=actor)
        approval = record_decision(post, Approval.Decision.APPROVED, reviewer=actor, reasons="", report=report)
        schedule_versions(post, versions, times, actor=actor)
    return approval


def _move(post: Post, versions: list[ChannelVersion], target: Status, *, actor) -> None:
    post_transition(post=post, target=target, actor=actor)
    for version in versions:
        version_transition(version=version, target=target, actor=actor)


def post_schedule(
    *,
    post: Post,
    actor,
    timing: Timing,
    acknowledge_warnings: bool = False,
    seen_revision: int | None = None,
) -> None:
    """Schedule an approved post on every channel approved with it: the communications department, or the
    author on their own channels (art. 8.4). The Charte runs at each due time."""
    post = post_as_stored(post)
    require_revision(post, seen_revision)
    versions = _versions(post, Status.APPROVED)
    _require_may_schedule(post, actor, versions)
    if post.status != Status.APPROVED or not versions:
        raise IllegalTransition(subject=post, current=post.status, target=Status.SCHEDULED)
    times = timing.due_times(versions)
    with transaction.atomic():
        claim_revision(post, seen=post.revision)
        _check_at_each_time(post, times, actor=actor, acknowledge_warnings=acknowledge_warnings)
        schedule_versions(post, versions, times, actor=actor)


def post_reschedule(
    *,
    post: Post,
    actor,
    timing: Timing,
    acknowledge_warnings: bool = False,
    seen_revision: int | None = None,
) -> bool:
    """Move the scheduled channel versions of ``post`` to new times.

    Someone who may approve the post approves it again at once (the Charte at the new times, its
    warnings acknowledged, a new approval recorded); anyone else sends it back to review with the
    new times. Returns whether the post stays scheduled.
    """
    post = post_as_stored(post)
    require_revision(post, seen_revision)
    versions = _versions(post, Status.SCHEDULED)
    _require_may_schedule(post, actor, versions)
    if post.status != Status.SCHEDULED or not versions:
        raise IllegalTransition(subject=post, current=post.status, target=Status.SCHEDULED)
    times = timing.due_times(versions)
    moved = [version for version in versions if times[version.pk] != version.due_at]
    if not moved:
        return True
    can = Abilities(actor)
    reapprove = can.can_approve(post) or can.can_approve_own(post)
    with transaction.atomic():
        claim_revision(post, seen=post.revision)
        for version in moved:
            _move_due_time(version, times[version.pk], actor=actor)
        if not reapprove:
            post_back_to_review(post, actor=actor, reason=_("Rescheduled after approval."))
            return False
        report = _check_at_each_time(post, times, actor=actor, acknowledge_warnings=acknowledge_warnings)
        record_decision(
            post,
            Approval.Decision.APPROVED,
            reviewer=actor,
            reasons=_("Approved again at the new time."),
            report=report,
        )
    return True


def post_unschedule(*, post: Post, actor, seen_revision: int | None = None) -> None:
    """Take a scheduled post off the schedule: it and its scheduled channel versions go back to approved.

    Its approval stands and each version keeps its time, which the scheduling page offers again; nothing
    goes out until someone schedules it (the worker claims only scheduled versions). For whoever may
    schedule it (``Abilities.can_unschedule``). ``IllegalTransition`` if the post is not scheduled, or once
    one of its channels is being published (the worker got there first: nothing changes);
    ``ConcurrentChange`` if it changed since ``seen_revision``.
    """
    post = post_as_stored(post)
    require_revision(post, seen_revision)
    require(Abilities(actor).can_unschedule(post), actor=actor, action=Action.SCHEDULE, target=post)
    versions = _versions(post, Status.SCHEDULED)
    if post.status != Status.SCHEDULED or not versions:
        raise IllegalTransition(subject=post, current=post.status, target=Status.APPROVED)
    reason = _("Unscheduled; approved, to be scheduled again.")
    with transaction.atomic():
        claim_revision(post, seen=post.revision)
        for version in versions:
            version_transition(
                version=version, target=Status.APPROVED, actor=actor, reason=reason, source=Status.SCHEDULED
            )
        post_transition(post=post, target=Status.APPROVED, actor=actor, reason=reason)


def _move_due_time(version: ChannelVersion, due_at: datetime.datetime, *, actor) -> None:
    """A scheduled version's new time; ``IllegalTransition`` if the worker took it in the meantime."""
    if not ChannelVersion.objects.filter(pk=version.pk, status=Status.SCHEDULED).update(
        due_at=due_at, updated_at=timezone.now()
    ):
        current = ChannelVersion.objects.values_list("status", flat=True).get(pk=version.pk)
        raise IllegalTransition(subject=version, current=current, target=Status.SCHEDULED, concurrent=True)
    audit_record(
        actor=actor,
        action="rescheduled",
        target=version,
        before={"due_at": version.due_at.isoformat()},
        after={"due_at": due_at.isoformat()},
    )
    version.due_at = due_at


def version_retry(*, version: ChannelVersion, actor) -> None:
    """Send a failed channel version again now, leaving the post's other channels alone.

    Only a failed version is retried: one being published, or not yet scheduled, is refused
    (``IllegalTransition``), so a retry never sends twice what is in flight.
    """
    version = ChannelVersion.objects.select_related("channel", "post").get(pk=version.pk)
    _require_may_schedule(version.post, actor, [version])
    if version.status != Status.FAILED:
        raise IllegalTransition(subject=version, current=version.status, target=Status.SCHEDULED)
    version_transition(
        version=version, target=Status.SCHEDULED, actor=actor, source=Status.FAILED, next_attempt_at=timezone.now()
    )


# --- A publication whose outcome is unknown: a person checked the network and says ---------------------

# Said on the address field of « It was published » (the form's own checks say the same).
INVALID_NETWORK_ADDRESS = gettext_lazy(
    "Give the publication's address on the network: a web address beginning with https:// (or http://)."
)


def version_confirm_published(*, version: ChannelVersion, actor, url: str) -> None:
    """Record that a version "to verify" did go out, at ``url`` (its address on the network, checked by a person).

    It is published as of when the call whose outcome was unknown was made (else now); its post then takes
    the status its versions add up to (published, partially published, or still to verify while another
    one is), and if it went out its people are told where, once, as when the worker publishes it.
    Refused (``IllegalTransition``) unless the version is to verify as stored, so that a second person's
    click, or the worker's own settling, is never doubled; ``ValidationError`` (keyed ``url``) for an
    address that is not http(s).
    """
    version = ChannelVersion.objects.select_related("channel", "post").get(pk=version.pk)
    _require_may_schedule(version.post, actor, [version])
    url = _network_address(url)
    if version.status != Status.TO_VERIFY:
        raise IllegalTransition(subject=version, current=version.status, target=Status.PUBLISHED)
    with transaction.atomic():
        _lock_versions_of(version.post)
        version_transition(
            version=version,
            target=Status.PUBLISHED,
            actor=actor,
            source=Status.TO_VERIFY,
            reason=_("Found on the network by a person: %(url)s") % {"url": url},
            external_url=url,
            published_at=version.unverified_since or timezone.now(),
            unverified_since=None,
            last_error="",
        )
        announced = posts_once_partially_published([version.post_id])  # before this settles the post
        settled = _settle_post(version.post, actor=actor)
        if settled in (Status.PUBLISHED, Status.PARTIALLY_PUBLISHED) and version.post_id not in announced:
            notify_published([version.post_id])


def version_send_again(*, version: ChannelVersion, actor) -> None:
    """Send a version "to verify" again now, with fresh tries: a person checked the network and it is not there.

    Only a version to verify as stored (``IllegalTransition`` otherwise, nothing doubled). It keeps its
    idempotency key, so a network that remembers the first call still answers with that publication instead
    of a second one. Its post stays "to verify" until the worker takes the version (``publishing.claims``).
    """
    version = ChannelVersion.objects.select_related("channel", "post").get(pk=version.pk)
    _require_may_schedule(version.post, actor, [version])
    if version.status != Status.TO_VERIFY:
        raise IllegalTransition(subject=version, current=version.status, target=Status.SCHEDULED)
    version_transition(
        version=version,
        target=Status.SCHEDULED,
        actor=actor,
        source=Status.TO_VERIFY,
        reason=_("Not found on the network by a person; sent again."),
        next_attempt_at=timezone.now(),
        unverified_since=None,
        attempts=0,
        last_error="",
    )


def _network_address(url: str) -> str:
    """``url`` trimmed, once it is an http(s) address that fits the version's field; else ``ValidationError``
    (keyed ``url``). The checks of the forms' links (``forms.LinksField``)."""
    url = (url or "").strip()
    try:
        validate_text(url)
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        valid = False
    else:
        valid = len(url) <= ChannelVersion._meta.get_field("external_url").max_length
    if not valid:
        raise ValidationError({"url": ValidationError(INVALID_NETWORK_ADDRESS, code="invalid_url")})
    return url


def _lock_versions_of(post: Post) -> None:
    """Lock the post's versions, then the post, in the order the worker locks them (versions before posts), so
    that the statuses read next are the last committed ones: a channel the worker settles at the same moment
    is counted, and the post is not left "to verify" with every version published."""
    list(ChannelVersion.objects.select_for_update().filter(post=post).order_by("pk").values_list("pk", flat=True))
    list(Post.objects.select_for_update().filter(pk=post.pk).values_list("pk", flat=True))


def _settle_post(post: Post, *, actor) -> Status | None:
    """Give ``post`` the status its versions add up to (``settled_status``) if it is not in it already; returns
    the status it moved to, or None (a version is still to go out, or nothing changes)."""
    statuses = ChannelVersion.objects.filter(post=post).values_list("status", flat=True)
    target = settled_status(statuses)
    current = Post.objects.values_list("status", flat=True).get(pk=post.pk)
    if target is None or target == current:
        return None
    post_transition(post=post, target=target, actor=actor)
    return target
