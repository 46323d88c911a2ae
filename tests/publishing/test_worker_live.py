"""Real clusters against the test database and the sandbox: a worker killed mid-burst, and two clusters racing.

Every publication must end published exactly once at the sandbox (it counts what it received).
"""

from __future__ import annotations

import datetime
import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from calendar_app.models import ChannelVersion
from calendar_app.workflow import Status
from tests import factories
from tests.live import manage
from tests.publishing.test_worker import sandbox_channel, scheduled

pytestmark = pytest.mark.django_db(transaction=True)
# Short claims and frequent reaping, so that a killed worker's publications come back within seconds.
FAST = {"PUBLISHING_CLAIM_SECONDS": "4", "PUBLISHING_REAP_SECONDS": "1", "PUBLISHING_TASK_BATCH": "5", "Q_WORKERS": "2"}


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def kill_tree(process) -> None:
    for pid in [*descendants(process.pid), process.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=10)


def stop(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except Exception:
            kill_tree(process)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")


def burst(sandbox, count: int, *, channels: int = 1, over_seconds: float = 0.0) -> list[int]:
    """``count`` posts due from 3 s from now, spread evenly over ``over_seconds`` (0: all at one second)."""
    adviser = factories.reviewer()
    targets = [sandbox_channel(sandbox) for _ in range(channels)]
    start = timezone.now() + datetime.timedelta(seconds=3)
    step = datetime.timedelta(seconds=over_seconds / count)
    posts = [scheduled(adviser, targets, due=start + number * step, title=f"Avis {number}") for number in range(count)]
    return [post.pk for post in posts]


def assert_each_published_once(sandbox, expected: int) -> None:
    keys = [item.idempotency_key for item in sandbox.posts("mastodon")]
    assert len(keys) == len(set(keys)), "a publication reached the network twice"
    assert len(keys) == expected
    assert ChannelVersion.objects.filter(status=Status.PUBLISHED).count() == expected


def test_a_worker_killed_mid_burst_loses_nothing_and_doubles_nothing(sandbox):
    # Spread over 6 s, so that the burst is still going out when the kill comes: the worker sends all
    # that is due at one second at once.
    sandbox.state.latency = 0.05
    burst(sandbox, 60, over_seconds=6)
    dispatcher = manage("publish_dispatcher", **FAST)
    cluster = manage("qcluster", **FAST)
    try:
        wait_until(lambda: len(sandbox.posts("mastodon")) >= 15, 60, "the burst to start")
        kill_tree(cluster)  # SIGKILL: the workers get no chance to clean up
        killed_at = len(sandbox.posts("mastodon"))
        cluster = manage("qcluster", **FAST)
        wait_until(
            lambda: ChannelVersion.objects.filter(status=Status.PUBLISHED).count() == 60, 120, "every publication"
        )
    finally:
        stop(cluster)
        stop(dispatcher)
    assert killed_at < 60, "the kill came too late to prove anything"
    assert_each_published_once(sandbox, 60)


@pytest.mark.postgres
def test_two_clusters_racing_on_postgresql_never_publish_twice(sandbox):
    if connection.vendor != "postgresql":
        # SQLite has one writer at a time; .ci/run runs this suite again on PostgreSQL, where this test runs.
        pytest.skip("Two clusters race on PostgreSQL only (the PostgreSQL pass of .ci/run).")
    sandbox.state.latency = 0.02
    burst(sandbox, 40, channels=2)
    processes = [manage(command, **FAST) for command in ("publish_dispatcher", "qcluster") * 2]
    try:
        wait_until(
            lambda: ChannelVersion.objects.filter(status=Status.PUBLISHED).count() == 80, 120, "every publication"
        )
    finally:
        for process in processes:
            stop(process)
    assert_each_published_once(sandbox, 80)
