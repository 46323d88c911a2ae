"""Posts through their life: created, reviewed, scheduled, published, removed.

Every public function here checks the actor's permissions (``calendar_app.permissions``) before
it changes anything, and guarantees the state machine, the database constraints and the audit
log. The worker's moves (``version_start_publishing``, ``version_record_published``) act for the
system and take no person.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.charte.loader import is_outside_press_release
from calendar_app.models import (
    Approval,
    Channel,
    ChannelVersion,
    Notification,
    Post,
    PostLink,
    PostMessage,
    PressReleaseAuthorisation,
)
from calendar_app.models.people import Role
from calendar_app.permissions import Abilities, Action, require
from calendar_app.selectors.people import people_with_roles, post_requesters
from calendar_app.selectors.posts import AWAITING_DECISION
from calendar_app.services.audit import audit_record, field_values
from calendar_app.services.charte import CharteReport, charte_check, charte_require_passing
from calendar_app.services.notifications import notify
from calendar_app.services.revisions import claim_revision, post_as_stored, require_revision
from calendar_app.services.workflow import post_transition, version_transition
from calendar_app.text_input import clean_text
from calendar_app.workflow import FINAL_STATES, IllegalTransition, Status, settled_status

# Editorial moves apply to the post and to every channel version still following it.
_EDITORIAL = frozenset({Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED, Status.CHANGES_REQUESTED})


def post_create(
    *,
    author,
    title: str,
    category: str,
    body: str,
    channels: Iterable[Channel] = (),
    version_texts: Mapping[Channel, str] | None = None,
    origin: str = Post.Origin.INTERNAL,
    links: Iterable[str | tuple[str, str]] = (),
    source_uid: str | None = None,
    due_times: Mapping[Channel, datetime.datetime] | None = None,
    **fields,
) -> Post:
    """Create a post in draft, with one version per channel (its own text and proposed time, if given), as
    ``author`` (who must be allowed to write it)."""
    channels = list(channels)
    title = clean_text(title, max_length=Post._meta.get_field("title").max_length)
    body = clean_text(body, max_length=Post.TEXT_MAX_LENGTH).strip()
    version_texts = {
        channel: clean_text(text, max_length=Post.TEXT_MAX_LENGTH).strip()
        for channel, text in (version_texts or {}).items()
    }
    require_may_write(
        author,
        origin=origin,
        channels=channels,
        is_emergency=fields.get("is_emergency", False),
        requesting_service=fields.get("requesting_service"),
        requesting_organisation=fields.get("requesting_organisation"),
    )
    post = Post(
        author=author, title=title, category=category, body=body, origin=origin, source_uid=source_uid, **fields
    )
    post.full_clean()
    with transaction.atomic():
        post.save()
        ChannelVersion.objects.bulk_create(
            ChannelVersion(
                post=post,
                channel=channel,
                text_override=version_texts.get(channel, ""),
                due_at=(due_times or {}).get(channel),
            )
            for channel in channels
        )
        for position, link in enumerate(links):
            url, kind = (link, PostLink.Kind.LINK) if isinstance(link, str) else link
            PostLink.objects.create(post=post, url=url, kind=kind, position=position)
        audit_record(actor=author, action="created", target=post, after=field_values(post))
    return post


def post_write(*, author, channels: Iterable[Channel], **fields) -> Post:
    """An internal post by an authorised publisher (art. 8.4): created, then sent to review unless the author's
    roles need none (it stays a draft that its author approves and schedules)."""
    channels = list(channels)
    can = require_may_write(author, origin=Post.Origin.INTERNAL, channels=channels)
    with transaction.atomic():
        post = post_create(author=author, channels=channels, **fields)
        if can.internal_posts_need_review():
            post_submit(post=post, actor=author)
    return post


def require_may_write(
    author,
    *,
    origin: str,
    channels: Iterable[Channel],
    is_emergency: bool = False,
    requesting_service=None,
    requesting_organisation=None,
) -> Abilities:
    """Refuse a post that ``author`` may not write: wrong role, channel or requester (art. 6, 8.4, 9.4, 9.5),
    or a council member or candidate inside an election period (art. 7, 9.3)."""
    can = Abilities(author)
    period = can.election_candidate_or_councillor
    if period is not None:
        require(
            False,
            actor=author,
            action=Action.SUBMIT,
            target=author,
            message=_(
                "During the election period “%(period)s”, council members and candidates cannot submit anything "
                "for the city's accounts (art. 7)."
            )
            % {"period": period},
        )
    if is_emergency:
        allowed = all(can.can_publish_now(channel) for channel in channels)
    elif origin == Post.Origin.SERVICE_REQUEST:
        allowed = can.can_submit_for_service(requesting_service)
    elif origin == Post.Origin.ORGANISATION_REQUEST:
        allowed = can.can_submit_for_organisation(requesting_organisation)
    else:
        allowed = can.can_write_internal() and all(can.can_write_internal(channel) for channel in channels)
    require(allowed, actor=author, action=Action.SUBMIT, target=author)
    return can


def _move_post_and_versions(post: Post, target: Status, *, actor, reason: str = "") -> None:
    with transaction.atomic():
        post_transition(post=post, target=target, actor=actor, reason=reason)
        for version in post.versions.filter(status__in=_EDITORIAL):
            version_transition(version=version, target=target, actor=actor, reason=reason)


def post_submit(*, post: Post, actor, seen_revision: int | None = None) -> None:
    """Send a draft, or a request changed as asked, to the communications department (``ConcurrentChange`` if
    the post is no longer at ``seen_revision``)."""
    post = post_as_stored(post)
    require_revision(post, seen_revision)
    can = require_may_write(
        actor,
        origin=post.origin,
        channels=[version.channel for version in post.versions.select_related("channel")],
        requesting_service=post.requesting_service,
        requesting_organisation=post.requesting_organisation,
    )
    require(can.can_view(post), actor=actor, action=Action.SUBMIT, target=post)
    with transaction.atomic():
        claim_revision(post, seen=post.revision)
        _move_post_and_versions(post, Status.SUBMITTED, actor=actor)
    notify(
        recipients=people_with_roles(Role.COMMUNICATIONS),
        kind=Notification.Kind.REQUEST_TO_REVIEW,
        template="to_review",
        post=post,
        url=post_review_url(post),
    )


def post_back_to_review(post: Post, *, actor, reason: str) -> None:
    """Send an approved, scheduled or blocked post back to review with its channel versions, and tell the
    communications department; inside the caller's transaction (a change made after approval, art. 9.4)."""
    post_transition(post=post, target=Status.IN_REVIEW, actor=actor, reason=reason)
    for version in post.versions.filter(status__in=(Status.APPROVED, Status.SCHEDULED, Status.BLOCKED)):
        version_transition(version=version, target=Status.IN_REVIEW, actor=actor, reason=reason)
    notify(
        recipients=[person for person in people_with_roles(Role.COMMUNICATIONS) if person.pk != actor.pk],
        kind=Notification.Kind.REQUEST_TO_REVIEW,
        template="to_review",
        post=post,
        url=post_review_url(post),
    )


