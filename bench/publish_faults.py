"""Publishing under faults, with real processes (issue 14, "Measured").

What it does:
1. 500 posts (``--posts``) fall due over 20 s (``--window``) on 10 healthy channels of the sandbox's Mastodon,
   which answers in 50 ms. Two more channels of the same network get 5 posts each (``--faulty-posts``), due
   over the same window: a *dead* one, whose every request is accepted and never answered (the adapter's
   read timeout fires), a *throttled* one, whose every request is answered 429 with ``Retry-After: 5``,
   and a *cut* one, which creates each post and then closes the connection unanswered (the outcome is
   unknown until a look-up finds the post).
   (Each channel has its own access token; the sandbox's faults aim at one token and stay: "sticky".)
2. A real django-q2 cluster and a real dispatcher publish them. Both are SIGKILLed together 3 times
   (``--kills``), evenly within the window (at 1/4, 2/4 and 3/4 of it), and started again 2 s later
   (``--pause``).
3. It waits until every version is settled — published, failed, blocked or to verify — or ``--wait``
   seconds after the window ends, printing progress every few seconds.

The worker runs with short tries and backoff (``WORKER_SETTINGS``; a variable set in the environment wins)
so that the faulty channels settle within minutes; the claim, heartbeat and reaper periods keep their
defaults, since they are what is measured. The settings the worker really read are printed.

Run: .venv/bin/python bench/publish_faults.py [--posts N] [--window S] [--faulty-posts N] [--kills N]
     [--pause S] [--wait S] [--workers N]
On SQLite in a new file by default; on the PostgreSQL database of DATABASE_URL when it is set (its posts and
channels are deleted first), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test. The cluster's and
the dispatcher's output go to a log file whose path is printed.

When a post "went out" is the network's own record: the first time the sandbox received its publication
(its idempotency key), less the sandbox's 50 ms of simulated answering time (it records a post after
them). Not the attempt rows: a worker killed between its call and its record leaves no call time, and a
later reconciliation records its own. ``attempt_log_misses`` counts where the rows disagree with the network.

The last line is one JSON object (seconds; "healthy" = the 10 healthy channels):
- late_p99_s, late_p50_s, late_max_s: the healthy posts no kill stranded, call − due time;
- late_p99_s_all_healthy: every healthy post, stranded ones included, plain call − due time (for information);
- max_recovery_s: for the posts a kill stranded — due while no worker ran, or claimed by the killed worker
  and not yet sent — the longest time from the restart (or the due time, if later) to their call, counted
  from the *first* kill that stranded it even when a later kill stranded it again; recovery_posts: how many
  there were;
- duplicates: posts the network created twice; resent: requests it received again under a key it had
  already answered (no second post, but a second send);
- lost: posts the network never received that are not failed, to verify or blocked (said published, or
  still waiting);
- stuck: versions neither published, failed, blocked nor to verify at the end;
- statuses, and by_kind (healthy / dead / throttled / cut): final statuses, posts received and re-sends;
- settled_s: from the first due time until every version was settled (null if not within the wait);
- kills: each kill and restart (s after the first due time), the claims no live process held right after
  it (versions "publishing", an earlier kill's included), and first_call_s: from the restart to the
  network's first call after it (the restarted processes' start-up, the reaper's pass, the first claims);
- attempt_log_misses: healthy posts received with no attempt row recording a call within 1 s of it;
- database, settings (the worker's, as it read them).
Issue 14's targets: duplicates = resent = lost = stuck = 0, late_p99_s ≤ 2, max_recovery_s ≤ 15.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import _publishing as bench

HEALTHY, DEAD, THROTTLED, CUT = "healthy", "dead", "throttled", "cut"
# The access tokens of the faulty channels; the sandbox's faults aim at them (healthy ones: bench-0…).
DEAD_TOKEN, THROTTLED_TOKEN, CUT_TOKEN = "bench-dead", "bench-throttled", "bench-cut"
RETRY_AFTER_SECONDS = 5
SANDBOX_LATENCY = 0.05
# Final statuses of a version (calendar_app.workflow.Status values; checked against it in ``main``).
SETTLED = ("published", "failed", "blocked", "to_verify")
# Short tries and backoff, so that the faulty channels' posts settle within minutes (the defaults: 6 tries,
# 30 s to 30 min apart, a 15 s timeout). Not CLAIM, HEARTBEAT nor REAP: their defaults are measured.
WORKER_SETTINGS = {
    "PUBLISHING_MAX_ATTEMPTS": "6",
    "PUBLISHING_RETRY_BASE_SECONDS": "2",
    "PUBLISHING_RETRY_MAX_SECONDS": "10",
    "PUBLISHING_NETWORK_TIMEOUT_SECONDS": "5",
}
# The worker's settings printed with the figures (settings.PUBLISHING keys).
REPORTED_SETTINGS = (
    "MAX_ATTEMPTS",
    "RETRY_BASE_SECONDS",
    "RETRY_MAX_SECONDS",
    "NETWORK_TIMEOUT_SECONDS",
    "CONNECT_TIMEOUT_SECONDS",
    "CLAIM_SECONDS",
    "HEARTBEAT_SECONDS",
    "REAP_SECONDS",
    "LOOKAHEAD_SECONDS",
)
PROGRESS_SECONDS = 2.0


@dataclass(frozen=True)
class Outage:
    """One SIGKILL of the cluster and the dispatcher, and their restart (epoch seconds)."""

    killed: float
    restarted: float
    held: frozenset[int]  # versions "publishing" right after the kill: claims no live process holds
    received: frozenset[str]  # the idempotency keys the network had received by then


@dataclass
class Run:
    """What happened, in epoch seconds: the first due time, each version's due time, the kills, the settling."""

    first_due: float
    dues: dict[int, float]
    outages: list[Outage] = field(default_factory=list)
    settled_at: float | None = None


