"""A signed webhook: Vitrine POSTs each publication to an address the city controls.

The contract the receiving end implements
-----------------------------------------
``POST <url>`` with a JSON body::

    {"id": "<idempotency key>", "text": "...", "link": "https://...",
     "media": [{"name": "affiche.png", "mime_type": "image/png", "alt_text": "..."}],
     "sent_at": "2025-11-03T14:00:00+00:00"}

and the headers

- ``X-Vitrine-Idempotency-Key``: the same for every attempt of one publication (equal to ``id``);
  the receiver keeps the first post for a key and answers a repeated key with it (no double post);
- ``X-Vitrine-Timestamp``: when the request was signed, in Unix seconds;
- ``X-Vitrine-Signature``: ``sha256=`` followed by the hexadecimal HMAC-SHA256, keyed with the
  shared secret, of the bytes ``<timestamp>.<raw body>`` (the timestamp header, a dot, then the
  request body exactly as received, empty for a GET or a DELETE).

To verify: recompute the HMAC over the raw body (before any JSON parsing), compare it in constant
time, and refuse a timestamp more than five minutes away from now (a replayed request);
``verify_signature`` below does all three. Answer 401 or 403 to a bad signature.

The receiver answers 2xx, optionally with ``{"id": "<its identifier>", "url": "<public address>"}``
(the idempotency key serves as identifier otherwise). Vitrine also calls, signed the same way:

- ``GET <url>/<idempotency key>``: 200 with the same JSON if that publication was received, else
  404 (after an unknown outcome, and to check the credentials);
- ``DELETE <url>/<id>``: remove the publication (art. 7: campaign content in an election period), 2xx once
  removed, 404 if it is already gone; a repeated DELETE (after a lost answer) must answer 404, never fail.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
from urllib.parse import quote

from django.utils.translation import gettext as _

from publishing.adapters.base import (
    AuthError,
    Comment,
    LinkCard,
    NetworkAdapter,
    Outgoing,
    PermanentError,
    Published,
)

SIGNATURE_PREFIX = "sha256="
# How far a request's timestamp may be from the receiver's clock, in seconds.
DEFAULT_TOLERANCE = 300
# The key ``check_credentials`` looks up: it never names a publication.
CREDENTIALS_PROBE = "vitrine-credentials-check"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Vitrine-Signature`` value of a request."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes | str,
    signature: str,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> bool:
    """Whether a request carries a valid signature made within ``tolerance`` seconds of ``now``."""
    try:
        signed_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - signed_at) > tolerance:
        return False
    raw = body.encode() if isinstance(body, str) else body
    return hmac.compare_digest(sign(secret, str(signed_at), raw).encode(), (signature or "").encode())


class WebhookAdapter(NetworkAdapter):
    """Credentials: {"secret"} and optionally {"url"} (the channel's API address otherwise)."""

    network = "webhook"

    # What goes out: ``text`` is the text (``sent_text`` is the base's), the link goes apart in ``link``.
    @classmethod
    def link_card(cls, outgoing: Outgoing) -> LinkCard | None:
        return LinkCard(outgoing.link, kind="attached") if outgoing.link else None

    def _endpoint(self) -> str:
        url = self.credentials.get("url") or self.base_url
        if not url:
            raise PermanentError(_("The webhook has no address: set the channel's API address."))
        return url.rstrip("/")

    def _secret(self) -> str:
        secret = self.credentials.get("secret", "")
        if not secret:
            raise AuthError(_("The webhook has no secret: reconnect the channel with its secret."))
        return secret

    def headers(self) -> dict[str, str]:
        return {}

    def is_auth_failure(self, response, payload) -> bool:
        return response.status_code in (401, 403)

    def _send(self, method: str, path: str = "", *, body: bytes = b"", idempotency_key: str = "", creates=False):
        """One signed request to the receiver (``path`` is appended to its address)."""
        secret, url = self._secret(), self._endpoint()
        timestamp = str(int(time.time()))
        headers = {"X-Vitrine-Timestamp": timestamp, "X-Vitrine-Signature": sign(secret, timestamp, body)}
        if idempotency_key:
            headers["X-Vitrine-Idempotency-Key"] = idempotency_key
        if body:
            headers["Content-Type"] = "application/json"
        target = f"{url}/{quote(path, safe='')}" if path else url
        return self.request(method, target, creates=creates, headers=headers, content=body or None)

    def _published(self, answer, idempotency_key: str) -> Published:
        answer = answer if isinstance(answer, dict) else {}
        external_id = str(answer.get("id") or idempotency_key)
        return Published(external_id=external_id, url=answer.get("url") or "", summary=f"webhook {external_id}")

    def _found(self, method: str, path: str):
        """The answer to a GET or DELETE, or None when the receiver answers 404."""
        try:
            return self._send(method, path)
        except PermanentError as error:
            if error.status == 404 and not isinstance(error, AuthError):
                return None
            raise

    def publish(self, outgoing: Outgoing) -> Published:
        payload = {
            "id": outgoing.idempotency_key,
            "text": self.sent_text(outgoing),
            "link": outgoing.link,
            "media": [
                {"name": media.path.name, "mime_type": media.mime_type, "alt_text": media.alt_text}
                for media in outgoing.media
            ],
            "sent_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        answer = self._send("POST", body=body, idempotency_key=outgoing.idempotency_key, creates=True)
        return self._published(answer, outgoing.idempotency_key)

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        answer = self._found("GET", outgoing.idempotency_key)
        return None if answer is None else self._published(answer, outgoing.idempotency_key)

    def delete(self, external_id: str) -> None:
        """A signed ``DELETE <url>/<id>``; the receiver's 404 (no longer there) is ``Gone``."""
        self._send("DELETE", external_id)

    def fetch_comments(self, external_id: str) -> list[Comment]:
        return []

    def hide_comment(self, comment_id: str) -> None:
        raise PermanentError(_("A webhook has no comments."))

    def reply(self, comment_id: str, text: str) -> Published:
        raise PermanentError(_("A webhook has no comments to reply to."))

    def check_credentials(self) -> str:
        """Ask the receiver for a publication that never exists: a 404 proves the address and the secret."""
        self._found("GET", CREDENTIALS_PROBE)
        return "webhook"
