"""The city's channels: a channel publishes only while the Direction générale's authorisation (art. 8.1) is for
the account it names; the stored credentials only ever go to that account's host."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendar_app.models import Channel, ChannelProfileConfirmation, Notification, ProfileItem, Role
from calendar_app.permissions import Abilities, Action, require
from calendar_app.selectors.people import people_with_roles
from calendar_app.services.audit import audit_record, changed_values, field_values
from calendar_app.services.notifications import notify

AUTHORISATION_WITHDRAWN = gettext_lazy(
    "The account or its API address changed: the authorisation of the Direction générale (art. 8.1), "
    "the profile checklist (art. 5.10, 9.1) and the stored credentials were withdrawn. Have the channel "
    "checked and authorised again and reconnect it."
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


def channel_profile_confirm(*, channel: Channel, item: str, actor, note: str = "") -> ChannelProfileConfirmation:
    """Record that ``actor`` (the communications department) checked ``item`` of ``channel``'s profile
    (art. 5.10, 9.1), now; audited. ``ValidationError`` for an item the channel has no use for, or one
    already confirmed."""
    require(
        Abilities(actor).can_confirm_channel_profile(),
        actor=actor,
        action=Action.CONFIRM_CHANNEL_PROFILE,
        target=channel,
    )
    item = _profile_item(channel, item)
    try:
        with transaction.atomic():
            confirmation = ChannelProfileConfirmation.objects.create(
                channel=channel, item=item, confirmed_by=actor, confirmed_at=timezone.now(), note=note
            )
            audit_record(
                actor=actor,
                action="channel_profile_confirmed",
                target=channel,
                after={
                    "item": item.value,
                    "confirmed_by": actor.pk,
                    "confirmed_at": confirmation.confirmed_at.isoformat(),
                },
                message=_profile_message(channel, item, note),
            )
            _tell_the_direction_if_checked(channel)
    except IntegrityError:
        raise ValidationError(
            _("“%(item)s” is already confirmed for this channel.") % {"item": item.label}, code="already_confirmed"
        ) from None
    return confirmation


def channel_profile_withdraw(*, channel: Channel, item: str, actor, reason: str) -> None:
    """Withdraw the confirmation of ``item`` (the profile changed, or was wrong): the channel publishes no more
    until it is confirmed again. ``reason`` is required; audited."""
    require(
        Abilities(actor).can_confirm_channel_profile(),
        actor=actor,
        action=Action.CONFIRM_CHANNEL_PROFILE,
        target=channel,
    )
    item = _profile_item(channel, item)
    if not reason.strip():
        raise ValidationError(_("Say why the confirmation is withdrawn."), code="reason_required")
    with transaction.atomic():
        confirmation = ChannelProfileConfirmation.objects.select_for_update().filter(channel=channel, item=item).first()
        if confirmation is None:
            raise ValidationError(
                _("“%(item)s” is not confirmed for this channel.") % {"item": item.label}, code="not_confirmed"
            )
        confirmation.delete()
        audit_record(
            actor=actor,
            action="channel_profile_withdrawn",
            target=channel,
            before={
                "item": item.value,
                "confirmed_by": confirmation.confirmed_by_id,
                "confirmed_at": confirmation.confirmed_at.isoformat(),
            },
            message=reason.strip(),
        )


def _tell_the_direction_if_checked(channel: Channel) -> None:
    """The profile just became complete on an account the Direction générale has not authorised: tell it."""
    channel = Channel.objects.get(pk=channel.pk)
    if channel.authorised_at is None and not channel.missing_profile_items():
        notify(
            recipients=people_with_roles(Role.DIRECTION_GENERALE),
            kind=Notification.Kind.CHANNEL,
            template="channel_profile_checked",
            context={"channel": channel},
            url=reverse("calendar_app:channel_list") + f"#channel-{channel.pk}",
        )


def _profile_item(channel: Channel, item: str) -> ProfileItem:
    if item not in channel.profile_items():
        raise ValidationError(
            _("This channel's checklist has no such item (art. 5.10, 9.1)."), code="unknown_profile_item"
        )
    return ProfileItem(item)


def _profile_message(channel: Channel, item: ProfileItem, note: str) -> str:
    """The audit entry's words: what was checked, against which text (the bio's disclaimer, art. 5.10)."""
    from calendar_app.models import Municipality

    parts = [str(item.label)]
    municipality = Municipality.current()
    if item == ProfileItem.BIO and municipality is not None:
        parts.append(municipality.profile_disclaimer)
    if note:
        parts.append(note)
    return " — ".join(parts)


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
        confirmations = list(stored.profile_confirmations.values_list("item", flat=True))
        withdrawable = stored.authorised_at is not None or had_credentials or bool(confirmations)
        for name, value in changes.items():
            setattr(stored, name, value)
        withdrawn = withdrawable and _account(stored) != old_account
        messages = []
        if withdrawn:
            stored.authorised_by = stored.authorised_at = None
            stored.credentials_encrypted = ""
            # The profile checked was the old account's (art. 5.10, 9.1).
            stored.profile_confirmations.all().delete()
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
        if withdrawn and confirmations:
            old_values["profile_confirmations"] = sorted(confirmations)
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
