"""Posts through their life: created, reviewed, scheduled, published, removed.

Permission checks for each person and role arrive with the request and review paths; these
services guarantee the state machine, the database constraints and the audit log.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Approval, Channel, ChannelVersion, Post, PostLink
from calendar_app.services.audit import audit_record, field_values
from calendar_app.services.charte import CharteReport, charte_check, charte_require_passing
from calendar_app.services.workflow import post_transition, version_transition
from calendar_app.workflow import FINAL_STATES, Status

# Editorial moves apply to the post and to every channel version still following it.
_EDITORIAL = frozenset({Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED, Status.CHANGES_REQUESTED})


@transaction.atomic
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
    post = Post(
        author=author, title=title, category=category, body=body, origin=origin, source_uid=source_uid, **fields
    )
    post.full_clean()
    post.save()
    version_texts = version_texts or {}
    ChannelVersion.objects.bulk_create(
        ChannelVersion(post=post, channel=channel, text_override=version_texts.get(channel, "")) for channel in channels
    )
    for position, link in enumerate(links):
        url, kind = (link, PostLink.Kind.LINK) if isinstance(link, str) else link
        PostLink.objects.create(post=post, url=url, kind=kind, position=position)
    audit_record(actor=author, action="created", target=post, after=field_values(post))
    return post


def _move_post_and_versions(post: Post, target: Status, *, actor, reason: str = "") -> None:
    with transaction.atomic():
        post_transition(post=post, target=target, actor=actor, reason=reason)
        for version in post.versions.filter(status__in=_EDITORIAL):
            version_transition(version=version, target=target, actor=actor, reason=reason)


def post_submit(*, post: Post, actor) -> None:
    _move_post_and_versions(post, Status.SUBMITTED, actor=actor)


def post_start_review(*, post: Post, reviewer) -> None:
    _move_post_and_versions(post, Status.IN_REVIEW, actor=reviewer)


def _decide(post: Post, decision: str, target: Status, *, reviewer, reasons: str, report: CharteReport) -> Approval:
    with transaction.atomic():
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
    return approval


def post_approve(*, post: Post, reviewer, reasons: str = "", acknowledge_warnings: bool = False) -> Approval:
    """Approve ``post``, recording the rule-set version and the Charte results it passed (art. 10).

    Refuses (``CharteBlocked``) while the Charte blocks the post, and (``WarningsNotAcknowledged``)
    while a warning is unacknowledged, unless ``acknowledge_warnings`` records the reviewer's
    acknowledgement now.
    """
    with transaction.atomic():
        report = charte_require_passing(post=post, actor=reviewer, acknowledge_warnings=acknowledge_warnings)
        return _decide(
            post, Approval.Decision.APPROVED, Status.APPROVED, reviewer=reviewer, reasons=reasons, report=report
        )


def post_request_changes(*, post: Post, reviewer, reasons: str) -> Approval:
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
    report = charte_check(post=post)
    return _decide(post, Approval.Decision.REFUSED, Status.REFUSED, reviewer=reviewer, reasons=reasons, report=report)


def post_withdraw(*, post: Post, actor, reason: str = "") -> None:
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
    if not channel.is_authorised:
        raise ValidationError(
            _("The channel “%(channel)s” has no authorisation from the Direction générale yet (art. 8.1)."),
            code="channel_not_authorised",
            params={"channel": channel},
        )
    with transaction.atomic():
        charte_require_passing(post=version.post, actor=actor, at=due_at, acknowledge_warnings=acknowledge_warnings)
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
