"""The city's events calendar imported as draft promotion posts (issue 15, item 4): recurring events expanded,
each occurrence imported once, changes and cancellations, malformed files refused by line and atomically, and
addresses read over real HTTP from a server on 127.0.0.1 — with what must never be read refused."""

from __future__ import annotations

import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from calendar_app.models import EventSource, ImportedEvent, Post, Role
from calendar_app.services.editing import PostTexts, post_edit
from calendar_app.services.ical_fetch import FetchRefused, fetch_calendar
from calendar_app.services.ical_import import ImportRefused, events_import, source_import
from calendar_app.tasks import reimport_event_sources
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 0))


def calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Ville//Evenements//FR\r\n{body}END:VCALENDAR\r\n".encode()


MARKET = """UID:marche-noel@ville.montmagny.qc.ca
DTSTART;TZID=America/Toronto:20261205T090000
DTEND;TZID=America/Toronto:20261205T120000
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;TZID=America/Toronto:20261212T090000
RDATE;TZID=America/Toronto:20261223T090000
SUMMARY:Marché de Noël
LOCATION:Place de l'Église
DESCRIPTION:Artisans\\, produits locaux et chocolat chaud.
URL:https://www.ville.montmagny.qc.ca/evenements/marche-de-noel"""
MARKET_MOVED = """UID:marche-noel@ville.montmagny.qc.ca
RECURRENCE-ID;TZID=America/Toronto:20261219T090000
DTSTART;TZID=America/Toronto:20261219T100000
SUMMARY:Marché de Noël (ouvert à 10 h)"""
CONCERT = """UID:concert-fetes@ville.montmagny.qc.ca
DTSTART;VALUE=DATE:20261220
SUMMARY:Concert des Fêtes"""


@pytest.fixture
def adviser():
    return factories.reviewer(first_name="Julie", last_name="Bérubé")


@pytest.fixture
def channels():
    return [factories.channel("facebook"), factories.channel("instagram")]


def _import(adviser, channels, data, **kwargs):
    return events_import(data=data, actor=adviser, channels=channels, now=NOW, **kwargs)


class TestOccurrences:
    def test_each_occurrence_of_a_series_becomes_one_draft_and_importing_again_creates_nothing(self, adviser, channels):
        report = _import(adviser, channels, calendar(MARKET, MARKET_MOVED, CONCERT))
        # 5, 19 (moved to 10 h), 23 (RDATE), 26 December; not the 12th (EXDATE); and the concert.
        assert report.created == 5
        starts = sorted(
            (timezone.localtime(event.starts_at).strftime("%m-%d %H:%M"), event.summary)
            for event in ImportedEvent.objects.all()
        )
        assert starts == [
            ("12-05 09:00", "Marché de Noël"),
            ("12-19 10:00", "Marché de Noël (ouvert à 10 h)"),
            ("12-20 00:00", "Concert des Fêtes"),
            ("12-23 09:00", "Marché de Noël"),
            ("12-26 09:00", "Marché de Noël"),
        ]
        draft = ImportedEvent.objects.get(summary="Concert des Fêtes").post
        assert (draft.status, draft.category, draft.author) == (Status.DRAFT, Post.Category.EVENT, adviser)
        assert {version.channel for version in draft.versions.all()} == set(channels)
        # Proposed a week ahead of the event, at the configured hour.
        assert {timezone.localtime(v.due_at) for v in draft.versions.all()} == {
            timezone.make_aware(datetime.datetime(2026, 12, 13, 10, 0))
        }
        market = ImportedEvent.objects.filter(summary="Marché de Noël").first().post
        assert "Place de l'Église" in market.body and "Artisans, produits locaux" in market.body
        # The event's page on the website is the draft's link (art. 5.4), not words in its text.
        assert [link.url for link in market.links.all()] == [
            "https://www.ville.montmagny.qc.ca/evenements/marche-de-noel"
        ]

        again = _import(adviser, channels, calendar(MARKET, MARKET_MOVED, CONCERT))
        assert (again.created, again.unchanged) == (0, 5) and Post.objects.count() == 5

    def test_a_changed_event_updates_its_draft(self, adviser, channels):
        _import(adviser, channels, calendar(CONCERT))
        record = ImportedEvent.objects.get()
        report = _import(adviser, channels, calendar(CONCERT.replace("Concert des Fêtes", "Grand concert des Fêtes")))
        record.refresh_from_db()
        assert report.updated == 1 and record.post.title == "Grand concert des Fêtes" and not record.attention
        assert "Grand concert" in record.post.body and record.written_revision == record.post.revision

    def test_a_change_after_a_person_edited_the_draft_flags_it_and_leaves_their_text(self, adviser, channels):
        _import(adviser, channels, calendar(CONCERT))
        record = ImportedEvent.objects.get()
        post_edit(post=record.post, actor=adviser, texts=PostTexts(body="Venez nombreux au concert des Fêtes !"))
        report = _import(adviser, channels, calendar(CONCERT.replace("20261220", "20261221")))
        record.refresh_from_db()
        assert report.flagged == 1 and record.attention == ImportedEvent.Attention.CHANGED_AFTER_EDIT
        assert record.post.body == "Venez nombreux au concert des Fêtes !"
        assert _import(adviser, channels, calendar(CONCERT.replace("20261220", "20261221"))).flagged == 0  # once

    def test_a_cancelled_event_flags_its_draft_and_keeps_it(self, adviser, channels):
        _import(adviser, channels, calendar(CONCERT))
        report = _import(adviser, channels, calendar(CONCERT + "\r\nSTATUS:CANCELLED"))
        record = ImportedEvent.objects.get()
        assert report.flagged == 1 and record.attention == ImportedEvent.Attention.CANCELLED
        assert Post.objects.filter(pk=record.post_id).exists()
        # Cancelled before anything was prepared for it: nothing is made.
        assert (
            _import(
                adviser, channels, calendar(MARKET_MOVED.replace("marche-noel", "autre") + "\r\nSTATUS:CANCELLED")
            ).created
            == 0
        )


