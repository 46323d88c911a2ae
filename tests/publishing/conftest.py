"""A real sandbox HTTP server on 127.0.0.1 for the adapters' contract tests, and what every network's
tests build alike: the adapter of the module's ``network`` (a row of ``test_adapter_contract.NETWORKS``),
an image and the publication to send."""

from __future__ import annotations

import socket
import threading

import pytest

from publishing.adapters.base import MediaFile, Outgoing
from publishing.sandbox.server import start_in_thread
from tests import factories


class Sandbox:
    def __init__(self, server):
        self.server = server
        self.state = server.state
        self.base_url = server.base_url

    def url(self, network: str) -> str:
        return f"{self.base_url}/{network}"

    def fault(self, network: str, *faults: dict) -> None:
        with self.state.lock:
            self.state.faults[network].extend(faults)

    def posts(self, network: str | None = None, kind: str = "post"):
        return self.state.posts(network, kind=kind)


@pytest.fixture(scope="session")
def _sandbox_server():
    server = start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sandbox(_sandbox_server):
    _sandbox_server.state.reset()
    yield Sandbox(_sandbox_server)
    _sandbox_server.state.reset()


@pytest.fixture
def adapter(sandbox, network):
    """The module's network adapter, pointed at the sandbox with credentials it accepts."""
    return network.adapter(sandbox)


@pytest.fixture
def image(tmp_path) -> MediaFile:
    path = tmp_path / "affiche.png"
    path.write_bytes(factories.png_bytes())
    return MediaFile(path, "image/png", "L'affiche de la collecte")


@pytest.fixture
def outgoing(network, image):
    """Builds a publication the network accepts, under the key ``publication-1``, unless told otherwise."""

    def make(**fields) -> Outgoing:
        fields.setdefault("text", network.text)
        fields.setdefault("idempotency_key", "publication-1")
        if network.needs_image:
            fields.setdefault("media", (image,))
        return Outgoing(**fields)

    return make


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections, counts them and never answers: a network that hangs."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:  # closed
                return
            self.connections += 1
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def listening_socket():
    server = SilentServer()
    yield server
    server.close()
