"""An Instagram professional account through the Graph API (developers.facebook.com/docs/instagram-platform):
media containers, ``media_publish``, the account's media and their comments."""

from __future__ import annotations

import re

from publishing.sandbox.graph import VERSIONED, GraphSimulator, graph_time
from publishing.sandbox.server import Received, SandboxResponse, State, authenticated

ACCOUNT = {"id": "17841400000000001", "username": "villemontmagny"}
CAPTION_LIMIT = 2200
CAROUSEL_LIMIT = 10


class InstagramSimulator(GraphSimulator):
    network = "instagram"
    account = ACCOUNT
    reply_edge = "replies"
    hide_parameter = "hide"
    hidden_field = "hidden"

    def edge_routes(self):
        return [
            ("POST", re.compile(rf"{VERSIONED}/(?P<user>[^/]+)/media"), self.create_container),
            ("POST", re.compile(rf"{VERSIONED}/(?P<user>[^/]+)/media_publish"), self.publish),
            ("GET", re.compile(rf"{VERSIONED}/(?P<user>[^/]+)/media"), self.account_media),
        ]

    @authenticated
    def delete(self, request, match, state: State):
        """Instagram deletes comments, not published media: the IG Media node documents no deletion."""
        if self.find(state, match["id"], "post") is not None:
            return self.invalid("(#100) Unsupported delete request.")
        return super().delete(request, match, state)

    def _containers(self, state: State) -> dict:
        return state.scratch[self.network].setdefault("containers", {})

    def post_view(self, item: Received) -> dict:
        return {
            "id": item.external_id,
            "caption": item.text,
            "media_type": "CAROUSEL_ALBUM" if item.media_count > 1 else "IMAGE",
            "permalink": f"https://www.instagram.com/p/sandbox{item.external_id}/",
            "timestamp": graph_time(item.received_at),
        }

    def _comment(self, item: Received) -> dict:
        return {
            "id": item.external_id,
            "text": item.text,
            "username": item.account,
            "timestamp": graph_time(item.received_at),
        }

    def missing(self, object_id: str, verb: str = "") -> SandboxResponse:
        # Instagram's answer names no verb.
        return self.graph_error(
            400, 100, f"Unsupported request. Object with ID '{object_id}' does not exist", error_subcode=33
        )

    @authenticated
    def create_container(self, request, match, state: State):
        if match["user"] != ACCOUNT["id"]:
            return self.missing(match["user"])
        params = self.params(request)
        caption, containers = params.get("caption", ""), self._containers(state)
        if len(caption) > CAPTION_LIMIT:
            return self.graph_error(
                400, 100, "Invalid parameter", error_user_msg=f"The caption is longer than {CAPTION_LIMIT} characters."
            )
        if params.get("media_type") == "CAROUSEL":
            children = [child for child in params.get("children", "").split(",") if child]
            if not 2 <= len(children) <= CAROUSEL_LIMIT or any(
                not containers.get(child, {}).get("carousel_item") for child in children
            ):
                return self.invalid(f"The parameter children must list 2 to {CAROUSEL_LIMIT} carousel item containers.")
            container = {"children": children, "image_urls": [containers[child]["image_urls"][0] for child in children]}
        else:
            image_url = params.get("image_url", "")
            if not image_url:
                return self.invalid("The parameter image_url is required.")
            if not image_url.startswith(("http://", "https://")):
                return self.graph_error(
                    400,
                    9004,
                    "Only photo or video can be accepted as media type.",
                    error_subcode=2207052,
                    error_user_msg="The media could not be fetched from this URI: " + image_url,
                )
            container = {"image_urls": [image_url], "carousel_item": params.get("is_carousel_item") == "true"}
        container_id = state.next_id()
        containers[container_id] = {**container, "caption": caption, "alt_text": params.get("alt_text", "")}
        return SandboxResponse(200, {"id": container_id})

    @authenticated
    def publish(self, request, match, state: State):
        container_id = self.params(request).get("creation_id", "")
        container = self._containers(state).get(container_id)
        if container is None or container.get("carousel_item"):
            return self.invalid(
                f"The parameter creation_id must be a publishable container of this account ({container_id})."
            )
        item = Received(
            self.network,
            state.next_id(),
            container["caption"],
            account=ACCOUNT["username"],
            media_count=len(container["image_urls"]),
            extra={"container": container_id, "image_urls": container["image_urls"]},
        )
        state.record(item)
        return SandboxResponse(200, {"id": item.external_id})

    @authenticated
    def account_media(self, request, match, state: State):
        return SandboxResponse(200, {"data": self.recent(request, state)})

    @authenticated
    def comments(self, request, match, state: State):
        """Top-level comments, each with its ``replies`` (the ``replies{...}`` field expansion)."""
        everything = self.items(state, "comment", "reply")
        data = [
            {
                **self._comment(comment),
                "replies": {
                    "data": [
                        self._comment(reply) for reply in everything if reply.extra.get("parent") == comment.external_id
                    ]
                },
            }
            for comment in everything
            if comment.extra.get("media_id") == match["id"] and not comment.extra.get("parent")
        ]
        return SandboxResponse(200, {"data": data})

    @authenticated
    def reply(self, request, match, state: State):
        comment = self.find(state, match["id"], "comment")
        if comment is None:
            return self.missing(match["id"])
        message = self.params(request).get("message", "")
        if not message:
            return self.invalid("The parameter message is required.")
        item = Received(
            self.network,
            state.next_id(),
            message,
            account=ACCOUNT["username"],
            kind="reply",
            extra={"media_id": comment.extra.get("media_id"), "parent": comment.external_id},
        )
        state.record(item)
        return SandboxResponse(200, {"id": item.external_id})
