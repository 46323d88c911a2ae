"""Apply one move of the state machine to a post or a channel version."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from calendar_app.models import ChannelVersion, Post
from calendar_app.services.audit import audit_record
from calendar_app.workflow import IllegalTransition, Status, can_transition


def _transition(instance: Post | ChannelVersion, target: str, *, actor, reason: str = "", **fields) -> None:
    """Move ``instance`` to ``target``, with ``fields`` set in the same update, and audit it.

    Guarantees: the move is legal from the status in the database (not the one in memory);
    two concurrent moves from the same status cannot both succeed (the update is conditional);
    on refusal nothing changes and ``IllegalTransition`` is raised.
    """
    model = type(instance)
    target = Status(target)
    with transaction.atomic():
        current = model.objects.select_for_update().values_list("status", flat=True).get(pk=instance.pk)
        if not can_transition(current, target):
            raise IllegalTransition(subject=instance, current=current, target=target)
        changed = model.objects.filter(pk=instance.pk, status=current).update(
            status=target, updated_at=timezone.now(), **fields
        )
        if not changed:
            raise IllegalTransition(subject=instance, current=current, target=target, concurrent=True)
        audit_record(
            actor=actor,
            action="status_changed",
            target=instance,
            before={"status": current},
            after={"status": target.value, **{key: value for key, value in fields.items() if value is not None}},
            message=reason,
        )
    instance.status = target
    for key, value in fields.items():
        setattr(instance, key, value)


def post_transition(*, post: Post, target: str, actor, reason: str = "") -> None:
    _transition(post, target, actor=actor, reason=reason)


def version_transition(*, version: ChannelVersion, target: str, actor, reason: str = "", **fields) -> None:
    _transition(version, target, actor=actor, reason=reason, **fields)
