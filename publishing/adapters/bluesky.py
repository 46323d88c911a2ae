"""Bluesky (docs.bsky.app, AT Protocol XRPC): posts are ``app.bsky.feed.post`` records in the account's repository."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

import regex
from django.utils.translation import gettext as _

from publishing.adapters.base import (
    AdapterError,
    AuthError,
    Comment,
    FollowedAccount,
    LinkCard,
    MediaFile,
    NetworkAdapter,
    Outgoing,
    PermanentError,
    Published,
    TemporaryError,
    address_spans,
)

POST = "app.bsky.feed.post"
# Record keys of posts are TIDs (atproto.com/specs/tid): 13 characters of this alphabet.
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID_EPOCH = int(datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC).timestamp() * 1_000_000)
_TID_SPAN = 365 * 86400 * 1_000_000
# Hashtags made clickable by facets (links: ``address_spans``, what the Bluesky app detects, without
# bare domains).
_TAG = regex.compile(r"(?<!\S)[#＃](?P<tag>[^\s#＃]*[^\d\s\p{P}][^\s#＃]*)")
_TRAILING = ".,;:!?…'\"»”’"
TAG_LIMIT = 64


def record_key(idempotency_key: str) -> str:
    """A valid TID, the same for every attempt of one publication: the PDS refuses a second record under it."""
    number = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    tid = (_TID_EPOCH + number % _TID_SPAN) << 10 | (number >> 54)
    return "".join(_TID_ALPHABET[(tid >> shift) & 31] for shift in range(60, -1, -5))


def facets(text: str) -> list[dict]:
    """Links and hashtags of ``text`` as rich-text facets, positioned in UTF-8 bytes as the lexicon requires."""

    def span(start: int, end: int) -> dict:
        before = len(text[:start].encode())
        return {"byteStart": before, "byteEnd": before + len(text[start:end].encode())}

    found = []
    for start, end in address_spans(text):
        url = text[start:end]
        uri = url if url.lower().startswith("http") else f"https://{url}"
        feature = {"$type": "app.bsky.richtext.facet#link", "uri": uri}
        found.append({"index": span(start, end), "features": [feature]})
    for match in _TAG.finditer(text):
        tag = match["tag"].rstrip(_TRAILING)
        if tag and len(regex.findall(r"\X", tag)) <= TAG_LIMIT:
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
            found.append({"index": span(match.start(), match.start("tag") + len(tag)), "features": [feature]})
    return sorted(found, key=lambda facet: facet["index"]["byteStart"])


def split_uri(uri: str) -> tuple[str, str, str]:
    """``at://did/collection/rkey`` as (did, collection, rkey)."""
    did, collection, rkey = uri.removeprefix("at://").split("/", 2)
    return did, collection, rkey