def main() -> None:
    args = parse_arguments()
    url = bench.setup_database()
    from calendar_app.workflow import Status
    from publishing.sandbox.server import start_in_thread

    assert set(SETTLED) <= set(Status.values), "SETTLED names a status the workflow no longer has"
    server = start_in_thread()
    server.state.latency = SANDBOX_LATENCY
    kinds = build_world(server, args)
    overrides = {name: os.environ.get(name, value) for name, value in WORKER_SETTINGS.items()}
    settings = bench.worker_settings(bench.worker_env(url, args.workers, overrides))
    used = {key: settings.get(key) for key in REPORTED_SETTINGS}
    print("worker settings: " + ", ".join(f"{key} {value}" for key, value in used.items()), flush=True)
    log_path = Path(tempfile.mkdtemp(prefix="vitrine-faults-")) / "workers.log"
    print(f"cluster and dispatcher output: {log_path}", flush=True)
    with log_path.open("w") as log:
        run = publish_with_kills(
            args, server, kinds, start_worker=lambda: bench.start_worker(url, args.workers, overrides, log)
        )
    figures = measure(server, kinds, run)
    figures.update(database=bench_database(), settings=used)
    print(json.dumps(figures))


def publish_with_kills(args, server, kinds: dict[int, str], *, start_worker) -> Run:
    """Give the posts their due times, start the worker, kill and restart it ``args.kills`` times within the
    window, then wait for every version to settle (or the wait to end); the worker is stopped in any case."""
    # Imported before the clock starts: it brings pytest in, which takes a second the first kill cannot wait.
    from tests.publishing.test_worker_live import kill_tree

    # The due times are set before the worker starts (with it running, writing them took seconds on PostgreSQL);
    # the first falls due 5 s after the 3 s the cluster and the dispatcher take to start.
    first_due = time.time() + 3 + 5
    run = Run(first_due, set_due_times(kinds, first_due, args.window))
    processes = start_worker()
    when = time.strftime("%H:%M:%S", time.localtime(first_due)) + f".{int(first_due % 1 * 1000):03d}"
    print(f"{len(kinds)} posts due from {when} over {args.window:.0f} s: {dict(Counter(kinds.values()))}", flush=True)
    progress = Progress(first_due, server)
    progress.start()
    try:
        for number in range(1, args.kills + 1):
            time.sleep(max(0.0, first_due + args.window * number / (args.kills + 1) - time.time()))
            outage, processes = kill_and_restart(processes, kill_tree, start_worker, args.pause, server)
            run.outages.append(outage)
            print(
                f"{outage.killed - first_due:+.1f} s: cluster and dispatcher SIGKILLed "
                f"({len(outage.held)} claims held); restarted at {outage.restarted - first_due:+.1f} s",
                flush=True,
            )
        run.settled_at = wait_until_settled(deadline=first_due + args.window + args.wait)
    finally:
        progress.stop()
        bench.stop_worker(processes)
    if run.settled_at:
        print(f"{run.settled_at - first_due:+.1f} s: every version settled {dict(status_counts())}", flush=True)
    return run


