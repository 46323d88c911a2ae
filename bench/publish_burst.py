"""1,000 publications due at the same second, the sandbox answering in 50 ms: time until all are sent.

The posts are given their common due second 20 s ahead, once the worker runs (a city schedules
ahead; the dispatcher prepares a burst it sees coming, see PUBLISHING["BURST_LOOKAHEAD_SECONDS"]).

Run: .venv/bin/python bench/publish_burst.py [--posts N] [--workers N]
(SQLite in a new file by default; PostgreSQL when DATABASE_URL is set.) Prints its progress, then a
last line that is a JSON object with all_sent_s, published, duplicates and resent. Target (issue 14): ≤ 3 s.
"""

from __future__ import annotations

import datetime
import json

import _publishing as bench


def main() -> None:
    args = bench.arguments(__doc__).parse_args()
    url, server, processes = bench.prepare(args.posts, args.workers)
    from django.utils import timezone

    try:
        # Scheduled ahead, as a city's posts are (the dispatcher prepares a burst it sees coming).
        due = timezone.now() + datetime.timedelta(seconds=20)
        bench.retime([due] * args.posts)
        print(f"{args.posts} posts due at {due:%H:%M:%S} …", flush=True)
        done = bench.wait_for(args.posts, timeout=180)
    finally:
        bench.stop_worker(processes)
    result = bench.outcomes(server)
    received = sorted(item.received_at for item in server.state.posts())
    all_sent = received[-1] - due.timestamp() if received else float("nan")
    figures = {
        "all_sent_s": round(all_sent, 2),
        "published": result["published"],
        "duplicates": result["duplicates"],
        "resent": result["resent"],
        "received": result["received"],
        "settled": done,
        "p50_ms": bench.summary(result["lateness_ms"])["p50_ms"],
        "database": url.split(":")[0],
    }
    print(f"all {result['received']} sent {figures['all_sent_s']} s after their due second")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
