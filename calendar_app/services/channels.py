"""The city's channels: a new one publishes only once the Direction générale authorised it (art. 8.1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Channel
from calendar_app.permissions import Abilities, Action, require
from calendar_app.services.audit import audit_record


def channel_authorise(*, channel: Channel, actor) -> None:
    require(Abilities(actor).can_authorise_channel(), actor=actor, action=Action.AUTHORISE_CHANNEL, target=channel)
    with transaction.atomic():
        if not Channel.objects.filter(pk=channel.pk, authorised_at__isnull=True).update(
            authorised_by=actor, authorised_at=timezone.now()
        ):
            raise ValidationError(_("This channel is already authorised."), code="already_authorised")
        channel.refresh_from_db()
        audit_record(
            actor=actor,
            action="channel_authorised",
            target=channel,
            after={"authorised_by": actor.pk, "authorised_at": channel.authorised_at.isoformat()},
        )
