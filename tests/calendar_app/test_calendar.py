"""The editorial calendar: what each person sees on it, the periods behind the posts (election periods,
emergency windows, statutory holidays, closure days), the filters kept in the address, the icons and colours,
and moves by drag and drop through the reschedule service."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import (
    Candidate,
    ChannelVersion,
    ClosureDay,
    ElectionPeriod,
    EmergencySwitch,
    Municipality,
    OtherCommunication,
    Post,
    Role,
)
from calendar_app.selectors.calendar import NO_FILTERS, CalendarFilters, InvalidFilter, calendar_filters_from
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
        assert titles == {"Mon avis"}

    def test_a_service_member_does_not_plan_and_is_refused(self, client, city):
        member = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
        client.force_login(member)
        assert _events(client).status_code == 403
        assert client.get(reverse("calendar_app:calendar")).status_code == 403

    def test_filters_by_channel_and_status(self, client, city):
        client.force_login(city.adviser)
        only_facebook = [event for event in _events(client, channel=city.facebook.pk).json() if "id" in event]
        assert [(event["title"], event["extendedProps"]["network"]) for event in only_facebook] == [
            ("Collecte", "Facebook")
        ]
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
        assert {("band-election",), ("band-closure",)} <= {tuple(band["classNames"]) for band in bands}
        election = next(band for band in bands if band["classNames"] == ["band-election"])
        assert "art. 7" in election["title"]
        assert (election["start"], election["end"]) == (
            (today + datetime.timedelta(days=5)).isoformat(),
            (today + datetime.timedelta(days=9)).isoformat(),
        )

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

    def test_the_direction_generale_sees_the_plan_but_a_drag_of_theirs_is_refused(self, client, city):
        from calendar_app.models import AuditEntry

        direction = factories.holder(Role.DIRECTION_GENERALE)
        version = city.mine.versions.get(channel=city.facebook)
        client.force_login(direction)
        item = next(event for event in _events(client).json() if event.get("id") == str(version.pk))
        assert item["editable"] is False
        assert _move(client, city.mine, version, _local(6)).status_code == 403
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(2)
        assert AuditEntry.objects.filter(action="permission_refused", actor=direction).exists()

    def test_a_drag_without_a_session_changes_nothing(self, client, city):
        version = city.mine.versions.get(channel=city.facebook)
        response = _move(client, city.mine, version, _local(6))
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(2)

    def test_someone_who_may_not_schedule_it_is_refused_and_the_refusal_is_recorded(self, client, city):
        from calendar_app.models import AuditEntry

        version = city.theirs.versions.get()
        client.force_login(city.publisher)  # may see it? no: it is the adviser's
        response = _move(client, city.theirs, version, _local(6))
        assert response.status_code == 403
        assert ChannelVersion.objects.get(pk=version.pk).due_at == _local(3)
        assert AuditEntry.objects.filter(action="permission_refused", actor=city.publisher).exists()


# --- Behind the items ------------------------------------------------------------------------------------


def _window(client, first: datetime.date, last: datetime.date, **params):
    """The calendar's data for the days [first, last], as FullCalendar asks for it."""
    window = {
        "start": f"{first.isoformat()}T00:00:00",
        "end": f"{(last + datetime.timedelta(days=1)).isoformat()}T00:00:00",
    }
    return client.get(reverse("calendar_app:calendar_events"), {**window, **params})


def _bands(response, kind: str) -> list[dict]:
    return [event for event in response.json() if event.get("classNames") == [f"band-{kind}"]]


