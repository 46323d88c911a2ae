"""The city's channels: a channel publishes only while the Direction générale's authorisation (art. 8.1) is for
the account it names; the stored credentials only ever go to that account's host."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendar_app.models import Channel
from calendar_app.permissions import Abilities, Action, require
from calendar_app.services.audit import audit_record, changed_values, field_values

AUTHORISATION_WITHDRAWN = gettext_lazy(
    "The account or its API address changed: the authorisation of the Direction générale (art. 8.1) "
    "and the stored credentials were withdrawn. Have the channel authorised again and reconnect it."
)


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


def channel_update(*, channel: Channel, actor, changes: dict, credentials: dict | None = None) -> bool:
    """Set the fields in ``changes`` (name → value) and, when given, new ``credentials`` ({} erases them),
    audited in one entry; returns True when the authorisation and stored credentials were withdrawn.

    Decided from the locked row, not from ``channel``'s in-memory values (which are refreshed).
    A change of account (network, handle, public address) or of the API address it is reached at
    withdraws, whatever ``changes`` say about them:
    - the Direction générale's authorisation: it was given for the old account (art. 8.1) and is
      given again with ``channel_authorise``;
    - the stored credentials: they belong to the old account and must never reach a new host. The
      channel is then "to reconnect" and nothing is sent on it until credentials are recorded.
    Credentials given with the change are the new account's and are kept. Recording credentials
    reconnects the channel. Permissions are the caller's (the admin's change permission today).
    """
    editable = {model_field.name for model_field in Channel._meta.concrete_fields if model_field.editable}
    if unknown := set(changes) - editable:
        raise ValueError(f"Not editable fields of a channel: {sorted(unknown)}")
    with transaction.atomic():
        stored = Channel.objects.select_for_update().get(pk=channel.pk)
        before = field_values(stored)
        old_account, had_credentials = _account(stored), stored.has_credentials
        withdrawable = stored.is_authorised or had_credentials
        for name, value in changes.items():
            setattr(stored, name, value)
        withdrawn = withdrawable and _account(stored) != old_account
        messages = []
        if withdrawn:
            stored.authorised_by = stored.authorised_at = None
            stored.credentials_encrypted = ""
            messages.append(AUTHORISATION_WITHDRAWN)
        if credentials is not None:
            stored.set_credentials(credentials)
            messages.append(_("New credentials recorded.") if credentials else _("Stored credentials erased."))
        if credentials:
            stored.connection = Channel.Connection.CONNECTED
        elif withdrawn and had_credentials:
            stored.connection = Channel.Connection.TO_RECONNECT
        stored.save()
        old_values, new_values = changed_values(before, field_values(stored))
        if old_values or new_values or messages:
            audit_record(
                actor=actor,
                action="channel_account_changed" if withdrawn else "changed",
                target=stored,
                before=old_values,
                after=new_values,
                message=" ".join(str(message) for message in messages),
            )
    channel.refresh_from_db()
    return withdrawn


def _account(channel: Channel) -> tuple[str, str, str, str]:
    """Who the credentials are for and where they go: the network, the account and the API host."""
    return (channel.network, channel.handle, channel.url, channel.effective_api_base_url)
