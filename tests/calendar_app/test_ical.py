"""The calendar as iCal (issue 15): the writer against icalendar (the plain reference) and a second, strict
parser; times across America/Toronto's daylight-saving changes; the feeds (secret tokens, what each person
sees, filters, ETag and 304, SEQUENCE), the download, the subscription panel and the admin's action."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from calendar_app.models import AuditEntry, CalendarFeed, ElectionPeriod, EmergencySwitch, OtherCommunication, Role
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.calendar_feeds import feed_renew, feed_revoke
from calendar_app.services.ical_format import (
    CANCELLED,
    CONFIRMED,
    TENTATIVE,
    FeedItem,
    calendar_text,
    clean_text,
    fold,
    reference_calendar,
)
from calendar_app.views.ical import ITEM_PAGES, ItemLinks
from tests import factories

TORONTO = ZoneInfo("America/Toronto")
STAMP = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
TREES = "La collecte des sapins de Noël aura lieu le 8 janvier. Déposez-les en bordure de rue avant 7 h."


def _text(items, **kwargs) -> str:
    first, last = datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)
    return calendar_text(items, name="Vitrine", zone=TORONTO, stamp=STAMP, first=first, last=last, **kwargs)


def _properties(calendar: icalendar.Calendar) -> list[dict]:
    """Each VEVENT's properties as values (what they mean, not how they are written)."""
    events = []
    for event in calendar.walk("VEVENT"):
        values = {}
        for name in event:
            if name == "CATEGORIES":
                values[name] = [str(category) for category in event[name].cats]
            elif name in ("DTSTART", "DTEND", "DTSTAMP", "LAST-MODIFIED"):
                values[name] = event.decoded(name)
            else:
                values[name] = event.decoded(name) if name in ("DURATION", "SEQUENCE") else str(event[name])
        events.append(values)
    return events


# --- The writer -----------------------------------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
moments = st.datetimes(
    min_value=datetime.datetime(2021, 1, 1), max_value=datetime.datetime(2029, 12, 31), timezones=st.just(datetime.UTC)
).map(lambda moment: moment.replace(microsecond=0))  # iCalendar counts in seconds
items = st.builds(
    FeedItem,
    uid=st.from_regex(r"post-[0-9]{1,6}@vitrine\.example", fullmatch=True),
    start=moments,
    summary=texts.filter(lambda text: clean_text(text).strip()),
    description=texts,
    duration=st.just(datetime.timedelta(minutes=15)),
    status=st.sampled_from([TENTATIVE, CONFIRMED, CANCELLED]),
    sequence=st.integers(0, 10_000),
    last_modified=moments,
    categories=st.lists(texts.filter(lambda text: clean_text(text).strip()), max_size=3).map(tuple),
    url=st.just("https://vitrine.example/publications/12/"),
)


@given(st.lists(items, max_size=5))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_written_calendar_means_what_icalendar_would_write(feed):
    """The hand-written text and icalendar's own, both read back by icalendar, hold the same values."""
    written = icalendar.Calendar.from_ical(_text(feed))
    reference = icalendar.Calendar.from_ical(
        reference_calendar(feed, name="Vitrine", zone=TORONTO, stamp=STAMP).to_ical()
    )
    assert _properties(written) == _properties(reference)


@given(st.lists(items, max_size=4))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_strict_parser_reads_every_calendar_written(feed):
    calendar = IcsCalendarStream.calendar_from_ics(_text(feed))
    assert [event.summary for event in calendar.events] == [clean_text(item.summary) for item in feed]
    assert [event.dtstart.astimezone(datetime.UTC) for event in calendar.events] == [item.start for item in feed]


@given(texts)
def test_no_line_is_longer_than_75_octets_and_no_character_is_cut(text):
    folded = fold("DESCRIPTION:" + text.replace("\n", " ").replace("\r", " "))
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + text.replace("\n", " ").replace("\r", " ")


def test_times_round_trip_across_both_daylight_saving_changes_of_toronto():
    """Every quarter of an hour through 8 March and 1 November 2026, the repeated hour included (its second
    occurrence is written in UTC, which the TZID form cannot say)."""
    moments = []
    for day in (
        datetime.datetime(2026, 3, 8, 4, tzinfo=datetime.UTC),
        datetime.datetime(2026, 11, 1, 3, tzinfo=datetime.UTC),
    ):
        moments += [day + datetime.timedelta(minutes=15 * step) for step in range(24)]
    feed = [
        FeedItem(uid=f"t-{index}@x", start=moment, summary="t", duration=datetime.timedelta(minutes=15))
        for index, moment in enumerate(moments)
    ]
    text = _text(feed)
    assert "DTSTART;TZID=America/Toronto:20261101T013000" in text  # the first 1:30
    assert "DTSTART:20261101T063000Z" in text  # the second 1:30
    read = [
        event.decoded("DTSTART").astimezone(datetime.UTC) for event in icalendar.Calendar.from_ical(text).walk("VEVENT")
    ]
    strict = [event.dtstart.astimezone(datetime.UTC) for event in IcsCalendarStream.calendar_from_ics(text).events]
    assert read == strict == moments


