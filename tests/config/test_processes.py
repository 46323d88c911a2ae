"""The embedded mode's processes: the django-q2 worker and `runall`, as `make run` starts them."""

from __future__ import annotations

import signal
import time
import urllib.request

import pytest
from django_q.tasks import async_task, result

from tests.conftest import port_open, skip_unless_available
from tests.live import manage


def _stop(process, sig=signal.SIGINT, timeout=30) -> str:
    process.send_signal(sig)
    output, _ = process.communicate(timeout=timeout)
    return output


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_task_from_the_orm_broker(settings):
    worker = manage("qcluster")
    try:
        task_id = async_task("math.floor", 2.5)
        assert result(task_id, wait=30_000) == 2
    finally:
        output = _stop(worker)
    assert worker.returncode == 0, output


@pytest.mark.django_db(transaction=True)
def test_runall_serves_the_admin_and_stops_both_processes_on_ctrl_c(unused_port):
    process = manage("runall", f"127.0.0.1:{unused_port}")
    try:
        deadline = time.monotonic() + 30
        while not port_open("127.0.0.1", unused_port):
            assert process.poll() is None and time.monotonic() < deadline, "runall did not start serving"
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{unused_port}/admin/login/", timeout=10) as response:
            page = response.read().decode()
        assert response.status == 200 and 'lang="fr-ca"' in page
    finally:
        output = _stop(process)
    assert process.returncode == 0, output
    assert "Vitrine stopped." in output


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.redis
def test_the_redis_broker_takes_vitrine_redis_url(monkeypatch):
    import os

    from django_q.brokers.redis_broker import Redis
    from django_q.conf import Conf

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    skip_unless_available(port_open("127.0.0.1", 6379) or "127.0.0.1" not in url, "Redis at 127.0.0.1:6379")
    monkeypatch.setattr(Conf, "REDIS", url)
    broker = Redis(list_key="vitrine-test")
    broker.purge_queue()
    broker.enqueue("payload")
    task_id, payload = broker.dequeue()[0]
    broker.acknowledge(task_id)
    assert payload == b"payload" or payload == "payload"
    assert broker.queue_size() == 0
