"""Facebook Pages through the Graph API: feed posts, photos attached to them, and the Page's comments."""

from __future__ import annotations

import datetime
import json

from publishing.adapters.base import (
    Comment,
    LinkCard,
    MediaFile,
    Outgoing,
    Published,
    created_since,
    web_addresses,
)
from publishing.adapters.graph import GraphAdapter, graph_time


def message_for(outgoing: Outgoing) -> str:
    """The post's message: its text, and its link too when photos take the place of the link preview."""
    if outgoing.media and outgoing.link and outgoing.link not in outgoing.text:
        return f"{outgoing.text}\n\n{outgoing.link}"
    return outgoing.text


class FacebookAdapter(GraphAdapter):
    """A Facebook Page. Credentials: ``{"page_id", "access_token"}`` (a Page access token with
    ``pages_manage_posts``, ``pages_read_engagement`` and ``pages_manage_engagement``).

    Graph has no idempotency key, so publishing is safe by design instead: images are first
    uploaded as unpublished photos (invisible; a lost answer is simply retried), then a single
    ``POST /{page-id}/feed`` makes the visible post. Only that call can leave the outcome unknown,
    and ``lookup`` (the Page's recent posts, matched on their exact message) settles it before
    any retry.
    """

    network = "facebook"
    # How many of the Page's latest posts ``lookup`` reads.
    LOOKUP_DEPTH = 25

    @classmethod
    def sent_text(cls, outgoing: Outgoing) -> str:
        return message_for(outgoing)

    @classmethod
    def link_card(cls, outgoing: Outgoing) -> LinkCard | None:
        """Without photos, Facebook previews the post's link (sent as ``link``), or else the first
        address of the message; photos take the preview's place (the link is then in the message)."""
        if outgoing.media:
            return None
        url = outgoing.link or next(iter(web_addresses(outgoing.text)), "")
        return LinkCard(url) if url else None

    @property
    def page_id(self) -> str:
        return self.credentials["page_id"]

    def _published(self, post_id: str, url: str = "") -> Published:
        return Published(
            external_id=post_id, url=url or f"https://www.facebook.com/{post_id}", summary=f"post {post_id}"
        )

    def _upload(self, media: MediaFile) -> str:
        photo = self.request(
            "POST",
            self.graph(self.page_id, "photos"),
            files={"source": (media.path.name, media.read(), media.mime_type)},
            data={"published": "false", "alt_text_custom": media.alt_text},
        )
        return str(photo["id"])

    def publish(self, outgoing: Outgoing) -> Published:
        data = {"message": self.sent_text(outgoing)}
        for index, media in enumerate(outgoing.media):
            data[f"attached_media[{index}]"] = json.dumps({"media_fbid": self._upload(media)})
        if outgoing.link and not outgoing.media:
            data["link"] = outgoing.link
        post = self.request("POST", self.graph(self.page_id, "feed"), creates=True, data=data)
        return self._published(str(post["id"]))

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        answer = self.request(
            "GET",
            self.graph(self.page_id, "posts"),
            params={"fields": "id,message,permalink_url,created_time", "limit": self.LOOKUP_DEPTH},
        )
        wanted = self.sent_text(outgoing).strip()
        for post in (answer or {}).get("data", []):
            if (post.get("message") or "").strip() == wanted and created_since(post.get("created_time"), since):
                return self._published(str(post["id"]), post.get("permalink_url", ""))
        return None

    def delete(self, external_id: str) -> None:
        self.request("DELETE", self.graph(external_id))

    def fetch_comments(self, external_id: str) -> list[Comment]:
        """Every comment and reply, oldest first (``filter=stream``), each with the comment it answers."""
        answer = self.request(
            "GET",
            self.graph(external_id, "comments"),
            params={"fields": "id,from,message,created_time,parent", "filter": "stream", "limit": 100},
        )
        return [
            Comment(
                external_id=str(comment["id"]),
                author=(comment.get("from") or {}).get("name", ""),
                text=comment.get("message", ""),
                created_at=graph_time(comment.get("created_time")),
                in_reply_to=str((comment.get("parent") or {}).get("id", "")),
            )
            for comment in (answer or {}).get("data", [])
        ]

    def hide_comment(self, comment_id: str) -> None:
        self.request("POST", self.graph(comment_id), data={"is_hidden": "true"})

    def reply(self, comment_id: str, text: str) -> Published:
        answer = self.request("POST", self.graph(comment_id, "comments"), creates=True, data={"message": text})
        return Published(external_id=str(answer["id"]), summary=f"comment {answer['id']}")

    def check_credentials(self) -> str:
        return self.request("GET", self.graph(self.page_id), params={"fields": "name"})["name"]
