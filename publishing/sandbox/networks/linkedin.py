"""LinkedIn's versioned REST API (learn.microsoft.com/linkedin/marketing): Posts, Images, Social Actions
comments and Organizations, with its ``{"message", "status", "serviceErrorCode"}`` error body."""

from __future__ import annotations

import re
from urllib.parse import unquote

from publishing.sandbox.server import Received, SandboxRequest, SandboxResponse, Simulator, State, authenticated

ORGANIZATION = {"id": 10000001, "localizedName": "Ville de Montmagny", "vanityName": "villemontmagny"}
AUTHOR = f"urn:li:organization:{ORGANIZATION['id']}"
COMMENTARY_LIMIT = 3000
# The error code LinkedIn sends with each HTTP status, when it sends one.
_SERVICE_CODES = {401: 65600, 403: 100}


class LinkedInSimulator(Simulator):
    network = "linkedin"

    def routes(self):
        return [
            ("POST", re.compile(r"/rest/images"), self.initialize_upload),
            ("PUT", re.compile(r"/dms-uploads/(?P<image>[^/]+)"), self.upload),
            ("POST", re.compile(r"/rest/posts"), self.create_post),
            ("GET", re.compile(r"/rest/posts"), self.find_posts),
            ("DELETE", re.compile(r"/rest/posts/(?P<urn>[^/]+)"), self.delete_post),
            ("GET", re.compile(r"/rest/socialActions/(?P<urn>[^/]+)/comments"), self.comments),
            ("POST", re.compile(r"/rest/socialActions/(?P<urn>[^/]+)/comments"), self.create_comment),
            ("GET", re.compile(r"/rest/organizations/(?P<id>\d+)"), self.organization),
        ]

    def error(self, status: int, message: str) -> SandboxResponse:
        code = _SERVICE_CODES.get(status)
        return SandboxResponse(
            status, {"message": message, "status": status, **({"serviceErrorCode": code} if code else {})}
        )

    def unauthorised(self) -> SandboxResponse:
        return self.error(401, "Invalid access token")

    def refusal(self, request: SandboxRequest, state: State) -> SandboxResponse | None:
        """Why LinkedIn refuses the request before reading it: the token, or no ``LinkedIn-Version``."""
        if refusal := super().refusal(request, state):
            return refusal
        if not re.fullmatch(r"\d{6}", request.headers.get("linkedin-version", "")):
            return SandboxResponse(
                400,
                {
                    "status": 400,
                    "code": "VERSION_MISSING",
                    "message": "A version must be present. "
                    "Please specify a version by adding the LinkedIn-Version header.",
                },
            )
        return None

    def _images(self, state: State) -> dict:
        return state.scratch[self.network].setdefault("images", {})

    def _post(self, item: Received) -> dict:
        return {
            "id": item.external_id,
            "author": AUTHOR,
            "commentary": item.text,
            "visibility": "PUBLIC",
            "lifecycleState": "PUBLISHED",
            "createdAt": int(item.received_at * 1000),
            **({"content": item.extra["content"]} if item.extra.get("content") else {}),
        }

    def _comment(self, item: Received) -> dict:
        return {
            "id": item.external_id.rsplit(",", 1)[-1].rstrip(")"),
            "commentUrn": item.external_id,
            "actor": item.extra.get("actor", ""),
            "object": item.extra["activity"],
            "message": {"text": item.text},
            "created": {"actor": item.extra.get("actor", ""), "time": int(item.received_at * 1000)},
            **({"parentComment": item.extra["parent"]} if item.extra.get("parent") else {}),
        }

    @authenticated
    def initialize_upload(self, request, match, state: State):
        if request.query.get("action") != ["initializeUpload"]:
            return self.error(400, "Unsupported action")
        owner = request.json().get("initializeUploadRequest", {}).get("owner")
        if owner != AUTHOR:
            return self.error(403, f"Not enough permissions to upload images for {owner}")
        image = f"urn:li:image:C4E{state.next_id()}"
        self._images(state)[image] = 0
        host = request.headers.get("host", "127.0.0.1")
        return SandboxResponse(
            200, {"value": {"uploadUrl": f"http://{host}/{self.network}/dms-uploads/{image}", "image": image}}
        )

    def upload(self, request, match, state: State):
        # The upload address takes the token, but no LinkedIn-Version.
        if refusal := super().refusal(request, state):
            return refusal
        image = unquote(match["image"])
        if image not in self._images(state) or not request.body:
            return self.error(400, "Invalid upload")
        self._images(state)[image] = len(request.body)
        return SandboxResponse(201)

    @authenticated
    def create_post(self, request, match, state: State):
        post = request.json()
        if post.get("author") != AUTHOR:
            return self.error(403, f"Not enough permissions to post as {post.get('author')}")
        commentary = post.get("commentary", "")
        if len(commentary) > COMMENTARY_LIMIT:
            return self.error(
                422, f"ERROR :: /commentary :: length {len(commentary)} exceeds the maximum of {COMMENTARY_LIMIT}"
            )
        content = post.get("content") or {}
        images = [content["media"]] if "media" in content else content.get("multiImage", {}).get("images", [])
        if any(not self._images(state).get(image.get("id")) for image in images):
            return self.error(422, "ERROR :: /content :: image is not uploaded or not available")
        # LinkedIn refuses the same commentary twice from one author, naming the first post.
        earlier = next((item for item in state.posts(self.network) if item.text == commentary), None)
        if earlier is not None:
            return SandboxResponse(
                422,
                {
                    "errorDetailType": "com.linkedin.common.error.BadRequest",
                    "message": f"com.linkedin.content.common.exception.BadRequestResponseException: "
                    f"Content is a duplicate of {earlier.external_id}",
                    "errorDetails": {
                        "inputErrors": [{"description": "Duplicate post is detected", "code": "DUPLICATE_POST"}]
                    },
                    "status": 422,
                },
            )
        item = state.record(
            Received(
                self.network,
                f"urn:li:share:{state.next_id()}",
                commentary,
                account=ORGANIZATION["vanityName"],
                media_count=len(images),
                extra={"content": content},
            )
        )
        return SandboxResponse(201, headers={"x-restli-id": item.external_id, "x-linkedin-id": item.external_id})

    @authenticated
    def find_posts(self, request, match, state: State):
        if request.query.get("q") != ["author"] or request.query.get("author") != [AUTHOR]:
            return self.error(400, "The finder needs q=author and the author's URN")
        count = int(request.query.get("count", ["10"])[0])
        posts = [self._post(item) for item in reversed(state.posts(self.network))][:count]
        return SandboxResponse(200, {"elements": posts, "paging": {"start": 0, "count": count}})

    @authenticated
    def delete_post(self, request, match, state: State):
        urn = unquote(match["urn"])
        item = self.find(state, urn, "post")
        if item is None:
            return self.error(404, f"Post {urn} not found")
        item.deleted = True
        return SandboxResponse(204)

    @authenticated
    def comments(self, request, match, state: State):
        urn = unquote(match["urn"])
        found = [self._comment(item) for item in self.items(state, "comment", "reply") if item.extra.get("post") == urn]
        return SandboxResponse(
            200, {"elements": found, "paging": {"start": 0, "count": len(found), "total": len(found)}}
        )

    @authenticated
    def create_comment(self, request, match, state: State):
        """A nested comment: posted under the parent comment's URN, naming the activity and the parent."""
        body, parent_urn = request.json(), unquote(match["urn"])
        parent = self.find(state, parent_urn, "comment", "reply")
        if parent is None or body.get("parentComment") != parent_urn or body.get("object") != parent.extra["activity"]:
            return self.error(400, f"Comment {parent_urn} not found, or object and parentComment do not match it")
        if body.get("actor") != AUTHOR:
            return self.error(403, f"Not enough permissions to comment as {body.get('actor')}")
        text = (body.get("message") or {}).get("text", "")
        if not text:
            return self.error(422, "ERROR :: /message/text :: field is required but not found")
        item = Received(
            self.network,
            f"urn:li:comment:({parent.extra['activity']},{state.next_id()})",
            text,
            account=ORGANIZATION["vanityName"],
            kind="reply",
            extra={
                "post": parent.extra["post"],
                "activity": parent.extra["activity"],
                "parent": parent_urn,
                "actor": AUTHOR,
            },
        )
        state.record(item)
        return SandboxResponse(201, self._comment(item), headers={"x-restli-id": item.external_id})

    @authenticated
    def organization(self, request, match, state: State):
        if int(match["id"]) != ORGANIZATION["id"]:
            return self.error(403, f"Not enough permissions to access organization {match['id']}")
        return SandboxResponse(200, ORGANIZATION)
