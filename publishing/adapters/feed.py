"""The city's website feed (RSS/Atom, ``publishing.feeds``): Vitrine serves it itself, so publishing sends nothing.

A version is in the feed as soon as the worker marks it published, and leaves it when it is
removed; the adapter only names the item. Publishing is idempotent by design: the item's
identifier is derived from the idempotency key, and nothing is created anywhere.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from publishing.adapters.base import Comment, LinkCard, NetworkAdapter, Outgoing, PermanentError, Published


class FeedAdapter(NetworkAdapter):
    """No credentials; the feed's address comes from ``settings.SITE_URL``."""

    network = "feed"
    # The feed's items are text: their images are not in it.
    sends_images = False

    # What goes out: the feed item's description is the text (``sent_text`` is the base's; see
    # ``publishing.feeds``), its title the post's title, its link the post's first link.
    @classmethod
    def link_card(cls, outgoing: Outgoing) -> LinkCard | None:
        """The item's link (without one, the feed links the municipality's website)."""
        return LinkCard(outgoing.link, kind="attached") if outgoing.link else None

    def publish(self, outgoing: Outgoing) -> Published:
        url = settings.SITE_URL + reverse("feed_atom")
        return Published(external_id=f"feed-{outgoing.idempotency_key}", url=url, summary=f"feed item at {url}")

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        # The item exists exactly when the version is published, which the worker records itself.
        return self.publish(outgoing)

    def delete(self, external_id: str) -> None:
        """Nothing to do: the item leaves the feed when its version leaves the "published" status."""

    def fetch_comments(self, external_id: str) -> list[Comment]:
        return []

    def hide_comment(self, comment_id: str) -> None:
        raise PermanentError(_("The website feed has no comments."))

    def reply(self, comment_id: str, text: str) -> Published:
        raise PermanentError(_("The website feed has no comments to reply to."))

    def check_credentials(self) -> str:
        return "feed"
