"""X (docs.x.com, API v2): posts through ``POST /2/tweets``, images through ``POST /2/media/upload``."""

from __future__ import annotations

import datetime
import html
import time
import unicodedata

from django.utils.translation import gettext as _

from publishing.adapters.base import (
    CLOCK_MARGIN,
    Comment,
    FollowedAccount,
    LinkCard,
    MediaFile,
    NetworkAdapter,
    Outgoing,
    PermanentError,
    Published,
    TemporaryError,
    web_addresses,
)

# X's refusal of a post whose text is the same as one of the account's recent posts (HTTP 403).
DUPLICATE_CONTENT = "duplicate content"
# X's limit on an image description (POST /2/media/metadata).
ALT_TEXT_LIMIT = 1000


def plain_text(tweet: dict) -> str:
    """A tweet's ``text`` as it was written: t.co links expanded, image links dropped, entities unescaped."""
    text = tweet.get("text", "")
    for url in tweet.get("entities", {}).get("urls", []):
        short = url.get("url", "")
        if short:
            text = text.replace(short, "" if url.get("media_key") else url.get("expanded_url", short))
    return unicodedata.normalize("NFC", html.unescape(text)).strip()


def seconds_until(epoch: str | None) -> float | None:
    """An ``x-rate-limit-reset`` header (epoch seconds) as seconds from now."""
    try:
        return max(0.0, float(epoch) - time.time()) if epoch else None
    except ValueError:
        return None


