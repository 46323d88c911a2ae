"""Bluesky's XRPC API as documented at docs.bsky.app: sessions, repository records, blobs, threads.

Sessions expire on demand: a test marks tokens of ``scratch["bluesky"]["tokens"]`` as ``expired``.
A second ``createRecord`` under an existing record key answers 500 InternalServerError, as
bsky.social does today (bluesky-social/atproto#3718).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import time

import regex

from publishing.sandbox.following import following, page_of
from publishing.sandbox.server import Received, SandboxRequest, SandboxResponse, Simulator, State, authenticated

ACCOUNT = {"did": "did:plc:villemontmagny", "handle": "villemontmagny.bsky.social", "displayName": "Ville de Montmagny"}
POST = "app.bsky.feed.post"
GRAPHEME_LIMIT = 300
BYTE_LIMIT = 3000
IMAGE_LIMIT = 4
RATE_LIMIT_RESET_SECONDS = 60
_TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")
# XRPC error names by HTTP status (atproto.com/specs/xrpc), and the messages of named errors.
_CODES = {
    400: "InvalidRequest",
    401: "AuthenticationRequired",
    403: "Forbidden",
    404: "NotFound",
    413: "PayloadTooLarge",
    429: "RateLimitExceeded",
    500: "InternalServerError",
    501: "MethodNotImplemented",
    502: "UpstreamFailure",
    503: "NotEnoughResources",
    504: "UpstreamTimeout",
}
_MESSAGES = {"ExpiredToken": "Token has expired", "InvalidToken": "Token could not be verified"}
# Every record of the repository is a post, whoever wrote it.
RECORD_KINDS = ("post", "reply", "comment")


def cid(value) -> str:
    return "bafyrei" + hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:52]


def next_tid(clock_id: int) -> str:
    """A TID for now (atproto.com/specs/tid): microseconds and a clock id, in base32-sortable."""
    tid = (time.time_ns() // 1000) << 10 | clock_id % 1024
    return "".join("234567abcdefghijklmnopqrstuvwxyz"[(tid >> shift) & 31] for shift in range(60, -1, -5))


class BlueskySimulator(Simulator):
    network = "bluesky"

    def routes(self):
        xrpc = "/xrpc/"
        return [
            ("POST", re.compile(xrpc + r"com\.atproto\.server\.createSession"), self.create_session),
            ("POST", re.compile(xrpc + r"com\.atproto\.server\.refreshSession"), self.refresh_session),
            ("GET", re.compile(xrpc + r"com\.atproto\.server\.getSession"), self.get_session),
            ("POST", re.compile(xrpc + r"com\.atproto\.repo\.uploadBlob"), self.upload_blob),
            ("POST", re.compile(xrpc + r"com\.atproto\.repo\.createRecord"), self.create_record),
            ("GET", re.compile(xrpc + r"com\.atproto\.repo\.getRecord"), self.get_record),
            ("POST", re.compile(xrpc + r"com\.atproto\.repo\.deleteRecord"), self.delete_record),
            ("GET", re.compile(xrpc + r"app\.bsky\.feed\.getPostThread"), self.get_post_thread),
            ("GET", re.compile(xrpc + r"app\.bsky\.feed\.getPosts"), self.get_posts),
            ("GET", re.compile(xrpc + r"app\.bsky\.graph\.getFollows"), self.get_follows),
        ]

    # Errors: ``{"error", "message"}``; a fault's message may be an error name (``"ExpiredToken"``).
    def error(self, status: int, message: str) -> SandboxResponse:
        if message in _MESSAGES:
            return self.xrpc_error(status, message, _MESSAGES[message])
        response = self.xrpc_error(status, _CODES.get(status, "InternalServerError"), message)
        if status == 429:
            response.headers.update(
                {
                    "RateLimit-Limit": "5000",
                    "RateLimit-Remaining": "0",
                    "RateLimit-Reset": str(int(time.time()) + RATE_LIMIT_RESET_SECONDS),
                    "RateLimit-Policy": "5000;w=3600",
                }
            )
        return response

    def xrpc_error(self, status: int, code: str, message: str) -> SandboxResponse:
        return SandboxResponse(status, {"error": code, "message": message})

    def unauthorised(self) -> SandboxResponse:
        return self.xrpc_error(401, "AuthenticationRequired", "Authentication Required")

    # Sessions.
    def _tokens(self, state: State) -> dict:
        return state.scratch[self.network].setdefault("tokens", {})

    def _new_session(self, state: State) -> dict:
        tokens = self._tokens(state)
        number = state.next_id()
        access, refresh = f"access-{number}", f"refresh-{number}"
        with state.lock:
            tokens[access] = {"kind": "access", "expired": False}
            tokens[refresh] = {"kind": "refresh", "expired": False}
        return {**ACCOUNT, "accessJwt": access, "refreshJwt": refresh, "active": True}

    def refusal(self, request: SandboxRequest, state: State, kind: str = "access") -> SandboxResponse | None:
        """Why the bearer token (of this kind: "access" or "refresh") is refused, or None when it is accepted."""
        token = request.bearer()
        if not token:
            return self.unauthorised()
        known = self._tokens(state).get(token)
        if known is None or known["kind"] != kind:
            return self.xrpc_error(401, "InvalidToken", _MESSAGES["InvalidToken"])
        if known["expired"]:
            return self.xrpc_error(400, "ExpiredToken", _MESSAGES["ExpiredToken"])
        return None

    def create_session(self, request, match, state: State):
        data = request.json()
        if not data.get("identifier") or not self.valid_token(data.get("password", "")):
            return self.xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return SandboxResponse(200, self._new_session(state))

    def refresh_session(self, request, match, state: State):
        if refused := self.refusal(request, state, "refresh"):
            return refused
        with state.lock:
            del self._tokens(state)[request.bearer()]  # a refresh token is used once
        return SandboxResponse(200, self._new_session(state))

    @authenticated
    def get_session(self, request, match, state: State):
        return SandboxResponse(200, {"did": ACCOUNT["did"], "handle": ACCOUNT["handle"]})

    # Records.
    def _post_view(self, item: Received) -> dict:
        return {
            "uri": item.external_id,
            "cid": item.extra["cid"],
            "author": {"did": item.extra.get("did", ACCOUNT["did"]), "handle": item.account},
            "record": item.extra["record"],
            "indexedAt": datetime.datetime.fromtimestamp(item.received_at, datetime.UTC).isoformat(),
        }

    @authenticated
    def upload_blob(self, request, match, state: State):
        if not request.body:
            return self.xrpc_error(400, "InvalidRequest", "Request body is empty")
        blob_cid = "bafkrei" + hashlib.sha256(request.body).hexdigest()[:52]
        state.scratch[self.network].setdefault("blobs", set()).add(blob_cid)
        mime_type = request.headers.get("content-type", "application/octet-stream")
        return SandboxResponse(
            200,
            {"blob": {"$type": "blob", "ref": {"$link": blob_cid}, "mimeType": mime_type, "size": len(request.body)}},
        )

    def _invalid_post(self, record: dict, state: State) -> str | None:
        """The PDS's lexicon validation of an ``app.bsky.feed.post`` record (the checks that matter here)."""
        text = record.get("text", "")
        if record.get("$type") != POST:
            return f"Invalid {POST} record: Record/$type must be {POST}"
        if not record.get("createdAt"):
            return f'Invalid {POST} record: Record must have the property "createdAt"'
        if len(text.encode()) > BYTE_LIMIT:
            return f"Invalid {POST} record: Record/text must not be longer than {BYTE_LIMIT} characters"
        if len(regex.findall(r"\X", text)) > GRAPHEME_LIMIT:
            return f"Invalid {POST} record: Record/text must not be longer than {GRAPHEME_LIMIT} graphemes"
        for number, facet in enumerate(record.get("facets", [])):
            index = facet["index"]
            if not 0 <= index["byteStart"] <= index["byteEnd"] <= len(text.encode()):
                return f"Invalid {POST} record: Record/facets/{number}/index is out of the text"
        images = record.get("embed", {}).get("images", [])
        if len(images) > IMAGE_LIMIT:
            return f"Invalid {POST} record: Record/embed/images must not have more than {IMAGE_LIMIT} elements"
        known = state.scratch[self.network].get("blobs", set())
        for image in images:
            if image["image"]["ref"]["$link"] not in known:
                return f"Could not find blob: {image['image']['ref']['$link']}"
        return None

    @authenticated
    def create_record(self, request, match, state: State):
        data = request.json()
        if data.get("repo") not in (ACCOUNT["did"], ACCOUNT["handle"]):
            return self.xrpc_error(400, "InvalidRequest", "Could not find repo")
        if data.get("collection") != POST:
            return self.xrpc_error(400, "InvalidRequest", f"Unsupported collection: {data.get('collection')}")
        rkey = data.get("rkey") or next_tid(int(state.next_id()))
        if not _TID.fullmatch(rkey):
            return self.xrpc_error(400, "InvalidRequest", f"Invalid {POST} record key: {rkey}")
        record = data.get("record") or {}
        if problem := self._invalid_post(record, state):
            return self.xrpc_error(400, "InvalidRequest", problem)
        uri = f"at://{ACCOUNT['did']}/{POST}/{rkey}"
        with state.lock:
            taken = any(item.external_id == uri for item in state.received if item.network == self.network)
        if taken:
            return self.xrpc_error(500, "InternalServerError", "Internal Server Error")
        parent = record.get("reply", {}).get("parent", {}).get("uri")
        if parent and self.find(state, parent, *RECORD_KINDS) is None:
            return self.xrpc_error(400, "InvalidRequest", f"Could not find parent post: {parent}")
        item = Received(
            self.network,
            uri,
            record.get("text", ""),
            account=ACCOUNT["handle"],
            idempotency_key=rkey,
            media_count=len(record.get("embed", {}).get("images", [])),
            kind="reply" if parent else "post",
            extra={"record": record, "cid": cid(record), "rkey": rkey},
        )
        state.record(item)
        commit = {"cid": cid(uri), "rev": rkey}
        return SandboxResponse(
            200, {"uri": uri, "cid": item.extra["cid"], "commit": commit, "validationStatus": "valid"}
        )

    def get_record(self, request, match, state: State):
        query = {key: values[0] for key, values in request.query.items()}
        uri = f"at://{query['repo']}/{query['collection']}/{query['rkey']}"
        item = self.find(state, uri.replace(ACCOUNT["handle"], ACCOUNT["did"]), *RECORD_KINDS)
        if item is None:
            return self.xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return SandboxResponse(200, {"uri": item.external_id, "cid": item.extra["cid"], "value": item.extra["record"]})

    @authenticated
    def delete_record(self, request, match, state: State):
        data = request.json()
        if data.get("repo") not in (ACCOUNT["did"], ACCOUNT["handle"]):
            return self.xrpc_error(400, "InvalidRequest", "Could not find repo")
        item = self.find(state, f"at://{ACCOUNT['did']}/{data['collection']}/{data['rkey']}", *RECORD_KINDS)
        if item is not None:  # deleting a record that is not there succeeds too
            item.deleted = True
        return SandboxResponse(200, {"commit": {"cid": cid(data), "rev": data["rkey"]}})

    # The AppView's views, served through the PDS.
    def _thread(self, item: Received, state: State, depth: int) -> dict:
        replies = [
            child
            for child in self.items(state, *RECORD_KINDS)
            if child.extra["record"].get("reply", {}).get("parent", {}).get("uri") == item.external_id
        ]
        return {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": {**self._post_view(item), "replyCount": len(replies)},
            "replies": [self._thread(child, state, depth - 1) for child in replies] if depth > 0 else [],
        }

    @authenticated
    def get_post_thread(self, request, match, state: State):
        uri = request.query["uri"][0]
        item = self.find(state, uri, *RECORD_KINDS)
        if item is None:
            return self.xrpc_error(400, "NotFound", f"Post not found: {uri}")
        depth = int(request.query.get("depth", ["6"])[0])
        return SandboxResponse(200, {"thread": self._thread(item, state, depth)})

    @authenticated
    def get_posts(self, request, match, state: State):
        found = (self.find(state, uri, *RECORD_KINDS) for uri in request.query.get("uris", []))
        return SandboxResponse(200, {"posts": [self._post_view(item) for item in found if item is not None]})

    # Whom an actor follows (``publishing.sandbox.following``, seeded per actor), as the lexicon
    # app.bsky.graph.getFollows says: ``limit`` profiles a page (50 by default, 1 to 100), a ``cursor`` while
    # more remain.
    @authenticated
    def get_follows(self, request, match, state: State):
        actor = request.query.get("actor", [""])[0]
        size = int(request.query.get("limit", ["50"])[0])
        if not actor or not 1 <= size <= 100:
            return self.xrpc_error(400, "InvalidRequest", "Input/actor and Input/limit (1 to 100) are required")
        page, cursor = page_of(following(state, self.network, actor), request.query.get("cursor", [""])[0], size)
        subject = {"did": ACCOUNT["did"], "handle": ACCOUNT["handle"], "displayName": ACCOUNT["displayName"]}
        follows = [
            {
                "did": "did:plc:" + hashlib.sha256(account["handle"].encode()).hexdigest()[:24],
                "handle": account["handle"].lstrip("@"),
                "displayName": account.get("display_name", ""),
            }
            for account in page
        ]
        return SandboxResponse(200, {"subject": subject, "follows": follows, **({"cursor": cursor} if cursor else {})})
