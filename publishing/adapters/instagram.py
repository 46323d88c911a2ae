"""Instagram professional accounts through the Graph API: the two-step container publish, and comments."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.utils.translation import gettext as _

from publishing.adapters.base import (
    AdapterError,
    Comment,
    MediaFile,
    Outgoing,
    PermanentError,
    Published,
    created_since,
)
from publishing.adapters.graph import GraphAdapter, graph_time


class InstagramAdapter(GraphAdapter):
    """An Instagram professional account linked to a Facebook Page. Credentials:
    ``{"ig_user_id", "access_token", "media_base_url"}``.

    Instagram fetches images itself by URL: each rendition (``MEDIA_ROOT/renditions/instagram/``)
    must be served publicly as ``{media_base_url}/{file name}`` (for instance
    ``https://vitrine.example/media/renditions/instagram``) when the container is created.

    Publishing is two steps, neither with an idempotency key. ``POST /{ig-user-id}/media``
    makes an unpublished container (one per image and a carousel around them when there are
    several): it is invisible and expires after 24 hours, so repeating it is harmless and a lost
    answer is only a temporary error. ``POST /{ig-user-id}/media_publish`` makes the post; before
    anything, ``publish`` asks ``lookup`` (the account's recent media, matched on the exact caption)
    whether an earlier attempt already published it. A consequence: a caption identical to one
    of the latest posts counts as that post.
    """

    network = "instagram"
    # How many of the account's latest media ``lookup`` reads.
    LOOKUP_DEPTH = 25

    # What goes out: the text alone as the caption (``sent_text`` is the base's); Instagram makes no
    # link in a caption clickable and shows no card, so the post's link is not sent.
    @classmethod
    def refusal(cls, outgoing: Outgoing) -> str:
        return "" if outgoing.media else _("Instagram needs an image.")

    @property
    def user_id(self) -> str:
        return self.credentials["ig_user_id"]

    def image_url(self, media: MediaFile) -> str:
        return f"{self.credentials['media_base_url'].rstrip('/')}/{quote(media.path.name)}"

    def _published(self, media: dict) -> Published:
        return Published(external_id=str(media["id"]), url=media.get("permalink", ""), summary=f"media {media['id']}")

    def _container(self, **data) -> str:
        return str(self.request("POST", self.graph(self.user_id, "media"), data=data)["id"])

    def _image(self, media: MediaFile, **data) -> str:
        return self._container(image_url=self.image_url(media), alt_text=media.alt_text, **data)

    def publish(self, outgoing: Outgoing) -> Published:
        if refusal := self.refusal(outgoing):
            raise PermanentError(refusal)
        earlier = self.lookup(outgoing)
        if earlier is not None:
            return earlier
        if len(outgoing.media) == 1:
            container = self._image(outgoing.media[0], caption=self.sent_text(outgoing))
        else:
            children = [self._image(media, is_carousel_item="true") for media in outgoing.media]
            container = self._container(
                media_type="CAROUSEL", children=",".join(children), caption=self.sent_text(outgoing)
            )
        media = self.request(
            "POST", self.graph(self.user_id, "media_publish"), creates=True, data={"creation_id": container}
        )
        return self._published({"id": media["id"], "permalink": self._permalink(str(media["id"]))})

    def _permalink(self, media_id: str) -> str:
        """The post's address; the post exists whatever happens here, so a failure only leaves it unknown."""
        try:
            answer = self.request("GET", self.graph(media_id), params={"fields": "permalink"})
        except AdapterError:
            return ""
        return (answer or {}).get("permalink", "")

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        answer = self.request(
            "GET",
            self.graph(self.user_id, "media"),
            params={"fields": "id,caption,permalink,timestamp", "limit": self.LOOKUP_DEPTH},
        )
        wanted = self.sent_text(outgoing).strip()
        for media in (answer or {}).get("data", []):
            if (media.get("caption") or "").strip() == wanted and created_since(media.get("timestamp"), since):
                return self._published(media)
        return None

    def delete(self, external_id: str) -> None:
        raise PermanentError(_("Instagram's API cannot delete a post: remove it in the Instagram app."))

    def fetch_comments(self, external_id: str) -> list[Comment]:
        """The media's comments and their replies (Instagram nests replies one level deep)."""
        fields = "id,text,username,timestamp,replies{id,text,username,timestamp}"
        answer = self.request("GET", self.graph(external_id, "comments"), params={"fields": fields, "limit": 100})
        comments = []
        for comment in (answer or {}).get("data", []):
            comments.append(self._comment(comment))
            replies = (comment.get("replies") or {}).get("data", [])
            comments += [self._comment(reply, in_reply_to=str(comment["id"])) for reply in replies]
        return comments

    def _comment(self, comment: dict, in_reply_to: str = "") -> Comment:
        return Comment(
            external_id=str(comment["id"]),
            author=comment.get("username", ""),
            text=comment.get("text", ""),
            created_at=graph_time(comment.get("timestamp")),
            in_reply_to=in_reply_to,
        )

    def hide_comment(self, comment_id: str) -> None:
        self.request("POST", self.graph(comment_id), data={"hide": "true"})

    def reply(self, comment_id: str, text: str) -> Published:
        answer = self.request("POST", self.graph(comment_id, "replies"), creates=True, data={"message": text})
        return Published(external_id=str(answer["id"]), summary=f"comment {answer['id']}")

    def check_credentials(self) -> str:
        return self.request("GET", self.graph(self.user_id), params={"fields": "username"})["username"]
