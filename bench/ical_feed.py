"""The editorial calendar's iCal feed with 10,000 posts in its window (issue 15, "Measured").

10,000 scheduled posts over the next 300 days, half of them on two channels (15,000 channel versions),
each with a text of a few sentences, written in bulk. The feed of the communications adviser (who sees
every post) is read through Django's test client, as a calendar application reads it:
- full_body_ms: median time of 5 requests from the request to the last byte of the streamed body;
- peak_mb: the largest memory Python allocated while one body was written (tracemalloc), less what was
  allocated before;
- not_modified_ms: median of 20 conditional requests (If-None-Match with the ETag) answered 304;
- events, body_mb: what one body holds.
On SQLite in a new file by default; on PostgreSQL when DATABASE_URL is set (its posts are deleted first).
Targets: full_body_ms ≤ 500, not_modified_ms ≤ 20.
Last line: one JSON object.
"""

from __future__ import annotations

import datetime
import json
import statistics
import time
import tracemalloc

import _publishing as bench

POSTS = 10_000
FULL_REQUESTS = 5
CONDITIONAL_REQUESTS = 20


def build(adviser, channels) -> None:
    from django.utils import timezone

    from calendar_app.models import ChannelVersion, Post
    from calendar_app.workflow import Status

    posts = Post.objects.bulk_create(
        Post(
            author=adviser,
            title=f"Avis {number} — collecte, travaux, loisirs",
            category="public_interest",
            body=" ".join(bench.SENTENCES[(number + shift) % 12] for shift in range(3)),
            status=Status.SCHEDULED,
            revision=number % 7,
        )
        for number in range(POSTS)
    )
    first = timezone.now() + datetime.timedelta(days=1)
    step = datetime.timedelta(days=300) / POSTS
    versions = []
    for number, post in enumerate(posts):
        due = first + number * step
        versions.append(ChannelVersion(post=post, channel=channels[0], status=Status.SCHEDULED, due_at=due))
        if number % 2:
            versions.append(ChannelVersion(post=post, channel=channels[1], status=Status.SCHEDULED, due_at=due))
    ChannelVersion.objects.bulk_create(versions, batch_size=2000)


def read(client, url: str, **headers) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return (time.perf_counter() - started) * 1000, response.status_code, body


def main() -> None:
    bench.setup_database()
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from calendar_app.models import Post
    from calendar_app.services.calendar_feeds import feed_renew
    from tests import factories

    Post.objects.all().delete()
    # New names each run: a PostgreSQL database keeps the earlier runs' people and channels.
    adviser = factories.reviewer(username=f"bench-{time.time_ns()}")
    channels = [
        factories.channel(
            network, handle=f"@bench{time.time_ns()}", authorised_by=adviser, authorised_at=timezone.now()
        )
        for network in ("facebook", "mastodon")
    ]
    build(adviser, channels)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load: the planner learns the tables' new sizes
        # (and forgets the earlier runs' deleted rows).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE calendar_app_post, calendar_app_channelversion")
    url = reverse("calendar_app:plan_feed", args=[feed_renew(person=adviser, actor=adviser).token])
    client = Client(HTTP_HOST="127.0.0.1")

    timings, status, body = [], 0, b""
    for _request in range(FULL_REQUESTS):
        elapsed, status, body = read(client, url)
        assert status == 200, status
        timings.append(elapsed)
    events = body.count(b"BEGIN:VEVENT")
    assert events == POSTS, events

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    read(client, url)
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()

    etag = client.get(url)["ETag"]
    conditional = []
    for _request in range(CONDITIONAL_REQUESTS):
        elapsed, status, _body = read(client, url, HTTP_IF_NONE_MATCH=etag)
        assert status == 304, status
        conditional.append(elapsed)

    print(
        json.dumps(
            {
                "full_body_ms": round(statistics.median(timings), 1),
                "full_body_ms_runs": [round(value, 1) for value in timings],
                "peak_mb": round(peak / 1e6, 1),
                "not_modified_ms": round(statistics.median(conditional), 2),
                "events": events,
                "body_mb": round(len(body) / 1e6, 2),
                "database": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
