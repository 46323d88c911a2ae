"""Real clusters against the test database and real HTTP servers on 127.0.0.1 (the sandbox, a server that
never answers): a worker killed mid-burst and how soon its publications come back, a network slower than a
claim, a dead network beside healthy ones, and two clusters racing.

Every publication must end published exactly once at the sandbox (it counts what it received, and what was
sent again under a key it had already answered). The bounds below are several times the targets, which
``bench/publish_faults.py`` measures; they are what the worker could not do before heartbeats (a killed
worker's posts came back after 2 minutes) and lanes for slow networks (a dead network held every worker).
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
from publishing.models import PublicationAttempt
from tests import factories
from tests.live import manage
from tests.publishing.test_worker import CLEAN, sandbox_channel, scheduled

pytestmark = pytest.mark.django_db(transaction=True)
# Two workers, small batches; the claims, heartbeats and reaping of settings.PUBLISHING as they are. Quiet logs:
# nobody reads the processes' output until they end.
FAST = {"PUBLISHING_TASK_BATCH": "5", "Q_WORKERS": "2", "LOG_LEVEL": "ERROR"}


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
    """Stop a command (SIGINT, as a person would), then its workers left behind if any: a cluster stopped while
    a worker hangs on a dead network may exit without it, and such a worker must not outlive the test."""
    family = descendants(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except Exception:
            kill_tree(process)
    for pid in family:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


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
    # Each its own text, as a city's posts are (a look-up after an unknown outcome matches the text).
    posts = [
        scheduled(
            adviser, targets, due=start + number * step, title=f"Avis {number}", body=f"Avis no {number}. {CLEAN}"
        )
        for number in range(count)
    ]
    return [post.pk for post in posts]


def assert_each_published_once(sandbox, expected: int) -> None:
    keys = [item.idempotency_key for item in sandbox.posts("mastodon")]
    assert len(keys) == len(set(keys)), "a publication reached the network twice"
    assert sandbox.state.resent() == [], "a publication was sent again"
    assert len(keys) == expected
    assert ChannelVersion.objects.filter(status=Status.PUBLISHED).count() == expected


def published_calls(versions=None) -> dict[int, tuple[datetime.datetime, datetime.datetime]]:
    """Each published version's due time and the time of the call that published it."""
    attempts = PublicationAttempt.objects.filter(outcome__in=("published", "found"))
    if versions is not None:
        attempts = attempts.filter(version__in=versions)
    return {
        version_id: (due, called)
        for version_id, due, called in attempts.values_list("version_id", "version__due_at", "call_started_at")
    }


def test_a_worker_killed_mid_burst_loses_nothing_and_doubles_nothing(sandbox):
    # Spread over 12 s, so that the burst is still going out when the kill comes, even on a busy machine:
    # the worker sends all that is due at one second at once.
    sandbox.state.latency = 0.05
    burst(sandbox, 60, over_seconds=12)
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


def test_after_a_sigkill_the_killed_workers_publications_go_out_within_seconds_of_the_restart(sandbox):
    """Its claims lapse without a heartbeat and the reaper releases them within CLAIM_SECONDS + REAP_SECONDS:
    every post goes out within seconds of its due time or of the restart, whichever is later (target 15 s,
    bench/publish_faults.py; it was over two minutes)."""
    sandbox.state.latency = 0.05
    burst(sandbox, 40, over_seconds=8)
    dispatcher = manage("publish_dispatcher", **FAST)
    cluster = manage("qcluster", **FAST)
    try:
        wait_until(lambda: len(sandbox.posts("mastodon")) >= 10, 60, "the burst to start")
        kill_tree(cluster)
        restarted = timezone.now()
        cluster = manage("qcluster", **FAST)
        wait_until(
            lambda: ChannelVersion.objects.filter(status=Status.PUBLISHED).count() == 40, 90, "every publication"
        )
    finally:
        stop(cluster)
        stop(dispatcher)
    assert_each_published_once(sandbox, 40)
    late = {pk: (called - max(due, restarted)).total_seconds() for pk, (due, called) in published_calls().items()}
    assert max(late.values()) < 30, sorted(late.values())[-5:]


def test_a_network_slower_than_a_claim_keeps_its_claims_by_heartbeat(sandbox):
    """A live worker waiting 12 s on its network (claims last 8 s) renews them: nothing is reaped, looked up
    or sent twice, and each publication is one try."""
    sandbox.state.latency = 12
    burst(sandbox, 3)
    processes = [
        manage(command, **FAST, PUBLISHING_NETWORK_TIMEOUT_SECONDS="30")
        for command in ("publish_dispatcher", "qcluster")
    ]
    try:
        wait_until(lambda: ChannelVersion.objects.filter(status=Status.PUBLISHED).count() == 3, 60, "every publication")
    finally:
        for process in processes:
            stop(process)
    assert_each_published_once(sandbox, 3)
    assert list(PublicationAttempt.objects.values_list("outcome", flat=True)) == ["published"] * 3
    assert set(ChannelVersion.objects.values_list("attempts", flat=True)) == {1}


def test_a_network_that_never_answers_does_not_delay_the_other_channels(sandbox, listening_socket):
    """One channel's network accepts connections and never answers (timeout 15 s); two workers. Its calls
    hold at most the worker already waiting on it: the healthy channels' posts go out on time."""
    sandbox.state.latency = 0.05
    adviser = factories.reviewer()
    dead = factories.channel("mastodon", api_base_url=listening_socket.url)
    dead.set_credentials({"access_token": "jeton"})
    dead.save()
    healthy = [sandbox_channel(sandbox) for _ in range(2)]
    processes = [manage(command, **FAST) for command in ("publish_dispatcher", "qcluster")]
    healthy_versions = ChannelVersion.objects.exclude(channel=dead)
    try:
        # Scheduled once the worker runs, due from a few seconds on: the dead channel's calls begin first.
        start = timezone.now() + datetime.timedelta(seconds=8)
        for number in range(30):
            channels = [dead] if number % 3 == 0 else [healthy[number % 2]]
            due = start + datetime.timedelta(seconds=number * 0.25)
            scheduled(adviser, channels, due=due, title=f"Avis {number}", body=f"Avis no {number}. {CLEAN}")
        wait_until(lambda: healthy_versions.filter(status=Status.PUBLISHED).count() == 20, 60, "the healthy channels")
    finally:
        for process in processes:
            stop(process)
    assert_each_published_once(sandbox, 20)
    late = [(called - due).total_seconds() for due, called in published_calls(healthy_versions).values()]
    # Before, each dead call held a worker 30 s (timeout, then an immediate recovery call): up to 24 s late.
    # (Here about a second; the bound leaves room for a busy machine. The target, 2 s, is the benchmark's.)
    assert max(late) < 10, sorted(late)[-5:]
    assert listening_socket.connections >= 1


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
