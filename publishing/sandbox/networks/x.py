"""X's API v2 as documented at docs.x.com (posts, media upload, users, recent search, hidden replies).

As the real API does, returned texts have their links replaced by t.co links (with ``entities.urls``
to expand them), an image link appended, and ``&``, ``<`` and ``>`` escaped as HTML entities.
"""

from __future__ import annotations

import datetime
import html
import re
import time

from publishing.sandbox.following import following, page_of
from publishing.sandbox.server import Received, SandboxResponse, Simulator, State, authenticated

USER = {"id": "1001", "name": "Ville de Montmagny", "username": "villemontmagny"}
CHARACTER_LIMIT = 280
URL_LENGTH = 23  # every link counts as a t.co link
MEDIA_LIMIT = 4
# The 15-minute window a 429 names in x-rate-limit-reset, shortened to a minute for the tests.
RATE_LIMIT_RESET_SECONDS = 60
_URL = re.compile(r"https?://\S+")


def weighted_length(text: str) -> int:
    """X's length, simplified: each link counts 23, every other character 1."""
    return len(_URL.sub("", text)) + URL_LENGTH * len(_URL.findall(text))


class XSimulator(Simulator):
    network = "x"

    def routes(self):
        return [
            ("GET", re.compile(r"/2/users/me"), self.me),
            ("POST", re.compile(r"/2/media/upload"), self.upload_media),
            ("POST", re.compile(r"/2/media/metadata"), self.media_metadata),
            ("POST", re.compile(r"/2/tweets"), self.create_tweet),
            ("GET", re.compile(r"/2/users/(?P<user>[^/]+)/tweets"), self.user_tweets),
            ("GET", re.compile(r"/2/users/(?P<user>[^/]+)/following"), self.user_following),
            ("GET", re.compile(r"/2/tweets/search/recent"), self.search_recent),
            ("PUT", re.compile(r"/2/tweets/(?P<id>[^/]+)/hidden"), self.hide_reply),
            ("DELETE", re.compile(r"/2/tweets/(?P<id>[^/]+)"), self.delete_tweet),
        ]

    # X's two error shapes: RFC 7807 problems, and "invalid request" with the reasons in ``errors``.
    def error(self, status: int, message: str) -> SandboxResponse:
        if status == 400:
            return SandboxResponse(
                400,
                {
                    "errors": [{"message": message}],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
        titles = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found Error", 429: "Too Many Requests"}
        response = SandboxResponse(
            status,
            {
                "title": titles.get(status, "Service Unavailable"),
                "detail": message,
                "type": "about:blank",
                "status": status,
            },
        )
        if status == 429:
            response.headers.update(
                {
                    "x-rate-limit-limit": "100",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(int(time.time()) + RATE_LIMIT_RESET_SECONDS),
                }
            )
        return response

    def unauthorised(self) -> SandboxResponse:
        return self.error(401, "Unauthorized")

    def _tweet(self, item: Received) -> dict:
        """A post as X returns it: t.co links, an image link at the end, HTML entities."""
        urls, pieces, position = [], [], 0
        text = item.text
        for number, match in enumerate(_URL.finditer(text)):
            short = f"https://t.co/{item.external_id}l{number}"
            urls.append({"url": short, "expanded_url": match.group(), "display_url": match.group().split("://")[1]})
            pieces += [text[position : match.start()], short]
            position = match.end()
        text = "".join(pieces) + text[position:]
        if item.media_count:
            short = f"https://t.co/{item.external_id}m"
            urls.append({"url": short, "expanded_url": short, "media_key": f"3_{item.extra['media_ids'][0]}"})
            text = f"{text} {short}"
        tweet = {
            "id": item.external_id,
            "text": html.escape(text, quote=False),
            "author_id": item.extra.get("author_id", USER["id"]),
            "created_at": datetime.datetime.fromtimestamp(item.received_at, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "edit_history_tweet_ids": [item.external_id],
        }
        if urls:
            tweet["entities"] = {"urls": urls}
        if item.extra.get("in_reply_to"):
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": item.extra["in_reply_to"]}]
        return tweet

    @authenticated
    def me(self, request, match, state: State):
        return SandboxResponse(200, {"data": USER})

    @authenticated
    def upload_media(self, request, match, state: State):
        if b'name="media"' not in request.body:
            return self.error(400, "The media field is required.")
        media_id = state.next_id()
        state.scratch[self.network].setdefault("media", {})[media_id] = {"alt_text": ""}
        data = {"id": media_id, "media_key": f"3_{media_id}", "size": len(request.body), "expires_after_secs": 86400}
        return SandboxResponse(200, {"data": data})

    @authenticated
    def media_metadata(self, request, match, state: State):
        data = request.json()
        media = state.scratch[self.network].get("media", {}).get(str(data["id"]))
        if media is None:
            return self.error(400, "Your media ID is invalid.")
        media["alt_text"] = data["metadata"]["alt_text"]["text"]
        return SandboxResponse(200, {"data": {"id": data["id"], "associated_metadata": data["metadata"]}})

    @authenticated
    def create_tweet(self, request, match, state: State):
        data = request.json()
        text = data.get("text", "")
        media_ids = [str(media_id) for media_id in data.get("media", {}).get("media_ids", [])]
        in_reply_to = str(data.get("reply", {}).get("in_reply_to_tweet_id") or "")
        if not text and not media_ids:
            return self.error(400, "Post text or media is required.")
        if weighted_length(text) > CHARACTER_LIMIT:
            return self.error(
                400,
                "Your Tweet text is too long. For more information on how Twitter determines text length see "
                "https://github.com/twitter/twitter-text.",
            )
        known = state.scratch[self.network].get("media", {})
        if len(media_ids) > MEDIA_LIMIT or any(media_id not in known for media_id in media_ids):
            return self.error(400, "Your media IDs are invalid.")
        parent = self.find(state, in_reply_to, "post", "reply", "comment") if in_reply_to else None
        if in_reply_to and parent is None:
            return self.error(400, "The post you are replying to does not exist or is not visible to you.")
        with state.lock:
            mine = [
                item for item in state.received if item.network == self.network and item.account == USER["username"]
            ]
            if any(item.text == text and not item.deleted for item in mine):
                return self.error(403, "You are not allowed to create a Tweet with duplicate content.")
        item = Received(
            self.network,
            state.next_id(),
            text,
            account=USER["username"],
            media_count=len(media_ids),
            kind="reply" if in_reply_to else "post",
            extra={
                "media_ids": media_ids,
                "alt_texts": [known[media_id]["alt_text"] for media_id in media_ids],
                "in_reply_to": in_reply_to,
                "conversation_id": parent.extra.get("conversation_id", parent.external_id) if parent else "",
            },
        )
        state.record(item)
        return SandboxResponse(
            201, {"data": {"id": item.external_id, "text": text, "edit_history_tweet_ids": [item.external_id]}}
        )

    @authenticated
    def user_tweets(self, request, match, state: State):
        if match["user"] != USER["id"]:
            return self.error(404, "Could not find user.")
        limit = int(request.query.get("max_results", ["10"])[0])
        if not 5 <= limit <= 100:
            return self.error(400, "The `max_results` query parameter value is not between 5 and 100")
        since = request.query.get("start_time", [""])[0]
        since = datetime.datetime.fromisoformat(since).timestamp() if since else 0
        items = state.posts(self.network) + state.posts(self.network, kind="reply")
        items = sorted((item for item in items if item.received_at >= since), key=lambda item: -item.received_at)
        tweets = [self._tweet(item) for item in items[:limit]]
        return SandboxResponse(
            200, {"data": tweets, "meta": {"result_count": len(tweets)}} if tweets else {"meta": {"result_count": 0}}
        )

    @authenticated
    def search_recent(self, request, match, state: State):
        found = re.fullmatch(r"conversation_id:(\d+)", request.query.get("query", [""])[0])
        if found is None:
            return self.error(400, "Invalid query.")
        items = [
            item for item in self.items(state, "comment", "reply") if item.extra.get("conversation_id") == found[1]
        ]
        if not items:
            return SandboxResponse(200, {"meta": {"result_count": 0}})
        users = {item.extra.get("author_id", USER["id"]): item.account for item in items}
        return SandboxResponse(
            200,
            {
                "data": [self._tweet(item) for item in items],
                "includes": {
                    "users": [{"id": user_id, "username": name, "name": name} for user_id, name in users.items()]
                },
                "meta": {"result_count": len(items)},
            },
        )

    @authenticated
    def hide_reply(self, request, match, state: State):
        item = self.find(state, match["id"], "comment", "reply")
        if item is None:
            return self.error(404, f"Could not find tweet with id: [{match['id']}].")
        item.extra["hidden"] = bool(request.json().get("hidden"))
        return SandboxResponse(200, {"data": {"hidden": item.extra["hidden"]}})

    @authenticated
    def delete_tweet(self, request, match, state: State):
        item = self.find(state, match["id"], "post", "reply")
        if item is None:
            return self.error(404, f"Could not find tweet with id: [{match['id']}].")
        item.deleted = True
        return SandboxResponse(200, {"data": {"deleted": True}})

    # Whom the user follows (``publishing.sandbox.following``), as docs.x.com documents it: ``max_results``
    # users a page (100 by default, 1 to 1000), ``meta.next_token`` for the next; no ``data`` when none.
    @authenticated
    def user_following(self, request, match, state: State):
        size = int(request.query.get("max_results", ["100"])[0])
        if not 1 <= size <= 1000:
            return self.error(400, "The `max_results` query parameter value is not between 1 and 1000")
        accounts = following(state, self.network, request.bearer())
        page, next_token = page_of(accounts, request.query.get("pagination_token", [""])[0], size)
        users = [
            {
                "id": str(2_000 + index),
                "name": account.get("display_name", ""),
                "username": account["handle"].lstrip("@"),
            }
            for index, account in enumerate(page)
        ]
        meta = {"result_count": len(users), **({"next_token": next_token} if next_token else {})}
        return SandboxResponse(200, {"data": users, "meta": meta} if users else {"meta": meta})
