"""The one shape every network adapter has, and the one way HTTP outcomes become Vitrine's errors.

An adapter speaks one network's documented HTTP API at a configurable base URL (the real API in
production, the local sandbox in the demo and the tests). It never touches the database: the
worker gives it an ``Outgoing`` post and records what it returns or raises.

Errors say what the worker must do next:
- ``TemporaryError``: try again later (429 with its ``Retry-After``, 5xx, a connection that failed
  before anything was sent);
- ``PermanentError``: give up on this publication (the network refused the content);
- ``AuthError``: the token is expired or revoked; the channel must be reconnected;
- ``OutcomeUnknown``: the request may have reached the network (timeout after sending, an
  unreadable answer to a POST); ``lookup`` must be asked before anything is sent again (the
  worker never sends again blind).

Messages are translatable; the worker records them in the municipality's language (French).
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import regex
from django.utils.translation import gettext as _

# Seconds to wait for a network's answer, and for a connection to it (the worker passes its own,
# settings.PUBLISHING's NETWORK_TIMEOUT_SECONDS and CONNECT_TIMEOUT_SECONDS).
DEFAULT_TIMEOUT = 15.0
DEFAULT_CONNECT_TIMEOUT = 3.0
# ``lookup(since=…)`` counts a post created this long before ``since`` too: the network's clock and ours differ.
CLOCK_MARGIN = datetime.timedelta(minutes=2)
# How much of a request or answer the attempt log keeps.
SUMMARY_LENGTH = 500
# Web addresses as the networks' apps link them in a text (with a scheme or www., not bare domains),
# and what ends a sentence rather than the address.
_ADDRESS = regex.compile(r"(?<![\w@/.])(?:https?://|www\.)\S+", regex.IGNORECASE)
_TRAILING = ".,;:!?…'\"»”’"


@dataclass(frozen=True)
class MediaFile:
    """One image rendition ready for a network: a file on disk, its type and its description."""

    path: Path
    mime_type: str
    alt_text: str = ""

    def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class Outgoing:
    """What goes out on one channel. ``idempotency_key`` is the same for every attempt of one publication."""

    text: str
    idempotency_key: str
    media: tuple[MediaFile, ...] = ()
    link: str = ""
    # Where a reply goes (comments) or what a relay points to; unused by most networks.
    in_reply_to: str = ""


@dataclass(frozen=True)
class LinkCard:
    """A link shown as a card under a post's text.

    ``kind`` says who makes it:
    - ``"preview"``: the network reads the page's title, summary and image itself (Open Graph tags)
      when the post goes out; Vitrine knows only the address;
    - ``"embed"``: made of what Vitrine sends (``title``, ``description``): Bluesky's external embed;
    - ``"attached"``: the address goes beside the text, for the receiver to show (the webhook's
      ``link``, the website feed item's link).
    """

    url: str
    kind: str = "preview"
    title: str = ""
    description: str = ""


def address_spans(text: str) -> list[tuple[int, int]]:
    """Where the web addresses of ``text`` are (``https://…``, ``www.…``), without a sentence's final
    punctuation or an unbalanced closing parenthesis."""
    spans = []
    for match in _ADDRESS.finditer(text):
        url = match.group().rstrip(_TRAILING)
        if url.endswith(")") and "(" not in url:
            url = url[:-1].rstrip(_TRAILING)
        if url:
            spans.append((match.start(), match.start() + len(url)))
    return spans


def web_addresses(text: str) -> list[str]:
    """The web addresses of ``text``, in order (see ``address_spans``)."""
    return [text[start:end] for start, end in address_spans(text)]


@dataclass(frozen=True)
class Published:
    external_id: str
    url: str = ""
    summary: str = ""


@dataclass(frozen=True)
class Comment:
    external_id: str
    author: str
    text: str
    created_at: datetime.datetime | None = None
    in_reply_to: str = ""


@dataclass(frozen=True)
class FollowedAccount:
    """An account that a channel follows (art. 7: none may be a party's or a candidate's during an election)."""

    handle: str
    display_name: str = ""
    url: str = ""


class AdapterError(Exception):
    """A failed call: ``message`` for the people who read it, ``summary`` of the exchange for the attempt log."""

    def __init__(self, message: str, *, summary: str = "", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.summary = summary[:SUMMARY_LENGTH]
        self.status = status


class TemporaryError(AdapterError):
    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PermanentError(AdapterError):
    pass


class AuthError(PermanentError):
    pass


class Gone(PermanentError):
    """The publication asked about is not (or no longer) on the network: a removal has nothing left to do."""


class OutcomeUnknown(AdapterError):
    pass


def retry_after_seconds(value: str | None, *, now: datetime.datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either a number of seconds or an HTTP date (RFC 9110, 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.datetime.now(datetime.UTC)
    return max(0.0, (when - now).total_seconds())


def created_since(created, since: datetime.datetime | None) -> bool:
    """Whether a post the network says was created at ``created`` (ISO 8601 text, or milliseconds since
    the epoch as LinkedIn gives it) can be the one sent at ``since``. Unknown either way → True."""
    if since is None or created in (None, ""):
        return True
    try:
        if isinstance(created, int | float):
            when = datetime.datetime.fromtimestamp(created / 1000, datetime.UTC)
        else:
            when = datetime.datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when >= since - CLOCK_MARGIN


def summarise(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url.path} → {response.status_code} {response.text[:300]}"


@functools.cache
def shared_client() -> httpx.Client:
    """One HTTP client per process: thread-safe, pooled, its TLS context built once (that costs ~30 ms)."""
    return httpx.Client(timeout=DEFAULT_TIMEOUT, limits=httpx.Limits(max_connections=100))


@dataclass
class NetworkAdapter:
    """Base class: one subclass per network, in ``publishing/adapters/<network>.py``.

    Subclasses implement ``publish``, ``lookup``, ``delete``, ``fetch_comments``, ``hide_comment``,
    ``reply`` and ``check_credentials`` with ``request()``, which maps every HTTP outcome to the
    errors above in one place; they override ``error_message`` to read their network's error body.
    """

    base_url: str
    credentials: Mapping[str, str] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT
    client: httpx.Client | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT

    network = ""
    # Whether the post's images go out with it (their renditions, ``publishing.media``).
    sends_images = True

    def __post_init__(self):
        if self.client is None:
            self.client = shared_client()

    # What goes out. Pure class methods (no credentials, no network): ``publish`` sends exactly what
    # they say, and the previews (``publishing.previews``) show it, so the two can never differ.
    @classmethod
    def sent_text(cls, outgoing: Outgoing) -> str:
        """The text readers will see on the network: what ``publish`` sends, before any wire format
        (LinkedIn's escaped "little text", Bluesky's facets). By default the version's text."""
        return outgoing.text

    @classmethod
    def link_card(cls, outgoing: Outgoing) -> LinkCard | None:
        """The link the network shows as a card under the post, if any. By default none."""
        return None

    @classmethod
    def refusal(cls, outgoing: Outgoing) -> str:
        """Why ``publish`` refuses ``outgoing`` before any call (a ``PermanentError``), or ``""``."""
        return ""

    # The operations every network offers.
    def publish(self, outgoing: Outgoing) -> Published:
        raise NotImplementedError

    def lookup(self, outgoing: Outgoing, *, since: datetime.datetime | None = None) -> Published | None:
        """Whether ``outgoing`` is already on the network (after an unknown outcome); None if it is not.

        ``since``: when it may have been sent; a network that matches texts counts only the posts
        created since then (``created_since``), so that last week's post of the same text is not it.
        It only reads: after an unknown outcome, the worker asks this, never ``publish``.
        """
        raise NotImplementedError

    def delete(self, external_id: str) -> None:
        """Remove a publication (art. 7). ``Gone`` if the network no longer has it; calling it again after a
        lost answer is harmless (the second call answers ``Gone``). Networks whose API cannot delete say so in
        ``kernel.networks`` (``Network.deletes``) and raise ``PermanentError`` here."""
        raise NotImplementedError

    def fetch_comments(self, external_id: str) -> list[Comment]:
        raise NotImplementedError

    def hide_comment(self, comment_id: str) -> None:
        raise NotImplementedError

    def reply(self, comment_id: str, text: str) -> Published:
        raise NotImplementedError

    def check_credentials(self) -> str:
        """The account's name on the network; ``AuthError`` if the token no longer works."""
        raise NotImplementedError

    # HTTP, once for every network.
    def url(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"

    def headers(self) -> dict[str, str]:
        token = self.credentials.get("access_token", "")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def error_message(self, response: httpx.Response, payload) -> str:
        """The network's own explanation of an error answer, if its body has one."""
        if isinstance(payload, Mapping):
            for key in ("error_description", "message", "detail", "error"):
                value = payload.get(key)
                if isinstance(value, str) and value:
                    return value
                if isinstance(value, Mapping) and isinstance(value.get("message"), str):
                    return value["message"]
        return response.reason_phrase

    def is_auth_failure(self, response: httpx.Response, payload) -> bool:
        return response.status_code == 401

    def is_gone(self, response: httpx.Response, payload) -> bool:
        """The object asked about does not exist (any more); networks with their own way of saying it add it here."""
        return response.status_code in (404, 410)

    def is_rate_limited(self, response: httpx.Response, payload) -> bool:
        """A refusal to be retried later; networks that throttle with other statuses say so here."""
        return response.status_code == 429

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the network asks to wait before the next try; networks with their own headers add them here."""
        return retry_after_seconds(response.headers.get("Retry-After"))

    def request(
        self, method: str, path: str, *, creates: bool = False, headers: Mapping[str, str] | None = None, **kwargs
    ):
        """Send one request and return its JSON body (or None when empty).

        ``creates`` says the request makes something on the network (a post, a container): a
        timeout or an unreadable answer then leaves the outcome unknown instead of temporary.
        """
        url = path if path.startswith(("http://", "https://")) else self.url(path)
        try:
            response = self.client.request(
                method,
                url,
                headers={**self.headers(), **(headers or {})},
                timeout=httpx.Timeout(self.timeout, connect=min(self.connect_timeout, self.timeout)),
                **kwargs,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise TemporaryError(
                _("The network does not answer (%(error)s).") % {"error": type(error).__name__},
                summary=f"{method} {url}",
            ) from None
        except httpx.TimeoutException as error:
            message = _("The network did not answer in time (%(error)s).") % {"error": type(error).__name__}
            if creates:
                raise OutcomeUnknown(message, summary=f"{method} {url}") from None
            raise TemporaryError(message, summary=f"{method} {url}") from None
        except httpx.HTTPError as error:
            message = _("The exchange with the network failed (%(error)s).") % {"error": type(error).__name__}
            if creates:
                raise OutcomeUnknown(message, summary=f"{method} {url}") from None
            raise TemporaryError(message, summary=f"{method} {url}") from None
        summary = summarise(response)
        try:
            payload = response.json() if response.content else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = _UNREADABLE
        status = response.status_code
        if status < 400:
            if payload is _UNREADABLE:
                message = _("The network's answer cannot be read (invalid JSON).")
                if creates:
                    raise OutcomeUnknown(message, summary=summary, status=status)
                raise TemporaryError(message, summary=summary, status=status)
            return payload
        payload = None if payload is _UNREADABLE else payload
        detail = self.error_message(response, payload)
        if self.is_auth_failure(response, payload):
            raise AuthError(
                _("The access token is expired or revoked: reconnect the account (%(detail)s).") % {"detail": detail},
                summary=summary,
                status=status,
            )
        if self.is_rate_limited(response, payload):
            raise TemporaryError(
                _("The network limits the pace of posts (%(detail)s).") % {"detail": detail},
                retry_after=self.retry_after(response),
                summary=summary,
                status=status,
            )
        if status >= 500:
            raise TemporaryError(
                _("The network has a temporary failure (HTTP %(status)s).") % {"status": status},
                retry_after=self.retry_after(response),
                summary=summary,
                status=status,
            )
        # Gone is a refusal too (a publication answered 404 is refused); a removal reads it as done.
        refused = Gone if self.is_gone(response, payload) else PermanentError
        raise refused(
            _("The network refused the post (HTTP %(status)s): %(detail)s") % {"status": status, "detail": detail},
            summary=summary,
            status=status,
        )

    # Whom the account follows (art. 7), on the networks whose API lists them.
    def followed_accounts(self) -> list[FollowedAccount]:
        """Every account this channel's account follows, all pages read; an ``AdapterError`` when the list
        cannot be read to the end (the check is then recorded as failed: a partial list proves nothing)."""
        raise NotImplementedError


_UNREADABLE = object()
