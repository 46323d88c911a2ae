"""What the networks behind Meta's Graph API (Facebook Pages, Instagram) do alike: the token (bearer
header or ``access_token`` parameter), the ``{"error": {...}}`` body with its codes, parameters as a
form, a multipart body or a query string, and the nodes every object is (read, update, delete).

Each network's data and its own edges (publishing, comments, replies) stay in its module of
``publishing/sandbox/networks/``.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
import time
import uuid

from publishing.sandbox.server import Received, SandboxRequest, SandboxResponse, Simulator, State, authenticated

# "(#4) Application request limit reached": Graph messages often start with their code.
_CODE_PREFIX = re.compile(r"\(#(\d+)\)")
# The code Graph sends with each HTTP status when a fault names none.
_CODE_BY_STATUS = {400: 100, 401: 190, 403: 200, 404: 803, 429: 4}
VERSIONED = r"/v\d+\.\d+"
_NODE = rf"{VERSIONED}/(?P<id>[^/]+)"


def graph_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(seconds))


class GraphSimulator(Simulator):
    """A Graph network. Subclasses set ``account`` (the Page or account a token speaks for), list
    their own edges in ``edge_routes`` and say how a post looks (``post_view``) and how a missing
    object is answered (``missing``)."""

    account: dict = {}
    # The edge a reply to a comment is posted to.
    reply_edge = "comments"
    # The parameter that hides a comment, and the field of the comment that remembers it.
    hide_parameter = "is_hidden"
    hidden_field = "is_hidden"

    def edge_routes(self) -> list:
        raise NotImplementedError

    def routes(self):
        return [
            *self.edge_routes(),
            ("GET", re.compile(rf"{_NODE}/comments"), self.comments),
            ("POST", re.compile(rf"{_NODE}/{self.reply_edge}"), self.reply),
            ("POST", re.compile(_NODE), self.update_comment),
            ("GET", re.compile(_NODE), self.node),
            ("DELETE", re.compile(_NODE), self.delete),
        ]

    def post_view(self, item: Received) -> dict:
        raise NotImplementedError

    def missing(self, object_id: str, verb: str) -> SandboxResponse:
        """The answer to a ``verb`` ("get", "post", "delete") request on an object that is not there."""
        raise NotImplementedError

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

    def refusal(self, request: SandboxRequest, state: State) -> SandboxResponse | None:
        token = request.bearer() or request.query.get("access_token", [""])[0]
        return None if self.valid_token(token) else self.unauthorised()

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

    def success(self) -> SandboxResponse:
        return SandboxResponse(200, {"success": True})

    def recent(self, request: SandboxRequest, state: State) -> list[dict]:
        """The account's posts, newest first, as many as ``limit`` asks (25 by default)."""
        limit = int(request.query.get("limit", ["25"])[0])
        return [self.post_view(item) for item in reversed(state.posts(self.network))][:limit]

    @authenticated
    def update_comment(self, request, match, state: State):
        comment = self.find(state, match["id"], "comment", "reply")
        if comment is None:
            return self.missing(match["id"], "post")
        params = self.params(request)
        if self.hide_parameter in params:
            comment.extra[self.hidden_field] = params[self.hide_parameter] == "true"
        return self.success()

    @authenticated
    def node(self, request, match, state: State):
        if match["id"] == self.account["id"]:
            return SandboxResponse(200, self.account)
        post = self.find(state, match["id"], "post")
        return SandboxResponse(200, self.post_view(post)) if post else self.missing(match["id"], "get")

    @authenticated
    def delete(self, request, match, state: State):
        item = self.find(state, match["id"], "post", "comment", "reply")
        if item is None:
            return self.missing(match["id"], "delete")
        item.deleted = True
        return self.success()