class TestBadFiles:
    @pytest.mark.parametrize(
        ("data", "line"),
        [
            (calendar(CONCERT, "UID:x\r\nDTSTART:pas-une-date\r\nSUMMARY:Y"), 9),
            (calendar(CONCERT).replace(b"SUMMARY:Concert", b"SUMMARY Concert"), 7),
            (calendar(CONCERT).replace(b"END:VEVENT", b"END:VTODO"), 8),
            (b"BEGIN:VCARD\r\nEND:VCARD\r\n", 1),
            (calendar(CONCERT).replace("Fêtes".encode(), b"F\xeates"), 7),
            (calendar(CONCERT.replace("Concert", "\u202eConcert")), 4),
        ],
    )
    def test_a_malformed_file_is_refused_naming_its_line_and_imports_nothing(self, adviser, channels, data, line):
        with pytest.raises(ImportRefused) as refused:
            _import(adviser, channels, data)
        assert f"{line}" in refused.value.message and refused.value.message.startswith(("Ligne", "Line"))
        assert not Post.objects.exists() and not ImportedEvent.objects.exists()

    def test_a_file_that_fails_on_a_later_event_imports_none_of_the_earlier_ones(self, adviser, channels):
        with pytest.raises(ImportRefused):
            _import(adviser, channels, calendar(MARKET, CONCERT, "UID:z\r\nSUMMARY:Sans date"))
        assert not Post.objects.exists()

    def test_too_many_occurrences_are_refused(self, adviser, channels, settings):
        settings.ICAL_IMPORT = {**settings.ICAL_IMPORT, "MAX_EVENTS": 3}
        with pytest.raises(ImportRefused) as refused:
            _import(adviser, channels, calendar(MARKET))
        assert "3" in refused.value.message and not Post.objects.exists()


# --- Addresses, over real HTTP ----------------------------------------------------------------------------


class CalendarServer:
    """A web server on 127.0.0.1 that serves the city's events calendar, and misbehaves on request."""

    def __init__(self):
        self.body = calendar(CONCERT)
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/lent.ics":
                    time.sleep(3)
                if self.path == "/redirection.ics":
                    self.send_response(302)
                    self.send_header("Location", "/evenements.ics")
                    self.end_headers()
                    return
                if self.path == "/ailleurs.ics":
                    self.send_response(302)
                    self.send_header("Location", f"{state.url}/evenements.ics")
                    self.end_headers()
                    return
                if self.path == "/absent.ics":
                    self.send_response(404)
                    self.end_headers()
                    return
                body = state.body * (2000 if self.path == "/enorme.ics" else 1)
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                if self.path != "/enorme.ics":
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(settings):
    served = CalendarServer()
    settings.ICAL_IMPORT = {
        **settings.ICAL_IMPORT,
        "ALLOWED_HOSTS": ["127.0.0.1"],
        "TIMEOUT_SECONDS": 1,
        "MAX_BYTES": 100_000,  # /enorme.ics sends about 500 kB
    }
    yield served
    served.close()


