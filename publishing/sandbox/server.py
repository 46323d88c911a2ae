"""A local stand-in for the social networks, on 127.0.0.1: each network's documented requests and
answers, what each channel received (shown in a browser), and faults on demand.

Paths start with the network's code: ``http://127.0.0.1:8700/mastodon/api/v1/statuses``; the demo
channels point their API address there. One module per network in ``publishing/sandbox/networks/``
declares its routes (a ``Simulator`` subclass listed in ``SIMULATORS``).

Control paths, for tests and benchmarks:
- ``GET /`` — an HTML page of what each channel received;
- ``GET /_sandbox/received`` — the same as JSON;
- ``POST /_sandbox/faults`` — ``{"network": "x", "faults": [{"status": 429, "retry_after": "2"}, ...]}``:
  the next requests to that network answer these faults in order, one request each. What a fault does:
  ``{"status": 503}`` (the network's error body with that status; ``"message"`` its text,
  ``"retry_after"`` a ``Retry-After`` header), ``{"delay": 3}`` (answer late),
  ``{"malformed": true}`` (unreadable JSON with the status given, 200 by default),
  ``{"drop_after_receive": true}`` (the post is recorded, then the connection closes unanswered after
  ``"hold"`` seconds: a timeout after sending) or ``{"hang": true}`` (the connection is accepted and
  never answered, nothing recorded, until the client gives up: its read timeout fires).
  Which requests it applies to: ``"match"`` (a regular expression searched in ``"<METHOD> <path>"``)
  and ``"bearer"`` (only requests with this ``Authorization: Bearer`` token: one channel of the
  network, since each channel has its own). ``"sticky": true`` keeps the fault queued, so that it
  applies to every such request (a network down or throttling all along) instead of the next one only;
- ``POST /_sandbox/reset`` — forget everything; ``POST /_sandbox/latency`` — ``{"seconds": 0.05}``.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import re
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEFAULT_PORT = 8700


@dataclass
class Received:
    """One post (or comment reply, or container) a network accepted."""

    network: str
    external_id: str
    text: str
    account: str = ""
    idempotency_key: str = ""
    media_count: int = 0
    kind: str = "post"
    received_at: float = field(default_factory=time.time)
    deleted: bool = False
    extra: dict = field(default_factory=dict)


# The kind of a ``Received`` that is a request sent again under a key the network already answered (Mastodon's
# ``Idempotency-Key``): the network publishes nothing new, but the sender did send it twice.
RESENT = "resent"


@dataclass
class SandboxRequest:
    method: str
    path: str  # after the network prefix, with a leading slash
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)

    def bearer(self) -> str:
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else ""


@dataclass
class SandboxResponse:
    status: int = 200
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return b"" if self.body is None else json.dumps(self.body).encode()


class State:
    """Everything the sandbox remembers, shared by its request threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.received: list[Received] = []
        self.faults: dict[str, deque] = defaultdict(deque)
        self.latency = 0.0
        # Per network scratch space for simulators (containers, sessions…).
        self.scratch: dict[str, dict] = defaultdict(dict)

    def next_id(self) -> str:
        with self.lock:
            return str(next(self.ids))

    def record(self, item: Received) -> Received:
        with self.lock:
            self.received.append(item)
        return item

    def record_resent(self, earlier: Received, *, text: str, media_count: int = 0) -> Received:
        """A request sent again under ``earlier``'s key, which the network answers with ``earlier`` (no new post)."""
        return self.record(
            Received(
                earlier.network,
                earlier.external_id,
                text,
                account=earlier.account,
                idempotency_key=earlier.idempotency_key,
                media_count=media_count,
                kind=RESENT,
            )
        )

    def posts(self, network: str | None = None, *, kind: str = "post") -> list[Received]:
        return [item for item in self._of(network, kind) if not item.deleted]

    def resent(self, network: str | None = None) -> list[Received]:
        """The requests sent again under a key already answered (``RESENT``), however the network answered."""
        return self._of(network, RESENT)

    def _of(self, network: str | None, kind: str) -> list[Received]:
        with self.lock:
            return [
                item for item in self.received if (network is None or item.network == network) and item.kind == kind
            ]

    def take_fault(self, network: str, request: SandboxRequest) -> dict | None:
        """The first fault queued for ``network`` that applies to ``request``; taken off the queue unless sticky."""
        with self.lock:
            queue = self.faults.get(network) or deque()
            for index, fault in enumerate(queue):
                if _applies(fault, request):
                    if not fault.get("sticky"):
                        del queue[index]
                    return fault
        return None

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.faults.clear()
            self.scratch.clear()
            self.latency = 0.0