def post_start_review(*, post: Post, reviewer) -> None:
    require(Abilities(reviewer).can_review(post), actor=reviewer, action=Action.REVIEW, target=post)
    _move_post_and_versions(post, Status.IN_REVIEW, actor=reviewer)


def post_review_url(post: Post) -> str:
    from django.urls import reverse

    return reverse("calendar_app:review_detail", args=[post.pk])


def post_follow_url(post: Post) -> str:
    from django.urls import reverse

    return reverse("calendar_app:request_detail", args=[post.pk])


_DECISION_NOTICES = {
    Approval.Decision.APPROVED: Notification.Kind.APPROVED,
    Approval.Decision.CHANGES_REQUESTED: Notification.Kind.CHANGES_REQUESTED,
    Approval.Decision.REFUSED: Notification.Kind.REFUSED,
}


def _decide(
    post: Post, decision: str, target: Status, *, reviewer, reasons: str, report: CharteReport, seen_revision: int
) -> Approval:
    """Record ``decision`` on ``post`` as it was at ``seen_revision``, the revision the reviewer read.

    A post still waiting in the queue enters review first. If anyone changed the post since that
    revision (another reviewer decided, the requester edited it), nothing changes and
    ``ConcurrentChange`` says who did what: of two reviewers deciding at once, one wins and the
    other is told.
    """
    with transaction.atomic():
        claim_revision(post, seen=seen_revision)
        if post.status == Status.SUBMITTED:
            _move_post_and_versions(post, Status.IN_REVIEW, actor=reviewer)
        _move_post_and_versions(post, target, actor=reviewer, reason=reasons)
        approval = record_decision(post, decision, reviewer=reviewer, reasons=reasons, report=report)
    return approval


