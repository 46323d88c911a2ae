"""The registry of networks Vitrine can publish to.

One entry per network: its label, the documented API base URL the adapter talks to by
default, and the dotted path of its adapter (imported on first use by the publishing worker).
The ``Channel.network`` choices are built from this registry, so adding a network is one entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Network:
    code: str
    label: str
    default_api_base_url: str
    adapter_path: str
    # A social network, whose accounts the public page of official accounts lists (Annexe 1); not the
    # city's own outlets (its website's feed, a display screen's webhook).
    social: bool = True
    # Whether its API can delete a publication (removal after publication, art. 7); where it cannot, a
    # person removes it on the network and says so in Vitrine.
    deletes: bool = True
    # Whether its API lists the accounts a channel follows (art. 7: no official account follows a party or a
    # candidate during an election); elsewhere a person checks and says so.
    lists_follows: bool = False


NETWORKS: dict[str, Network] = {
    network.code: network
    for network in (
        Network(
            "facebook", _("Facebook"), "https://graph.facebook.com", "publishing.adapters.facebook.FacebookAdapter"
        ),
        Network(
            "instagram",
            _("Instagram"),
            "https://graph.facebook.com",
            "publishing.adapters.instagram.InstagramAdapter",
            # The Instagram Graph API documents no deletion of a published media (IG Media: read and update only).
            deletes=False,
        ),
        Network("linkedin", _("LinkedIn"), "https://api.linkedin.com", "publishing.adapters.linkedin.LinkedInAdapter"),
        Network(
            "youtube",
            _("YouTube"),
            "https://www.googleapis.com",
            "publishing.adapters.youtube.YouTubeAdapter",
            deletes=False,  # Vitrine sends nothing there yet (videos only)
        ),
        Network("x", _("X (Twitter)"), "https://api.x.com", "publishing.adapters.x.XAdapter", lists_follows=True),
        Network("mastodon", _("Mastodon"), "", "publishing.adapters.mastodon.MastodonAdapter", lists_follows=True),
        Network(
            "bluesky",
            _("Bluesky"),
            "https://bsky.social",
            "publishing.adapters.bluesky.BlueskyAdapter",
            lists_follows=True,
        ),
        # The two the city owns: the feed its website reads (art. 2), and a signed webhook.
        Network("feed", _("Website feed (RSS/Atom)"), "", "publishing.adapters.feed.FeedAdapter", social=False),
        Network("webhook", _("Signed webhook"), "", "publishing.adapters.webhook.WebhookAdapter", social=False),
    )
}


def social_networks() -> list[str]:
    """The codes of the social networks (``Network.social``)."""
    return [network.code for network in NETWORKS.values() if network.social]


def network_choices() -> list[tuple[str, str]]:
    return [(network.code, network.label) for network in NETWORKS.values()]
