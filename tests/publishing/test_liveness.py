"""Whether a claim's holder is certainly gone: only from /proc's record, on this host, in this pid namespace."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from publishing.liveness import certainly_gone, identity

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc is Linux's")


def identity_of_a_process_that_ended() -> str:
    child = subprocess.run(
        [sys.executable, "-c", "from publishing.liveness import identity; print(identity())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return child.stdout.strip()


def test_this_process_is_alive():
    assert not certainly_gone(identity())


def test_a_process_that_ended_is_certainly_gone():
    holder = identity_of_a_process_that_ended()
    assert holder.startswith(f"{socket.gethostname()}:")
    assert certainly_gone(holder)


def test_a_process_id_reused_by_another_process_is_gone():
    """The holder's id now belongs to a process started at another time (this one)."""
    host_pid, namespace, started = identity().split()
    assert certainly_gone(f"{host_pid} {namespace} {int(started) - 1}")


@pytest.mark.parametrize(
    "holder",
    [
        "",
        "another-host:1 pid:[1] 1",  # another machine: nothing can be known here
        "{host}:999999999 pid:[1] 1",  # another pid namespace (another container)
        "{host}:999999999",  # written where /proc was not: nothing to compare
        "{host}:abc {namespace} 1",
    ],
)
def test_nothing_is_certain_about_a_process_elsewhere_or_unreadable(holder):
    _host_pid, namespace, _started = identity().split()
    assert not certainly_gone(holder.format(host=socket.gethostname(), namespace=namespace))
