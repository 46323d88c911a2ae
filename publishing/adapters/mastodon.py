"""Mastodon (docs.joinmastodon.org): statuses with ``Idempotency-Key``, media through ``/api/v2/media``."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import html
import re

import httpx
from django.utils.translation import gettext as _

from publishing.adapters.base import (
    Comment,
    FollowedAccount,
    LinkCard,
    NetworkAdapter,
    Outgoing,
    PermanentError,
    Published,
    TemporaryError,
    created_since,
    web_addresses,
)

_TAGS = re.compile(r"<[^>]+>")


def plain_text(content: str) -> str:
    """A status's HTML ``content`` as the text that was posted."""
    return html.unescape(_TAGS.sub("", content.replace("<br>", "\n").replace("</p><p>", "\n\n"))).strip()


# The account ids looked up, by server and token digest (``MastodonAdapter._account_id``).
_ACCOUNT_IDS: dict[tuple[str, str], str] = {}


class MastodonAdapter(NetworkAdapter):
    network = "mastodon"
    # ``lookup`` reads the account's statuses by pages of LOOKUP_DEPTH (Mastodon's largest), back to the
    # time of the call; past LOOKUP_PAGES pages it cannot say "absent", and the outcome stays unknown.
    LOOKUP_DEPTH = 40
    LOOKUP_PAGES = 10

    # What goes out: the text alone (``sent_text`` is the base's). The post's link is not sent unless
    # the text holds it: a status has no link field.
    @classmethod
    def link_card(cls, outgoing: Outgoing) -> LinkCard | None:
        """The server makes a preview card of the first address in the text (read from the page's
        tags), only for a status without media."""
        if outgoing.media:
            return None
        addresses = web_addresses(cls.sent_text(outgoing))
        return LinkCard(addresses[0]) if addresses else None

    def _published(self, status: dict) -> Published:
        return Published(external_id=str(status["id"]), url=status.get("url") or "", summary=f"status {status['id']}")

    def _upload(self, media) -> str:
        answer = self.request(
            "POST",
            "/api/v2/media",
            creates=True,
            files={"file": (media.path.name, media.read(), media.mime_type)},
            data={"description": media.alt_text},
        )
        return str(answer["id"])

    def publish(self, outgoing: Outgoing) -> Published:
        media_ids = [self._upload(media) for media in outgoing.media]
        payload = {"status": self.sent_text(outgoing), "visibility": "public", "language": "fr", "media_ids": media_ids}
        if outgoing.in_reply_to:
            payload["in_reply_to_id"] = outgoing.in_reply_to
        status = self.request(
            "POST",
            "/api/v1/statuses",
            creates=True,
            json=payload,
            headers={"Idempotency-Key": outgoing.idempotency_key},
        )
        return self._published(status)

    def _account_id(self) -> str:
        """The id of the account the token speaks for: asked once per server and token in a process (an
        account's id never changes; a new token is asked anew), not before every look-up."""
        key = (self.base_url, hashlib.sha256(self.credentials.get("access_token", "").encode()).hexdigest())
        if key not in _ACCOUNT_IDS:
            _ACCOUNT_IDS[key] = str(self.request("GET", "/api/v1/accounts/verify_credentials")["id"])
        return _ACCOUNT_IDS[key]

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        """The account's latest statuses, matched by text and creation time. (Publishing again with the same
        ``Idempotency-Key`` would also answer, but only within the hour Mastodon keeps the key: past it,
        a second status; so Vitrine only looks.) Newest first, page after page (``max_id``) while the page
        is full and still newer than ``since``."""
        path, wanted = f"/api/v1/accounts/{self._account_id()}/statuses", self.sent_text(outgoing).strip()
        params = {"limit": self.LOOKUP_DEPTH}
        for _page in range(self.LOOKUP_PAGES):
            statuses = self.request("GET", path, params=params) or []
            for status in statuses:
                if plain_text(status.get("content", "")) == wanted and created_since(status.get("created_at"), since):
                    return self._published(status)
            if len(statuses) < self.LOOKUP_DEPTH or not created_since(statuses[-1].get("created_at"), since):
                return None
            params = {"limit": self.LOOKUP_DEPTH, "max_id": statuses[-1]["id"]}
        raise TemporaryError(
            _("The account posted more than %(count)d statuses since the call: it cannot be looked up to the end.")
            % {"count": self.LOOKUP_DEPTH * self.LOOKUP_PAGES}
        )

    def delete(self, external_id: str) -> None:
        self.request("DELETE", f"/api/v1/statuses/{external_id}")

    def fetch_comments(self, external_id: str) -> list[Comment]:
        context = self.request("GET", f"/api/v1/statuses/{external_id}/context")
        return [
            Comment(
                external_id=str(status["id"]),
                author=status.get("account", {}).get("acct", ""),
                text=plain_text(status.get("content", "")),
                in_reply_to=str(status.get("in_reply_to_id") or ""),
            )
            for status in (context or {}).get("descendants", [])
        ]

    def hide_comment(self, comment_id: str) -> None:
        raise PermanentError(_("Mastodon does not let an account hide a reply; block or report its author instead."))

    def reply(self, comment_id: str, text: str) -> Published:
        return self.publish(
            Outgoing(text=text, idempotency_key=f"reply-{comment_id}-{hash(text)}", in_reply_to=comment_id)
        )

    def check_credentials(self) -> str:
        return self.request("GET", "/api/v1/accounts/verify_credentials")["acct"]

    # Whom the account follows (art. 7). Mastodon's largest page of accounts, and how many pages are read
    # before giving up (a list that cannot be read to the end proves nothing).
    FOLLOWING_PAGE = 80
    FOLLOWING_PAGES = 250

    def followed_accounts(self) -> list[FollowedAccount]:
        """``GET /api/v1/accounts/:id/following``, page after page by the ``Link`` header's ``next`` address
        (pages are keyed by follow ids, which the accounts do not carry), on the account's own server only:
        the token never goes to another host."""
        links = _LinkReader(self.client)
        reader = dataclasses.replace(self, client=links)
        path, params = f"/api/v1/accounts/{self._account_id()}/following", {"limit": self.FOLLOWING_PAGE}
        host = httpx.URL(self.url("/")).host
        accounts: list[FollowedAccount] = []
        for _page in range(self.FOLLOWING_PAGES):
            page = reader.request("GET", path, params=params) or []
            accounts += [self._followed(account) for account in page]
            following = links.next_url()
            if not page or not following:
                return accounts
            if httpx.URL(following).host != host:
                raise PermanentError(
                    _("The server sent the next page of followed accounts to another host (%(host)s).")
                    % {"host": httpx.URL(following).host}
                )
            path, params = following, None
        raise TemporaryError(
            _("The account follows more than %(count)d accounts: the list cannot be read to the end.")
            % {"count": self.FOLLOWING_PAGE * self.FOLLOWING_PAGES}
        )

    def _followed(self, account: dict) -> FollowedAccount:
        """A local account's ``acct`` has no domain: the profile's address gives it, so that every handle reads
        ``@user@server``."""
        acct, url = account.get("acct") or account.get("username", ""), account.get("url") or ""
        if "@" not in acct:
            acct = f"{acct}@{httpx.URL(url or self.base_url).host}"
        return FollowedAccount(handle=f"@{acct}", display_name=account.get("display_name") or "", url=url)


class _LinkReader:
    """The adapter's HTTP client, keeping the ``Link`` header of the last answer (``request()`` returns the body
    only). One per listing: never shared between threads."""

    def __init__(self, client: httpx.Client):
        self.client = client
        self.links: dict = {}

    def request(self, *args, **kwargs) -> httpx.Response:
        response = self.client.request(*args, **kwargs)
        self.links = response.links
        return response

    def next_url(self) -> str:
        return (self.links.get("next") or {}).get("url", "")
