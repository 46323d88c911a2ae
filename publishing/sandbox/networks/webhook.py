"""A receiving end of Vitrine's signed webhook, as ``publishing.adapters.webhook`` documents it."""

from __future__ import annotations

import re

from publishing.adapters.webhook import verify_signature
from publishing.sandbox.server import Received, SandboxRequest, SandboxResponse, Simulator, State, authenticated

SECRET = "sandbox-secret"
ACCOUNT = "site-web"


class WebhookSimulator(Simulator):
    network = "webhook"

    def routes(self):
        return [
            ("POST", re.compile(r"/?"), self.receive),
            ("GET", re.compile(r"/(?P<key>[^/]+)"), self.lookup),
            ("DELETE", re.compile(r"/(?P<id>[^/]+)"), self.delete),
        ]

    def unauthorised(self) -> SandboxResponse:
        return self.error(401, "Invalid signature")

    def refusal(self, request: SandboxRequest, state: State) -> SandboxResponse | None:
        """A request is accepted when it is signed with the shared secret."""
        signed = verify_signature(
            SECRET,
            request.headers.get("x-vitrine-timestamp", ""),
            request.body,
            request.headers.get("x-vitrine-signature", ""),
        )
        return None if signed else self.unauthorised()

    def _answer(self, item: Received) -> dict:
        return {"id": item.external_id, "url": f"https://ville.example/publications/{item.external_id}"}

    def _by_key(self, state: State) -> dict[str, Received]:
        return state.scratch[self.network].setdefault("keys", {})

    @authenticated
    def receive(self, request, match, state: State):
        data = request.json()
        key = request.headers.get("x-vitrine-idempotency-key", "")
        if not key or data.get("id") != key:
            return self.error(422, "The id must equal the X-Vitrine-Idempotency-Key header")
        if not data.get("text") and not data.get("media"):
            return self.error(422, "A publication needs a text or an image")
        with state.lock:
            earlier = self._by_key(state).get(key)
        if earlier is not None and not earlier.deleted:  # the same publication again: recorded as resent
            state.record_resent(earlier, text=data["text"], media_count=len(data.get("media") or []))
            return SandboxResponse(200, self._answer(earlier))
        item = Received(
            self.network,
            state.next_id(),
            data["text"],
            account=ACCOUNT,
            idempotency_key=key,
            media_count=len(data.get("media") or []),
            extra={"link": data.get("link", ""), "media": data.get("media") or [], "sent_at": data.get("sent_at")},
        )
        with state.lock:
            self._by_key(state)[key] = item
        state.record(item)
        return SandboxResponse(201, self._answer(item))

    @authenticated
    def lookup(self, request, match, state: State):
        with state.lock:
            item = self._by_key(state).get(match["key"])
        if item is None or item.deleted:
            return self.error(404, "No publication with this key")
        return SandboxResponse(200, self._answer(item))

    @authenticated
    def delete(self, request, match, state: State):
        item = self.find(state, match["id"], "post")
        if item is None:
            return self.error(404, "No publication with this id")
        item.deleted = True
        return SandboxResponse(204)