def _switch(active: bool, at: datetime.datetime, *, by, reason: str = "") -> EmergencySwitch:
    switch = EmergencySwitch.objects.create(active=active, reason=reason, switched_by=by)
    EmergencySwitch.objects.filter(pk=switch.pk).update(switched_at=at)
    return switch


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class TestTheBandsBehind:
    def test_quebecs_statutory_holidays_are_shown_by_default_named_in_french(self, client):
        client.force_login(factories.reviewer())
        response = _window(client, datetime.date(2026, 12, 20), datetime.date(2027, 1, 5))
        holidays = {band["start"]: band["title"] for band in _bands(response, "holiday")}
        assert set(holidays) == {"2026-12-25", "2027-01-01"}
        assert "Jour de Noël" in holidays["2026-12-25"]

    def test_the_municipality_says_whose_statutory_holidays_apply(self, client):
        client.force_login(factories.reviewer())
        june = (datetime.date(2027, 6, 20), datetime.date(2027, 6, 30))
        assert [band["start"] for band in _bands(_window(client, *june), "holiday")] == ["2027-06-24"]  # Québec's

        Municipality.objects.create(name="Ville", website_domain="ville.example", holidays_subdivision="ON")
        assert _bands(_window(client, *june), "holiday") == []
        family_day = _bands(_window(client, datetime.date(2027, 2, 10), datetime.date(2027, 2, 20)), "holiday")
        assert [band["start"] for band in family_day] == ["2027-02-15"]

    def test_montmagny_is_the_default_and_an_unknown_code_is_refused_when_saved(self):
        municipality = Municipality(
            name="Ville", website_domain="ville.example", main_email="a@b.ca", main_phone="1", address="1, rue"
        )
        assert (municipality.holidays_country, municipality.holidays_subdivision) == ("CA", "QC")
        municipality.full_clean()
        municipality.holidays_subdivision = "ZZ"
        with pytest.raises(ValidationError) as refused:
            municipality.full_clean()
        assert "holidays_subdivision" in refused.value.error_dict

    def test_emergency_windows_run_from_each_switch_on_to_the_next_switch_off(self, client):
        adviser = factories.reviewer()
        monday = datetime.date(2027, 3, 1)
        _switch(True, _at(monday - datetime.timedelta(days=9), 8), by=adviser, reason="Verglas")  # over before
        _switch(False, _at(monday - datetime.timedelta(days=8), 8), by=adviser)
        _switch(True, _at(monday - datetime.timedelta(days=1), 22), by=adviser, reason="Panne d'électricité")
        _switch(False, _at(monday, 10, 30), by=adviser)
        _switch(True, _at(monday + datetime.timedelta(days=2), 14), by=adviser, reason="Inondation")
        _switch(True, _at(monday + datetime.timedelta(days=2), 15), by=adviser, reason="Inondation (suite)")
        client.force_login(adviser)

        bands = _bands(_window(client, monday, monday + datetime.timedelta(days=6)), "emergency")

        timed = [(band["start"], band["end"]) for band in bands if not band.get("allDay")]
        assert timed == [
            ("2027-02-28T22:00:00", "2027-03-01T10:30:00"),
            ("2027-03-03T14:00:00", "2027-03-08T00:00:00"),  # still on: to the end of the window
        ]
        days = [(band["start"], band["end"]) for band in bands if band.get("allDay")]
        assert days == [("2027-02-28", "2027-03-02"), ("2027-03-03", "2027-03-08")]
        assert all("art. 6" in band["title"] for band in bands)
        assert "Panne d'électricité" in bands[0]["title"] and "Inondation" in bands[-1]["title"]


# --- Filters kept in the address --------------------------------------------------------------------------


@pytest.fixture
def plan(city):
    """The city's two posts, and others from a service and an organisation, on other channels and days."""
    service, organisation = factories.service(name="Loisirs"), factories.organisation(name="Club de ski")
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    representative = factories.holder(Role.ORGANISATION_REPRESENTATIVE, organisation=organisation)
    requested = factories.post(
        author=member,
        title="Patinoire",
        category="event",
        body="La patinoire du parc ouvre samedi.",
        channels=[city.facebook],
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=service,
    )
    relayed = factories.post(
        author=representative,
        title="Randonnée",
        body="Sortie en raquettes au mont Sainte-Marie.",
        channels=[city.mastodon],
        origin=Post.Origin.ORGANISATION_REQUEST,
        requesting_organisation=organisation,
    )
    for post, days in ((requested, 4), (relayed, 5)):
        post_services.post_submit(post=post, actor=post.author)
        scheduling.post_approve_and_schedule(
            post=post, actor=city.adviser, timing=scheduling.Timing(default=_local(days)), acknowledge_warnings=True
        )
    version = city.mine.versions.get(channel=city.mastodon)
    ChannelVersion.objects.filter(pk=version.pk).update(text_override="Version Mastodon : bacs bruns.")
    newsletter = OtherCommunication.objects.create(
        title="Infolettre",
        kind="newsletter",
        starts_at=_local(6),
        category="event",
        notes="Patinoire et bacs bruns",
        requesting_service=service,
        author=city.adviser,
    )
    return type("Plan", (), {**vars(city), **locals()})


