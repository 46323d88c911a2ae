"""The sandbox's faults that last (``sticky``), that aim at one channel (``bearer``) and that never answer
(``hang``): what ``bench/publish_faults.py`` builds its dead and throttled channels from. Faults consumed one
request at a time are exercised by every network's contract tests (``test_adapter_contract.py``)."""

from __future__ import annotations

import socket
import struct
import time

import httpx
import pytest

from publishing.adapters.base import OutcomeUnknown, TemporaryError
from tests.publishing.test_adapter_contract import NETWORKS

MASTODON = NETWORKS["mastodon"]
THROTTLED = {"status": 429, "retry_after": "7", "sticky": True, "bearer": "throttled"}


@pytest.fixture
def network():
    return MASTODON


def test_a_sticky_fault_answers_every_request_it_matches_and_stays_queued(sandbox, outgoing):
    throttled = MASTODON.adapter(sandbox, access_token="throttled")
    sandbox.fault("mastodon", THROTTLED)
    for number in range(3):
        with pytest.raises(TemporaryError) as refused:
            throttled.publish(outgoing(idempotency_key=f"publication-{number}"))
        assert (refused.value.status, refused.value.retry_after) == (429, 7.0)
    assert list(sandbox.state.faults["mastodon"]) == [THROTTLED]
    assert not sandbox.posts("mastodon")


def test_a_fault_for_one_bearer_token_leaves_the_networks_other_channels_alone(sandbox, outgoing):
    sandbox.fault("mastodon", {"status": 503, "bearer": "throttled"})
    MASTODON.adapter(sandbox, access_token="healthy").publish(outgoing())
    assert len(sandbox.posts("mastodon")) == 1
    assert len(sandbox.state.faults["mastodon"]) == 1, "a request of another channel took the fault"
    with pytest.raises(TemporaryError):
        MASTODON.adapter(sandbox, access_token="throttled").publish(outgoing(idempotency_key="publication-2"))
    assert not sandbox.state.faults["mastodon"], "a fault that is not sticky applies once"


def test_a_hanging_fault_never_answers_so_the_adapters_read_timeout_fires_and_nothing_is_published(sandbox, outgoing):
    sandbox.fault("mastodon", {"hang": True, "sticky": True, "bearer": "dead"})
    dead = MASTODON.adapter(sandbox, access_token="dead", timeout=0.5)
    started = time.monotonic()
    with pytest.raises(OutcomeUnknown):
        dead.publish(outgoing())
    with pytest.raises(TemporaryError):
        dead.check_credentials()  # a look-up hangs too: the whole channel is dead
    assert time.monotonic() - started < 3
    assert not sandbox.posts("mastodon") and not sandbox.state.resent("mastodon")
    assert MASTODON.adapter(sandbox).check_credentials() == "villemontmagny"


def test_sticky_and_bearer_faults_can_be_queued_through_the_control_path(sandbox, outgoing):
    queued = httpx.post(f"{sandbox.base_url}/_sandbox/faults", json={"network": "mastodon", "faults": [THROTTLED]})
    assert queued.json() == {"queued": 1}
    for _ in range(2):
        with pytest.raises(TemporaryError):
            MASTODON.adapter(sandbox, access_token="throttled").publish(outgoing())
    MASTODON.adapter(sandbox).publish(outgoing())
    assert len(sandbox.posts("mastodon")) == 1


def test_a_client_that_resets_its_connection_leaves_no_traceback(sandbox, capfd):
    """A SIGKILLed worker's connections are reset under the sandbox: an event of the benchmarks, not an error."""
    host, port = sandbox.server.server_address[:2]
    client = socket.create_connection((host, port))
    client.sendall(b"GET /mastodon/api/v1/accounts/verify_credentials HTTP/1.1\r\n")  # the request never ends
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()  # with a zero linger: a reset, as from a killed process with unread data
    time.sleep(0.3)
    assert "Traceback" not in capfd.readouterr().err
    assert MASTODON.adapter(sandbox).check_credentials() == "villemontmagny"