# --- The feeds --------------------------------------------------------------------------------------------


def _local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _scheduled(author, channels, *, due, title, body=CLEAN, approver=None):
    post = post_services.post_write(author=author, title=title, category="event", body=body, channels=channels)
    scheduling.post_approve_and_schedule(
        post=post, actor=approver or author, timing=scheduling.Timing(default=due), acknowledge_warnings=True
    )
    return post


def _feed(client, person, name="calendar_app:plan_feed", **params):
    feed = CalendarFeed.objects.filter(person=person).first() or feed_renew(person=person, actor=person)
    return client.get(reverse(name, args=[feed.token]), params)


def _events(response) -> list:
    body = b"".join(response.streaming_content).decode()
    IcsCalendarStream.calendar_from_ics(body)  # the strict parser accepts it
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def adviser():
    return factories.reviewer(first_name="Julie", last_name="Bérubé")


@pytest.mark.django_db
class TestThePlanFeed:
    def test_a_post_on_two_channels_is_one_event_with_each_text_and_its_page(self, client, adviser):
        facebook, mastodon = factories.channel("facebook"), factories.channel("mastodon")
        post = _scheduled(adviser, [facebook, mastodon], due=_local(3), title="Fermeture des Fêtes")
        post.versions.filter(channel=mastodon).update(text_override=TREES)
        response = _feed(client, adviser)
        assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
        [event] = _events(response)
        assert str(event["UID"]) == f"post-{post.pk}@vitrine.ville.montmagny.qc.ca"
        assert event.decoded("DTSTART") == _local(3) and event["DTSTART"].params["TZID"] == "America/Toronto"
        assert str(event["SUMMARY"]) == "Facebook · Mastodon — Fermeture des Fêtes"
        description = str(event["DESCRIPTION"])
        assert CLEAN in description and TREES in description and "Programmée" in description
        assert f"/publications/{post.pk}/" in description and str(event["URL"]).endswith(f"/publications/{post.pk}/")
        assert str(event["STATUS"]) == "CONFIRMED" and event["CATEGORIES"].cats == ["Événement ou activité"]

    def test_rescheduling_raises_the_sequence_and_the_etag_and_an_unchanged_feed_answers_304(self, client, adviser):
        channel = factories.channel("facebook")
        post = _scheduled(adviser, [channel], due=_local(3), title="Collecte")
        first = _feed(client, adviser)
        [event] = _events(first)
        etag, sequence = first["ETag"], event.decoded("SEQUENCE")
        assert first["Last-Modified"] and "private" in first["Cache-Control"]
        feed = CalendarFeed.objects.get(person=adviser)
        unchanged = client.get(reverse("calendar_app:plan_feed", args=[feed.token]), HTTP_IF_NONE_MATCH=etag)
        assert unchanged.status_code == 304
        post.refresh_from_db()
        scheduling.post_reschedule(
            post=post, actor=adviser, timing=scheduling.Timing(default=_local(4)), acknowledge_warnings=True
        )
        changed = client.get(reverse("calendar_app:plan_feed", args=[feed.token]), HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200 and changed["ETag"] != etag
        [event] = _events(changed)
        assert event.decoded("SEQUENCE") > sequence and event.decoded("DTSTART") == _local(4)

    def test_statuses_become_tentative_confirmed_or_cancelled(self, client, adviser):
        channel = factories.channel("facebook")
        waiting = factories.post(author=adviser, channels=[channel], title="En attente")
        waiting.versions.update(due_at=_local(2))
        withdrawn = _scheduled(adviser, [channel], due=_local(5), title="Retirée")
        post_services.post_withdraw(post=withdrawn, actor=adviser, reason="Annulé")
        withdrawn.versions.update(due_at=_local(5))
        statuses = {str(event["SUMMARY"]): str(event["STATUS"]) for event in _events(_feed(client, adviser))}
        assert statuses == {"Facebook — En attente": "TENTATIVE", "Facebook — Retirée": "CANCELLED"}

    def test_the_feed_shows_what_the_calendar_shows_its_owner_with_the_same_filters(self, client, adviser):
        service = factories.service(name="Loisirs")
        member = factories.holder(Role.SERVICE_MEMBER, service=service)
        facebook, mastodon = factories.channel("facebook"), factories.channel("mastodon")
        publisher = factories.holder(Role.PUBLISHER, channels=[mastodon])
        on_facebook = _scheduled(adviser, [facebook], due=_local(2), title="Sur Facebook")
        on_mastodon = _scheduled(adviser, [mastodon], due=_local(3), title="Sur Mastodon")
        _scheduled(publisher, [mastodon], due=_local(5), title="Par l’éditeur", approver=adviser)
        OtherCommunication.objects.create(title="Infolettre", kind="newsletter", starts_at=_local(4), author=adviser)
        uids = lambda response: {str(event["UID"]).split("@")[0] for event in _events(response)}  # noqa: E731
        everything = uids(_feed(client, adviser))
        assert {f"post-{on_facebook.pk}", f"post-{on_mastodon.pk}"} <= everything and any(
            uid.startswith("other-") for uid in everything
        )
        assert uids(_feed(client, adviser, channel=str(facebook.pk))) == {f"post-{on_facebook.pk}"}
        assert uids(_feed(client, adviser, q="Mastodon")) == {f"post-{on_mastodon.pk}"}
        # The publisher's calendar page and feed, over the same days: the same posts.
        window = {
            "start": _local(-1, 0).strftime("%Y-%m-%dT%H:%M:%S"),
            "end": _local(30, 0).strftime("%Y-%m-%dT%H:%M:%S"),
        }
        client.force_login(publisher)
        shown = client.get(reverse("calendar_app:calendar_events"), window).json()
        client.logout()
        on_page = {
            f"post-{item['url'].rstrip('/').rsplit('/', 1)[1]}"
            for item in shown
            if item.get("extendedProps", {}).get("kind") == "post"
        }
        days = {"start": _local(-1).date().isoformat(), "end": _local(29).date().isoformat()}
        in_feed = {uid for uid in uids(_feed(client, publisher, **days)) if uid.startswith("post-")}
        assert in_feed == on_page and 0 < len(on_page) < 3  # the publisher sees some posts, not all, on both
        assert _feed(client, member).status_code == 404  # a service member does not plan: no feed

    def test_a_filter_not_understood_answers_400_with_its_name(self, client, adviser):
        response = _feed(client, adviser, channel="facebook")
        assert response.status_code == 400 and "channel" in response.content.decode()
        assert _feed(client, adviser, start="demain").status_code == 400


@pytest.mark.django_db
class TestTokens:
    def test_an_unknown_renewed_or_revoked_token_answers_404_and_says_nothing(self, client, adviser):
        old = feed_renew(person=adviser, actor=adviser).token
        assert client.get(reverse("calendar_app:plan_feed", args=[old])).status_code == 200
        new = feed_renew(person=adviser, actor=adviser).token
        assert new != old and len(new) >= 43
        gone = client.get(reverse("calendar_app:plan_feed", args=[old]))
        assert gone.status_code == 404 and b"VCALENDAR" not in gone.content
        assert client.get(reverse("calendar_app:plan_feed", args=[new])).status_code == 200
        assert feed_revoke(person=adviser, actor=adviser)
        for name in ("plan_feed", "elections_feed", "emergencies_feed"):
            assert client.get(reverse(f"calendar_app:{name}", args=[new])).status_code == 404
        assert client.get(reverse("calendar_app:plan_feed", args=["x" * 43])).status_code == 404
        assert [
            entry.action for entry in AuditEntry.objects.order_by("pk") if entry.action.startswith("calendar_feed")
        ] == [
            "calendar_feed_created",
            "calendar_feed_renewed",
            "calendar_feed_revoked",
        ]

    def test_a_person_deactivated_or_no_longer_planning_loses_the_feed(self, client, adviser):
        token = feed_renew(person=adviser, actor=adviser).token
        adviser.role_assignments.all().delete()
        assert client.get(reverse("calendar_app:plan_feed", args=[token])).status_code == 404
        adviser.role_assignments.create(role=Role.COMMUNICATIONS)
        assert client.get(reverse("calendar_app:plan_feed", args=[token])).status_code == 200
        adviser.is_active = False
        adviser.save()
        assert client.get(reverse("calendar_app:plan_feed", args=[token])).status_code == 404

    def test_the_panel_gives_renews_and_revokes_the_address_and_a_member_cannot(self, client, adviser):
        client.force_login(adviser)
        page = client.get(reverse("calendar_app:profile"))
        assert "Obtenir mon adresse d’abonnement" in page.content.decode()
        client.post(reverse("calendar_app:feed_renew"), {"next": reverse("calendar_app:calendar")})
        token = CalendarFeed.objects.get(person=adviser).token
        calendar = client.get(reverse("calendar_app:calendar"), {"channel": "", "category": "event"}).content.decode()
        assert f"/agenda/{token}/calendrier.ics?" in calendar and "category=event" in calendar
        assert f"webcal://testserver/agenda/{token}/calendrier.ics" in calendar
        client.post(reverse("calendar_app:feed_renew"))
        assert CalendarFeed.objects.get(person=adviser).token != token
        client.post(reverse("calendar_app:feed_revoke"))
        assert not CalendarFeed.objects.filter(person=adviser).exists()
        member = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
        client.force_login(member)
        assert client.post(reverse("calendar_app:feed_renew")).status_code == 403
        profile = client.get(reverse("calendar_app:profile"))
        assert profile.status_code == 200 and "agenda" not in profile.content.decode()
        assert not CalendarFeed.objects.filter(person=member).exists()

    def test_the_feed_needs_no_session_and_refuses_writes(self, client, adviser):
        feed = feed_renew(person=adviser, actor=adviser)
        assert client.post(reverse("calendar_app:plan_feed", args=[feed.token])).status_code == 405


@pytest.mark.django_db
class TestPeriodsAndDownloads:
    def test_election_periods_and_emergency_windows_are_feeds_of_their_own(self, client, adviser):
        today = timezone.localdate()
        period = ElectionPeriod.objects.create(
            name="Élections municipales 2027",
            starts_on=today + datetime.timedelta(days=10),
            polling_day=today + datetime.timedelta(days=40),
            ends_on=today + datetime.timedelta(days=40),
        )
        events = _events(_feed(client, adviser, name="calendar_app:elections_feed"))
        assert [event.decoded("DTSTART") for event in events] == [period.starts_on, period.polling_day]
        assert events[0].decoded("DTEND") == period.ends_on + datetime.timedelta(days=1)
        assert "art. 7" in str(events[0]["SUMMARY"])
        EmergencySwitch.objects.create(active=True, reason="Inondation", switched_by=adviser)
        [window] = _events(_feed(client, adviser, name="calendar_app:emergencies_feed"))
        assert "Inondation" in str(window["SUMMARY"]) and window.decoded("DTEND") > window.decoded("DTSTART")

    def test_the_calendar_view_downloads_as_ics_for_planners_only(self, client, adviser):
        channel = factories.channel("facebook")
        post = _scheduled(adviser, [channel], due=_local(3), title="Collecte")
        client.force_login(adviser)
        start, end = _local(0, 0).strftime("%Y-%m-%dT%H:%M:%S"), _local(7, 0).strftime("%Y-%m-%dT%H:%M:%S")
        response = client.get(reverse("calendar_app:calendar_export_ics"), {"start": start, "end": end})
        assert response["Content-Disposition"].startswith("attachment;")
        assert [str(event["UID"]).split("@")[0] for event in _events(response)] == [f"post-{post.pk}"]
        client.force_login(factories.holder(Role.SERVICE_MEMBER, service=factories.service()))
        assert client.get(reverse("calendar_app:calendar_export_ics")).status_code == 403

    def test_the_admin_exports_the_selected_posts(self, client, adviser):
        channel = factories.channel("facebook")
        chosen = _scheduled(adviser, [channel], due=_local(3), title="Choisie")
        _scheduled(adviser, [channel], due=_local(4), title="Pas choisie")
        admin = factories.person(is_staff=True, is_superuser=True)
        client.force_login(admin)
        response = client.post(
            reverse("admin:calendar_app_post_changelist"), {"action": "export_ical", "_selected_action": [chosen.pk]}
        )
        assert [str(event["SUMMARY"]) for event in _events(response)] == ["Facebook — Choisie"]


@pytest.mark.parametrize("pk", [1, 10, 12345])
@pytest.mark.parametrize("kind", sorted(ITEM_PAGES))
def test_item_links_are_the_addresses_reverse_gives(rf, kind, pk):
    """``ItemLinks`` reverses each kind of page once and puts the id in: the same as ``reverse`` each time."""
    request = rf.get("/agenda/x/calendrier.ics")
    assert ItemLinks(request)(kind, pk) == request.build_absolute_uri(reverse(ITEM_PAGES[kind], args=[pk]))
