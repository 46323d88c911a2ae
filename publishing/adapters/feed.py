"""The city's website feed (RSS/Atom, ``publishing.feeds``): Vitrine serves it itself, so publishing sends nothing.

A version is in the feed as soon as the worker marks it published, and leaves it when it is
removed; the adapter only names the item. Publishing is idempotent by design: the item's
identifier is derived from the idempotency key, and nothing is created anywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from publishing.adapters.base import Comment, NetworkAdapter, Outgoing, PermanentError, Published


class FeedAdapter(NetworkAdapter):
    """No credentials; the feed's address comes from ``settings.SITE_URL``."""

    network = "feed"

    def publish(self, outgoing: Outgoing) -> Published:
        url = settings.SITE_URL + reverse("feed_atom")
        return Published(external_id=f"feed-{outgoing.idempotency_key}", url=url, summary=f"feed item at {url}")

    def lookup(self, outgoing: Outgoing) -> Published | None:
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