def parse_arguments() -> argparse.Namespace:
    parser = bench.arguments(__doc__)
    parser.set_defaults(posts=500)
    parser.add_argument("--window", type=float, default=20.0, help="Seconds over which the posts fall due.")
    parser.add_argument(
        "--faulty-posts", type=int, default=5, help="Posts on each faulty channel (dead, throttled, cut)."
    )
    parser.add_argument("--kills", type=int, default=3, help="Times the cluster and the dispatcher are SIGKILLed.")
    parser.add_argument("--pause", type=float, default=2.0, help="Seconds between a kill and the restart.")
    parser.add_argument("--wait", type=float, default=300.0, help="Seconds after the window to wait for settling.")
    return parser.parse_args()


def build_world(server, args) -> dict[int, str]:
    """The channels, their faults and the scheduled posts; returns each version's channel kind, by version id."""
    from calendar_app.models import ChannelVersion

    adviser, healthy = bench.fresh_world("mastodon", server.base_url)
    dead = bench.add_channel(adviser, "mastodon", server.base_url, token=DEAD_TOKEN)
    throttled = bench.add_channel(adviser, "mastodon", server.base_url, token=THROTTLED_TOKEN)
    cut = bench.add_channel(adviser, "mastodon", server.base_url, token=CUT_TOKEN)
    server.state.faults["mastodon"].extend(
        [
            {"hang": True, "sticky": True, "bearer": DEAD_TOKEN},
            {"status": 429, "retry_after": str(RETRY_AFTER_SECONDS), "sticky": True, "bearer": THROTTLED_TOKEN},
            # Publications only: its look-ups are answered, and find the posts.
            {"drop_after_receive": True, "hold": 0, "sticky": True, "bearer": CUT_TOKEN, "match": "POST .*/statuses"},
        ]
    )
    bench.schedule(adviser, healthy, args.posts)
    bench.schedule(adviser, [dead], args.faulty_posts, first=args.posts)
    bench.schedule(adviser, [throttled], args.faulty_posts, first=args.posts + args.faulty_posts)
    bench.schedule(adviser, [cut], args.faulty_posts, first=args.posts + 2 * args.faulty_posts)
    kind_of_channel = {dead.pk: DEAD, throttled.pk: THROTTLED, cut.pk: CUT}
    return {
        pk: kind_of_channel.get(channel_id, HEALTHY)
        for pk, channel_id in ChannelVersion.objects.values_list("pk", "channel_id")
    }


def set_due_times(kinds: dict[int, str], first_due: float, window: float) -> dict[int, float]:
    """Each kind's versions due evenly over the window from ``first_due``; returns the due times (epoch s)."""
    dues: dict[int, float] = {}
    for kind in (HEALTHY, DEAD, THROTTLED, CUT):
        ids = sorted(pk for pk, its_kind in kinds.items() if its_kind == kind)
        dues.update({pk: first_due + window * index / len(ids) for index, pk in enumerate(ids)})
    ordered = sorted(dues)
    bench.retime([datetime.datetime.fromtimestamp(dues[pk], datetime.UTC) for pk in ordered])
    return dues


def kill_and_restart(processes, kill_tree, start_worker, pause: float, server) -> tuple[Outage, list]:
    """SIGKILL the cluster (with its workers) and the dispatcher, note what they held, restart them after ``pause``."""
    from calendar_app.models import ChannelVersion

    killed = time.time()
    for process in processes:
        kill_tree(process)
    held = frozenset(ChannelVersion.objects.filter(status="publishing").values_list("pk", flat=True))
    received = frozenset(item.idempotency_key for item in server.state.posts())
    time.sleep(max(0.0, killed + pause - time.time()))
    restarted = time.time()
    return Outage(killed, restarted, held, received), start_worker()


