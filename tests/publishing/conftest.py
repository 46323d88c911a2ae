"""A real sandbox HTTP server on 127.0.0.1 for the adapters' contract tests."""

from __future__ import annotations

import pytest

from publishing.sandbox.server import start_in_thread


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