def _applies(fault: dict, request: SandboxRequest) -> bool:
    """Whether ``fault`` is for ``request``: its ``match`` (method and path) and its ``bearer`` (token), when set."""
    match = fault.get("match")
    if match is not None and not re.search(match, f"{request.method} {request.path}"):
        return False
    return "bearer" not in fault or fault["bearer"] == request.bearer()


Route = tuple[str, re.Pattern, Callable]


class Simulator:
    """One network's side of the contract. Subclasses set ``network`` and list ``routes``.

    A route handler takes ``(request, match, state)`` and returns a ``SandboxResponse``; one marked
    ``@authenticated`` first answers ``refusal()``, when there is one. ``error()`` builds the network's
    documented error body; ``valid_token()`` says whether a bearer token is accepted (every non-empty
    token is, unless it is ``"revoked"``).
    """

    network = ""

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def error(self, status: int, message: str) -> SandboxResponse:
        return SandboxResponse(status, {"error": message})

    def valid_token(self, token: str) -> bool:
        return bool(token) and token != "revoked"

    def unauthorised(self) -> SandboxResponse:
        return self.error(401, "The access token is invalid")

    def refusal(self, request: SandboxRequest, state: State) -> SandboxResponse | None:
        """Why the network refuses the request's credentials, or None when it accepts them.

        By default a bearer token; networks that authenticate otherwise override this.
        """
        return None if self.valid_token(request.bearer()) else self.unauthorised()

    def post_url(self, base: str, item: Received) -> str:
        return f"{base}/{self.network}/posts/{item.external_id}"

    def items(self, state: State, *kinds: str) -> list[Received]:
        """This network's live items of these kinds ("post", "comment", "reply"), kind by kind."""
        return [item for kind in kinds for item in state.posts(self.network, kind=kind)]

    def find(self, state: State, external_id: str, *kinds: str) -> Received | None:
        """The live item of one of these kinds with this id."""
        return next((item for item in self.items(state, *kinds) if item.external_id == external_id), None)


def authenticated(handler: Callable) -> Callable:
    """Marks a route handler the network answers only when it accepts the credentials (``refusal``)."""

    @functools.wraps(handler)
    def guarded(simulator: Simulator, request: SandboxRequest, match: re.Match, state: State) -> SandboxResponse:
        return simulator.refusal(request, state) or handler(simulator, request, match, state)

    return guarded


def _simulators() -> dict[str, Simulator]:
    from publishing.sandbox.networks import SIMULATORS

    return {simulator.network: simulator for simulator in (cls() for cls in SIMULATORS)}


