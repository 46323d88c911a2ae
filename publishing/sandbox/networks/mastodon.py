"""Mastodon's REST API as documented at docs.joinmastodon.org (statuses, media, accounts)."""

from __future__ import annotations

import datetime
import hashlib
import html
import re

from publishing.sandbox.following import following, page_of
from publishing.sandbox.server import Received, SandboxResponse, Simulator, State, authenticated

ACCOUNT = {"id": "1", "username": "villemontmagny", "acct": "villemontmagny", "display_name": "Ville de Montmagny"}
# Each access token is an account of its own (``ACCOUNT`` with an id drawn from the token, the same in every
# sandbox), as on a real server, where each channel is an account with its own statuses.
CHARACTER_LIMIT = 500


class MastodonSimulator(Simulator):
    network = "mastodon"

    def routes(self):
        return [
            ("GET", re.compile(r"/api/v1/accounts/verify_credentials"), self.verify_credentials),
            ("POST", re.compile(r"/api/v2/media"), self.upload_media),
            ("POST", re.compile(r"/api/v1/statuses"), self.create_status),
            ("GET", re.compile(r"/api/v1/accounts/(?P<account>[^/]+)/statuses"), self.account_statuses),
            ("GET", re.compile(r"/api/v1/accounts/(?P<account>[^/]+)/following"), self.account_following),
            ("GET", re.compile(r"/api/v1/statuses/(?P<id>[^/]+)/context"), self.context),
            ("DELETE", re.compile(r"/api/v1/statuses/(?P<id>[^/]+)"), self.delete_status),
        ]

    def _account(self, request, state: State) -> dict:
        """The account the request's access token speaks for."""
        return {**ACCOUNT, "id": str(int(hashlib.sha256(request.bearer().encode()).hexdigest()[:12], 16))}

    def _status(self, item: Received) -> dict:
        return {
            "id": item.external_id,
            "created_at": datetime.datetime.fromtimestamp(item.received_at, datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "url": f"https://mastodon.example/@villemontmagny/{item.external_id}",
            "content": f"<p>{html.escape(item.text)}</p>",
            "in_reply_to_id": item.extra.get("in_reply_to_id"),
            "media_attachments": [{"id": media_id} for media_id in item.extra.get("media_ids", [])],
            "account": item.extra.get("account", ACCOUNT),
        }

    @authenticated
    def verify_credentials(self, request, match, state: State):
        return SandboxResponse(200, self._account(request, state))

    @authenticated
    def upload_media(self, request, match, state: State):
        if b'name="file"' not in request.body:
            return self.error(422, "Validation failed: File can't be blank")
        media_id = state.next_id()
        state.scratch[self.network].setdefault("media", set()).add(media_id)
        return SandboxResponse(200, {"id": media_id, "type": "image", "url": f"https://mastodon.example/m/{media_id}"})

    @authenticated
    def create_status(self, request, match, state: State):
        data = (
            request.json()
            if request.headers.get("content-type", "").startswith("application/json")
            else {key: values if key.endswith("[]") else values[0] for key, values in request.form().items()}
        )
        text = data.get("status", "")
        media_ids = data.get("media_ids") or data.get("media_ids[]") or []
        if not text and not media_ids:
            return self.error(422, "Validation failed: Text can't be blank")
        if len(text) > CHARACTER_LIMIT:
            return self.error(422, f"Validation failed: Text character limit of {CHARACTER_LIMIT} exceeded")
        known = state.scratch[self.network].get("media", set())
        if any(media_id not in known for media_id in media_ids):
            return self.error(422, "Validation failed: Media not found")
        key = request.headers.get("idempotency-key", "")
        with state.lock:
            keys = state.scratch[self.network].setdefault("idempotency", {})
            earlier = keys.get(key) if key else None
        if earlier is not None:  # Mastodon answers a repeated Idempotency-Key with the first status
            # …but the request was sent again all the same: recorded, so that a re-send shows (issue 14).
            state.record_resent(earlier, text=text, media_count=len(media_ids))
            return SandboxResponse(200, self._status(earlier))
        kind = "reply" if data.get("in_reply_to_id") else "post"
        item = Received(
            self.network,
            state.next_id(),
            text,
            account=ACCOUNT["acct"],
            idempotency_key=key,
            media_count=len(media_ids),
            kind=kind,
            extra={
                "media_ids": list(media_ids),
                "in_reply_to_id": data.get("in_reply_to_id"),
                "account": self._account(request, state),
            },
        )
        with state.lock:
            if key:
                keys[key] = item
        state.record(item)
        return SandboxResponse(200, self._status(item))

    @authenticated
    def account_statuses(self, request, match, state: State):
        limit = min(40, int(request.query.get("limit", ["20"])[0]))
        account_id = match["account"]
        newest_first = (
            item
            for item in reversed(state.posts(self.network))
            if item.extra.get("account", ACCOUNT)["id"] == account_id
        )
        if max_id := request.query.get("max_id", [""])[0]:  # the next page: statuses older than max_id
            newest_first = (item for item in newest_first if int(item.external_id) < int(max_id))
        statuses = [self._status(item) for item in newest_first][:limit]
        return SandboxResponse(200, statuses)

    @authenticated
    def context(self, request, match, state: State):
        replies = [
            {**self._status(item), "account": {"id": "2", "acct": item.account}}
            for item in state.posts(self.network, kind="comment")
            if item.extra.get("in_reply_to_id") == match["id"]
        ]
        return SandboxResponse(200, {"ancestors": [], "descendants": replies})

    @authenticated
    def delete_status(self, request, match, state: State):
        item = self.find(state, match["id"], "post")
        if item is None:
            return self.error(404, "Record not found")
        item.deleted = True
        return SandboxResponse(200, self._status(item))

    # Whom the account follows (``publishing.sandbox.following``), as docs.joinmastodon.org documents it:
    # ``limit`` accounts a page (40 by default, 80 at most), the next page's address in the ``Link`` header.
    @authenticated
    def account_following(self, request, match, state: State):
        limit = min(80, int(request.query.get("limit", ["40"])[0]))
        accounts = following(state, self.network, request.bearer())
        cursor = request.query.get("max_id", [""])[0]
        page, next_cursor = page_of(accounts, cursor, limit)
        headers = {}
        if next_cursor:  # a follow id on a real server; a position here
            here = f"http://{request.headers.get('host', '127.0.0.1')}/{self.network}{request.path}"
            headers["Link"] = f'<{here}?limit={limit}&max_id={next_cursor}>; rel="next"'
        first = int(cursor or 0)
        return SandboxResponse(
            200, [self._followed(first + offset, account) for offset, account in enumerate(page)], headers
        )

    def _followed(self, position: int, account: dict) -> dict:
        """An Account entity: ``acct`` is ``user`` on this server, ``user@server`` on another."""
        username, _at, server = account["handle"].lstrip("@").partition("@")
        return {
            "id": str(100_000 + position),
            "username": username,
            "acct": f"{username}@{server}" if server else username,
            "display_name": account.get("display_name", ""),
            "url": f"https://{server or 'mastodon.example'}/@{username}",
        }
