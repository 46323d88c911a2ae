"""Reads about the accounts the city's channels follow during an election period (art. 7)."""

from __future__ import annotations

from dataclasses import dataclass

from calendar_app.models import Channel, ElectionPeriod, FollowedAccountsCheck
from calendar_app.selectors.channels import social_channels
from kernel.networks import NETWORKS


@dataclass(frozen=True)
class ChannelFollowing:
    """A channel, whether its network lists followed accounts, and its latest check in a period (or None)."""

    channel: Channel
    listed_by_network: bool
    latest: FollowedAccountsCheck | None


def followed_accounts_status(election: ElectionPeriod) -> list[ChannelFollowing]:
    """Every active channel on a social network, with its latest check in ``election``."""
    latest: dict[int, FollowedAccountsCheck] = {}
    checks = FollowedAccountsCheck.objects.filter(election=election).select_related("checked_by")
    for check in checks.order_by("channel_id", "-checked_at", "-pk"):
        latest.setdefault(check.channel_id, check)
    return [
        ChannelFollowing(channel, NETWORKS[channel.network].lists_follows, latest.get(channel.pk))
        for channel in social_channels()
    ]
