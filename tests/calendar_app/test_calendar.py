"""The editorial calendar: what each person sees on it, the periods behind the posts, and moves by drag and
drop through the reschedule service."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Candidate, ChannelVersion, ClosureDay, ElectionPeriod, Municipality, Post, Role
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
TREES = "La collecte des sapins de Noël aura lieu le 8 janvier. Déposez-les en bordure de rue avant 7 h."
WALL_CLOCK = "%Y-%m-%dT%H:%M:%S"


def _local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _scheduled(author, channels, *, due: datetime.datetime, title: str, body: str = CLEAN, approver=None) -> Post:
    post = post_services.post_write(
        author=author, title=title, category="public_interest", body=body, channels=channels
    )
    scheduling.post_approve_and_schedule(
        post=post, actor=approver or author, timing=scheduling.Timing(default=due), acknowledge_warnings=True
    )
    return post


def _events(client, **params):
    window = {"start": _local(-1, 0).strftime(WALL_CLOCK), "end": _local(30, 0).strftime(WALL_CLOCK)}
    response = client.get(reverse("calendar_app:calendar_events"), {**window, **params})
    return response


def _move(client, post: Post, version: ChannelVersion, to: datetime.datetime, revision=None):
    post.refresh_from_db()
    return client.post(
        reverse("calendar_app:calendar_move", args=[version.pk]),
        {
            "due_at": timezone.localtime(to).strftime(WALL_CLOCK),
            "revision": post.revision if revision is None else revision,
        },
    )


@pytest.fixture
def city():
    adviser = factories.reviewer()
    facebook, mastodon = factories.channel(), factories.channel("mastodon")
    publisher = factories.holder(Role.PUBLISHER, channels=[mastodon])
    mine = _scheduled(adviser, [facebook, mastodon], due=_local(2), title="Collecte")
    theirs = _scheduled(adviser, [mastodon], due=_local(3), title="Sapins", body=TREES)
    return type("City", (), locals())


class TestWhatEachPersonSees:
    def test_the_adviser_sees_every_scheduled_version_in_the_window_at_its_wall_clock_time(self, client, city):
        client.force_login(city.adviser)
        events = [event for event in _events(client).json() if "id" in event]
        assert len(events) == 3
        first = next(event for event in events if event["title"].endswith("Collecte"))
        assert first["start"] == _local(2).strftime(WALL_CLOCK)
        assert first["editable"] and "status-scheduled" in first["classNames"]

    def test_a_publisher_sees_only_the_posts_they_may_see(self, client, city):
        _scheduled(city.publisher, [city.mastodon], due=_local(4), title="Mon avis", approver=city.adviser)
        client.force_login(city.publisher)
        titles = {event["title"] for event in _events(client).json() if "id" in event}
        assert titles == {"Mastodon · Mon avis"}

    def test_a_service_member_does_not_plan_and_is_refused(self, client, city):
        member = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
        client.force_login(member)
        assert _events(client).status_code == 403
        assert client.get(reverse("calendar_app:calendar")).status_code == 403

    def test_filters_by_channel_and_status(self, client, city):
        client.force_login(city.adviser)
        only_facebook = [event for event in _events(client, channel=city.facebook.pk).json() if "id" in event]
        assert [event["title"] for event in only_facebook] == ["Facebook · Collecte"]
        assert [event for event in _events(client, status="published").json() if "id" in event] == []

    def test_election_periods_and_closure_days_are_shown_behind(self, client, city):
        today = timezone.localdate()
        ElectionPeriod.objects.create(
            name="Élections 2027",
            starts_on=today + datetime.timedelta(days=5),
            polling_day=today + datetime.timedelta(days=8),
            ends_on=today + datetime.timedelta(days=8),
        )
        municipality = Municipality.objects.create(name="Ville", website_domain="ville.example")
        ClosureDay.objects.create(municipality=municipality, date=today + datetime.timedelta(days=6), label="Congé")
        client.force_login(city.adviser)
        bands = [event for event in _events(client).json() if event.get("display") == "background"]
        assert {tuple(band["classNames"]) for band in bands} == {("band-election",), ("band-closure",)}
        assert any("art. 7" in band["title"] for band in bands)

    def test_a_bad_window_is_a_clear_refusal(self, client, city):
        client.force_login(city.adviser)
        response = client.get(reverse("calendar_app:calendar_events"), {"start": "demain", "end": "x"})
        assert response.status_code == 400 and response.json()["message"]

    def test_the_page_lets_fullcalendar_style_itself_under_the_csp(self, client, city):
        client.force_login(city.adviser)
        response = client.get(reverse("calendar_app:calendar"))
        nonce = response.context["request"].csp_nonce
        assert f'<meta name="csp-nonce" content="{nonce}">' in response.content.decode()
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


class TestMovingAPost:
    def test_new_warnings_at_the_new_time_are_asked_about_then_acknowledged(self, client, city):
        version = city.theirs.versions.get()
        client.force_login(city.adviser)
        # The same text goes out on Mastodon two days earlier: at the new time it repeats (a warning).
        Post.objects.filter(pk=city.theirs.pk).update(body=CLEAN)
        city.theirs.refresh_from_db()

        asked = _move(client, city.theirs, version, _local(2, 11))
        assert asked.status_code == 409 and asked.json()["warnings"] is True
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(3)

        city.theirs.refresh_from_db()
        moved = client.post(
            reverse("calendar_app:calendar_move", args=[version.pk]),
            {
                "due_at": _local(2, 11).strftime(WALL_CLOCK),
                "revision": city.theirs.revision,
                "acknowledge_warnings": "on",
            },
        )
        assert moved.status_code == 200, moved.content
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(2, 11)

    def test_the_adviser_drags_one_channel_to_another_day_and_it_is_approved_again_there(self, client, city):
        version = city.mine.versions.get(channel=city.facebook)
        other = city.mine.versions.get(channel=city.mastodon)
        client.force_login(city.adviser)

        response = _move(client, city.mine, version, _local(5, 14))

        assert response.status_code == 200, response.content
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(5, 14)
        assert ChannelVersion.objects.get(pk=other.pk).due_at == _local(2)
        assert Post.objects.get(pk=city.mine.pk).status == Status.SCHEDULED
        assert city.mine.approvals.count() == 2

    def test_a_move_into_an_election_period_is_refused_with_the_article_and_nothing_moves(self, client, city):
        city.mine.body = "Votez pour Gilles Boucher !"
        Post.objects.filter(pk=city.mine.pk).update(body="Votez pour Gilles Boucher, le meilleur candidat !")
        day = timezone.localdate() + datetime.timedelta(days=10)
        period = ElectionPeriod.objects.create(name="Élections", starts_on=day, polling_day=day, ends_on=day)
        Candidate.objects.create(election=period, full_name="Gilles Boucher", position="Mairie")
        version = city.mine.versions.get(channel=city.facebook)
        client.force_login(city.adviser)

        response = _move(client, city.mine, version, _local(10))

        assert response.status_code == 409 and "période électorale" in response.json()["message"]
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(2)

    def test_a_move_into_the_past_is_refused(self, client, city):
        version = city.mine.versions.get(channel=city.facebook)
        client.force_login(city.adviser)
        response = _move(client, city.mine, version, _local(-2))
        assert response.status_code == 400 and response.json()["message"]
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(2)

    def test_a_stale_page_cannot_move_a_post_someone_changed(self, client, city):
        version = city.mine.versions.get(channel=city.facebook)
        client.force_login(city.adviser)
        response = _move(client, city.mine, version, _local(6), revision=0)
        assert response.status_code == 409
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(2)

    def test_someone_who_may_not_schedule_it_is_refused_and_the_refusal_is_recorded(self, client, city):
        from calendar_app.models import AuditEntry

        version = city.theirs.versions.get()
        client.force_login(city.publisher)  # may see it? no: it is the adviser's
        response = _move(client, city.theirs, version, _local(6))
        assert response.status_code == 403
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(3)
        assert AuditEntry.objects.filter(action="permission_refused", actor=city.publisher).exists()
