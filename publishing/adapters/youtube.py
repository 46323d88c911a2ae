"""YouTube: listed among the city's official accounts (Annexe 1), but its API publishes videos only.

Vitrine's posts are texts and images; YouTube's community posts have no public API. Until Vitrine
handles videos (the Data API's resumable ``videos.insert``), every publication here is refused with
a clear reason instead of being reported as sent.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from publishing.adapters.base import Comment, NetworkAdapter, Outgoing, PermanentError, Published


def _videos_only() -> str:
    return _("YouTube publishes videos only, which Vitrine does not send yet; post it on YouTube.")


class YouTubeAdapter(NetworkAdapter):
    network = "youtube"
    sends_images = False

    @classmethod
    def refusal(cls, outgoing: Outgoing) -> str:
        return _videos_only()

    def _unsupported(self):
        return PermanentError(_videos_only())

    def publish(self, outgoing: Outgoing) -> Published:
        raise self._unsupported()

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        return None

    def delete(self, external_id: str) -> None:
        raise self._unsupported()

    def fetch_comments(self, external_id: str) -> list[Comment]:
        return []

    def hide_comment(self, comment_id: str) -> None:
        raise self._unsupported()

    def reply(self, comment_id: str, text: str) -> Published:
        raise self._unsupported()

    def check_credentials(self) -> str:
        return "youtube"
