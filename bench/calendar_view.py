"""The calendar's month: its data endpoint and its page, with 20 and with 2,000 posts in the month, in a
year of 10,000 posts; median server time of 20 requests each, and the SQL queries per request.

Target (DESIGN.md): ≤ 100 ms, and the query count does not grow with the number of posts. The posts
are written in bulk (the benchmark measures reading them, not the services that schedule them).
Last line: {"median_ms", "queries_20_posts", "queries_2000_posts", ...}.
"""

from __future__ import annotations

import datetime
import json
import statistics
import time

import _publishing as bench

REQUESTS = 20
YEAR_POSTS = 10_000
BUSY_MONTH_POSTS = 2_000
QUIET_MONTH_POSTS = 20


def build(adviser, channels, *, first: datetime.datetime, days: int, count: int) -> None:
    """``count`` scheduled posts, one version each, spread over ``days`` days from ``first``."""
    from calendar_app.models import ChannelVersion, Post
    from calendar_app.workflow import Status

    posts = Post.objects.bulk_create(
        Post(
            author=adviser,
            title=f"Avis {number}",
            category="public_interest",
            body=bench.SENTENCES[number % 12],
            status=Status.SCHEDULED,
        )
        for number in range(count)
    )
    step = datetime.timedelta(days=days) / count
    ChannelVersion.objects.bulk_create(
        ChannelVersion(
            post=post, channel=channels[number % len(channels)], status=Status.SCHEDULED, due_at=first + number * step
        )
        for number, post in enumerate(posts)
    )


def measure(client, url: str, params: dict) -> tuple[float, int]:
    """Median milliseconds of ``REQUESTS`` requests, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _request in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return statistics.median(timings), len(queries)


def main() -> None:
    bench.setup_database()
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from calendar_app.models import Post
    from tests import factories

    Post.objects.all().delete()
    adviser = factories.reviewer()
    channels = [factories.channel(network) for network in ("facebook", "instagram", "mastodon", "bluesky", "x")]
    quiet, busy = datetime.datetime(2027, 1, 1), datetime.datetime(2027, 3, 1)
    # The rest of the year's posts fall after March, away from the two months measured (and their weeks).
    rest = timezone.make_aware(datetime.datetime(2027, 4, 15))
    build(adviser, channels, first=rest, days=260, count=YEAR_POSTS - BUSY_MONTH_POSTS - QUIET_MONTH_POSTS)
    build(adviser, channels, first=timezone.make_aware(busy), days=31, count=BUSY_MONTH_POSTS)
    build(adviser, channels, first=timezone.make_aware(quiet), days=28, count=QUIET_MONTH_POSTS)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(adviser)
    figures = {}
    for label, month in (("20_posts", quiet), ("2000_posts", busy)):
        month_end = (month + datetime.timedelta(days=32)).replace(day=1)
        # The month view asks for six whole weeks around the month.
        window = {
            "start": (month - datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S"),
            "end": (month_end + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S"),
        }
        events = client.get(reverse("calendar_app:calendar_events"), window).json()
        endpoint_ms, endpoint_queries = measure(client, reverse("calendar_app:calendar_events"), window)
        page_ms, page_queries = measure(client, reverse("calendar_app:calendar"), {})
        print(
            f"{label}: {len(events)} items; data endpoint median {endpoint_ms:.1f} ms, {endpoint_queries} queries; "
            f"page median {page_ms:.1f} ms, {page_queries} queries",
            flush=True,
        )
        figures[label] = (endpoint_ms, endpoint_queries, page_ms, page_queries)
    print(
        json.dumps(
            {
                "median_ms": round(max(figures["2000_posts"][0], figures["2000_posts"][2]), 1),
                "endpoint_ms_2000_posts": round(figures["2000_posts"][0], 1),
                "page_ms": round(figures["2000_posts"][2], 1),
                "queries_20_posts": figures["20_posts"][1],
                "queries_2000_posts": figures["2000_posts"][1],
            }
        )
    )


if __name__ == "__main__":
    main()
