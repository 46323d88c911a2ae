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
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Approval, Channel, ChannelVersion, Notification, Post, PostLink, PostMessage
from calendar_app.models.people import Role
from calendar_app.permissions import Abilities, Action, require
from calendar_app.services.audit import audit_record, field_values
from calendar_app.services.charte import CharteReport, charte_check, charte_require_passing
from calendar_app.services.notifications import notify, people_with_role, post_requesters
from calendar_app.services.workflow import post_transition, version_transition
from calendar_app.workflow import FINAL_STATES, IllegalTransition, Status

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
    **fields,
) -> Post:
    """Create a post in draft, with one version per channel, as ``author`` (who must be allowed to write it)."""
    channels = list(channels)
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
    version_texts = version_texts or {}
    with transaction.atomic():
        post.save()
        ChannelVersion.objects.bulk_create(
            ChannelVersion(post=post, channel=channel, text_override=version_texts.get(channel, ""))
            for channel in channels
        )
        for position, link in enumerate(links):
            url, kind = (link, PostLink.Kind.LINK) if isinstance(link, str) else link
            PostLink.objects.create(post=post, url=url, kind=kind, position=position)
        audit_record(actor=author, action="created", target=post, after=field_values(post))
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


def post_submit(*, post: Post, actor) -> None:
    """Send a draft, or a request changed as asked, to the communications department."""
    can = require_may_write(
        actor,
        origin=post.origin,
        channels=[version.channel for version in post.versions.select_related("channel")],
        requesting_service=post.requesting_service,
        requesting_organisation=post.requesting_organisation,
    )
    require(can.can_view(post), actor=actor, action=Action.SUBMIT, target=post)
    _move_post_and_versions(post, Status.SUBMITTED, actor=actor)
    notify(
        recipients=people_with_role(Role.COMMUNICATIONS),
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


def _decide(post: Post, decision: str, target: Status, *, reviewer, reasons: str, report: CharteReport) -> Approval:
    """Record ``decision`` on ``post`` as it was when the reviewer read it.

    A post still waiting in the queue enters review first. If someone else decided or changed
    the post since it was read (``post.status`` is what the reviewer saw), nothing changes and
    ``IllegalTransition`` says so: of two reviewers deciding at once, one wins.
    """
    with transaction.atomic():
        current = Post.objects.select_for_update().values_list("status", flat=True).get(pk=post.pk)
        if current != post.status:
            raise IllegalTransition(subject=post, current=current, target=target, concurrent=True)
        if current == Status.SUBMITTED:
            _move_post_and_versions(post, Status.IN_REVIEW, actor=reviewer)
        _move_post_and_versions(post, target, actor=reviewer, reason=reasons)
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


def post_approve(*, post: Post, reviewer, reasons: str = "", acknowledge_warnings: bool = False) -> Approval:
    """Approve ``post``, recording the rule-set version and the Charte results it passed (art. 10).

    Refuses (``CharteBlocked``) while the Charte blocks the post, and (``WarningsNotAcknowledged``)
    while a warning is unacknowledged, unless ``acknowledge_warnings`` records the reviewer's
    acknowledgement now.
    """
    can = Abilities(reviewer)
    if not can.can_approve_own(post):
        message = _("Nobody approves their own request; another member of the communications department must.")
        require(
            can.can_approve(post),
            actor=reviewer,
            action=Action.APPROVE,
            target=post,
            message=message if can.is_reviewer else None,
        )
    with transaction.atomic():
        report = charte_require_passing(post=post, actor=reviewer, acknowledge_warnings=acknowledge_warnings)
        return _decide(
            post, Approval.Decision.APPROVED, Status.APPROVED, reviewer=reviewer, reasons=reasons, report=report
        )


def post_request_changes(*, post: Post, reviewer, reasons: str) -> Approval:
    require(Abilities(reviewer).can_refuse(post), actor=reviewer, action=Action.REFUSE, target=post)
    _require_reasons(reasons, code="changes_need_reasons")
    report = charte_check(post=post)
    return _decide(
        post,
        Approval.Decision.CHANGES_REQUESTED,
        Status.CHANGES_REQUESTED,
        reviewer=reviewer,
        reasons=reasons,
        report=report,
    )


def post_refuse(*, post: Post, reviewer, reasons: str) -> Approval:
    """Refuse ``post``; the reasons are required, sent to the requester and shown on the request (art. 9.5)."""
    require(Abilities(reviewer).can_refuse(post), actor=reviewer, action=Action.REFUSE, target=post)
    _require_reasons(reasons, code="refusal_needs_reasons")
    report = charte_check(post=post)
    return _decide(post, Approval.Decision.REFUSED, Status.REFUSED, reviewer=reviewer, reasons=reasons, report=report)


def post_withdraw(*, post: Post, actor, reason: str = "") -> None:
    can = Abilities(actor)
    allowed = can.is_reviewer or (can.can_view(post) and not can.is_direction)
    require(allowed, actor=actor, action=Action.EDIT, target=post)
    with transaction.atomic():
        post_transition(post=post, target=Status.WITHDRAWN, actor=actor, reason=reason)
        for version in post.versions.exclude(status__in=FINAL_STATES | {Status.PUBLISHED, Status.PUBLISHING}):
            version_transition(version=version, target=Status.WITHDRAWN, actor=actor, reason=reason)


def version_schedule(
    *, version: ChannelVersion, due_at: datetime.datetime, actor, acknowledge_warnings: bool = False
) -> None:
    """Schedule one channel version; the post is scheduled with its first version.

    Refuses (``ValidationError``) a channel that the Direction générale has not authorised
    (art. 8.1), and a post that the Charte blocks at ``due_at`` (an election period may cover it).
    """
    channel = version.channel
    require(Abilities(actor).can_schedule(version.post, channel), actor=actor, action=Action.SCHEDULE, target=version)
    _require_authorised(channel)
    with transaction.atomic():
        charte_require_passing(post=version.post, actor=actor, at=due_at, acknowledge_warnings=acknowledge_warnings)
        _schedule(version, due_at, actor=actor)


def _require_authorised(channel: Channel) -> None:
    if not channel.is_authorised:
        raise ValidationError(
            _("The channel “%(channel)s” has no authorisation from the Direction générale yet (art. 8.1)."),
            code="channel_not_authorised",
            params={"channel": channel},
        )


def _schedule(version: ChannelVersion, due_at: datetime.datetime, *, actor) -> None:
    with transaction.atomic():
        version_transition(version=version, target=Status.SCHEDULED, actor=actor, due_at=due_at)
        post = version.post
        if post.status == Status.APPROVED:
            post_transition(post=post, target=Status.SCHEDULED, actor=actor)


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
    """Record a successful network call; the post is published once no version is left to go out."""
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
        still_to_go = post.versions.filter(status__in=[Status.APPROVED, Status.SCHEDULED, Status.PUBLISHING])
        if post.status == Status.PUBLISHING and not still_to_go.exists():
            post_transition(post=post, target=Status.PUBLISHED, actor=actor)


def post_edit_texts(*, post: Post, actor, body: str, version_texts: Mapping[ChannelVersion, str] | None = None) -> bool:
    """Change the post's text and each channel version's own text (empty: the post's text).

    The reviewer edits until publication; a requester only while changes are asked for. Every
    change is audited with its before and after. Returns whether anything changed.
    """
    require(Abilities(actor).can_edit(post), actor=actor, action=Action.EDIT, target=post)
    body = body.strip()
    changed = False
    with transaction.atomic():
        if body != post.body:
            audit_record(
                actor=actor, action="text_edited", target=post, before={"body": post.body}, after={"body": body}
            )
            Post.objects.filter(pk=post.pk).update(body=body, updated_at=timezone.now())
            post.body, changed = body, True
        for version, text in (version_texts or {}).items():
            text = text.strip()
            if version.post_id != post.pk or text == version.text_override:
                continue
            audit_record(
                actor=actor,
                action="text_edited",
                target=version,
                before={"text": version.text_override},
                after={"text": text},
            )
            ChannelVersion.objects.filter(pk=version.pk).update(text_override=text, updated_at=timezone.now())
            version.text_override, changed = text, True
    return changed


def post_add_message(*, post: Post, author, body: str) -> PostMessage:
    """A question from the reviewer or an answer from the requester; the other side is notified."""
    can = Abilities(author)
    require(can.can_view(post), actor=author, action=Action.VIEW, target=post)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")}, code="empty_message")
    with transaction.atomic():
        message = PostMessage.objects.create(post=post, author=author, body=body)
        audit_record(actor=author, action="message_sent", target=post, message=body)
        if can.is_reviewer:
            recipients, url = post_requesters(post), post_follow_url(post)
        else:
            recipients, url = people_with_role(Role.COMMUNICATIONS), post_review_url(post)
        notify(
            recipients=[person for person in recipients if person.pk != author.pk],
            kind=Notification.Kind.MESSAGE,
            template="message",
            context={"message": message},
            post=post,
            url=url,
        )
    return message