def _shown(client, **params) -> list[str]:
    """The items' titles, posts as « title @ network », other communications as « title [kind] »."""
    shown = []
    for event in _events(client, **params).json():
        props = event.get("extendedProps", {})
        if props.get("kind") == "post":
            shown.append(f"{event['title']} @ {props['network']}")
        elif props.get("kind") == "other":
            shown.append(f"{event['title']} [{props['icon']}]")
    return sorted(shown)


class TestFilters:
    def test_nothing_chosen_shows_posts_and_other_communications(self, client, plan):
        client.force_login(plan.adviser)
        assert _shown(client) == [
            "Collecte @ Facebook",
            "Collecte @ Mastodon",
            "Infolettre [envelope]",
            "Patinoire @ Facebook",
            "Randonnée @ Mastodon",
            "Sapins @ Mastodon",
        ]

    def test_by_category(self, client, plan):
        client.force_login(plan.adviser)
        assert _shown(client, category="event") == ["Infolettre [envelope]", "Patinoire @ Facebook"]

    def test_by_requesting_service_or_organisation(self, client, plan):
        client.force_login(plan.adviser)
        assert _shown(client, requester=f"service-{plan.service.pk}") == [
            "Infolettre [envelope]",
            "Patinoire @ Facebook",
        ]
        both = {"requester": [f"service-{plan.service.pk}", f"organisation-{plan.organisation.pk}"]}
        assert _shown(client, **both) == ["Infolettre [envelope]", "Patinoire @ Facebook", "Randonnée @ Mastodon"]

    def test_by_author(self, client, plan):
        client.force_login(plan.adviser)
        assert _shown(client, author=plan.representative.pk) == ["Randonnée @ Mastodon"]

    def test_free_text_looks_in_titles_texts_and_a_channels_own_text_each_word(self, client, plan):
        client.force_login(plan.adviser)
        assert _shown(client, q="patinoire") == ["Infolettre [envelope]", "Patinoire @ Facebook"]
        assert _shown(client, q="RAQUETTES") == ["Randonnée @ Mastodon"]
        assert _shown(client, q="bacs bruns") == ["Collecte @ Mastodon", "Infolettre [envelope]"]
        assert _shown(client, q="bacs sapins") == []

    def test_kinds_and_channels_say_where_and_statuses_show_posts_only(self, client, plan):
        client.force_login(plan.adviser)
        assert _shown(client, kind="newsletter") == ["Infolettre [envelope]"]
        assert _shown(client, kind="print") == []
        assert _shown(client, channel=plan.facebook.pk) == ["Collecte @ Facebook", "Patinoire @ Facebook"]
        assert _shown(client, channel=plan.facebook.pk, kind="newsletter") == [
            "Collecte @ Facebook",
            "Infolettre [envelope]",
            "Patinoire @ Facebook",
        ]
        assert "Infolettre [envelope]" not in _shown(client, status="scheduled")

    def test_a_filter_that_is_not_understood_is_a_clear_refusal_and_the_page_shows_everything(self, client, plan):
        client.force_login(plan.adviser)
        for bad in ({"status": "publiee"}, {"channel": "facebook"}, {"requester": "mairie-1"}, {"kind": "radio"}):
            response = _events(client, **bad)
            assert response.status_code == 400, bad
            assert next(iter(bad)) in response.json()["message"]
        page = client.get(reverse("calendar_app:calendar"), {"status": "publiee"})
        assert page.status_code == 200 and "status" in page.context["problem"]

    def test_the_page_keeps_what_was_chosen(self, client, plan):
        client.force_login(plan.adviser)
        page = client.get(
            reverse("calendar_app:calendar"),
            {"category": "event", "requester": f"organisation-{plan.organisation.pk}", "q": "ski", "colour": "channel"},
        ).content.decode()
        assert '<option value="event" selected>' in page
        assert f'<option value="organisation-{plan.organisation.pk}" selected>' in page
        assert 'name="q" value="ski"' in page
        assert 'value="channel" checked' in page and 'class="colour-by-channel"' in page
        assert f"category=event&amp;requester=organisation-{plan.organisation.pk}" in page  # the data's address

    def test_the_endpoints_queries_do_not_grow_with_the_posts_shown(self, client, plan):
        every_filter = {
            "category": ["event", "public_interest"],
            "requester": [f"service-{plan.service.pk}"],
            "author": [plan.adviser.pk, plan.member.pk],
            "q": "a",
        }
        client.force_login(plan.adviser)
        _events(client)  # the session and the content types, read once
        with CaptureQueriesContext(connection) as few:
            _events(client, **every_filter)
        for day in range(8, 20):
            _scheduled(plan.adviser, [plan.facebook], due=_local(day), title=f"Avis {day}", body=f"{CLEAN} ({day})")
        with CaptureQueriesContext(connection) as many:
            response = _events(client)
        assert len([event for event in response.json() if "id" in event]) > 15
        assert len(many) == len(few)


