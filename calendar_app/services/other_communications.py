"""The calendar's other communications (website news, newsletters, print, events, display screens): created,
changed, moved and deleted by those who plan (art. 8.2), each change audited.

Every function refuses (``PermissionRefused``, recorded) unless ``Abilities.can_plan``; a change or a
deletion names the revision its page showed, and one made since is refused (``ConcurrentEdit``), never
overwritten. Texts are normalised and hidden characters refused (art. 5.2).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from calendar_app.models import AccreditedOrganisation, OtherCommunication, Service
from calendar_app.permissions import Abilities, Action, require
from calendar_app.services.audit import audit_record, changed_values, field_values
from calendar_app.text_input import clean_text


class ConcurrentEdit(ValidationError):
    """Someone changed or deleted the item since the page was shown; nothing of this request was saved."""

    def __init__(self, title: str):
        super().__init__(
            _("“%(title)s” was changed by someone else since you opened it; nothing was saved. Read it again."),
            code="concurrent_change",
            params={"title": title},
        )


@dataclasses.dataclass(frozen=True)
class OtherCommunicationInput:
    """What a person says about an other communication: every field they may set."""

    title: str
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None = None
    category: str = ""
    requesting_service: Service | None = None
    requesting_organisation: AccreditedOrganisation | None = None
    notes: str = ""

    @classmethod
    def of(cls, item: OtherCommunication) -> OtherCommunicationInput:
        """The item as stored, to change one field of it (a move changes only its times)."""
        return cls(**{field.name: getattr(item, field.name) for field in dataclasses.fields(cls)})

    def moved_to(self, starts_at: datetime.datetime) -> OtherCommunicationInput:
        """The same item starting at ``starts_at``, lasting as long as before."""
        ends_at = starts_at + (self.ends_at - self.starts_at) if self.ends_at else None
        return dataclasses.replace(self, starts_at=starts_at, ends_at=ends_at)


def _require_may_plan(actor, target) -> None:
    require(Abilities(actor).can_plan(), actor=actor, action=Action.PLAN, target=target)


def _apply(item: OtherCommunication, data: OtherCommunicationInput) -> None:
    """Set ``data`` on ``item`` and check it: ``ValidationError`` keyed by field when it is not right."""
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")}, code="ends_before_start")
    item.title = clean_text(data.title, max_length=OtherCommunication._meta.get_field("title").max_length).strip()
    item.notes = clean_text(data.notes).strip()
    item.kind, item.category = data.kind, data.category
    item.starts_at, item.ends_at = data.starts_at, data.ends_at
    item.requesting_service, item.requesting_organisation = data.requesting_service, data.requesting_organisation
    item.full_clean(exclude=["author"])


def other_communication_create(*, actor, data: OtherCommunicationInput) -> OtherCommunication:
    """Place a new other communication on the calendar, written by ``actor``."""
    _require_may_plan(actor, actor)
    item = OtherCommunication(author=actor)
    _apply(item, data)
    with transaction.atomic():
        item.save()
        audit_record(actor=actor, action="created", target=item, after=field_values(item))
    return item


def _stored(item: OtherCommunication, seen_revision: int | None) -> OtherCommunication:
    """The item as stored, locked until the end of the transaction; ``ConcurrentEdit`` if it changed since
    ``seen_revision`` (None: the caller read it itself) or is gone."""
    stored = OtherCommunication.objects.select_for_update().filter(pk=item.pk).first()
    if stored is None or (seen_revision is not None and stored.revision != seen_revision):
        raise ConcurrentEdit(item.title)
    return stored


def other_communication_update(
    *, item: OtherCommunication, actor, data: OtherCommunicationInput, seen_revision: int | None = None
) -> OtherCommunication:
    """Change ``item`` to ``data`` (a move on the calendar is a change of its times); returns it as stored."""
    _require_may_plan(actor, item)
    with transaction.atomic():
        stored = _stored(item, seen_revision)
        before = field_values(stored)
        _apply(stored, data)
        stored.revision += 1
        stored.save()
        before, after = changed_values(before, field_values(stored))
        for values in (before, after):
            values.pop("updated_at", None)
        audit_record(actor=actor, action="changed", target=stored, before=before, after=after)
    return stored


def other_communication_delete(*, item: OtherCommunication, actor, seen_revision: int | None = None) -> None:
    """Take ``item`` off the calendar; the audit log keeps what it was."""
    _require_may_plan(actor, item)
    with transaction.atomic():
        stored = _stored(item, seen_revision)
        audit_record(actor=actor, action="deleted", target=stored, before=field_values(stored))
        stored.delete()
