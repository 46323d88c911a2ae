"""Due time → adapter call, for 1,000 publications due within one minute, against the local sandbox.

Run: .venv/bin/python bench/publish_latency.py [--posts N] [--workers N]
(SQLite in a new file by default; PostgreSQL when DATABASE_URL is set.) A real django-q2 cluster and
the dispatcher run as separate processes, as in production; the sandbox answers in 50 ms.
Prints its progress, then a last line that is a JSON object with p50_ms, p95_ms, p99_ms, max_ms,
published and duplicates. Target (DESIGN.md): p50 ≤ 200 ms, p99 ≤ 1 s.
"""

from __future__ import annotations

import argparse
import datetime
import json
import time

import _publishing as bench


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4, help="django-q2 workers (the default of settings.Q_CLUSTER).")
    parser.add_argument("--window", type=float, default=60.0, help="Seconds over which the posts fall due.")
    args = parser.parse_args()
    url = bench.setup_database()
    from django.utils import timezone

    from publishing.sandbox.server import start_in_thread

    server = start_in_thread()
    server.state.latency = 0.05
    adviser, channels = bench.fresh_world("mastodon", server.base_url)
    bench.schedule(adviser, channels, args.posts)
    processes = bench.start_worker(url, args.workers)
    try:
        time.sleep(3)  # the cluster and the dispatcher start
        start = timezone.now() + datetime.timedelta(seconds=5)
        step = args.window / args.posts
        bench.retime([start + datetime.timedelta(seconds=number * step) for number in range(args.posts)])
        print(f"{args.posts} posts due from {start:%H:%M:%S} over {args.window:.0f} s …", flush=True)
        done = bench.wait_for(args.posts, timeout=args.window + 120)
    finally:
        bench.stop_worker(processes)
    result = bench.outcomes(server)
    figures = {**bench.summary(result["lateness_ms"]), "published": result["published"]}
    figures.update(
        duplicates=result["duplicates"], received=result["received"], settled=done, database=url.split(":")[0]
    )
    print("lateness (adapter call − due time): " + ", ".join(f"{key} {figures[key]}" for key in bench.SUMMARY_KEYS))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
