"""A Facebook Page through Meta's Graph API (developers.facebook.com/docs/graph-api): feed posts,
unpublished photos attached to them, comments; and ``GraphSimulator``, what Instagram shares."""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import time
import uuid

from publishing.sandbox.server import Received, SandboxRequest, SandboxResponse, Simulator, State

PAGE = {"id": "104000000000001", "name": "Ville de Montmagny"}
MESSAGE_LIMIT = 63206
# "(#4) Application request limit reached": Graph messages often start with their code.
_CODE_PREFIX = re.compile(r"\(#(\d+)\)")
# The code Graph sends with each HTTP status when a fault names none.
_CODE_BY_STATUS = {400: 100, 401: 190, 403: 200, 404: 803, 429: 4}
VERSIONED = r"/v\d+\.\d+"


def graph_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(seconds))


class GraphSimulator(Simulator):
    """What every Graph network does alike: the token (bearer header or ``access_token`` parameter),
    the ``{"error": {...}}`` body, and parameters as a form, a multipart body or a query string."""

    def graph_error(self, status: int, code: int, message: str, **fields) -> SandboxResponse:
        error = {"message": message, "type": "OAuthException", "code": code, **fields}
        return SandboxResponse(status, {"error": {**error, "fbtrace_id": uuid.uuid4().hex[:11]}})

    def error(self, status: int, message: str) -> SandboxResponse:
        found = _CODE_PREFIX.match(message)
        code = int(found[1]) if found else _CODE_BY_STATUS.get(status, 2 if status >= 500 else 1)
        return self.graph_error(status, code, message, is_transient=status >= 500 or code in (2, 4, 17, 32, 613))

    def unauthorised(self) -> SandboxResponse:
        # Graph answers an expired token with HTTP 400, not 401.
        return self.graph_error(
            400, 190, "Error validating access token: Session has expired on Monday, 23-Nov-26.", error_subcode=463
        )

    def authorised(self, request: SandboxRequest) -> bool:
        return self.valid_token(request.bearer() or request.query.get("access_token", [""])[0])

    def params(self, request: SandboxRequest) -> dict[str, str]:
        """The request's parameters: query string, then an urlencoded or multipart body (files as bytes)."""
        params = {key: values[0] for key, values in request.query.items()}
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            head = f"Content-Type: {content_type}\r\n\r\n".encode()
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                params[name] = part.get_content() if part.get_filename() else part.get_content().strip()
        elif request.body:
            params.update({key: values[0] for key, values in request.form().items()})
        return params

    def invalid(self, message: str) -> SandboxResponse:
        return self.graph_error(400, 100, message)

    def find(self, state: State, object_id: str, *kinds: str) -> Received | None:
        """The live post, comment or reply with this id."""
        for kind in kinds:
            for item in state.posts(self.network, kind=kind):
                if item.external_id == object_id:
                    return item
        return None

    def success(self) -> SandboxResponse:
        return SandboxResponse(200, {"success": True})


class FacebookSimulator(GraphSimulator):
    network = "facebook"

    def routes(self):
        return [
            ("POST", re.compile(rf"{VERSIONED}/(?P<page>[^/]+)/photos"), self.upload_photo),
            ("POST", re.compile(rf"{VERSIONED}/(?P<page>[^/]+)/feed"), self.create_post),
            ("GET", re.compile(rf"{VERSIONED}/(?P<page>[^/]+)/posts"), self.page_posts),
            ("GET", re.compile(rf"{VERSIONED}/(?P<id>[^/]+)/comments"), self.comments),
            ("POST", re.compile(rf"{VERSIONED}/(?P<id>[^/]+)/comments"), self.reply),
            ("POST", re.compile(rf"{VERSIONED}/(?P<id>[^/]+)"), self.update_comment),
            ("GET", re.compile(rf"{VERSIONED}/(?P<id>[^/]+)"), self.node),
            ("DELETE", re.compile(rf"{VERSIONED}/(?P<id>[^/]+)"), self.delete),
        ]

    def _photos(self, state: State) -> dict:
        return state.scratch[self.network].setdefault("photos", {})

    def _post(self, item: Received) -> dict:
        return {
            "id": item.external_id,
            "message": item.text,
            "created_time": graph_time(item.received_at),
            "permalink_url": f"https://www.facebook.com/{item.external_id}",
        }

    def upload_photo(self, request, match, state: State):
        if not self.authorised(request):
            return self.unauthorised()
        params = self.params(request)
        if not params.get("source") and not params.get("url"):
            return self.invalid("(#324) Requires upload file")
        if params.get("published", "true") != "false":
            return self.invalid("(#100) This sandbox only takes unpublished photos, attached to a feed post.")
        photo_id = state.next_id()
        self._photos(state)[photo_id] = {"alt_text": params.get("alt_text_custom", "")}
        return SandboxResponse(200, {"id": photo_id})

    def create_post(self, request, match, state: State):
        if not self.authorised(request):
            return self.unauthorised()
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

    def page_posts(self, request, match, state: State):
        if not self.authorised(request):
            return self.unauthorised()
        limit = int(request.query.get("limit", ["25"])[0])
        posts = [self._post(item) for item in reversed(state.posts(self.network))][:limit]
        return SandboxResponse(200, {"data": posts, "paging": {}})

    def comments(self, request, match, state: State):
        """``filter=stream``: every comment under the post, replies included, oldest first."""
        if not self.authorised(request):
            return self.unauthorised()
        found = [
            item
            for kind in ("comment", "reply")
            for item in state.posts(self.network, kind=kind)
            if item.extra.get("post_id") == match["id"]
        ]
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

    def reply(self, request, match, state: State):
        if not self.authorised(request):
            return self.unauthorised()
        parent = self.find(state, match["id"], "comment", "reply")
        if parent is None:
            return self.invalid(f"(#100) Unsupported post request. Object with ID '{match['id']}' does not exist")
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

    def update_comment(self, request, match, state: State):
        if not self.authorised(request):
            return self.unauthorised()
        comment = self.find(state, match["id"], "comment", "reply")
        if comment is None:
            return self.invalid(f"(#100) Unsupported post request. Object with ID '{match['id']}' does not exist")
        params = self.params(request)
        if "is_hidden" in params:
            comment.extra["is_hidden"] = params["is_hidden"] == "true"
        return self.success()

    def node(self, request, match, state: State):
        if not self.authorised(request):
            return self.unauthorised()
        if match["id"] == PAGE["id"]:
            return SandboxResponse(200, PAGE)
        post = self.find(state, match["id"], "post")
        if post is None:
            return self.invalid(f"(#100) Unsupported get request. Object with ID '{match['id']}' does not exist")
        return SandboxResponse(200, self._post(post))

    def delete(self, request, match, state: State):
        if not self.authorised(request):
            return self.unauthorised()
        item = self.find(state, match["id"], "post", "comment", "reply")
        if item is None:
            return self.invalid(f"(#100) Unsupported delete request. Object with ID '{match['id']}' does not exist")
        item.deleted = True
        return self.success()
