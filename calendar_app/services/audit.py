from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from calendar_app.models import AuditEntry


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