class XAdapter(NetworkAdapter):
    """An X account through API v2, with an OAuth 2.0 user-context token.

    Credentials: ``{"access_token"}`` (scopes ``tweet.read tweet.write users.read media.write``).
    X offers no idempotency key: publishing is made safe by X itself, which refuses a post whose
    text repeats a recent one (403 "duplicate content"); that refusal counts as "already published"
    only when ``lookup`` finds the post among the account's posts of the last ``LOOKUP_WINDOW``.
    """

    network = "x"
    # How far back ``lookup`` reads the account's own posts (count and age).
    LOOKUP_DEPTH = 50
    LOOKUP_WINDOW = datetime.timedelta(days=3)

    # What goes out: the text alone (``sent_text`` is the base's). The post's link is not sent unless
    # the text holds it: X has no link field.
    @classmethod
    def link_card(cls, outgoing: Outgoing) -> LinkCard | None:
        """X makes a card of the last address in the text (read from the page's tags), unless images
        are attached: they take its place."""
        if outgoing.media:
            return None
        addresses = web_addresses(cls.sent_text(outgoing))
        return LinkCard(addresses[-1]) if addresses else None

    # HTTP: X's error bodies, and its rate-limit reset header next to Retry-After.
    def error_message(self, response, payload) -> str:
        if isinstance(payload, dict):
            messages = [error["message"] for error in payload.get("errors") or [] if error.get("message")]
            if messages:
                return " ".join(messages)
            if payload.get("detail") or payload.get("title"):
                return payload.get("detail") or payload["title"]
        return super().error_message(response, payload)

    def retry_after(self, response) -> float | None:
        """The longer of ``Retry-After`` and ``x-rate-limit-reset`` (epoch seconds)."""
        waits = [super().retry_after(response), seconds_until(response.headers.get("x-rate-limit-reset"))]
        return max((wait for wait in waits if wait is not None), default=None)

    # Operations.
    def _published(self, tweet: dict) -> Published:
        return Published(
            external_id=str(tweet["id"]), url=f"https://x.com/i/web/status/{tweet['id']}", summary=f"post {tweet['id']}"
        )

    def _upload(self, media: MediaFile) -> str:
        """One image; an upload left unused by a failed post expires on its own (``expires_after_secs``)."""
        answer = self.request(
            "POST",
            "/2/media/upload",
            files={"media": (media.path.name, media.read(), media.mime_type)},
            data={"media_category": "tweet_image", "media_type": media.mime_type},
        )
        media_id = str(answer["data"]["id"])
        if media.alt_text:
            self.request(
                "POST",
                "/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": media.alt_text[:ALT_TEXT_LIMIT]}}},
            )
        return media_id

    def publish(self, outgoing: Outgoing) -> Published:
        payload: dict = {"text": self.sent_text(outgoing)}
        if outgoing.media:
            payload["media"] = {"media_ids": [self._upload(media) for media in outgoing.media]}
        if outgoing.in_reply_to:
            payload["reply"] = {"in_reply_to_tweet_id": outgoing.in_reply_to}
        try:
            answer = self.request("POST", "/2/tweets", creates=True, json=payload)
        except PermanentError as error:
            if error.status != 403 or DUPLICATE_CONTENT not in error.message:
                raise
            found = self.lookup(outgoing)
            if found is None:
                raise PermanentError(
                    _("X refuses a post identical to one the account already published: change the text (%(detail)s).")
                    % {"detail": error.message},
                    summary=error.summary,
                    status=error.status,
                ) from None
            return found
        return self._published(answer["data"])

    def _me(self) -> dict:
        return self.request("GET", "/2/users/me")["data"]

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        """The account's posts since ``since`` (less the clock margin), or within ``LOOKUP_WINDOW``."""
        since = since - CLOCK_MARGIN if since else datetime.datetime.now(datetime.UTC) - self.LOOKUP_WINDOW
        answer = self.request(
            "GET",
            f"/2/users/{self._me()['id']}/tweets",
            params={
                "max_results": self.LOOKUP_DEPTH,
                "exclude": "retweets",
                "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "tweet.fields": "created_at,entities",
            },
        )
        wanted = unicodedata.normalize("NFC", self.sent_text(outgoing)).strip()
        for tweet in (answer or {}).get("data", []):
            if plain_text(tweet) == wanted:
                return self._published(tweet)
        return None

    def delete(self, external_id: str) -> None:
        """``DELETE /2/tweets/:id`` answers ``{"data": {"deleted": true}}``; anything else is not a removal."""
        answer = self.request("DELETE", f"/2/tweets/{external_id}")
        data = answer.get("data") if isinstance(answer, dict) else None
        if not (isinstance(data, dict) and data.get("deleted") is True):
            raise PermanentError(_("X did not confirm the removal (%(answer)s).") % {"answer": str(answer)[:200]})

    def fetch_comments(self, external_id: str) -> list[Comment]:
        """The replies in the post's conversation; X's recent search covers the last 7 days."""
        answer = (
            self.request(
                "GET",
                "/2/tweets/search/recent",
                params={
                    "query": f"conversation_id:{external_id}",
                    "max_results": 100,
                    "tweet.fields": "author_id,created_at,entities,referenced_tweets",
                    "expansions": "author_id",
                    "user.fields": "username",
                },
            )
            or {}
        )
        usernames = {user["id"]: user.get("username", "") for user in answer.get("includes", {}).get("users", [])}
        return [
            Comment(
                external_id=str(tweet["id"]),
                author=usernames.get(tweet.get("author_id"), ""),
                text=plain_text(tweet),
                created_at=_parse_time(tweet.get("created_at")),
                in_reply_to=next(
                    (ref["id"] for ref in tweet.get("referenced_tweets", []) if ref.get("type") == "replied_to"), ""
                ),
            )
            for tweet in answer.get("data", [])
        ]

    def hide_comment(self, comment_id: str) -> None:
        self.request("PUT", f"/2/tweets/{comment_id}/hidden", json={"hidden": True})

    def reply(self, comment_id: str, text: str) -> Published:
        return self.publish(Outgoing(text=text, idempotency_key=f"reply-{comment_id}", in_reply_to=comment_id))

    def check_credentials(self) -> str:
        return self._me()["username"]

    # Whom the account follows (art. 7). X's largest page, and how many pages are read before giving up (a
    # list that cannot be read to the end proves nothing).
    FOLLOWING_PAGE = 1000
    FOLLOWING_PAGES = 50

    def followed_accounts(self) -> list[FollowedAccount]:
        """``GET /2/users/:id/following`` of the token's user (``/2/users/me``), page after page by
        ``pagination_token`` (``meta.next_token``); a user who follows nobody gets no ``data`` at all."""
        path, params = f"/2/users/{self._me()['id']}/following", {"max_results": self.FOLLOWING_PAGE}
        accounts: list[FollowedAccount] = []
        for _page in range(self.FOLLOWING_PAGES):
            answer = self.request("GET", path, params=params) or {}
            users = answer.get("data") or []
            accounts += [
                FollowedAccount(
                    handle=f"@{user['username']}",
                    display_name=user.get("name") or "",
                    url=f"https://x.com/{user['username']}",
                )
                for user in users
            ]
            next_token = (answer.get("meta") or {}).get("next_token")
            if not users or not next_token:
                return accounts
            params = {**params, "pagination_token": next_token}
        raise TemporaryError(
            _("The account follows more than %(count)d accounts: the list cannot be read to the end.")
            % {"count": self.FOLLOWING_PAGE * self.FOLLOWING_PAGES}
        )


def _parse_time(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None
