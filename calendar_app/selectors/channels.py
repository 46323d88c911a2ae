"""Reads about the city's channels: those a page lists, and those a person may write on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from calendar_app.models import Channel, ChannelProfileConfirmation
from kernel.networks import social_networks

if TYPE_CHECKING:
    from calendar_app.permissions import Abilities


def channels_writable_by(abilities: Abilities) -> QuerySet[Channel]:
    """The active channels ``abilities.can_write_internal`` allows: all of them for the communications
    department, else the channels of the person's publisher roles (art. 8.4)."""
    channels = Channel.objects.filter(is_active=True).order_by("network", "handle")
    return channels if abilities.is_reviewer else channels.filter(pk__in=abilities.publisher_channel_ids())


def official_channels() -> QuerySet[Channel]:
    """The active, authorised channels (their checklist complete): the city's official accounts (art. 3, Annexe 1)."""
    return Channel.objects.authorised().filter(is_active=True).order_by("network", "handle")


def official_social_accounts() -> QuerySet[Channel]:
    """The official channels on social networks: the public page of official accounts (Annexe 1) lists
    these, not the city's website feed or display screens."""
    return official_channels().filter(network__in=social_networks())


def social_channels() -> QuerySet[Channel]:
    """The active channels on social networks, authorised or not: the accounts the city runs there (art. 7's
    check of the accounts they follow)."""
    return Channel.objects.filter(is_active=True, network__in=social_networks()).order_by("network", "handle")


def channels_with_authorisers() -> QuerySet[Channel]:
    """Every channel with its checklist: who authorised it (art. 8.1), who confirmed each profile item
    (art. 5.10, 9.1)."""
    return (
        Channel.objects.select_related("authorised_by")
        .prefetch_related(
            Prefetch(
                "profile_confirmations",
                queryset=ChannelProfileConfirmation.objects.select_related("confirmed_by"),
            )
        )
        .order_by("network", "handle")
    )