class TestTheFilterParsing:
    def test_every_parameter_is_read_and_empty_values_filter_nothing(self):
        query = QueryDict(
            "channel=3&channel=&kind=print&status=scheduled&category=event&requester=service-4"
            "&requester=organisation-5&requester=&author=6&q=++bacs+%0A+bruns+&colour=channel"
        )
        assert calendar_filters_from(query) == CalendarFilters(
            channel_ids=frozenset({3}),
            kinds=frozenset({"print"}),
            statuses=frozenset({"scheduled"}),
            categories=frozenset({"event"}),
            service_ids=frozenset({4}),
            organisation_ids=frozenset({5}),
            author_ids=frozenset({6}),
            search="bacs bruns",
        )
        assert calendar_filters_from(QueryDict("")) == NO_FILTERS

    @pytest.mark.parametrize(
        "query", ["channel=x", "author=1.5", "status=done", "category=politics", "kind=radio", "requester=service-"]
    )
    def test_a_value_not_of_its_kind_is_refused(self, query):
        with pytest.raises(InvalidFilter):
            calendar_filters_from(QueryDict(query))


# --- Icons and colours -----------------------------------------------------------------------------------

STATIC = Path(__file__).resolve().parents[2] / "static"


class TestIconsAndColours:
    def test_each_item_carries_its_networks_icon_and_the_channel_filter_shows_them(self, client, city):
        client.force_login(city.adviser)
        icons = {event["extendedProps"]["icon"] for event in _events(client).json() if "id" in event}
        assert icons == {"facebook", "mastodon"}
        page = client.get(reverse("calendar_app:calendar")).content.decode()
        assert '<span class="network-icon icon-facebook" aria-hidden="true"></span>' in page

    def test_every_network_and_every_kind_of_other_communication_has_an_icon_file(self):
        from calendar_app.views.calendar import OTHER_ICONS
        from kernel.networks import NETWORKS

        stylesheet = (STATIC / "css" / "calendar.css").read_text()
        icons = dict(re.findall(r"\.icon-([\w-]+)[^{]*\{ --icon: url\(\"\.\./([^\"]+)\"\)", stylesheet))
        for name in [*NETWORKS, *OTHER_ICONS.values()]:
            assert name in icons, name
            assert (STATIC / icons[name]).is_file(), icons[name]
        vendored = STATIC / "vendor" / "simple-icons-16.37.0"
        assert (vendored / "LICENSE.md").is_file() and "CC0" in (vendored / "README.md").read_text()

    @pytest.mark.parametrize(("asked", "shown"), [(None, "status"), ("channel", "channel"), ("rainbow", "status")])
    def test_items_are_coloured_by_status_or_by_channel_as_the_address_says(self, client, city, asked, shown):
        client.force_login(city.adviser)
        response = client.get(reverse("calendar_app:calendar"), {"colour": asked} if asked else {})
        assert f'id="calendar" class="colour-by-{shown}"' in response.content.decode()
