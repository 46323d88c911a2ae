"""What Facebook Pages and Instagram share: Meta's Graph API, its pinned version and its error body.

Graph errors are ``{"error": {"message", "type", "code", "error_subcode", "error_user_msg", "fbtrace_id"}}``.
An expired or revoked token is code 190 (with HTTP 400 or 401); throttling is codes 4, 17, 32 and 613
(and the business-use-case limits 80001 for Pages, 80002 for Instagram), sent with HTTP 400 or 403, not 429.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping

import httpx

from publishing.adapters.base import NetworkAdapter, retry_after_seconds

# Graph versions live about two years; move this forward before Meta retires it.
GRAPH_VERSION = "v24.0"
# 190: access token expired or invalidated; 102: the API session is gone.
EXPIRED_TOKEN_CODES = frozenset({102, 190})
# 100/33: "Object with ID … does not exist, cannot be loaded due to missing permissions, or does not support
# this operation" (Graph answers a deleted post with HTTP 400, not 404).
MISSING_OBJECT = (100, 33)
# Application, user, Page, custom-level and business-use-case rate limits.
THROTTLING_CODES = frozenset({4, 17, 32, 613, 80001, 80002})


def graph_error(payload) -> Mapping:
    """The ``error`` object of a Graph error body, or an empty mapping."""
    error = payload.get("error") if isinstance(payload, Mapping) else None
    return error if isinstance(error, Mapping) else {}


def graph_time(value: str | None) -> datetime.datetime | None:
    """A Graph timestamp (``2026-11-24T17:18:22+0000``) as an aware datetime."""
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def throttled_for(response: httpx.Response) -> float | None:
    """Seconds until Graph lifts a rate limit: ``Retry-After`` if sent, else the largest
    ``estimated_time_to_regain_access`` (minutes) of the ``X-Business-Use-Case-Usage`` header."""
    seconds = retry_after_seconds(response.headers.get("Retry-After"))
    if seconds is not None:
        return seconds
    try:
        usage = json.loads(response.headers.get("X-Business-Use-Case-Usage") or "{}")
        minutes = [entry.get("estimated_time_to_regain_access", 0) for entries in usage.values() for entry in entries]
    except (ValueError, AttributeError, TypeError):
        return None
    return max(minutes) * 60.0 if any(minutes) else None


class GraphAdapter(NetworkAdapter):
    """Base of the Graph networks: versioned paths, and Graph's error codes mapped to Vitrine's errors.

    The token goes in the ``Authorization: Bearer`` header (Graph accepts it as well as the
    ``access_token`` parameter), which keeps it out of URLs and logs.
    """

    def graph(self, *parts: str) -> str:
        """The versioned path of a Graph node or edge: ``graph(page_id, "feed")`` → ``/v24.0/{page_id}/feed``."""
        return "/".join((f"/{GRAPH_VERSION}", *parts))

    def error_message(self, response: httpx.Response, payload) -> str:
        """Graph's explanation with its codes."""
        error = graph_error(payload)
        if not error:
            return super().error_message(response, payload)
        codes = "/".join(str(code) for code in (error.get("code"), error.get("error_subcode")) if code)
        text = error.get("error_user_msg") or error.get("message") or response.reason_phrase
        return f"{text} (#{codes})" if codes else text

    def is_rate_limited(self, response: httpx.Response, payload) -> bool:
        """Graph throttles with HTTP 400 or 403 and an error code, as well as with 429."""
        return super().is_rate_limited(response, payload) or graph_error(payload).get("code") in THROTTLING_CODES

    def retry_after(self, response: httpx.Response) -> float | None:
        return throttled_for(response)

    def is_auth_failure(self, response: httpx.Response, payload) -> bool:
        return response.status_code == 401 or graph_error(payload).get("code") in EXPIRED_TOKEN_CODES

    def is_gone(self, response: httpx.Response, payload) -> bool:
        error = graph_error(payload)
        return super().is_gone(response, payload) or (error.get("code"), error.get("error_subcode")) == MISSING_OBJECT
