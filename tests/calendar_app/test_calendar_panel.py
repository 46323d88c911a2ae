"""A post's panel beside the calendar: what it shows, the actions it offers each person, and « Déprogrammer »
(unschedule: back to approved, times kept) and « Retirer » (withdraw) from there, each sending the revision."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import AuditEntry, Post, Role
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.workflow import Status
from publishing.claims import claim_due
from tests import factories
from tests.calendar_app.test_permissions import ROLES

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
TREES = "La collecte des sapins de Noël aura lieu le 8 janvier. Déposez-les en bordure de rue avant 7 h."
HTMX = {"HTTP_HX_REQUEST": "true"}


def _local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _schedule(post: Post, adviser, days: int = 2) -> Post:
    scheduling.post_approve_and_schedule(
        post=post, actor=adviser, timing=scheduling.Timing(default=_local(days)), acknowledge_warnings=True
    )
    post.refresh_from_db()
    return post


@pytest.fixture
def city():
    adviser = factories.reviewer()
    facebook, mastodon = factories.channel(), factories.channel("mastodon")
    service = factories.service()
    publisher = factories.holder(Role.PUBLISHER, channels=[mastodon])
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    direction = factories.holder(Role.DIRECTION_GENERALE)
    mine = post_services.post_write(
        author=adviser, title="Collecte", category="public_interest", body=CLEAN, channels=[facebook, mastodon]
    )
    _schedule(mine, adviser)
    theirs = post_services.post_write(
        author=publisher, title="Sapins", category="public_interest", body=TREES, channels=[mastodon]
    )
    _schedule(theirs, adviser, days=3)
    request = factories.post(
        author=member,
        title="Patinoire",
        body="La patinoire du parc ouvre samedi.",
        channels=[facebook],
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=service,
    )
    post_services.post_submit(post=request, actor=member)
    _schedule(request, adviser, days=4)
    return type("City", (), locals())


def _panel(client, post: Post, **headers):
    return client.get(reverse("calendar_app:calendar_panel", args=[post.pk]), **headers)


def _offers(client, post: Post) -> set[str]:
    """The actions the panel offers, by the address each goes to."""
    page = _panel(client, post, **HTMX).content.decode()
    names = {
        "open": reverse("calendar_app:post_detail", args=[post.pk]),
        "schedule": reverse("calendar_app:post_schedule", args=[post.pk]),
        "unschedule": reverse("calendar_app:post_unschedule", args=[post.pk]),
        "withdraw": reverse("calendar_app:post_withdraw", args=[post.pk]),
    }
    return {name for name, url in names.items() if f'"{url}"' in page}


def _unschedule(client, post: Post, *, revision=None, **extra):
    post.refresh_from_db()
    data = {"revision": post.revision if revision is None else revision, **extra.pop("data", {})}
    return client.post(reverse("calendar_app:post_unschedule", args=[post.pk]), data, **extra)


def _withdraw(client, post: Post, *, revision=None, reason="", **extra):
    post.refresh_from_db()
    data = {"revision": post.revision if revision is None else revision, "reason": reason}
    return client.post(reverse("calendar_app:post_withdraw", args=[post.pk]), data, **extra)


def _statuses(post: Post) -> tuple[str, list[str]]:
    post.refresh_from_db()
    return post.status, sorted(post.versions.values_list("status", flat=True))


class TestThePanel:
    def test_beside_the_calendar_it_is_a_fragment_opened_as_a_link_it_is_a_page(self, client, city):
        client.force_login(city.adviser)
        fragment = _panel(client, city.mine, **HTMX).content.decode()
        assert "<html" not in fragment and '<h2 id="calendar-panel-title" tabindex="-1">Collecte</h2>' in fragment
        page = _panel(client, city.mine).content.decode()
        assert "<html" in page and '<h1 id="calendar-panel-title">Collecte</h1>' in page

    def test_it_shows_each_channel_with_its_status_and_time(self, client, city):
        client.force_login(city.adviser)
        response = _panel(client, city.mine, **HTMX)
        page = response.content.decode()
        for version in city.mine.versions.select_related("channel"):
            assert str(version.channel) in page
            assert f'<time datetime="{timezone.localtime(version.due_at).isoformat()}">' in page
        assert page.count('class="badge status-scheduled"') == 3  # the post and its two channels

    @pytest.mark.parametrize(
        ("who", "post", "offered"),
        [
            ("adviser", "mine", {"open", "schedule", "unschedule", "withdraw"}),
            ("adviser", "request", {"open", "schedule", "unschedule", "withdraw"}),
            ("publisher", "theirs", {"open", "schedule", "unschedule", "withdraw"}),
            ("direction", "mine", {"open"}),
            ("member", "request", {"open", "withdraw"}),
        ],
    )
    def test_it_offers_each_person_what_they_may_do_now(self, client, city, who, post, offered):
        client.force_login(getattr(city, who))
        assert _offers(client, getattr(city, post)) == offered

    def test_an_approved_post_is_offered_to_be_scheduled_not_rescheduled_nor_unscheduled(self, client, city):
        client.force_login(city.adviser)
        scheduling.post_unschedule(post=city.mine, actor=city.adviser)
        page = _panel(client, city.mine, **HTMX).content.decode()
        assert _offers(client, city.mine) == {"open", "schedule", "withdraw"}
        assert ">Programmer</a>" in page

    def test_a_published_post_offers_nothing_but_its_page(self, client, city):
        Post.objects.filter(pk=city.mine.pk).update(status=Status.PUBLISHED)
        client.force_login(city.adviser)
        assert _offers(client, city.mine) == {"open"}

    def test_a_post_one_may_not_see_is_refused(self, client, city):
        client.force_login(city.publisher)
        assert _panel(client, city.mine, **HTMX).status_code == 403
        assert AuditEntry.objects.filter(action="permission_refused", actor=city.publisher).exists()


class TestUnscheduling:
    def test_the_post_stays_approved_with_its_times_and_nothing_goes_out(self, client, city):
        times = dict(city.mine.versions.values_list("pk", "due_at"))
        approvals = city.mine.approvals.count()
        client.force_login(city.adviser)

        response = _unschedule(client, city.mine)

        assert response.status_code == 302
        assert _statuses(city.mine) == (Status.APPROVED, [Status.APPROVED, Status.APPROVED])
        assert dict(city.mine.versions.values_list("pk", "due_at")) == times
        assert city.mine.approvals.count() == approvals
        assert claim_due(now=_local(10), only=list(times)) == []
        moves = AuditEntry.objects.filter(action="status_changed", actor=city.adviser, after__status="approved")
        assert moves.filter(before__status="scheduled").count() == 3
        # Scheduled again at the kept times, it goes out as it would have.
        scheduling.post_schedule(post=city.mine, actor=city.adviser, timing=scheduling.Timing(default=_local(2)))
        assert _statuses(city.mine)[0] == Status.SCHEDULED

    def test_from_the_calendar_the_panel_comes_back_with_the_outcome_and_the_calendar_is_told(self, client, city):
        client.force_login(city.adviser)
        response = _unschedule(client, city.mine, **HTMX)
        assert response.status_code == 200 and response["HX-Trigger"] == "calendar-changed"
        page = response.content.decode()
        assert "<html" not in page and "Collecte" in page and 'class="message success"' in page
        assert 'class="badge status-approved"' in page

    def test_without_script_it_goes_back_to_the_calendar_it_came_from_never_elsewhere(self, client, city):
        client.force_login(city.adviser)
        back = _unschedule(client, city.mine, data={"next": "/calendrier/?status=scheduled"})
        assert back["Location"] == "/calendrier/?status=scheduled"
        scheduling.post_schedule(post=city.mine, actor=city.adviser, timing=scheduling.Timing(default=_local(2)))
        away = _unschedule(client, city.mine, data={"next": "https://example.org/"})
        assert away["Location"] == reverse("calendar_app:calendar")

    @pytest.mark.parametrize("role", ROLES, ids=str)
    def test_only_those_who_may_schedule_a_request_unschedule_it(self, client, city, role):
        person = factories.holder(role, service=city.service, organisation=factories.organisation())
        client.force_login(person)
        response = _unschedule(client, city.request)
        if role == Role.COMMUNICATIONS:
            assert response.status_code == 302
            assert _statuses(city.request) == (Status.APPROVED, [Status.APPROVED])
        else:
            assert response.status_code == 403
            assert _statuses(city.request) == (Status.SCHEDULED, [Status.SCHEDULED])
            assert AuditEntry.objects.filter(action="permission_refused", actor=person).exists()

    def test_a_publisher_unschedules_their_own_post_and_not_the_advisers(self, client, city):
        client.force_login(city.publisher)
        assert _unschedule(client, city.theirs).status_code == 302
        assert _statuses(city.theirs) == (Status.APPROVED, [Status.APPROVED])
        assert _unschedule(client, city.mine).status_code == 403
        assert _statuses(city.mine)[0] == Status.SCHEDULED

    def test_a_stale_page_changes_nothing_and_says_who_changed_what(self, client, city):
        client.force_login(city.adviser)
        response = _unschedule(client, city.mine, revision=0, **HTMX)
        assert _statuses(city.mine)[0] == Status.SCHEDULED
        assert 'class="message error"' in response.content.decode()

    def test_without_its_revision_nothing_changes(self, client, city):
        client.force_login(city.adviser)
        client.post(reverse("calendar_app:post_unschedule", args=[city.mine.pk]), {})
        assert _statuses(city.mine)[0] == Status.SCHEDULED

    def test_once_a_channel_is_being_published_it_is_refused_and_nothing_changes(self, client, city):
        post_services.version_start_publishing(version=city.mine.versions.order_by("pk").first())
        client.force_login(city.adviser)
        response = _unschedule(client, city.mine, **HTMX)
        assert _statuses(city.mine) == (Status.PUBLISHING, [Status.PUBLISHING, Status.SCHEDULED])
        assert 'class="message error"' in response.content.decode()


class TestWithdrawing:
    def test_the_adviser_withdraws_a_scheduled_post_and_the_reason_is_kept(self, client, city):
        client.force_login(city.adviser)
        response = _withdraw(client, city.mine, reason="Activité annulée", **HTMX)
        assert response.status_code == 200 and response["HX-Trigger"] == "calendar-changed"
        assert _statuses(city.mine) == (Status.WITHDRAWN, [Status.WITHDRAWN, Status.WITHDRAWN])
        assert AuditEntry.objects.filter(action="status_changed", message="Activité annulée").count() == 3
        assert claim_due(now=_local(10), only=city.mine.versions.values_list("pk", flat=True)) == []

    @pytest.mark.parametrize("role", ROLES, ids=str)
    def test_the_communications_department_and_the_requesting_service_withdraw_a_request(self, client, city, role):
        person = factories.holder(role, service=city.service, organisation=factories.organisation())
        client.force_login(person)
        response = _withdraw(client, city.request)
        if role in (Role.COMMUNICATIONS, Role.SERVICE_DIRECTOR, Role.SERVICE_MEMBER):
            assert response.status_code == 302
            assert _statuses(city.request)[0] == Status.WITHDRAWN
        else:
            assert response.status_code == 403
            assert _statuses(city.request)[0] == Status.SCHEDULED

    def test_a_published_post_is_not_withdrawn(self, client, city):
        Post.objects.filter(pk=city.mine.pk).update(status=Status.PUBLISHED)
        client.force_login(city.adviser)
        _withdraw(client, city.mine)
        assert _statuses(city.mine)[0] == Status.PUBLISHED

    def test_a_stale_page_changes_nothing(self, client, city):
        client.force_login(city.adviser)
        _withdraw(client, city.mine, revision=1)
        assert _statuses(city.mine)[0] == Status.SCHEDULED


def test_a_request_awaiting_a_decision_is_on_the_calendar_at_its_dates_and_its_panel_opens_the_review(client):
    from calendar_app.services.requests import RequestInput, request_submit

    reviewer = factories.reviewer()
    service = factories.service()
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    channel = factories.channel("facebook")
    first = timezone.localdate() + datetime.timedelta(days=3)
    data = RequestInput(
        title="Camp de jour",
        body="Les inscriptions au camp de jour commencent le 15 janvier.",
        category="event",
        desired_from=first,
        desired_until=first + datetime.timedelta(days=2),
        channels=[channel],
        contact_name="Camille",
        contact_email="camille@example.org",
    )
    post = request_submit(requester=member, data=data, service=service).post
    last = first + datetime.timedelta(days=7)
    window = {"start": f"{first.isoformat()}T00:00:00", "end": f"{last.isoformat()}T00:00:00"}
    client.force_login(reviewer)
    items = client.get(reverse("calendar_app:calendar_events"), window).json()
    request = next(item for item in items if item.get("id") == f"request-{post.pk}")
    assert (request["start"], request["end"], request["editable"]) == (
        first.isoformat(),
        (first + datetime.timedelta(days=3)).isoformat(),
        False,
    )
    panel = client.get(request["url"]).content.decode()
    assert reverse("calendar_app:review_detail", args=[post.pk]) in panel
    client.force_login(factories.holder(Role.SERVICE_MEMBER, service=factories.service()))
    assert client.get(reverse("calendar_app:calendar_events"), window).status_code == 403