@dataclass
class BlueskyAdapter(NetworkAdapter):
    """A Bluesky account on its PDS (``base_url``, https://bsky.social by default), with an app password.

    Credentials: ``{"identifier", "app_password"}`` (the handle or e-mail, and an app password).
    The session (``accessJwt``) is opened on first use and kept on the adapter; when the PDS
    refuses it (``ExpiredToken`` after about two hours) it is renewed once with ``refreshSession``,
    or a new ``createSession`` when the refresh token is spent too, and the call is repeated.

    Idempotency: the post's record key is derived from the idempotency key (``record_key``), so a
    retry cannot make a second post: the PDS refuses a second record under the same key, and
    ``getRecord`` then returns the first one.
    """

    network = "bluesky"
    _session: dict | None = field(default=None, init=False, repr=False)

    # Session and HTTP.
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._session['accessJwt']}"} if self._session else {}

    def error_message(self, response, payload) -> str:
        if isinstance(payload, dict) and payload.get("error"):
            return f"{payload.get('message') or payload['error']} ({payload['error']})"
        return super().error_message(response, payload)

    def is_auth_failure(self, response, payload) -> bool:
        code = payload.get("error") if isinstance(payload, dict) else None
        return response.status_code == 401 or code in ("ExpiredToken", "InvalidToken")

    def _open_session(self) -> dict:
        self._session = None
        self._session = self.request(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            json={
                "identifier": self.credentials.get("identifier", ""),
                "password": self.credentials.get("app_password", ""),
            },
        )
        return self._session

    def _renew_session(self) -> None:
        try:
            self._session = self.request(
                "POST",
                "/xrpc/com.atproto.server.refreshSession",
                headers={"Authorization": f"Bearer {self._session['refreshJwt']}"},
            )
        except AuthError:
            self._open_session()

    def _current_session(self) -> dict:
        return self._session or self._open_session()

    def xrpc(self, method: str, nsid: str, **kwargs):
        """One XRPC call with the session's token; a refused token is renewed once and the call repeated."""
        renewable = self._session is not None
        self._current_session()
        try:
            return self.request(method, f"/xrpc/{nsid}", **kwargs)
        except AuthError:
            if not renewable:
                raise
        self._renew_session()
        return self.request(method, f"/xrpc/{nsid}", **kwargs)

    # Operations.
    def _published(self, uri: str) -> Published:
        _did, _collection, rkey = split_uri(uri)
        handle = self._current_session()["handle"]
        return Published(external_id=uri, url=f"https://bsky.app/profile/{handle}/post/{rkey}", summary=f"record {uri}")

    def _upload(self, media: MediaFile) -> dict:
        """One image blob; a blob no record uses is discarded by the PDS, so a retry is harmless."""
        answer = self.xrpc(
            "POST", "com.atproto.repo.uploadBlob", content=media.read(), headers={"Content-Type": media.mime_type}
        )
        return {"alt": media.alt_text, "image": answer["blob"]}

    def _reply_refs(self, parent_uri: str) -> dict:
        """The ``reply`` of a record answering ``parent_uri``: its parent and its thread's root."""
        [parent] = self.xrpc("GET", "app.bsky.feed.getPosts", params={"uris": parent_uri})["posts"]
        ref = {"uri": parent["uri"], "cid": parent["cid"]}
        return {"root": parent.get("record", {}).get("reply", {}).get("root") or ref, "parent": ref}

    @classmethod
    def link_card(cls, outgoing: Outgoing) -> LinkCard | None:
        """The post's link as an external embed, when it has no images and its text does not hold the
        link already. The Bluesky app shows only what the record says (no page is read): the address
        as title, no description. With images, the images are the embed and the link is not sent."""
        if outgoing.media or not outgoing.link or outgoing.link in outgoing.text:
            return None
        return LinkCard(outgoing.link, kind="embed", title=outgoing.link, description="")

    def _record(self, outgoing: Outgoing) -> dict:
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        text = self.sent_text(outgoing)
        record: dict = {"$type": POST, "text": text, "createdAt": now, "langs": ["fr"]}
        if found := facets(text):
            record["facets"] = found
        card = self.link_card(outgoing)
        if outgoing.media:
            record["embed"] = {"$type": "app.bsky.embed.images", "images": [self._upload(m) for m in outgoing.media]}
        elif card is not None:
            record["embed"] = {
                "$type": "app.bsky.embed.external",
                "external": {"uri": card.url, "title": card.title, "description": card.description},
            }
        if outgoing.in_reply_to:
            record["reply"] = self._reply_refs(outgoing.in_reply_to)
        return record

    def publish(self, outgoing: Outgoing) -> Published:
        record = self._record(outgoing)
        try:
            answer = self.xrpc(
                "POST",
                "com.atproto.repo.createRecord",
                creates=True,
                json={
                    "repo": self._current_session()["did"],
                    "collection": POST,
                    "rkey": record_key(outgoing.idempotency_key),
                    "record": record,
                },
            )
        except (PermanentError, TemporaryError) as error:
            # A record already under this key: a conflict error on recent PDS versions, a 500 on
            # bsky.social today (bluesky-social/atproto#3718). Either way getRecord tells.
            if isinstance(error, AuthError) or error.status == 429 or error.status is None:
                raise
            try:
                found = self.lookup(outgoing)
            except AdapterError:
                found = None
            if found is None:
                raise error
            return found
        return self._published(answer["uri"])

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        try:
            answer = self.xrpc(
                "GET",
                "com.atproto.repo.getRecord",
                params={
                    "repo": self._current_session()["did"],
                    "collection": POST,
                    "rkey": record_key(outgoing.idempotency_key),
                },
            )
        except PermanentError as error:
            if _failed_with(error, "RecordNotFound"):
                return None
            raise
        return self._published(answer["uri"])

    def delete(self, external_id: str) -> None:
        did, collection, rkey = split_uri(external_id)
        self.xrpc("POST", "com.atproto.repo.deleteRecord", json={"repo": did, "collection": collection, "rkey": rkey})

    def fetch_comments(self, external_id: str) -> list[Comment]:
        """Every reply under the post, at any depth (``app.bsky.feed.getPostThread``)."""
        thread = self.xrpc("GET", "app.bsky.feed.getPostThread", params={"uri": external_id, "depth": 100})["thread"]
        comments, pending = [], list(thread.get("replies", []))
        while pending:
            node = pending.pop(0)
            post = node.get("post")
            if post is None:  # a deleted or blocked reply (notFoundPost, blockedPost)
                continue
            record = post.get("record", {})
            comments.append(
                Comment(
                    external_id=post["uri"],
                    author=post.get("author", {}).get("handle", ""),
                    text=record.get("text", ""),
                    created_at=_parse_time(record.get("createdAt")),
                    in_reply_to=record.get("reply", {}).get("parent", {}).get("uri", ""),
                )
            )
            pending += node.get("replies", [])
        return comments

    def hide_comment(self, comment_id: str) -> None:
        raise PermanentError(
            _("Bluesky does not let an account hide one reply; use the thread's reply settings or mute its author.")
        )

    def reply(self, comment_id: str, text: str) -> Published:
        key = "reply:" + hashlib.sha256(f"{comment_id}\n{text}".encode()).hexdigest()
        return self.publish(Outgoing(text=text, idempotency_key=key, in_reply_to=comment_id))

    def check_credentials(self) -> str:
        return self.xrpc("GET", "com.atproto.server.getSession")["handle"]

    # Whom the account follows (art. 7). The lexicon's largest page, and how many pages are read before
    # giving up (a list that cannot be read to the end proves nothing).
    FOLLOWING_PAGE = 100
    FOLLOWING_PAGES = 200

    def followed_accounts(self) -> list[FollowedAccount]:
        """``app.bsky.graph.getFollows`` of the session's account, page after page by ``cursor`` (the PDS
        answers for the AppView)."""
        params = {"actor": self._current_session()["did"], "limit": self.FOLLOWING_PAGE}
        accounts: list[FollowedAccount] = []
        for _page in range(self.FOLLOWING_PAGES):
            answer = self.xrpc("GET", "app.bsky.graph.getFollows", params=params) or {}
            follows = answer.get("follows") or []
            accounts += [
                FollowedAccount(
                    handle=f"@{profile['handle']}",
                    display_name=profile.get("displayName") or "",
                    url=f"https://bsky.app/profile/{profile['handle']}",
                )
                for profile in follows
            ]
            if not follows or not answer.get("cursor"):
                return accounts
            params = {**params, "cursor": answer["cursor"]}
        raise TemporaryError(
            _("The account follows more than %(count)d accounts: the list cannot be read to the end.")
            % {"count": self.FOLLOWING_PAGE * self.FOLLOWING_PAGES}
        )


def _failed_with(error: AdapterError, code: str) -> bool:
    """Whether the PDS named ``code`` as the error (``error_message`` ends with it)."""
    return f"({code})" in error.message


def _parse_time(value: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
