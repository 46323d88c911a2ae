"""Every main page with a year of posts: the home dashboard, the calendar, the composer, the review queue, the
request list and a post's page — median server time of 20 requests each and the SQL queries of one, once with
a small city (a few hundred posts) and once with a year of 10,000 posts, so that a query count that grows
with the data shows.

Target (issue 13): ≤ 100 ms each, and the same query count in both runs. The posts are written in bulk
(the benchmark measures reading them). Last line: {"worst_ms", "pages": {page: [ms, queries]}, "constant"}.
"""

from __future__ import annotations

import datetime
import json
import statistics
import time

import _publishing as bench
from calendar_view import build

REQUESTS = 20
YEAR_POSTS = 10_000
SMALL_POSTS = 300
AWAITING_REVIEW = 300  # in the big run; a tenth of it in the small one


def requests_awaiting(member, service, channel, *, count: int) -> list:
    """``count`` service requests submitted for review, with a message each (the review queue's counts)."""
    from calendar_app.models import ChannelVersion, Post, PostMessage
    from calendar_app.workflow import Status

    posts = Post.objects.bulk_create(
        Post(
            author=member,
            title=f"Demande {number}",
            category="event",
            body=bench.SENTENCES[number % 12],
            origin=Post.Origin.SERVICE_REQUEST,
            requesting_service=service,
            status=Status.SUBMITTED,
        )
        for number in range(count)
    )
    ChannelVersion.objects.bulk_create(
        ChannelVersion(post=post, channel=channel, status=Status.SUBMITTED) for post in posts
    )
    PostMessage.objects.bulk_create(PostMessage(post=post, author=member, body="Merci !") for post in posts)
    return posts


def measure(client, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _request in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), len(queries)


def run(posts: int, awaiting: int) -> dict[str, tuple[float, int]]:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from calendar_app.models import Post, Role
    from calendar_app.services.posts import post_add_message
    from tests import factories

    Post.objects.all().delete()
    adviser = factories.reviewer()
    channels = [factories.channel(network) for network in ("facebook", "instagram", "mastodon", "bluesky", "x")]
    service = factories.service()
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    now = timezone.now()
    # A year around today: this week and this month are as busy as the rest.
    build(adviser, channels, first=now - datetime.timedelta(days=120), days=365, count=posts)
    waiting = requests_awaiting(member, service, channels[0], count=awaiting)
    # The post whose page is measured says something of its own: the Charte finds the same in both runs
    # (a repetition of the year's texts would add one read, of the acknowledgements, in the big one only).
    Post.objects.filter(pk=waiting[0].pk).update(body="Le marché de Noël ouvre samedi sur la place de l'église.")
    post_add_message(post=waiting[0], author=adviser, body="Avez-vous une photo ?")
    pages = {
        "home (adviser)": (adviser, reverse("calendar_app:home")),
        "home (service member)": (member, reverse("calendar_app:home")),
        "calendar": (adviser, reverse("calendar_app:calendar")),
        "composer": (adviser, reverse("calendar_app:internal_post_new")),
        "review queue": (adviser, reverse("calendar_app:review_queue")),
        "request list (adviser)": (adviser, reverse("calendar_app:request_list")),
        "request list (service member)": (member, reverse("calendar_app:request_list")),
        "post page": (adviser, reverse("calendar_app:post_detail", args=[waiting[0].pk])),
    }
    figures = {}
    for name, (person, url) in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(person)
        figures[name] = measure(client, url)
    return figures


def main() -> None:
    bench.setup_database()
    small = run(SMALL_POSTS, AWAITING_REVIEW // 10)
    big = run(YEAR_POSTS, AWAITING_REVIEW)
    for name, (ms, queries) in big.items():
        print(
            f"{name}: median {ms:.1f} ms, {queries} queries "
            f"(with {SMALL_POSTS} posts: {small[name][0]:.1f} ms, {small[name][1]} queries)",
            flush=True,
        )
    print(
        json.dumps(
            {
                "worst_ms": round(max(ms for ms, _queries in big.values()), 1),
                "pages": {name: [round(ms, 1), queries] for name, (ms, queries) in big.items()},
                "constant": all(small[name][1] == big[name][1] for name in big),
            }
        )
    )


if __name__ == "__main__":
    main()
