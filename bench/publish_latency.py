"""Due time → adapter call, for 1,000 publications due within one minute, against the local sandbox.

Run: .venv/bin/python bench/publish_latency.py [--posts N] [--workers N]
(SQLite in a new file by default; PostgreSQL when DATABASE_URL is set.) A real django-q2 cluster and
the dispatcher run as separate processes, as in production; the sandbox answers in 50 ms.
Prints its progress, then a last line that is a JSON object with p50_ms, p95_ms, p99_ms, max_ms,
published, duplicates and resent. Target (DESIGN.md): p50 ≤ 200 ms, p99 ≤ 1 s.
"""

from __future__ import annotations

import datetime
import json

import _publishing as bench


def main() -> None:
    parser = bench.arguments(__doc__)
    parser.add_argument("--window", type=float, default=60.0, help="Seconds over which the posts fall due.")
    args = parser.parse_args()
    url, server, processes = bench.prepare(args.posts, args.workers)
    from django.utils import timezone

    try:
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
        duplicates=result["duplicates"],
        resent=result["resent"],
        received=result["received"],
        settled=done,
        database=url.split(":")[0],
    )
    print("lateness (adapter call − due time): " + ", ".join(f"{key} {figures[key]}" for key in bench.SUMMARY_KEYS))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
