"""Reading an events calendar from an address, as a careful server does for addresses people type.

- http and https only; the host resolved once, and every address it resolves to must be public — not
  private, loopback, link-local or otherwise reserved — unless the administrator allowed that host
  (``ICAL_IMPORT["ALLOWED_HOSTS"]``); the connection then goes to the address checked (the host name is
  sent as ``Host`` and, for https, as the TLS server name), so a second resolution cannot point it
  elsewhere.
- At most ``ICAL_IMPORT["MAX_BYTES"]`` read, within ``ICAL_IMPORT["TIMEOUT_SECONDS"]`` in all.
- Redirects followed, three at most, each checked as the first address.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 3


class FetchRefused(Exception):
    """The address cannot be read; ``message`` says why, in the active language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    url: str  # with the checked IP address in place of the host
    host: str
    host_header: str
    scheme: str


def check_address(url: str) -> Target:
    """The address to connect to for ``url``, once it may be read; ``FetchRefused`` otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(_("Give a web address beginning with https:// (or http://)."))
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchRefused(_("This address's port is not a number.")) from None
    try:
        resolved = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError):
        raise FetchRefused(_("No server answers to the name %(host)s.") % {"host": host}) from None
    allowed = host.lower() in {name.lower() for name in settings.ICAL_IMPORT["ALLOWED_HOSTS"]}
    addresses = sorted(
        (ipaddress.ip_address(address.split("%")[0]) for address in resolved), key=lambda ip: (ip.version, ip)
    )
    if not allowed and not all(address.is_global for address in addresses):
        raise FetchRefused(
            _("%(host)s is an address of a private network or of this server: it is not read.") % {"host": host}
        )
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    return Target(f"{parts.scheme}://{literal}:{port}{path}{query}", host, host_header, parts.scheme)


def fetch_calendar(url: str) -> bytes:
    """The body ``url`` answers with (200), read as the module's docstring says; ``FetchRefused`` otherwise."""
    limit, timeout = settings.ICAL_IMPORT["MAX_BYTES"], settings.ICAL_IMPORT["TIMEOUT_SECONDS"]
    deadline = time.monotonic() + timeout
    with httpx.Client(follow_redirects=False, verify=True) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            target = check_address(url)
            remaining = max(deadline - time.monotonic(), 0.1)
            extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
            request = client.build_request(
                "GET",
                target.url,
                headers={"Host": target.host_header, "Accept": "text/calendar, */*;q=0.5"},
                timeout=httpx.Timeout(remaining),
                extensions=extensions,
            )
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchRefused(
                    _("The address did not answer within %(seconds)d s.") % {"seconds": timeout}
                ) from None
            except httpx.HTTPError as error:
                raise FetchRefused(
                    _("The address could not be read (%(error)s).") % {"error": type(error).__name__}
                ) from None
            try:
                if response.is_redirect and response.headers.get("location"):
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise FetchRefused(
                        _("The address answered with the error %(status)d.") % {"status": response.status_code}
                    )
                return _read(response, limit=limit, deadline=deadline, timeout=timeout)
            finally:
                response.close()
    raise FetchRefused(_("The address redirects more than %(count)d times.") % {"count": MAX_REDIRECTS})


def _read(response: httpx.Response, *, limit: int, deadline: float, timeout: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchRefused(_too_large(limit))
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise FetchRefused(_too_large(limit))
            if time.monotonic() > deadline:
                raise _too_slow(timeout)
    except httpx.TimeoutException:
        raise _too_slow(timeout) from None
    except httpx.HTTPError as error:
        raise _unreadable(error) from None
    return bytes(body)


def _too_large(limit: int) -> str:
    return _("The calendar is larger than %(size)d kB: it is not imported.") % {"size": limit // 1024}


def _too_slow(timeout: int) -> FetchRefused:
    return FetchRefused(_("The address did not answer within %(seconds)d s.") % {"seconds": timeout})


def _unreadable(error: Exception) -> FetchRefused:
    return FetchRefused(_("The address could not be read (%(error)s).") % {"error": type(error).__name__})
