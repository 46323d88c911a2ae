"""LinkedIn organization pages: the versioned Posts API, the Images API, and Social Actions comments."""

from __future__ import annotations

import datetime
import re
from urllib.parse import quote

import httpx
from django.utils.translation import gettext as _

from publishing.adapters.base import (
    Comment,
    MediaFile,
    NetworkAdapter,
    OutcomeUnknown,
    Outgoing,
    PermanentError,
    Published,
    created_since,
)

# Monthly ``LinkedIn-Version``; LinkedIn supports each version for at least a year.
API_VERSION = "202610"
# LinkedIn refuses the same content twice from one author and names the first post (422 DUPLICATE_POST).
DUPLICATE = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):\d+)")
# "little text" reserves these characters (they must be escaped, or the commentary is cut short);
# a #word becomes a hashtag.
_LITTLE_TEXT = re.compile(r"#(\w+)|([\\|{}@\[\]()<>#*_~])")


def little_text(text: str) -> str:
    """``text`` in LinkedIn's "little text" format, as ``commentary`` expects and returns it."""
    return _LITTLE_TEXT.sub(lambda m: f"{{hashtag|\\#|{m[1]}}}" if m[1] else f"\\{m[2]}", text)


def commentary_for(outgoing: Outgoing) -> str:
    """The post's ``commentary``: the text readers see (``LinkedInAdapter.sent_text``) in little text."""
    return little_text(LinkedInAdapter.sent_text(outgoing))


def urn_path(urn: str) -> str:
    """A URN as one path segment (Rest.li 2.0 wants it percent-encoded)."""
    return quote(urn, safe="")


class _KeepResponse(httpx.Auth):
    """Keeps the response of one request: ``request()`` returns only the body, and the id of a
    created post is in the ``x-restli-id`` header (an auth flow is httpx's per-request hook)."""

    response: httpx.Response | None = None

    def auth_flow(self, request):
        self.response = yield request


class LinkedInAdapter(NetworkAdapter):
    """A LinkedIn organization page. Credentials: ``{"access_token", "author"}``, ``author`` being the
    organization's URN (``urn:li:organization:123``); the token needs ``w_organization_social``,
    ``r_organization_social`` and ``rw_organization_admin``.

    LinkedIn has no idempotency key, but it refuses the same commentary twice from one author with
    422 ``DUPLICATE_POST`` naming the first post: ``publish`` then returns that post, so a repeated
    attempt never posts twice. ``lookup`` reads the organization's latest posts and matches the exact
    commentary and the creation time.
    """

    network = "linkedin"
    # How many of the organization's latest posts ``lookup`` reads.
    LOOKUP_DEPTH = 20

    @classmethod
    def sent_text(cls, outgoing: Outgoing) -> str:
        """The text, and the post's link after a blank line unless the text holds it already: a post
        made through the API shows no preview of an address (that needs an article with its title,
        which Vitrine does not send), so the link is a plain link in the text (no ``link_card``)."""
        if outgoing.link and outgoing.link not in outgoing.text:
            return f"{outgoing.text}\n\n{outgoing.link}"
        return outgoing.text

    @property
    def author(self) -> str:
        return self.credentials["author"]

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "LinkedIn-Version": API_VERSION, "X-Restli-Protocol-Version": "2.0.0"}

    def error_message(self, response: httpx.Response, payload) -> str:
        message = super().error_message(response, payload)
        code = payload.get("serviceErrorCode") if isinstance(payload, dict) else None
        return f"{message} (serviceErrorCode {code})" if code else message

    def _published(self, urn: str) -> Published:
        return Published(external_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/", summary=f"post {urn}")

    def _upload(self, media: MediaFile) -> dict:
        """Uploads one image (``initializeUpload``, then ``PUT`` the bytes); its ``media`` content entry."""
        upload = self.request(
            "POST",
            "/rest/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": self.author}},
        )["value"]
        self.request("PUT", upload["uploadUrl"], content=media.read(), headers={"Content-Type": media.mime_type})
        return {"id": upload["image"], "altText": media.alt_text}

    def publish(self, outgoing: Outgoing) -> Published:
        post = {
            "author": self.author,
            "commentary": commentary_for(outgoing),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        images = [self._upload(media) for media in outgoing.media]
        if len(images) == 1:
            post["content"] = {"media": images[0]}
        elif images:
            post["content"] = {"multiImage": {"images": images}}
        kept = _KeepResponse()
        try:
            self.request("POST", "/rest/posts", creates=True, json=post, auth=kept)
        except PermanentError as error:
            duplicate = DUPLICATE.search(error.message) if error.status == 422 else None
            if duplicate is None:
                raise
            return self._published(duplicate[1])
        urn = kept.response.headers.get("x-restli-id", "") if kept.response else ""
        if not urn:
            raise OutcomeUnknown(_("LinkedIn accepted the post without saying which one it is (no x-restli-id)."))
        return self._published(urn)

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        answer = self.request(
            "GET",
            "/rest/posts",
            params={"author": self.author, "q": "author", "count": self.LOOKUP_DEPTH, "sortBy": "LAST_MODIFIED"},
            headers={"X-RestLi-Method": "FINDER"},
        )
        wanted = commentary_for(outgoing).strip()
        for post in (answer or {}).get("elements", []):
            if (post.get("commentary") or "").strip() == wanted and created_since(post.get("createdAt"), since):
                return self._published(post["id"])
        return None

    def delete(self, external_id: str) -> None:
        self.request("DELETE", f"/rest/posts/{urn_path(external_id)}", headers={"X-RestLi-Method": "DELETE"})

    def fetch_comments(self, external_id: str) -> list[Comment]:
        answer = self.request("GET", f"/rest/socialActions/{urn_path(external_id)}/comments")
        return [
            Comment(
                external_id=comment["commentUrn"],
                author=comment.get("actor", ""),
                text=(comment.get("message") or {}).get("text", ""),
                created_at=_time((comment.get("created") or {}).get("time")),
                in_reply_to=comment.get("parentComment", ""),
            )
            for comment in (answer or {}).get("elements", [])
        ]

    def hide_comment(self, comment_id: str) -> None:
        raise PermanentError(_("LinkedIn does not let a page hide a comment; delete it on LinkedIn instead."))

    def reply(self, comment_id: str, text: str) -> Published:
        """A nested comment: ``comment_id`` is a comment URN, ``urn:li:comment:(urn:li:activity:1,2)``."""
        activity = comment_id.removeprefix("urn:li:comment:(").rsplit(",", 1)[0]
        answer = self.request(
            "POST",
            f"/rest/socialActions/{urn_path(comment_id)}/comments",
            creates=True,
            json={"actor": self.author, "object": activity, "parentComment": comment_id, "message": {"text": text}},
        )
        return Published(external_id=answer["commentUrn"], summary=f"comment {answer['commentUrn']}")

    def check_credentials(self) -> str:
        organization_id = self.author.rsplit(":", 1)[-1]
        return self.request("GET", f"/rest/organizations/{organization_id}")["localizedName"]


def _time(milliseconds) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(milliseconds / 1000, datetime.UTC) if milliseconds else None
