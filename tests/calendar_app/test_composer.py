"""The composer (issue 13, item 3): write once, adjust per channel, check live, then save, submit, schedule or
send now — through the pages, with two channels, an image, a warning to acknowledge and the bad input the issue
names; recurring posts; duplicates; the post page."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from calendar_app.models import AuditEntry, MediaAsset, Post, Role, WarningAcknowledgement
from calendar_app.services.composing import Frequency, Recurrence
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
WARNED = "Le parti au pouvoir a raison sur ce dossier, bravo !"
BLOCKED = "Pour joindre Mme Tremblay, composez le 418 555-0142."
MEDIA = {"MEDIA_ROOT": "/tmp/vitrine-test-composer-media"}


@pytest.fixture
def city():
    reviewer = factories.reviewer(email="comm@example.org")
    facebook = factories.channel("facebook")
    mastodon = factories.channel("mastodon")
    publisher = factories.holder(Role.PUBLISHER, channels=[facebook])
    member = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
    return type("City", (), locals())


def _local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _wall(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _png(name: str = "affiche.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 90, 160)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _form(channels, intent: str = "draft", images=(), **overrides) -> dict:
    data = {
        "title": "Fermeture des fêtes",
        "category": "public_interest",
        "body": CLEAN,
        "channels": [channel.pk for channel in channels],
        "links": "",
        "intent": intent,
        "images-TOTAL_FORMS": str(max(len(images), 1)),
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "4",
    }
    for number, image in enumerate(images):
        data.update({f"images-{number}-{key}": value for key, value in image.items()})
    data.update(overrides)
    return data


def _image(file=None, **fields) -> dict:
    return {
        "file": file or _png(),
        "alt_text": "L'affiche des heures d'ouverture des fêtes",
        "credit": "Ville de Montmagny",
        "rights_statement": "Photo du Service des communications",
        **fields,
    }


def _compose(client, person, data):
    client.force_login(person)
    return client.post(reverse("calendar_app:internal_post_new"), data)


@override_settings(**MEDIA)
def test_the_adviser_schedules_a_post_on_two_channels_with_its_own_text_and_time_and_an_image(client, city):
    first, second = _local(3), _local(4, 14)
    data = _form(
        [city.facebook, city.mastodon],
        "schedule",
        images=[_image()],
        due_at=_wall(first),
        **{f"text-{city.mastodon.pk}": CLEAN + " #Montmagny", f"due_at-{city.mastodon.pk}": _wall(second)},
    )
    response = _compose(client, city.reviewer, data)
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("calendar_app:post_detail", args=[post.pk])
    assert post.status == Status.SCHEDULED and post.approvals.filter(decision="approved").exists()
    times = {version.channel_id: version.due_at for version in post.versions.all()}
    assert times == {city.facebook.pk: first, city.mastodon.pk: second}
    assert post.versions.get(channel=city.mastodon).text_override.endswith("#Montmagny")
    asset = post.post_media.get().asset
    assert (asset.credit, asset.width) == ("Ville de Montmagny", 1200)
    page = client.get(response["Location"]).content.decode()
    assert "Fermeture des fêtes" in page and asset.alt_text.replace("'", "&#x27;") in page


def test_a_warning_must_be_acknowledged_and_until_then_nothing_is_saved(client, city):
    data = _form([city.facebook], "schedule", body=WARNED, due_at=_wall(_local(2)))
    response = _compose(client, city.reviewer, data)
    assert response.status_code == 200 and not Post.objects.exists()
    page = response.content.decode()
    assert "acknowledge_warnings" in page and "<mark" in page  # the live check shows the words beside the form
    response = _compose(client, city.reviewer, {**data, "acknowledge_warnings": "on"})
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.status == Status.SCHEDULED and WarningAcknowledgement.objects.filter(post=post).exists()


def test_a_charte_block_keeps_everything_on_the_page_and_saves_nothing(client, city):
    response = _compose(
        client, city.reviewer, _form([city.facebook], "schedule", body=BLOCKED, due_at=_wall(_local(2)))
    )
    assert response.status_code == 200 and not Post.objects.exists()
    page = response.content.decode()
    assert "5.13" in page and "418 555-0142" in page


def test_a_publisher_submits_for_review_and_cannot_schedule_their_own_post(client, city):
    client.force_login(city.publisher)
    page = client.get(reverse("calendar_app:internal_post_new")).content.decode()
    assert 'value="submit"' in page and 'value="schedule"' not in page and 'value="publish_now"' not in page
    response = _compose(client, city.publisher, _form([city.facebook], "schedule", due_at=_wall(_local(2))))
    assert response.status_code == 200 and not Post.objects.exists()  # a forged button is not a choice
    assert _compose(client, city.publisher, _form([city.facebook], "submit")).status_code == 302
    assert Post.objects.get().status == Status.SUBMITTED


def test_a_channel_one_may_not_write_on_is_refused(client, city):
    response = _compose(client, city.publisher, _form([city.mastodon], "submit"))
    assert response.status_code == 200 and not Post.objects.exists()


@pytest.mark.parametrize("role", ["member", "anonymous"])
def test_those_who_do_not_write_posts_do_not_get_the_composer(client, city, role):
    if role == "member":
        client.force_login(city.member)
    expected = 403 if role == "member" else 302  # the anonymous person is sent to the log-in page
    assert client.get(reverse("calendar_app:internal_post_new")).status_code == expected
    assert client.post(reverse("calendar_app:compose_check"), _form([city.facebook])).status_code == expected
    assert not Post.objects.exists()


def test_publish_now_schedules_it_at_once(client, city):
    before = timezone.now()
    assert _compose(client, city.reviewer, _form([city.facebook, city.mastodon], "publish_now")).status_code == 302
    post = Post.objects.get()
    assert post.status == Status.SCHEDULED
    assert all(before <= version.due_at <= timezone.now() for version in post.versions.all())


def test_a_draft_keeps_the_proposed_time_for_the_reviewer(client, city):
    due = _local(5)
    _compose(client, city.publisher, _form([city.facebook], "draft", due_at=_wall(due)))
    post = Post.objects.get()
    assert post.status == Status.DRAFT and post.versions.get().due_at == due


@override_settings(**MEDIA)
@pytest.mark.parametrize(
    "bad",
    ["huge_text", "renamed_pdf", "past_time", "missing_rights"],
)
def test_bad_input_gets_a_message_in_place_and_nothing_is_saved(client, city, bad):
    data = _form([city.facebook], "schedule", due_at=_wall(_local(2)))
    if bad == "huge_text":
        data["body"] = "é" * 100_000
    elif bad == "renamed_pdf":
        pdf = SimpleUploadedFile("affiche.jpg", b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF", content_type="image/jpeg")
        data = _form([city.facebook], "schedule", images=[_image(pdf)], due_at=_wall(_local(2)))
    elif bad == "past_time":
        data["due_at"] = _wall(timezone.now() - datetime.timedelta(hours=2))
    else:
        data = _form([city.facebook], "schedule", images=[_image(credit="")], due_at=_wall(_local(2)))
    response = _compose(client, city.reviewer, data)
    assert response.status_code == 200
    assert not Post.objects.exists() and not MediaAsset.objects.exists()
    assert 'class="errorlist' in response.content.decode()


@override_settings(**MEDIA)
def test_a_20_mb_image_is_refused_with_its_weight_and_the_limit(client, city, settings):
    weight = settings.MEDIA_MAX_UPLOAD_BYTES + 1  # 20 MB by default
    big = SimpleUploadedFile("grosse.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (weight - 8), content_type="image/png")
    response = _compose(client, city.reviewer, _form([city.facebook], "draft", images=[_image(big)]))
    assert response.status_code == 200 and not Post.objects.exists() and not MediaAsset.objects.exists()
    assert "20" in response.content.decode().split('id="id_images-0-file_error"')[1][:400]


def test_the_live_check_marks_the_words_escapes_the_text_and_saves_nothing(client, city):
    client.force_login(city.reviewer)
    data = _form([city.facebook], body=BLOCKED + " <script>alert(1)</script>")
    response = client.post(reverse("calendar_app:compose_check"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "<mark" in page and "5.13" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert not Post.objects.exists()


def test_a_weekly_post_becomes_one_post_per_week_at_the_same_wall_clock_time(client, city):
    first = _local(2, 9)
    until = timezone.localdate(first) + datetime.timedelta(days=27)
    data = _form(
        [city.facebook],
        "schedule",
        due_at=_wall(first),
        repeat="weekly",
        repeat_until=until.isoformat(),
        acknowledge_warnings="on",  # each occurrence repeats the one before: the Charte's repetition warning
    )
    assert _compose(client, city.reviewer, data).status_code == 302
    times = sorted(Post.objects.values_list("versions__due_at", flat=True))
    assert len(times) == 4 and all(post.status == Status.SCHEDULED for post in Post.objects.all())
    assert {timezone.localtime(at).hour for at in times} == {9}
    assert AuditEntry.objects.filter(action="recurring_posts_created").count() == 1


def test_recurrence_keeps_the_hour_across_daylight_saving_and_finds_the_first_monday():
    toronto = zoneinfo.ZoneInfo("America/Toronto")
    with timezone.override(toronto):
        first = datetime.datetime(2026, 10, 19, 9, 0, tzinfo=toronto)  # a Monday, before the change of 1 November
        weekly = Recurrence(Frequency.WEEKLY, until=datetime.date(2026, 11, 9)).occurrences(first)
        assert [at.astimezone(toronto).hour for at in weekly] == [9, 9, 9, 9]
        utc = datetime.UTC
        assert weekly[-1].astimezone(utc) - weekly[0].astimezone(utc) == datetime.timedelta(days=21, hours=1)
        monday = datetime.datetime(2026, 12, 7, 8, 30, tzinfo=toronto)  # the first Monday of December
        months = Recurrence(Frequency.MONTHLY_WEEKDAY, until=datetime.date(2027, 3, 31)).occurrences(monday)
        assert [at.date() for at in months] == [
            datetime.date(2026, 12, 7),
            datetime.date(2027, 1, 4),
            datetime.date(2027, 2, 1),
            datetime.date(2027, 3, 1),
        ]


@override_settings(RECURRENCE_MAX_OCCURRENCES=5)
def test_too_many_occurrences_are_refused_and_nothing_is_saved(client, city):
    data = _form(
        [city.facebook],
        "schedule",
        due_at=_wall(_local(2)),
        repeat="weekly",
        repeat_until=(timezone.localdate() + datetime.timedelta(days=200)).isoformat(),
    )
    response = _compose(client, city.reviewer, data)
    assert response.status_code == 200 and not Post.objects.exists()
    assert "5" in response.content.decode()


@override_settings(**MEDIA)
def test_duplicate_makes_a_new_draft_with_the_texts_links_and_images(client, city):
    data = _form(
        [city.facebook],
        "schedule",
        images=[_image()],
        due_at=_wall(_local(3)),
        links="https://example.org/a",
        acknowledge_warnings="on",
    )
    _compose(client, city.reviewer, data)
    original = Post.objects.get()
    response = client.post(reverse("calendar_app:post_duplicate", args=[original.pk]))
    copy = Post.objects.exclude(pk=original.pk).get()
    assert response["Location"] == reverse("calendar_app:post_detail", args=[copy.pk])
    assert copy.status == Status.DRAFT and copy.body == original.body and copy.author == city.reviewer
    assert list(copy.links.values_list("url", flat=True)) == ["https://example.org/a"]
    assert copy.post_media.get().asset == original.post_media.get().asset
    assert copy.versions.get().due_at is None


def test_duplicate_is_refused_to_those_who_may_not_write(client, city):
    post = factories.post(author=city.reviewer, channels=[city.facebook])
    client.force_login(city.member)
    assert client.post(reverse("calendar_app:post_duplicate", args=[post.pk])).status_code == 403
    assert Post.objects.count() == 1


def test_the_post_page_offers_what_each_person_may_do_now(client, city):
    post = factories.post(author=city.publisher, channels=[city.facebook])
    client.force_login(city.publisher)
    page = client.get(reverse("calendar_app:post_detail", args=[post.pk])).content.decode()
    assert reverse("calendar_app:request_resubmit", args=[post.pk]) in page  # submit the draft for review
    client.force_login(city.reviewer)
    response = client.get(reverse("calendar_app:post_detail", args=[post.pk]))
    assert response.status_code == 200 and " le le " not in response.content.decode()  # the date says « le » itself
    client.force_login(city.member)
    assert client.get(reverse("calendar_app:post_detail", args=[post.pk])).status_code == 403


def test_the_review_page_checks_the_texts_as_they_are_typed_and_saves_nothing(client, city):
    post = factories.post(author=city.reviewer, channels=[city.facebook, city.mastodon], body=CLEAN)
    version = post.versions.get(channel=city.mastodon)
    url = reverse("calendar_app:post_check", args=[post.pk])
    client.force_login(city.reviewer)
    response = client.post(url, {"body": CLEAN, f"version-{version.pk}": BLOCKED, "revision": post.revision})
    page = response.content.decode()
    assert response.status_code == 200 and "5.13" in page and "<mark" in page and "418 555-0142" in page
    post.refresh_from_db()
    assert post.body == CLEAN and post.versions.get(pk=version.pk).text_override == ""
    client.force_login(city.member)
    assert client.post(url, {"body": BLOCKED}).status_code == 403


def test_the_author_of_a_draft_changes_it_on_its_request_page_with_the_live_check(client, city):
    post = factories.post(author=city.publisher, channels=[city.facebook], body=CLEAN)
    client.force_login(city.publisher)
    page = client.get(reverse("calendar_app:post_detail", args=[post.pk])).content.decode()
    assert page.count(f'href="{reverse("calendar_app:request_detail", args=[post.pk])}"') == 1
    request_page = client.get(reverse("calendar_app:request_detail", args=[post.pk])).content.decode()
    assert reverse("calendar_app:post_check", args=[post.pk]) in request_page and 'id="edit-form"' in request_page
    # The request page's form sends the body only: the channel's own text stays as stored.
    post.versions.update(text_override=CLEAN + " #Montmagny")
    check = client.post(reverse("calendar_app:post_check", args=[post.pk]), {"body": BLOCKED}).content.decode()
    assert "418 555-0142" in check and "#Montmagny" in check
