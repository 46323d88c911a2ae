from __future__ import annotations

import datetime
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from calendar_app.models import AuditEntry
from calendar_app.models.audit import RefusalTally

# Identical refusals of one person within this window are written to the log once (a 403 flood).
REFUSAL_WINDOW = datetime.timedelta(minutes=1)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
) -> AuditEntry:
    """Append one entry to the audit log; call it inside the transaction that makes the change."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_repr=str(actor)[:200] if actor is not None else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        before=before or {},
        after=after or {},
        message=message,
    )


def audit_refusal(*, actor, action: str, target: models.Model, message: str) -> AuditEntry | None:
    """Record that ``actor`` was refused ``action`` on ``target``; returns the entry, or None when an
    identical refusal was written less than ``REFUSAL_WINDOW`` ago (it is then only counted, and the
    next entry written says how many were).

    Call it outside the transaction that the refusal rolls back (``permissions.require`` does; the
    web's ``RefusalMiddleware`` writes again any entry that a rollback took away).
    """
    actor = actor if getattr(actor, "is_authenticated", False) else None
    kind = ContentType.objects.get_for_model(target, for_concrete_model=False)
    parts = (actor.pk if actor else "", action, kind.pk, target.pk, message)
    key = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        if RefusalTally.objects.filter(key=key, window_ends_at__gt=now).update(repeated=models.F("repeated") + 1):
            return None
        tally, _created = RefusalTally.objects.select_for_update().get_or_create(
            key=key, defaults={"window_ends_at": now}
        )
        after = {"action": action}
        if tally.repeated:
            after["repeated"] = tally.repeated
        entry = audit_record(actor=actor, action="permission_refused", target=target, after=after, message=message)
        RefusalTally.objects.filter(pk=tally.pk).update(window_ends_at=now + REFUSAL_WINDOW, repeated=0)
    return entry


def audit_status_moves(*, model: type[models.Model], moves, actor=None) -> list[AuditEntry]:
    """One "status_changed" entry per (pk, before, after, message) of ``model``, in one INSERT.

    For moves made in bulk (the publishing worker's claims and outcomes), where loading each row
    to call ``audit_record`` would cost a query per row; ``actor`` None is Vitrine itself.
    """
    kind = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor if actor is not None and actor.pk else None,
            actor_repr=str(actor)[:200] if actor is not None else "Vitrine",
            action="status_changed",
            target_type=kind,
            target_id=str(pk),
            target_repr=f"{model._meta.verbose_name} {pk}"[:300],
            before={"status": before},
            after={"status": after},
            message=message,
        )
        for pk, before, after, message in moves
    )


# Secrets never reach the log: a password hash or encrypted credentials show as this marker.
HIDDEN = "(hidden)"
SECRET_FIELDS = frozenset({"password", "credentials_encrypted"})


def field_values(instance: models.Model) -> dict:
    """The concrete field values of ``instance``, JSON-friendly, secrets masked, for before/after snapshots."""
    values = {}
    for field in instance._meta.concrete_fields:
        value = field.value_from_object(instance)
        if field.name in SECRET_FIELDS:
            value = HIDDEN if value else ""
        values[field.attname] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
    return values


def changed_values(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
