"""The home dashboard (issue 13, item 4): each role sees what concerns it, in a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Channel, ElectionPeriod, Role
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.requests import RequestInput, request_submit
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


@pytest.fixture
def city():
    reviewer = factories.reviewer()
    direction = factories.holder(Role.DIRECTION_GENERALE)
    service = factories.service(name="Service des loisirs")
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    facebook, mastodon = factories.channel("facebook"), factories.channel("mastodon")
    return type("City", (), locals())


def _scheduled(city, title: str, hours: int):
    post = post_services.post_write(
        author=city.reviewer,
        title=title,
        category="public_interest",
        body=CLEAN,
        channels=[city.facebook, city.mastodon],
    )
    due = timezone.now() + datetime.timedelta(hours=hours)
    scheduling.post_approve_and_schedule(
        post=post, actor=city.reviewer, timing=scheduling.Timing(default=due), acknowledge_warnings=True
    )
    return post


def _request(city, title: str):
    data = RequestInput(
        title=title,
        body=CLEAN,
        category="event",
        desired_from=timezone.localdate() + datetime.timedelta(days=3),
        desired_until=None,
        channels=[city.facebook],
        contact_name="Camille",
        contact_email="camille@example.org",
    )
    return request_submit(requester=city.member, data=data, service=city.service).post


def _home(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("calendar_app:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_adviser_sees_what_goes_out_what_awaits_review_and_what_needs_her(client, city):
    soon = _scheduled(city, "Collecte des sapins", hours=0)  # may fall today or, near midnight, tomorrow
    _request(city, "Camp de jour")
    failed = _scheduled(city, "Avis de travaux", hours=30)
    failed.versions.filter(channel=city.mastodon).update(status=Status.FAILED, last_error="Le réseau a refusé.")
    Channel.objects.filter(pk=city.mastodon.pk).update(connection=Channel.Connection.TO_RECONNECT)
    ElectionPeriod.objects.create(
        name="Élections 2029",
        starts_on=timezone.localdate() + datetime.timedelta(days=30),
        polling_day=timezone.localdate() + datetime.timedelta(days=60),
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    page = _home(client, city.reviewer)
    assert soon.title in page and "Camp de jour" in page and "Le réseau a refusé." in page
    assert str(city.mastodon) in page and "Élections 2029" in page
    assert page.count(f'href="{reverse("calendar_app:post_detail", args=[soon.pk])}"') >= 1
    assert reverse("calendar_app:review_queue") in page


def test_a_service_member_sees_their_requests_and_not_the_citys_plan(client, city):
    _scheduled(city, "Collecte des sapins", hours=2)
    _request(city, "Camp de jour")
    page = _home(client, city.member)
    assert "Camp de jour" in page and "Collecte des sapins" not in page
    assert reverse("calendar_app:review_queue") not in page


def test_the_direction_generale_sees_the_plan_but_no_review_queue(client, city):
    _scheduled(city, "Collecte des sapins", hours=30)
    page = _home(client, city.direction)
    assert "Collecte des sapins" in page and reverse("calendar_app:review_queue") not in page


def test_the_dashboard_reads_a_constant_number_of_times(client, city):
    client.force_login(city.reviewer)
    _scheduled(city, "Un", hours=3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("calendar_app:home"))
    for number in range(12):
        _scheduled(city, f"Avis {number}", hours=4 + number)
        _request(city, f"Demande {number}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("calendar_app:home"))
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