class _Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without TCP_NODELAY each answer waits ~40 ms for a delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet: the page shows what matters
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def _send(self, response: SandboxResponse, content_type: str = "application/json") -> None:
        body = response.encoded()
        self.send_response(response.status)
        self.send_header("Content-Type", response.headers.pop("Content-Type", content_type))
        self.send_header("Content-Length", str(len(body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test): nothing left to answer

    # A request held unanswered ("hang") is let go after this long even if its client never gives up.
    HANG_LIMIT_SECONDS = 3600

    def _hold_unanswered(self) -> None:
        """Answer nothing and keep the connection open until the client closes it (it timed out, or died)."""
        self.close_connection = True
        self.connection.settimeout(self.HANG_LIMIT_SECONDS)
        try:
            while self.rfile.read(1):  # a client waiting for its answer sends nothing more: this reads its close
                pass
        except OSError:
            pass

    def _handle(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        segments = parts.path.strip("/").split("/", 1)
        network, rest = segments[0], "/" + (segments[1] if len(segments) > 1 else "")
        if parts.path in ("/", "/_sandbox/"):
            return self._send(SandboxResponse(raw=self.server.page().encode()), "text/html; charset=utf-8")
        if network == "_sandbox":
            return self._send(self.server.control(method, rest, body))
        simulator = self.server.simulators.get(network)
        if simulator is None:
            return self._send(SandboxResponse(404, {"error": f"unknown network {network}"}))
        request = SandboxRequest(
            method, rest, parse_qs(parts.query), {key.lower(): value for key, value in self.headers.items()}, body
        )
        if state.latency:
            time.sleep(state.latency)
        fault = state.take_fault(network, request)
        if fault and fault.get("hang"):
            return self._hold_unanswered()
        if fault and fault.get("delay"):
            time.sleep(float(fault["delay"]))
        if fault and not fault.get("drop_after_receive") and ("status" in fault or fault.get("malformed")):
            status = int(fault.get("status", 200))
            headers = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
            if fault.get("malformed"):
                return self._send(SandboxResponse(status, raw=b'{"id": "oops', headers=headers))
            error = simulator.error(status, fault.get("message", "Simulated failure"))
            error.headers.update(headers)
            return self._send(error)
        response = self.server.route(simulator, request)
        if fault and fault.get("drop_after_receive"):
            self.close_connection = True
            time.sleep(float(fault.get("hold", 0)))
            return None
        return self._send(response)


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A burst opens hundreds of connections at once; the default backlog of 5 would reset them.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int] = ("127.0.0.1", DEFAULT_PORT)):
        super().__init__(address, _Handler)
        self.state = State()
        self.simulators = _simulators()

    def handle_error(self, request, client_address) -> None:
        """A client that vanished mid-exchange (a worker SIGKILLed, a timeout) is no sandbox error: no traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, simulator: Simulator, request: SandboxRequest) -> SandboxResponse:
        for method, pattern, handler in simulator.routes():
            match = pattern.fullmatch(request.path)
            if method == request.method and match:
                try:
                    return handler(request, match, self.state)
                except (ValueError, KeyError, TypeError) as error:
                    return simulator.error(400, f"Bad request: {error}")
        return simulator.error(404, f"No route for {request.method} {request.path}")

    def control(self, method: str, path: str, body: bytes) -> SandboxResponse:
        data = json.loads(body or b"{}")
        if path == "/received":
            return SandboxResponse(200, [asdict(item) for item in self.state.received])
        if method == "POST" and path == "/faults":
            with self.state.lock:
                self.state.faults[data["network"]].extend(data["faults"])
            return SandboxResponse(200, {"queued": len(data["faults"])})
        if method == "POST" and path == "/reset":
            self.state.reset()
            return SandboxResponse(200, {"reset": True})
        if method == "POST" and path == "/latency":
            self.state.latency = float(data["seconds"])
            return SandboxResponse(200, {"latency": self.state.latency})
        return SandboxResponse(404, {"error": "unknown control path"})

    def page(self) -> str:
        rows = []
        for item in reversed(self.state.posts()):
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(item.received_at))
            rows.append(
                f"<tr><td>{when}</td><td>{html.escape(item.network)}</td><td>{html.escape(item.account)}</td>"
                f"<td>{html.escape(item.text)}</td><td>{item.media_count}</td></tr>"
            )
        return (
            "<!doctype html><html lang='fr-ca'><head><meta charset='utf-8'><meta http-equiv='refresh' content='5'>"
            "<title>Bac à sable des réseaux — Vitrine</title></head><body><main>"
            "<h1>Bac à sable des réseaux sociaux</h1>"
            "<p>Ce que chaque canal de démonstration a reçu de Vitrine (rafraîchi toutes les 5 secondes).</p>"
            f"<p>Requêtes envoyées de nouveau sous une clé déjà reçue : {len(self.state.resent())}.</p>"
            "<table border='1' cellpadding='4'><thead><tr><th>Reçu</th><th>Réseau</th><th>Compte</th><th>Texte</th>"
            "<th>Images</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></main></body></html>"
        )


def start_in_thread(port: int = 0) -> SandboxServer:
    """A sandbox on 127.0.0.1 (an ephemeral port by default), serving in a daemon thread."""
    server = SandboxServer(("127.0.0.1", port))
    threading.Thread(target=server.serve_forever, name="vitrine-sandbox", daemon=True).start()
    return server