def record_decision(post: Post, decision: str, *, reviewer, reasons: str, report: CharteReport) -> Approval:
    """Store a decision with the rule-set version and the Charte results it was made on (art. 10), audit it,
    and tell the requester (unless the reviewer is the author); inside the caller's transaction."""
    approval = Approval.objects.create(
        post=post,
        reviewer=reviewer,
        decision=decision,
        reasons=reasons,
        decided_at=timezone.now(),
        ruleset_version=report.version,
        check_results=report.as_json(),
    )
    audit_record(actor=reviewer, action="decided", target=post, after={"decision": decision}, message=reasons)
    if reviewer.pk != post.author_id:
        notify(
            recipients=post_requesters(post),
            kind=_DECISION_NOTICES[decision],
            template="decision",
            context={"decision": approval},
            post=post,
            url=post_follow_url(post),
        )
    return approval


def _require_reasons(reasons: str, *, code: str) -> None:
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give your reasons: the requester receives them (art. 9.5).")}, code=code)


def require_may_approve(post: Post, reviewer) -> None:
    """Refuse unless ``reviewer`` may approve ``post`` as stored: a post awaiting review, by the communications
    department but never on their own request; or a draft by its author whose role needs no review (art. 8.4)."""
    can = Abilities(reviewer)
    own = can.can_approve_own(post)
    if not own:
        message = _("Nobody approves their own request; another member of the communications department must.")
        require(
            can.can_approve(post),
            actor=reviewer,
            action=Action.APPROVE,
            target=post,
            message=message if can.is_reviewer and post.author_id == reviewer.pk else None,
        )
    if not (own and post.status == Status.DRAFT):  # only its author approves a draft nobody submitted
        _require_awaiting_decision(post, Status.APPROVED)


def _require_awaiting_decision(post: Post, target: Status) -> None:
    if post.status not in AWAITING_DECISION:
        raise IllegalTransition(subject=post, current=post.status, target=target)


def post_approve(
    *, post: Post, reviewer, reasons: str = "", acknowledge_warnings: bool = False, seen_revision: int | None = None
) -> Approval:
    """Approve ``post`` (awaiting review, or its own author's draft when their role needs no review),
    recording the rule-set version and the Charte results it passed (art. 10).

    Refuses (``CharteBlocked``) while the Charte blocks the post, and (``WarningsNotAcknowledged``)
    while a warning is unacknowledged, unless ``acknowledge_warnings`` records the reviewer's
    acknowledgement now; ``ConcurrentChange`` if the post is no longer at ``seen_revision``.
    """
    post = post_as_stored(post)
    require_revision(post, seen_revision)
    require_may_approve(post, reviewer)
    with transaction.atomic():
        report = charte_require_passing(post=post, actor=reviewer, acknowledge_warnings=acknowledge_warnings)
        return _decide(
            post,
            Approval.Decision.APPROVED,
            Status.APPROVED,
            reviewer=reviewer,
            reasons=reasons,
            report=report,
            seen_revision=post.revision,
        )


def _refuse_or_ask(post: Post, decision: str, target: Status, *, reviewer, reasons: str, seen_revision) -> Approval:
    post = post_as_stored(post)
    require_revision(post, seen_revision)
    require(Abilities(reviewer).can_refuse(post), actor=reviewer, action=Action.REFUSE, target=post)
    _require_awaiting_decision(post, target)
    _require_reasons(reasons, code="refusal_needs_reasons" if target == Status.REFUSED else "changes_need_reasons")
    reasons = clean_text(reasons, max_length=Approval.REASONS_MAX_LENGTH)
    report = charte_check(post=post)
    return _decide(
        post, decision, target, reviewer=reviewer, reasons=reasons, report=report, seen_revision=post.revision
    )


def post_request_changes(*, post: Post, reviewer, reasons: str, seen_revision: int | None = None) -> Approval:
    """Send ``post`` back to its requester with the changes asked for (reasons required)."""
    return _refuse_or_ask(
        post,
        Approval.Decision.CHANGES_REQUESTED,
        Status.CHANGES_REQUESTED,
        reviewer=reviewer,
        reasons=reasons,
        seen_revision=seen_revision,
    )


def post_refuse(*, post: Post, reviewer, reasons: str, seen_revision: int | None = None) -> Approval:
    """Refuse ``post``; the reasons are required, sent to the requester and shown on the request (art. 9.5)."""
    return _refuse_or_ask(
        post, Approval.Decision.REFUSED, Status.REFUSED, reviewer=reviewer, reasons=reasons, seen_revision=seen_revision
    )