class Progress(threading.Thread):
    """Prints the versions' statuses and how many posts the network received, every few seconds, on its own
    database connection: a query slowed by the workers' writes never delays a kill."""

    def __init__(self, first_due: float, server):
        super().__init__(daemon=True)
        self.first_due, self.server = first_due, server
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stopping.wait(PROGRESS_SECONDS):
                counts, received = status_counts(), len(self.server.state.posts())
                elapsed = time.time() - self.first_due
                print(f"{elapsed:+.1f} s: {dict(counts)}; the network received {received}", flush=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def wait_until_settled(*, deadline: float) -> float | None:
    """The moment every version is settled, or None if some are not by ``deadline`` (epoch s)."""
    while time.time() < deadline:
        counts = status_counts()
        if sum(counts.values()) == sum(counts[status] for status in SETTLED):
            return time.time()
        time.sleep(0.25)
    return None


def status_counts() -> Counter:
    from calendar_app.models import ChannelVersion

    counts = Counter(dict.fromkeys(SETTLED, 0))  # the final statuses shown even at 0
    counts.update(ChannelVersion.objects.values_list("status", flat=True))
    return counts


def measure(server, kinds: dict[int, str], run: Run) -> dict:
    """The figures of the docstring, from the database's final statuses and the network's record."""
    from calendar_app.models import ChannelVersion

    versions = {
        pk: (str(key), status)
        for pk, key, status in ChannelVersion.objects.values_list("pk", "idempotency_key", "status")
    }
    kind_of_key = {key: kinds[pk] for pk, (key, _status) in versions.items()}
    calls = network_calls(server)
    late, late_all, recovery, by_kind = [], [], [], {}
    lost = stuck = recovery_posts = 0
    for pk, (key, status) in versions.items():
        kind, call, due = kinds[pk], calls.get(key), run.dues[pk]
        figures = by_kind.setdefault(kind, Counter(posts=0, received=0))
        figures.update(posts=1, received=int(call is not None), **{status: 1})
        stuck += status not in SETTLED
        lost += call is None and status not in ("failed", "to_verify", "blocked")
        outage = stranding_outage(pk, key, due, run.outages)
        recovery_posts += outage is not None
        if kind != HEALTHY or call is None:
            continue
        late_all.append(call - due)
        if outage is None:
            late.append(call - due)
        else:
            recovery.append(call - max(due, outage.restarted))
    keys = [item.idempotency_key for item in server.state.posts()]
    for item in server.state.resent():
        by_kind[kind_of_key.get(item.idempotency_key, "unknown")].update(resent=1)
    return {
        "late_p99_s": seconds(bench.percentile(late, 0.99)),
        "late_p50_s": seconds(bench.percentile(late, 0.5)),
        "late_max_s": seconds(max(late, default=float("nan"))),
        "late_p99_s_all_healthy": seconds(bench.percentile(late_all, 0.99)),
        "max_recovery_s": seconds(max(recovery, default=float("nan"))),
        "recovery_posts": recovery_posts,
        "duplicates": len(keys) - len(set(keys)),
        "resent": len(server.state.resent()),
        "lost": lost,
        "stuck": stuck,
        "statuses": dict(Counter(status for _key, status in versions.values())),
        "by_kind": {kind: dict(figures) for kind, figures in sorted(by_kind.items())},
        "settled_s": round(run.settled_at - run.first_due, 1) if run.settled_at else None,
        "kills": [
            {
                "killed_s": round(outage.killed - run.first_due, 1),
                "restarted_s": round(outage.restarted - run.first_due, 1),
                "claims_held": len(outage.held),
                "first_call_s": seconds(
                    min((call for call in calls.values() if call > outage.restarted), default=float("nan"))
                    - outage.restarted
                ),
            }
            for outage in run.outages
        ],
        "attempt_log_misses": attempt_log_misses(kinds, versions, calls),
    }


def network_calls(server) -> dict[str, float]:
    """When each publication first reached the network (epoch s), by idempotency key: the sandbox's record,
    less its simulated answering time."""
    calls: dict[str, float] = {}
    for item in server.state.posts():
        call = item.received_at - SANDBOX_LATENCY
        calls[item.idempotency_key] = min(call, calls.get(item.idempotency_key, call))
    return calls


def stranding_outage(pk: int, key: str, due: float, outages: list[Outage]) -> Outage | None:
    """The first kill that stranded this post: it fell due while no worker ran, or the killed worker held its
    claim before the network had it."""
    for outage in outages:
        if outage.killed <= due < outage.restarted or (pk in outage.held and key not in outage.received):
            return outage
    return None


def attempt_log_misses(kinds: dict[int, str], versions: dict[int, tuple[str, str]], calls: dict[str, float]) -> int:
    """Healthy posts the network received for which no attempt row records a call within 1 s of it."""
    from publishing.models import PublicationAttempt

    recorded: dict[int, list[float]] = {}
    for pk, called in PublicationAttempt.objects.filter(call_started_at__isnull=False).values_list(
        "version_id", "call_started_at"
    ):
        recorded.setdefault(pk, []).append(called.timestamp())
    misses = 0
    for pk, (key, _status) in versions.items():
        if kinds[pk] == HEALTHY and key in calls:
            misses += not any(abs(called - calls[key]) <= 1.0 for called in recorded.get(pk, []))
    return misses


def seconds(value: float) -> float | None:
    return None if value != value else round(value, 2)  # NaN (no value) → null


def bench_database() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
