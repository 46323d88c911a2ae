"""A Facebook Page through Meta's Graph API (developers.facebook.com/docs/graph-api): feed posts,
unpublished photos attached to them, comments. What Instagram shares is in ``publishing/sandbox/graph.py``."""

from __future__ import annotations

import json
import re

from publishing.sandbox.graph import VERSIONED, GraphSimulator, graph_time
from publishing.sandbox.server import Received, SandboxResponse, State, authenticated

PAGE = {"id": "104000000000001", "name": "Ville de Montmagny"}
MESSAGE_LIMIT = 63206


class FacebookSimulator(GraphSimulator):
    network = "facebook"
    account = PAGE

    def edge_routes(self):
        return [
            ("POST", re.compile(rf"{VERSIONED}/(?P<page>[^/]+)/photos"), self.upload_photo),
            ("POST", re.compile(rf"{VERSIONED}/(?P<page>[^/]+)/feed"), self.create_post),
            ("GET", re.compile(rf"{VERSIONED}/(?P<page>[^/]+)/posts"), self.page_posts),
        ]

    def _photos(self, state: State) -> dict:
        return state.scratch[self.network].setdefault("photos", {})

    def post_view(self, item: Received) -> dict:
        return {
            "id": item.external_id,
            "message": item.text,
            "created_time": graph_time(item.received_at),
            "permalink_url": f"https://www.facebook.com/{item.external_id}",
        }

    def missing(self, object_id: str, verb: str) -> SandboxResponse:
        message = f"(#100) Unsupported {verb} request. Object with ID '{object_id}' does not exist"
        return self.graph_error(400, 100, message, error_subcode=33)

    @authenticated
    def upload_photo(self, request, match, state: State):
        params = self.params(request)
        if not params.get("source") and not params.get("url"):
            return self.invalid("(#324) Requires upload file")
        if params.get("published", "true") != "false":
            return self.invalid("(#100) This sandbox only takes unpublished photos, attached to a feed post.")
        photo_id = state.next_id()
        self._photos(state)[photo_id] = {"alt_text": params.get("alt_text_custom", "")}
        return SandboxResponse(200, {"id": photo_id})

    @authenticated
    def create_post(self, request, match, state: State):
        if match["page"] != PAGE["id"]:
            return self.graph_error(
                403, 200, "(#200) The user hasn't authorized the application to perform this action"
            )
        params = self.params(request)
        message, link = params.get("message", ""), params.get("link", "")
        attached = [
            json.loads(value)["media_fbid"] for key, value in params.items() if key.startswith("attached_media")
        ]
        if not message and not link and not attached:
            return self.invalid("(#100) Missing message or attachment")
        if len(message) > MESSAGE_LIMIT:
            return self.invalid(f"(#100) The message is too long: {MESSAGE_LIMIT} characters at most")
        if any(photo_id not in self._photos(state) for photo_id in attached):
            return self.invalid("(#100) param attached_media must be a list of unpublished photo ids of this Page")
        item = Received(
            self.network,
            f"{PAGE['id']}_{state.next_id()}",
            message,
            account=PAGE["name"],
            media_count=len(attached),
            extra={"link": link, "photos": attached},
        )
        state.record(item)
        return SandboxResponse(200, {"id": item.external_id})

    @authenticated
    def page_posts(self, request, match, state: State):
        return SandboxResponse(200, {"data": self.recent(request, state), "paging": {}})

    @authenticated
    def comments(self, request, match, state: State):
        """``filter=stream``: every comment under the post, replies included, oldest first."""
        found = [item for item in self.items(state, "comment", "reply") if item.extra.get("post_id") == match["id"]]
        data = [
            {
                "id": item.external_id,
                "from": {"id": item.extra.get("from_id", ""), "name": item.account},
                "message": item.text,
                "created_time": graph_time(item.received_at),
                **({"parent": {"id": item.extra["parent"]}} if item.extra.get("parent") else {}),
                "is_hidden": item.extra.get("is_hidden", False),
            }
            for item in sorted(found, key=lambda item: item.received_at)
        ]
        return SandboxResponse(200, {"data": data, "paging": {}})

    @authenticated
    def reply(self, request, match, state: State):
        parent = self.find(state, match["id"], "comment", "reply")
        if parent is None:
            return self.missing(match["id"], "post")
        message = self.params(request).get("message", "")
        if not message:
            return self.invalid("(#100) Missing message or attachment")
        item = Received(
            self.network,
            f"{parent.extra['post_id'].split('_')[-1]}_{state.next_id()}",
            message,
            account=PAGE["name"],
            kind="reply",
            extra={"post_id": parent.extra["post_id"], "parent": parent.external_id, "from_id": PAGE["id"]},
        )
        state.record(item)
        return SandboxResponse(200, {"id": item.external_id})