class TestAddresses:
    def test_an_address_is_read_redirects_followed(self, server):
        assert fetch_calendar(f"{server.url}/evenements.ics") == server.body
        assert fetch_calendar(f"{server.url}/redirection.ics") == server.body

    @pytest.mark.parametrize(
        ("path", "said"),
        [("/enorme.ics", "97"), ("/lent.ics", "1 s"), ("/absent.ics", "404")],
    )
    def test_too_large_too_slow_or_an_error_is_refused_with_its_reason(self, server, path, said):
        with pytest.raises(FetchRefused) as refused:
            fetch_calendar(f"{server.url}{path}")
        assert said in refused.value.message

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9/",
            "http://localhost/agenda.ics",
            "http://10.0.0.5/agenda.ics",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/agenda.ics",
            "ftp://ville.example/agenda.ics",
            "file:///etc/passwd",
        ],
    )
    def test_private_loopback_link_local_and_other_schemes_are_never_read(self, url, listening_counter):
        with pytest.raises(FetchRefused):
            fetch_calendar(url)
        assert listening_counter.connections == 0

    def test_a_redirect_to_a_host_not_allowed_is_refused(self, server, settings):
        settings.ICAL_IMPORT = {**settings.ICAL_IMPORT, "ALLOWED_HOSTS": ["localhost"]}
        assert fetch_calendar(f"{server.url.replace('127.0.0.1', 'localhost')}/evenements.ics") == server.body
        with pytest.raises(FetchRefused) as refused:  # sent on to 127.0.0.1, which is not allowed
            fetch_calendar(f"{server.url.replace('127.0.0.1', 'localhost')}/ailleurs.ics")
        assert "127.0.0.1" in refused.value.message

    def test_a_source_is_imported_on_schedule_and_an_event_gone_from_it_is_flagged(self, server, adviser, channels):
        source = EventSource.objects.create(
            name="Site de la Ville", url=f"{server.url}/evenements.ics", created_by=adviser
        )
        source.channels.set(channels)
        assert Schedule.objects.filter(func="calendar_app.tasks.reimport_event_sources").exists()
        server.body = calendar(
            CONCERT.replace("20261220", (timezone.localdate() + datetime.timedelta(days=20)).strftime("%Y%m%d"))
        )
        reimport_event_sources()
        source.refresh_from_db()
        assert source.last_ok and "1" in source.last_result and ImportedEvent.objects.get().source == source
        server.body = calendar()  # the concert is no longer in the calendar
        report = source_import(source)
        assert report.flagged == 1 and ImportedEvent.objects.get().attention == ImportedEvent.Attention.CANCELLED
        EventSource.objects.filter(pk=source.pk).update(url=f"{server.url}/absent.ics")
        source.refresh_from_db()
        assert source_import(source) is None
        source.refresh_from_db()
        assert source.last_ok is False and "404" in source.last_result


@pytest.fixture
def listening_counter():
    """Nothing must connect anywhere: a listener on 127.0.0.1 that counts connections (none expected)."""
    from tests.publishing.conftest import SilentServer

    silent = SilentServer()
    yield silent
    silent.close()


# --- The page -------------------------------------------------------------------------------------------


class TestThePage:
    def test_the_adviser_imports_a_file_and_sees_the_drafts(self, client, adviser, channels):
        client.force_login(adviser)
        upload = _upload(
            calendar(
                CONCERT.replace("20261220", (timezone.localdate() + datetime.timedelta(days=20)).strftime("%Y%m%d"))
            )
        )
        response = client.post(
            reverse("calendar_app:event_import"),
            {"form": "file", "file-file": upload, "file-channels": [channel.pk for channel in channels]},
            follow=True,
        )
        page = response.content.decode()
        assert response.status_code == 200 and "Concert des Fêtes" in page and "brouillons créés : 1," in page
        assert ImportedEvent.objects.count() == 1

    def test_a_bad_file_is_shown_again_with_its_line_and_nothing_is_imported(self, client, adviser, channels):
        client.force_login(adviser)
        response = client.post(
            reverse("calendar_app:event_import"),
            {"form": "file", "file-file": _upload(b"BEGIN:VCARD\r\n"), "file-channels": [channels[0].pk]},
        )
        assert response.status_code == 200 and "Ligne 1" in response.content.decode()
        assert not Post.objects.exists()

    def test_only_the_communications_department_imports(self, client, channels):
        member = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
        publisher = factories.holder(Role.PUBLISHER, channels=channels)
        for person in (member, publisher):
            client.force_login(person)
            assert client.get(reverse("calendar_app:event_import")).status_code == 403
            assert client.post(reverse("calendar_app:event_import"), {"form": "file"}).status_code == 403


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("evenements.ics", data, content_type="text/calendar")
