"""Apply one move of the state machine to a post or a channel version."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from calendar_app.models import ChannelVersion, Post
from calendar_app.services.audit import audit_record, audit_status_moves
from calendar_app.workflow import IllegalTransition, Status, can_transition


def _transition(
    instance: Post | ChannelVersion, target: str, *, actor, reason: str = "", source: str | None = None, **fields
) -> None:
    """Move ``instance`` to ``target``, with ``fields`` set in the same update, and audit it.

    Guarantees: the move is legal from the status in the database (not the one in memory);
    two concurrent moves from the same status cannot both succeed (the update is conditional);
    on refusal nothing changes and ``IllegalTransition`` is raised. With ``source``, the move is
    made only from that status (a retry only from "failed"), as if another were concurrent.
    """
    model = type(instance)
    target = Status(target)
    with transaction.atomic():
        current = model.objects.select_for_update().values_list("status", flat=True).get(pk=instance.pk)
        if not can_transition(current, target):
            raise IllegalTransition(subject=instance, current=current, target=target)
        if source is not None and current != source:
            raise IllegalTransition(subject=instance, current=current, target=target, concurrent=True)
        if model is Post:  # every change raises the post's revision (calendar_app.services.revisions)
            fields = {"revision": F("revision") + 1, **fields}
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
            after={
                "status": target.value,
                **{key: value for key, value in fields.items() if value is not None and key != "revision"},
            },
            message=reason,
        )
    instance.status = target
    for key, value in fields.items():
        if key != "revision":
            setattr(instance, key, value)
    if model is Post:
        instance.revision = model.objects.values_list("revision", flat=True).get(pk=instance.pk)


def post_transition(*, post: Post, target: str, actor, reason: str = "") -> None:
    _transition(post, target, actor=actor, reason=reason)


def version_transition(
    *, version: ChannelVersion, target: str, actor, reason: str = "", source: str | None = None, **fields
) -> None:
    _transition(version, target, actor=actor, reason=reason, source=source, **fields)


# --- Many rows at once (the publishing worker) ---------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One row of a bulk transition: its primary key, its own field values, and why (its audit message)."""

    pk: int
    fields: dict = field(default_factory=dict)
    reason: str = ""


def bulk_transition(
    *,
    model: type[Post] | type[ChannelVersion],
    moves: Iterable[int | Move],
    source: str | Iterable[str],
    target: str,
    actor=None,
    reason: str = "",
    where: Q | None = None,
    **fields,
) -> list[int]:
    """Move the rows named by ``moves`` that are still in ``source`` (one status or several) and match
    ``where`` to ``target``, with ``fields`` (the same for every row) and each ``Move``'s own fields set
    in the same UPDATE; returns the primary keys actually moved.

    The bulk form of ``_transition``, for the worker, which moves hundreds of rows at once.
    Guarantees: every source → target is in the table, else ``IllegalTransition`` is raised and
    nothing changes; the rows are locked first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
    immediate transactions serialise writers), so the conditional UPDATE moves exactly them and two
    concurrent callers never move the same row; one UPDATE per batch (several only when per-row
    values exceed the database's parameter limit); every move audited in one INSERT. A row that left
    ``source`` or stopped matching ``where`` meanwhile is left out. In-memory instances are not updated.
    """
    target = Status(target)
    sources = [Status(source)] if isinstance(source, str) else [Status(each) for each in source]
    for current in sources:
        if not can_transition(current, target):
            raise IllegalTransition(subject=model._meta.verbose_name, current=current, target=target)
    by_pk = {move.pk: move for move in (each if isinstance(each, Move) else Move(each) for each in moves)}
    if not by_pk:
        return []
    with transaction.atomic():
        rows = model.objects.select_for_update(of=("self",)).filter(pk__in=list(by_pk), status__in=sources)
        if where is not None:
            rows = rows.filter(where)
        before = dict(rows.order_by("pk").values_list("pk", "status"))
        if not before:
            return []
        common = {"updated_at": timezone.now(), **fields}
        if model is Post:  # every change raises the post's revision, as in ``_transition``
            common["revision"] = F("revision") + 1
        moved = list(before)
        per_row = sorted({name for pk in moved for name in by_pk[pk].fields})
        size = max(1, connection.ops.bulk_batch_size(["pk", "pk", *per_row], moved) if per_row else len(moved))
        for start in range(0, len(moved), size):
            batch = [by_pk[pk] for pk in moved[start : start + size]]
            values = {**common, **_row_values(model, batch, per_row)}
            model.objects.filter(pk__in=[move.pk for move in batch], status__in=sources).update(status=target, **values)
        audit_status_moves(
            model=model,
            moves=((pk, before[pk], target.value, by_pk[pk].reason or reason) for pk in moved),
            actor=actor,
        )
    return moved


def _row_values(model, moves: list[Move], names: list[str]) -> dict:
    """Each per-row field as one value when every row has the same one, else a CASE over the rows."""
    values = {}
    for name in names:
        model_field = model._meta.get_field(name)
        given = [(move.pk, move.fields[name]) for move in moves if name in move.fields]
        first = given[0][1] if given else None
        plain = not hasattr(first, "resolve_expression")
        if len(given) == len(moves) and plain and all(value == first for _pk, value in given):
            values[name] = first
            continue
        whens = [
            When(pk=pk, then=value if hasattr(value, "resolve_expression") else Value(value, output_field=model_field))
            for pk, value in given
        ]
        values[name] = Case(*whens, default=F(name), output_field=model_field)
    return values