def post_withdraw(*, post: Post, actor, reason: str = "", seen_revision: int | None = None) -> None:
    """Withdraw ``post`` and every channel version not yet gone out (the reviewer, or the requester)."""
    post = post_as_stored(post)
    require_revision(post, seen_revision)
    require(Abilities(actor).can_withdraw(post), actor=actor, action=Action.EDIT, target=post)
    with transaction.atomic():
        claim_revision(post, seen=post.revision)
        post_transition(post=post, target=Status.WITHDRAWN, actor=actor, reason=reason)
        for version in post.versions.exclude(status__in=FINAL_STATES | {Status.PUBLISHED, Status.PUBLISHING}):
            version_transition(version=version, target=Status.WITHDRAWN, actor=actor, reason=reason)


def version_start_publishing(*, version: ChannelVersion, actor=None) -> None:
    """Claim a scheduled version for its network call; the post is publishing with its first version."""
    with transaction.atomic():
        version_transition(version=version, target=Status.PUBLISHING, actor=actor)
        post = Post.objects.select_for_update().get(pk=version.post_id)
        if post.status == Status.SCHEDULED:
            post_transition(post=post, target=Status.PUBLISHING, actor=actor)


def version_record_published(
    *, version: ChannelVersion, external_id: str, external_url: str, published_at: datetime.datetime, actor=None
) -> None:
    """Record a successful network call; once no version is left to go out, the post takes the status
    its versions add up to (``settled_status``, the worker's rule)."""
    with transaction.atomic():
        version_transition(
            version=version,
            target=Status.PUBLISHED,
            actor=actor,
            external_id=external_id,
            external_url=external_url,
            published_at=published_at,
        )
        post = Post.objects.select_for_update().get(pk=version.post_id)
        settled = settled_status(post.versions.values_list("status", flat=True))
        if post.status == Status.PUBLISHING and settled is not None:
            post_transition(post=post, target=settled, actor=actor)


def post_add_message(*, post: Post, author, body: str) -> PostMessage:
    """A question from the reviewer or an answer from the requester; the other side is notified."""
    can = Abilities(author)
    post = post_as_stored(post)
    require(can.can_view(post), actor=author, action=Action.VIEW, target=post)
    body = clean_text(body, max_length=PostMessage.MAX_LENGTH).strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")}, code="empty_message")
    with transaction.atomic():
        message = PostMessage.objects.create(post=post, author=author, body=body)
        audit_record(actor=author, action="message_sent", target=post, message=body)
        if can.is_reviewer:
            recipients, url = post_requesters(post), post_follow_url(post)
        else:
            recipients, url = people_with_roles(Role.COMMUNICATIONS), post_review_url(post)
        notify(
            recipients=[person for person in recipients if person.pk != author.pk],
            kind=Notification.Kind.MESSAGE,
            template="message",
            context={"message": message},
            post=post,
            url=url,
        )
    return message


def press_release_authorise(*, post: Post, actor, note: str) -> PressReleaseAuthorisation:
    """Record that ``actor`` authorises relaying another organisation's press release (art. 5.3), with why;
    the Charte's block on it lifts. The Direction générale or the director of the service concerned
    (``Abilities.can_authorise_press_release``); audited; the communications team and the author are told.
    ``ValidationError`` for a post that is not an outside press release, or one already authorised."""
    post = post_as_stored(post)
    require(Abilities(actor).can_authorise_press_release(post), actor=actor, action=Action.APPROVE, target=post)
    note = clean_text(note, max_length=2000).strip()
    if not note:
        raise ValidationError({"note": _("Say why the city relays this press release.")})
    if not is_outside_press_release(post):
        raise ValidationError(_("This post is not another organisation's press release: nothing to authorise."))
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()
        if post.press_release_authorisations.exists():
            raise ValidationError(_("Relaying this press release is already authorised."))
        authorisation = PressReleaseAuthorisation.objects.create(post=post, authorised_by=actor, note=note)
        audit_record(
            actor=actor,
            action="press_release_authorised",
            target=post,
            after={"authorised_by": actor.pk},
            message=note,
        )
        recipients = {person.pk: person for person in people_with_roles(Role.COMMUNICATIONS)}
        recipients[post.author_id] = post.author
        notify(
            recipients=recipients.values(),
            kind=Notification.Kind.APPROVED,
            template="press_release_authorised",
            context={"authorisation": authorisation},
            post=post,
            url=reverse("calendar_app:post_detail", args=[post.pk]),
        )
    return authorisation
