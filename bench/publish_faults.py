"""Publishing under faults, with real processes: posts due over a window while their network (the sandbox's
Mastodon) hangs past the adapter's timeout on some requests and cuts the connection after creating the post on
others, and the django-q2 cluster is killed with SIGKILL halfway through, then started again.

Run: .venv/bin/python bench/publish_faults.py [--posts N] [--window S] [--hangs N] [--cuts N] [--wait S]
(SQLite in a new file by default; PostgreSQL when DATABASE_URL is set.)
Prints its progress, then a last line that is a JSON object: published, failed, still_publishing (after the
wait), duplicates (posts the network created twice), resent (requests sent again under a key it had answered),
p50_ms / p99_ms / max_ms (adapter call − due time, for those published), late_over_15s, and settled_s (from the
first due time until the last post settled, or null). Issue 14's targets: every post out within 15 s of its due
time or of the restart, unknown outcomes ending in « to verify », nothing resent past the idempotency window.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time

import _publishing as bench

STATUSES_PATH = r"^POST /api/v1/statuses$"  # the sandbox matches "<method> <path>" of each request


def main() -> None:
    parser = bench.arguments(__doc__)
    parser.set_defaults(posts=60)
    parser.add_argument("--window", type=float, default=20.0, help="Seconds over which the posts fall due.")
    parser.add_argument("--hangs", type=int, default=3, help="Requests the network holds 40 s (past the timeout).")
    parser.add_argument("--cuts", type=int, default=3, help="Requests whose connection is cut after the post.")
    parser.add_argument("--wait", type=float, default=150.0, help="Seconds to wait for every post to settle.")
    args = parser.parse_args()
    url, server, processes = bench.prepare(args.posts, args.workers)
    from django.utils import timezone

    from calendar_app.models import ChannelVersion
    from calendar_app.workflow import Status
    from tests.publishing.test_worker_live import kill_tree

    faults = [{"delay": 40, "match": STATUSES_PATH}] * args.hangs
    faults += [{"drop_after_receive": True, "match": STATUSES_PATH}] * args.cuts
    server.state.faults["mastodon"].extend(faults)
    start = timezone.now() + datetime.timedelta(seconds=5)
    step = args.window / args.posts
    bench.retime([start + datetime.timedelta(seconds=number * step) for number in range(args.posts)])
    print(f"{args.posts} posts due from {start:%H:%M:%S} over {args.window:.0f} s; {args.hangs} hang, {args.cuts} cut")
    settled_s = None
    try:
        time.sleep(5 + args.window / 2)
        cluster = processes[0]
        kill_tree(cluster)  # SIGKILL: its workers get no chance to clean up
        killed = time.monotonic()
        print(f"cluster killed (SIGKILL) at {timezone.now():%H:%M:%S}; started again", flush=True)
        processes[0] = subprocess.Popen(cluster.args, cwd=bench.PROJECT, env=bench.worker_env(url, args.workers))
        deadline = killed + args.wait
        while time.monotonic() < deadline:
            unsettled = ChannelVersion.objects.filter(status__in=(Status.SCHEDULED, Status.PUBLISHING)).count()
            if unsettled == 0:
                settled_s = round((timezone.now() - start).total_seconds(), 1)
                break
            time.sleep(1)
    finally:
        bench.stop_worker(processes)
    result = bench.outcomes(server)
    lateness = result["lateness_ms"]
    summary = bench.summary(lateness)
    figures = {
        **{key: summary[key] for key in ("p50_ms", "p99_ms", "max_ms")},
        "published": result["published"],
        "failed": ChannelVersion.objects.filter(status=Status.FAILED).count(),
        "still_publishing": ChannelVersion.objects.filter(status=Status.PUBLISHING).count(),
        "duplicates": result["duplicates"],
        "resent": result["resent"],
        "late_over_15s": sum(1 for ms in lateness if ms > 15_000),
        "settled_s": settled_s,
        "database": url.split(":")[0],
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    sys.exit(main())
