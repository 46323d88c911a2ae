"""Posts imported from a CSV file, all rows or none, and the plan exported as one (issue 13, item 6)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from calendar_app.models import Approval, AuditEntry, ChannelVersion, Post, Role
from calendar_app.permissions import Abilities, PermissionRefused
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.csv_export import PlanExport
from calendar_app.services.csv_transfer import ImportRefused, posts_import
from calendar_app.services.workflow import version_transition
from calendar_app.workflow import Status
from tests import factories
from tests.calendar_app.test_permissions import ROLES

pytestmark = pytest.mark.django_db

CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
TREES = "La collecte des sapins de Noël aura lieu le 8 janvier. Déposez-les en bordure de rue avant 7 h."
WARNS = "Le parti au pouvoir a raison sur ce dossier, bravo !"  # a Charte warning (art. 4.3)
HEADER = ["titre", "categorie", "canaux", "date", "heure", "texte", "liens", "sante_securite"]


def _day(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _local(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def row(**cells) -> dict:
    """A good row, with ``cells`` changed."""
    return {
        "titre": "Bibliothèque fermée",
        "categorie": "Information d'intérêt public",
        "canaux": "facebook",
        "date": _day(5),
        "heure": "9 h 30",
        "texte": CLEAN,
        "liens": "",
        "sante_securite": "",
        **cells,
    }


def csv_file(rows: list[dict], *, delimiter=";", bom=True, header=HEADER, encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    keys = list(rows[0]) if rows else header
    for cells in rows:
        writer.writerow([cells.get(key, "") for key in keys])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def refused(author, data: bytes, **options) -> list:
    """The problems of a refused import, in French; asserts that nothing was written."""
    before = Post.objects.count()
    with translation.override("fr-ca"), pytest.raises(ImportRefused) as refusal:
        posts_import(author=author, data=data, **options)
    assert Post.objects.count() == before
    return refusal.value.problems


@pytest.fixture
def city():
    adviser = factories.reviewer()
    facebook = factories.channel("facebook", handle="villemontmagny")
    mastodon = factories.channel("mastodon", handle="@ville@mastodon.social")
    publisher = factories.holder(Role.PUBLISHER, channels=[mastodon])
    return type("City", (), locals())


class TestAGoodFile:
    def test_each_row_becomes_a_draft_with_its_channels_proposed_time_links_and_texts(self, city):
        data = csv_file(
            [
                row(
                    canaux="facebook:villemontmagny | mastodon:ville@mastodon.social",
                    liens="https://www.ville.montmagny.qc.ca/bibliotheque https://example.org/horaire",
                    sante_securite="oui",
                    texte_mastodon="Bibliothèque fermée le 25 décembre. #Montmagny",
                ),
                row(titre="Sapins", texte=TREES, date=_day(6), heure="14:05", texte_mastodon=""),
            ],
            header=[*HEADER, "texte_mastodon"],
        )

        outcome = posts_import(author=city.adviser, data=data)

        assert not outcome.scheduled
        first, second = sorted(outcome.posts, key=lambda post: post.pk)
        assert (first.title, first.category, first.status) == ("Bibliothèque fermée", "public_interest", Status.DRAFT)
        assert first.health_and_safety and not second.health_and_safety
        versions = {version.channel: version for version in first.versions.all()}
        assert set(versions) == {city.facebook, city.mastodon}
        assert {version.due_at for version in versions.values()} == {_local(5, 9, 30)}
        assert versions[city.mastodon].text_override.endswith("#Montmagny")
        assert versions[city.facebook].text_override == ""
        assert list(first.links.values_list("url", flat=True)) == [
            "https://www.ville.montmagny.qc.ca/bibliotheque",
            "https://example.org/horaire",
        ]
        assert second.versions.get().due_at == _local(6, 14, 5)
        assert first.source_uid.startswith("csv:") and first.source_uid != second.source_uid
        assert AuditEntry.objects.filter(action="imported", target_id=str(first.pk), after__line=2).exists()

    def test_commas_without_a_byte_order_mark_and_english_headers_read_the_same(self, city):
        english = ["title", "category", "channels", "date", "time", "text", "links", "health_and_safety"]
        rows = [dict(zip(english, row(categorie="public_interest").values(), strict=True))]
        outcome = posts_import(author=city.adviser, data=csv_file(rows, delimiter=",", bom=False, header=english))
        assert outcome.posts[0].versions.get().due_at == _local(5, 9, 30)

    def test_excels_separator_line_and_headers_with_accents_and_capitals(self, city):
        header = ["Titre", "Catégorie", "Canaux", "Date", "Heure", "Texte", "Liens", "Santé / sécurité"]
        data = b"sep=;\r\n" + csv_file([row()], header=header, bom=False)
        assert len(posts_import(author=city.adviser, data=data).posts) == 1

    @pytest.mark.parametrize(
        "reference", ["facebook", "Facebook — villemontmagny", "facebook:@villemontmagny", "VILLEMONTMAGNY"]
    )
    def test_a_channel_is_named_by_network_and_account_or_either_alone_when_one_answers(self, city, reference):
        post = posts_import(author=city.adviser, data=csv_file([row(canaux=reference)])).posts[0]
        assert post.versions.get().channel == city.facebook

    @pytest.mark.parametrize(
        "category", ["public_interest", "Information d'intérêt public", "PUBLIC-INTEREST INFORMATION"]
    )
    def test_a_category_is_named_by_code_or_by_its_name_in_either_language(self, city, category):
        post = posts_import(author=city.adviser, data=csv_file([row(categorie=category)])).posts[0]
        assert post.category == "public_interest"

    def test_a_text_on_several_lines_keeps_them_and_the_next_rows_keep_their_spreadsheet_numbers(self, city):
        data = csv_file([row(texte="Première ligne.\nDeuxième ligne."), row(titre="Autre", date="demain")])
        problems = refused(city.adviser, data)
        assert [(problem.line, problem.column) for problem in problems] == [(3, "date")]
        Post.objects.all().delete()
        post = posts_import(author=city.adviser, data=csv_file([row(texte="Première ligne.\r\nDeuxième ligne.")]))
        assert post.posts[0].body == "Première ligne.\nDeuxième ligne."

    def test_the_template_file_imports_as_it_is(self, client, city):
        client.force_login(city.adviser)
        template = client.get(reverse("calendar_app:calendar_import_template"))
        assert template["Content-Type"] == "text/csv; charset=utf-8"
        assert template.content.startswith(b"\xef\xbb\xbftitre;categorie;canaux;date;heure;texte")
        outcome = posts_import(author=city.adviser, data=template.content)
        assert len(outcome.posts) == 1


class TestBadInput:
    """Each bad file is refused whole, with its problems by line and column, in French; nothing is written."""

    def test_a_bad_date_or_time(self, city):
        data = csv_file([row(), row(date="06/12/2026"), row(heure="25:00"), row(date="2026-02-30")])
        problems = refused(city.adviser, data)
        assert [(problem.line, problem.column) for problem in problems] == [(3, "date"), (4, "heure"), (5, "date")]
        assert "06/12/2026" in problems[0].message and _day(7) in problems[0].message

    def test_a_date_in_the_past(self, city):
        problems = refused(city.adviser, csv_file([row(date=_day(-1))]))
        assert (problems[0].line, problems[0].column) == (2, "date")

    def test_an_unknown_or_inactive_channel(self, city):
        factories.channel("linkedin", handle="ancien-compte", is_active=False)
        problems = refused(city.adviser, csv_file([row(canaux="myspace:ville"), row(canaux="linkedin")]))
        assert [(problem.line, problem.column) for problem in problems] == [(2, "canaux"), (3, "canaux")]
        assert "myspace:ville" in problems[0].message and "facebook:villemontmagny" in problems[0].message
        assert "linkedin" in problems[1].message

    def test_a_channel_the_author_may_not_write_on(self, city):
        problems = refused(city.publisher, csv_file([row(canaux="mastodon | facebook")]))
        assert len(problems) == 1 and "8.4" in problems[0].message and "villemontmagny" in problems[0].message

    def test_two_channels_answering_to_one_name(self, city):
        factories.channel("facebook", handle="bibliotheque")
        problems = refused(city.adviser, csv_file([row(canaux="facebook")]))
        assert "facebook:bibliotheque" in problems[0].message

    def test_an_unknown_category(self, city):
        problems = refused(city.adviser, csv_file([row(categorie="Potins")]))
        assert problems[0].column == "categorie" and "Potins" in problems[0].message

    def test_a_missing_or_unknown_column(self, city):
        header = ["titre", "canaux", "date", "heure", "texte", "couleur"]
        problems = refused(city.adviser, csv_file([{key: "x" for key in header}], header=header))
        messages = " ".join(problem.message for problem in problems)
        assert all(problem.line == 1 for problem in problems)
        assert "couleur" in messages and "categorie" in messages

    def test_a_row_repeated_in_the_file(self, city):
        problems = refused(city.adviser, csv_file([row(), row(titre="Autre"), row()]))
        assert [(problem.line, problem.message) for problem in problems] == [(4, "Cette ligne répète la ligne 2.")]

    def test_importing_the_same_file_again_creates_nothing(self, city):
        data = csv_file([row(), row(titre="Sapins", texte=TREES)])
        posts_import(author=city.adviser, data=data)
        problems = refused(city.adviser, data)
        assert [problem.line for problem in problems] == [2, 3]
        assert "Bibliothèque fermée" in problems[0].message and "Sapins" in problems[1].message
        assert Post.objects.count() == 2

    def test_a_file_saved_by_excel_in_windows_1252_says_how_to_save_it_as_utf8(self, city):
        data = csv_file([row()], bom=False, encoding="cp1252")
        problems = refused(city.adviser, data)
        assert problems[0].line == 2 and "UTF-8" in problems[0].message and "CSV UTF-8" in problems[0].message

    @pytest.mark.parametrize(
        "data,said",
        [
            (b"PK\x03\x04\x14\x00\x06\x00", "Excel"),
            (b"\xff\xfet\x00i\x00", "UTF-16"),
            (b"  \r\n", ""),
            (b"\xef\xbb\xbftitre;categorie;canaux;date;heure;texte\r\n", ""),
        ],
        ids=["xlsx", "utf-16", "empty", "header-only"],
    )
    def test_what_is_not_a_csv_file_of_posts(self, city, data, said):
        problems = refused(city.adviser, data)
        assert len(problems) == 1 and problems[0].line is None and said in problems[0].message

    def test_a_file_too_large_or_with_too_many_rows(self, city, settings):
        settings.CSV_IMPORT_MAX_ROWS = 3
        problems = refused(city.adviser, csv_file([row(titre=f"Avis {n}") for n in range(4)]))
        assert "3" in problems[0].message
        settings.CSV_IMPORT_MAX_BYTES = 1024
        problems = refused(city.adviser, csv_file([row(texte=CLEAN * 20)]))
        assert "1,0" in problems[0].message or "1.0" in problems[0].message

    def test_a_text_of_100000_characters(self, city):
        problems = refused(city.adviser, csv_file([row(texte="é" * 100_000)]))
        assert problems[0].column == "texte" and "63" in problems[0].message and "100" in problems[0].message

    def test_invisible_and_direction_characters_and_a_bad_link(self, city):
        data = csv_file([row(texte="Bonjour\u202e à tous."), row(liens="javascript:alert(1)"), row(titre="Ti\x0btre")])
        problems = refused(city.adviser, data)
        assert [(problem.line, problem.column) for problem in problems] == [(2, "texte"), (3, "liens"), (4, "titre")]
        assert "5.2" in problems[0].message

    def test_a_networks_text_without_a_channel_of_that_network(self, city):
        problems = refused(city.adviser, csv_file([row(texte_x="Pour X")], header=[*HEADER, "texte_x"]))
        assert problems[0].column == "texte_x"

    def test_one_bad_row_among_fifty_imports_nothing(self, city):
        rows = [row(titre=f"Avis {number}", heure=f"{8 + number % 10}:{number:02d}") for number in range(50)]
        rows[36]["canaux"] = "tiktok"
        problems = refused(city.adviser, csv_file(rows))
        assert [(problem.line, problem.column) for problem in problems] == [(38, "canaux")]
        assert not ChannelVersion.objects.exists()


class TestScheduling:
    def test_an_author_whose_role_needs_no_review_schedules_every_post_at_its_time(self, city):
        data = csv_file([row(), row(titre="Sapins", texte=TREES, canaux="mastodon", heure="10:15")])
        outcome = posts_import(author=city.adviser, data=data, schedule=True, acknowledge_warnings=True)
        assert outcome.scheduled
        assert {post.status for post in Post.objects.all()} == {Status.SCHEDULED}
        assert Approval.objects.count() == 2
        assert ChannelVersion.objects.get(channel=city.mastodon).due_at == _local(5, 10, 15)

    def test_a_row_that_cannot_be_scheduled_imports_nothing(self, city):
        unauthorised = factories.channel("linkedin", handle="ville", authorised_by=None, authorised_at=None)
        data = csv_file([row(), row(titre="LinkedIn", canaux="linkedin")])
        problems = refused(city.adviser, data, schedule=True, acknowledge_warnings=True)
        assert [problem.line for problem in problems] == [3] and "8.1" in problems[0].message
        assert not Approval.objects.exists() and unauthorised.versions.count() == 0

    def test_charte_warnings_must_be_acknowledged_to_schedule(self, city):
        data = csv_file([row(texte=WARNS)])
        problems = refused(city.adviser, data, schedule=True)
        assert problems[0].line == 2 and "4.3" in problems[0].message
        assert posts_import(author=city.adviser, data=data, schedule=True, acknowledge_warnings=True).scheduled

    def test_fewer_posts_are_scheduled_at_once_than_imported_as_drafts(self, city, settings):
        settings.CSV_IMPORT_MAX_SCHEDULED_ROWS = 1
        data = csv_file([row(), row(titre="Sapins", texte=TREES)])
        problems = refused(city.adviser, data, schedule=True, acknowledge_warnings=True)
        assert problems[0].line is None and "1" in problems[0].message
        assert len(posts_import(author=city.adviser, data=data).posts) == 2

    def test_an_author_whose_posts_need_review_may_not_schedule_an_import(self, city):
        with pytest.raises(PermissionRefused):
            posts_import(author=city.publisher, data=csv_file([row(canaux="mastodon")]), schedule=True)
        assert not Post.objects.exists()


# --- The pages ---------------------------------------------------------------------------------------------


def _role_person(role: Role, city):
    return factories.holder(
        role, service=factories.service(), organisation=factories.organisation(), channels=[city.mastodon]
    )


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_each_role_opens_the_import_and_export_as_its_abilities_say(client, city, role):
    person = _role_person(role, city)
    can = Abilities(person)
    client.force_login(person)
    writes, plans = can.can_write_internal(), can.can_plan()
    assert client.get(reverse("calendar_app:calendar_import")).status_code == (200 if writes else 403)
    assert client.get(reverse("calendar_app:calendar_import_template")).status_code == (200 if writes else 403)
    assert client.get(reverse("calendar_app:calendar_export")).status_code == (200 if plans else 403)
    expected = {
        Role.COMMUNICATIONS: (True, True),
        Role.PUBLISHER: (True, True),
        Role.DIRECTION_GENERALE: (False, True),
    }.get(role, (False, False))
    assert (writes, plans) == expected


def test_the_calendar_links_to_the_import_for_writers_and_to_the_export_of_its_filtered_view(client, city):
    client.force_login(city.adviser)
    page = client.get(reverse("calendar_app:calendar"), {"channel": city.facebook.pk}).content.decode()
    assert reverse("calendar_app:calendar_import") in page
    assert f"{reverse('calendar_app:calendar_export')}?channel={city.facebook.pk}" in page
    client.force_login(factories.holder(Role.DIRECTION_GENERALE))
    page = client.get(reverse("calendar_app:calendar")).content.decode()
    assert reverse("calendar_app:calendar_import") not in page and reverse("calendar_app:calendar_export") in page


def test_a_stranger_is_sent_to_log_in(client):
    for name in ("calendar_import", "calendar_export", "calendar_import_template"):
        response = client.get(reverse(f"calendar_app:{name}"))
        assert response.status_code == 302 and reverse("login") in response["Location"]


class TestTheImportPage:
    def _upload(self, client, data: bytes, **fields):
        upload = SimpleUploadedFile("plan.csv", data, content_type="text/csv")
        return client.post(reverse("calendar_app:calendar_import"), {"file": upload, **fields})

    def test_a_good_file_is_imported_and_the_calendar_says_so(self, client, city):
        client.force_login(city.adviser)
        response = self._upload(client, csv_file([row(), row(titre="Sapins", texte=TREES)]))
        assert response.status_code == 302 and response["Location"] == reverse("calendar_app:calendar")
        assert Post.objects.filter(status=Status.DRAFT).count() == 2
        page = client.get(response["Location"]).content.decode()
        assert "2 publications importées" in page

    def test_a_bad_file_shows_its_problems_by_line_in_french_and_changes_nothing(self, client, city):
        client.force_login(city.adviser)
        response = self._upload(client, csv_file([row(), row(canaux="tiktok"), row(date="hier")]))
        page = response.content.decode()
        assert response.status_code == 200 and not Post.objects.exists()
        assert "data-error-summary" in page and "rien n’a été importé" in page.replace("'", "’")
        assert "tiktok" in page and '<td data-label="Ligne">3</td>' in page

    def test_forged_fields_change_neither_the_author_nor_the_status(self, client, city):
        client.force_login(city.publisher)
        forged = {"author": city.adviser.pk, "status": Status.PUBLISHED, "origin": "service_request", "schedule": "on"}
        response = self._upload(client, csv_file([row(canaux="mastodon")]), **forged)
        assert response.status_code == 302
        post = Post.objects.get()
        assert (post.author, post.status, post.origin) == (city.publisher, Status.DRAFT, Post.Origin.INTERNAL)

    def test_scheduling_is_offered_only_to_who_may_approve_their_own_posts(self, client, city):
        client.force_login(city.publisher)
        assert 'name="schedule"' not in client.get(reverse("calendar_app:calendar_import")).content.decode()
        client.force_login(city.adviser)
        assert 'name="schedule"' in client.get(reverse("calendar_app:calendar_import")).content.decode()


# --- The export ----------------------------------------------------------------------------------------------


def _scheduled(author, channels, *, due: datetime.datetime, title: str, body: str = CLEAN, **fields) -> Post:
    post = post_services.post_create(
        author=author, title=title, category="public_interest", body=body, channels=channels, **fields
    )
    scheduling.post_approve_and_schedule(
        post=post, actor=author, timing=scheduling.Timing(default=due), acknowledge_warnings=True
    )
    return post


def _export(client, **params) -> list[list[str]]:
    response = client.get(reverse("calendar_app:calendar_export"), params)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


class TestTheExport:
    def test_one_line_per_post_with_its_status_channel_statuses_and_published_links(self, client, city):
        post = _scheduled(city.adviser, [city.facebook, city.mastodon], due=_local(3, 9), title="Collecte")
        version = post.versions.get(channel=city.facebook)
        version_transition(version=version, target=Status.PUBLISHING, actor=None)
        version_transition(
            version=version,
            actor=None,
            target=Status.PUBLISHED,
            external_id="1",
            external_url="https://facebook.com/villemontmagny/posts/1",
            published_at=timezone.now(),
        )
        client.force_login(city.adviser)
        with translation.override("fr-ca"):
            header, line = _export(client, HTTP_ACCEPT_LANGUAGE="fr")
        cells = dict(zip(header, line, strict=True))
        assert header[:6] == ["titre", "categorie", "canaux", "date", "heure", "texte"]
        assert cells["canaux"] == "facebook:villemontmagny | mastodon:@ville@mastodon.social"
        assert (cells["date"], cells["heure"]) == (_day(3), "09:00")
        assert "facebook:villemontmagny : Publiée" in cells["statuts_canaux"]
        assert cells["liens_publies"] == "https://facebook.com/villemontmagny/posts/1"

    def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(self, client, city):
        _scheduled(city.adviser, [city.facebook], due=_local(3, 9), title='=HYPERLINK("http://evil.example")')
        _scheduled(city.adviser, [city.facebook], due=_local(4, 9), title="@SUM(A1)", body="-20 % sur les permis +1")
        client.force_login(city.adviser)
        _header, first, second = _export(client)
        assert first[0] == '\'=HYPERLINK("http://evil.example")'
        assert (second[0], second[5]) == ("'@SUM(A1)", "'-20 % sur les permis +1")

    def test_the_calendars_filters_and_a_date_range(self, client, city):
        _scheduled(city.adviser, [city.facebook], due=_local(3, 9), title="Facebook")
        _scheduled(city.adviser, [city.mastodon], due=_local(4, 9), title="Mastodon")
        _scheduled(city.adviser, [city.mastodon], due=_local(40, 9), title="Plus tard")
        client.force_login(city.adviser)
        titles = lambda **params: [line[0] for line in _export(client, **params)[1:]]  # noqa: E731
        assert titles() == ["Facebook", "Mastodon", "Plus tard"]
        assert titles(channel=city.mastodon.pk) == ["Mastodon", "Plus tard"]
        assert titles(status="draft") == []
        assert titles(start=_day(0), end=_day(3)) == ["Facebook"]
        calendar_window = {
            "start": _local(4, 0).strftime("%Y-%m-%dT%H:%M:%S"),
            "end": _local(5, 0).strftime("%Y-%m-%dT%H:%M:%S"),
        }
        assert titles(**calendar_window) == ["Mastodon"]

    def test_a_person_exports_only_the_posts_they_may_see(self, client, city):
        _scheduled(city.adviser, [city.facebook], due=_local(3, 9), title="De la ville")
        post = post_services.post_create(
            author=city.publisher,
            title="À moi",
            category="public_interest",
            body=TREES,
            channels=[city.mastodon],
            due_times={city.mastodon: _local(5, 9)},
        )
        client.force_login(city.publisher)
        assert [line[0] for line in _export(client)[1:]] == [post.title]

    def test_a_bad_range_is_a_clear_refusal(self, client, city):
        client.force_login(city.adviser)
        response = client.get(reverse("calendar_app:calendar_export"), {"start": "demain"})
        assert response.status_code == 400 and "demain" not in response.content.decode()
        assert client.get(reverse("calendar_app:calendar_export"), {"status": "envolée"}).status_code == 400

    def test_the_number_of_queries_does_not_grow_with_the_plan(self, city):
        def queries_for(count: int) -> int:
            Post.objects.all().delete()
            for number in range(count):
                post = _scheduled(city.adviser, [city.facebook, city.mastodon], due=_local(2, 9, number), title="Avis")
                post.links.create(url=f"https://example.org/{number}")
            with CaptureQueriesContext(connection) as queries:
                lines = list(PlanExport(Abilities(city.adviser), start=_local(0, 0), end=_local(10, 0)).lines())
            assert len(lines) == count + 1
            return len(queries)

        assert queries_for(2) == queries_for(25)

    def test_exported_then_imported_on_an_empty_database_gives_the_same_posts(self, client, city):
        _scheduled(
            city.adviser,
            [city.facebook, city.mastodon],
            due=_local(3, 9, 15),
            title="Bibliothèque",
            version_texts={city.mastodon: "-25 % sur l'abonnement ; #Montmagny"},
            links=["https://www.ville.montmagny.qc.ca/", "https://example.org/a,b"],
            health_and_safety=True,
        )
        _scheduled(city.adviser, [city.mastodon], due=_local(4, 16), title="=Sapins", body="Ligne 1\n« Ligne 2 »")
        client.force_login(city.adviser)
        response = client.get(reverse("calendar_app:calendar_export"))
        exported = b"".join(response.streaming_content)

        def posts() -> list[tuple]:
            return [
                (
                    post.title,
                    post.category,
                    post.body,
                    post.health_and_safety,
                    list(post.links.values_list("url", flat=True)),
                    sorted(post.versions.values_list("channel__handle", "text_override", "due_at")),
                )
                for post in Post.objects.order_by("title")
            ]

        before = posts()
        Post.objects.all().delete()
        posts_import(author=city.adviser, data=exported)
        assert posts() == before
