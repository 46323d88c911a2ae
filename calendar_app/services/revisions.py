"""Concurrent changes to a post, detected on the server.

Every change to a post or its channel versions raises ``Post.revision``. A page sends back the
revision it showed; a service that changes the post first claims the next revision with one
conditional UPDATE (``claim_revision``), so of two people acting on the same page one wins and
the other is told who changed what, never overwritten silently. What the browser says about the
post's status is never trusted: services read the row from the database (``post_as_stored``).
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from calendar_app.models import AuditEntry, Post
from calendar_app.models.audit import ACTION_LABELS
from calendar_app.workflow import Status


class ConcurrentChange(ValidationError):
    """Someone changed the post since the page was shown; nothing of this request was saved."""

    def __init__(self, post: Post):
        latest = last_change(post)
        if latest is None:
            super().__init__(
                _("“%(subject)s” changed while you were working on it; nothing was saved. Read it again below."),
                code="concurrent_change",
                params={"subject": post.title},
            )
            return
        super().__init__(
            _(
                "While you were working on “%(subject)s”, %(person)s made a change (%(change)s, %(time)s); "
                "nothing of yours was saved. Read it again below."
            ),
            code="concurrent_change",
            params={
                "subject": post.title,
                "person": latest.actor_repr or "Vitrine",
                "change": describe(latest),
                "time": date_format(timezone.localtime(latest.at), "DATETIME_FORMAT"),
            },
        )


def describe(entry: AuditEntry) -> str:
    """An audit entry in a few words: « décision enregistrée — Refusée », « statut modifié → Programmée »."""
    label = str(ACTION_LABELS.get(entry.action, entry.action))
    decision = entry.after.get("decision")
    if decision:
        from calendar_app.models import Approval

        return f"{label} — {Approval.Decision(decision).label}"
    status = entry.after.get("status")
    if status in Status.values:
        return f"{label} → {Status(status).label}"
    return label


def last_change(post: Post) -> AuditEntry | None:
    """The most recent change recorded on ``post`` (a decision first, if one was made at that moment)."""
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Post), target_id=str(post.pk)
    ).exclude(action="permission_refused")
    latest = entries.order_by("-at", "-pk").first()
    if latest is None:
        return None
    decision = entries.filter(action="decided", at__gte=latest.at - datetime.timedelta(seconds=5)).first()
    return decision or latest


def post_as_stored(post: Post | int) -> Post:
    """The post as it is in the database now, whatever the caller's copy said: the caller's instance is
    reloaded (so it follows the moves the service makes), or an id is read."""
    if isinstance(post, Post):
        post.refresh_from_db()
        return post
    return Post.objects.select_related("author", "requesting_service", "requesting_organisation").get(pk=post)


def claim_revision(post: Post, *, seen: int) -> None:
    """Take the next revision of ``post`` if it is still at ``seen``; ``ConcurrentChange`` otherwise.

    Call it inside the transaction of the change: the conditional UPDATE holds the row until the
    transaction ends, so a second change claiming the same revision waits, then finds it gone.
    """
    claimed = Post.objects.filter(pk=post.pk, revision=seen).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    if not claimed:
        raise ConcurrentChange(post)
    post.revision = seen + 1


def require_revision(post: Post, seen: int | None) -> None:
    """``ConcurrentChange`` unless the page showed the revision stored now (None: the caller read it itself)."""
    if seen is not None and seen != post.revision:
        raise ConcurrentChange(post)
