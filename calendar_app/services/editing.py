"""Changing what a post says: its text and each channel version's own text.

A change after approval never goes out unapproved: the Charte runs again and the post is either
approved again on the spot by someone who may approve it (its new warnings acknowledged, a new
approval recorded with the rule-set version), or sent back to review. Published posts are not
edited in place.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Approval, ChannelVersion, Post
from calendar_app.permissions import Abilities, Action, require
from calendar_app.services.audit import audit_record
from calendar_app.services.charte import charte_require_passing
from calendar_app.services.posts import post_back_to_review, record_decision
from calendar_app.services.revisions import claim_revision, post_as_stored, require_revision
from calendar_app.text_input import clean_text
from calendar_app.workflow import Status

# An approval covers the text it saw: a change in these states needs a new one.
APPROVED_STATES = frozenset({Status.APPROVED, Status.SCHEDULED})


@dataclass(frozen=True)
class PostTexts:
    """The post's text (None: unchanged) and channel versions' own texts by version id (empty: the post's)."""

    body: str | None = None
    versions: Mapping[int, str] = field(default_factory=dict)


class Edited(enum.Enum):
    UNCHANGED = "unchanged"
    SAVED = "saved"
    APPROVED_AGAIN = "approved_again"
    BACK_TO_REVIEW = "back_to_review"


def post_edit(
    *,
    post: Post,
    actor,
    texts: PostTexts,
    seen_revision: int | None = None,
    approve_again: bool = False,
    acknowledge_warnings: bool = False,
) -> Edited:
    """Save ``texts`` on ``post`` as ``actor``: the communications department until publication, the author of
    a draft or of a request sent back for changes.

    After approval, ``approve_again`` by someone who may approve the post keeps it approved or
    scheduled (the Charte at its due times, new warnings acknowledged if ``acknowledge_warnings``,
    else ``WarningsNotAcknowledged``); otherwise it returns to review. Nothing is saved on any
    refusal; ``ConcurrentChange`` if the post is no longer at ``seen_revision``.
    """
    post = post_as_stored(post)
    require_revision(post, seen_revision)
    can = Abilities(actor)
    require(can.can_edit(post), actor=actor, action=Action.EDIT, target=post)
    approve_again = approve_again and post.status in APPROVED_STATES
    if approve_again:
        may_approve = can.can_approve(post) or can.can_approve_own(post)
        require(may_approve, actor=actor, action=Action.APPROVE, target=post)
    with transaction.atomic():
        claim_revision(post, seen=post.revision)
        if not apply_texts(post, texts, actor=actor):
            transaction.set_rollback(True)  # not even the revision moves
            return Edited.UNCHANGED
        if post.status == Status.BLOCKED or (post.status in APPROVED_STATES and not approve_again):
            post_back_to_review(post, actor=actor, reason=_("Text changed after approval."))
            return Edited.BACK_TO_REVIEW
        if not approve_again:
            return Edited.SAVED
        due_times = sorted(set(post.versions.filter(status=Status.SCHEDULED).values_list("due_at", flat=True)))
        reports = [
            charte_require_passing(post=post, actor=actor, at=at, acknowledge_warnings=acknowledge_warnings)
            for at in due_times or [None]
        ]
        record_decision(
            post,
            Approval.Decision.APPROVED,
            reviewer=actor,
            reasons=_("Approved again after a change of text."),
            report=reports[0],
        )
    return Edited.APPROVED_AGAIN


def apply_texts(post: Post, texts: PostTexts, *, actor) -> bool:
    """Write ``texts`` on ``post`` and its versions, each change audited; inside the caller's transaction.

    Texts are normalised and validated (``clean_text``); a version id that is not one of this post's
    is refused. Returns whether anything changed.
    """
    errors: dict[str, list] = {}
    body = _cleaned(texts.body, "body", errors) if texts.body is not None else None
    versions = {version.pk: version for version in post.versions.filter(pk__in=list(texts.versions))}
    unknown = set(texts.versions) - set(versions)
    if unknown:
        raise ValidationError(_("These channel versions are not part of this post."), code="unknown_version")
    version_texts = {pk: _cleaned(text, f"version-{pk}", errors) for pk, text in texts.versions.items()}
    if errors:
        raise ValidationError(errors)
    changed = False
    now = timezone.now()
    if body is not None and body != post.body:
        audit_record(actor=actor, action="text_edited", target=post, before={"body": post.body}, after={"body": body})
        Post.objects.filter(pk=post.pk).update(body=body, updated_at=now)
        post.body, changed = body, True
    for pk, text in version_texts.items():
        version = versions[pk]
        if text == version.text_override:
            continue
        audit_record(
            actor=actor,
            action="text_edited",
            target=version,
            before={"text": version.text_override},
            after={"text": text},
        )
        ChannelVersion.objects.filter(pk=pk).update(text_override=text, updated_at=now)
        changed = True
    return changed


def _cleaned(text: str, key: str, errors: dict) -> str | None:
    try:
        return clean_text(text, max_length=Post.TEXT_MAX_LENGTH).strip()
    except ValidationError as error:
        errors[key] = error.error_list
        return None
