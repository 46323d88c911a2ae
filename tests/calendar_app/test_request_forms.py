"""The request forms as users reported them (issue 13, item 5): the contact pre-filled, required fields marked,
the text to publish called so, the chosen image kept after an error, no « None » in the lists; and the request
page showing its images and links."""

from __future__ import annotations

import datetime
import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from calendar_app.models import MediaAsset, Post, PostLink, Role
from calendar_app.services.pending_images import (
    KEPT_FOR,
    PENDING_FOLDER,
    pending_image_find,
    pending_image_keep,
    pending_images_prune,
)
from tests import factories
from tests.calendar_app.test_requests import request_form

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


@pytest.fixture
def member():
    service = factories.service(name="Service des loisirs")
    person = factories.person(
        first_name="Sophie", last_name="Caron", email="scaron@example.org", phone="418 248-3361, poste 2209"
    )
    factories.role(person, Role.SERVICE_MEMBER, service=service)
    person.service = service
    return person


@pytest.fixture
def facebook():
    return factories.channel("facebook")


def _send(client, member, facebook, **overrides):
    client.force_login(member)
    data = request_form(facebook, requester=member.service.pk, **overrides)
    return client.post(reverse("calendar_app:service_request_new"), data)


def _with_image(upload=None, **fields):
    return {
        "images-TOTAL_FORMS": "1",
        "images-0-file": factories.image_upload("affiche-loisirs.png", (40, 30)) if upload is None else upload,
        "images-0-alt_text": "L'affiche des loisirs d'hiver",
        "images-0-credit": "Ville de Montmagny",
        "images-0-rights_statement": "Conçue par la Ville",
        **fields,
    }


def _kept_token(response) -> str:
    match = re.search(r'name="images-0-kept" value="([^"]+)"', response.content.decode())
    assert match, "the page keeps no image"
    return match.group(1)


def _french(message: str) -> str:
    """``message`` as the French interface shows it in a page (the catalogue's translation, escaped)."""
    with translation.override("fr-ca"):
        return escape(gettext(message))


def _pending_files() -> list[str]:
    try:
        return default_storage.listdir(PENDING_FOLDER)[1]
    except FileNotFoundError:
        return []


class TestTheRequestForm:
    def test_it_is_pre_filled_with_the_requesters_name_e_mail_and_phone(self, client, member):
        client.force_login(member)

        page = client.get(reverse("calendar_app:service_request_new")).content.decode()

        assert 'value="Sophie Caron"' in page
        assert 'value="scaron@example.org"' in page
        assert 'value="418 248-3361, poste 2209"' in page

    def test_the_organisations_form_is_pre_filled_too(self, client):
        organisation = factories.organisation()
        representative = factories.person(first_name="Nathalie", last_name="Roy", email="nroy@example.org")
        factories.role(representative, Role.ORGANISATION_REPRESENTATIVE, organisation=organisation)
        client.force_login(representative)

        page = client.get(reverse("calendar_app:organisation_request_new")).content.decode()

        assert 'value="Nathalie Roy"' in page and 'value="nroy@example.org"' in page

    def test_required_fields_are_marked_for_the_eye_and_for_screen_readers(self, client, member):
        client.force_login(member)

        page = client.get(reverse("calendar_app:service_request_new")).content.decode()

        for name in ("title", "body", "desired_from", "contact_name", "contact_email"):
            field = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
            assert re.search(r"\srequired[\s>]", field), f"{name} is not marked required"
            label = re.search(rf'<label for="id_{name}">(.*?)</label>', page, re.S).group(1)
            assert "*" in label, f"{name}'s label shows no mark"
        optional = re.search(r'<(?:input)[^>]*name="contact_phone"[^>]*>', page).group(0)
        assert "required" not in optional

    def test_the_text_field_is_called_the_text_to_publish(self, client, member):
        client.force_login(member)

        page = client.get(reverse("calendar_app:service_request_new")).content.decode()

        label = re.search(r'<label for="id_body">(.*?)</label>', page, re.S).group(1)
        assert _french("Text to publish") in label
        assert _french("Short description") not in page


class TestTheChosenImageIsKeptAfterAnError:
    def test_a_form_with_an_error_keeps_the_valid_image_and_the_next_sending_attaches_it(
        self, client, member, facebook
    ):
        first = _send(client, member, facebook, title="", **_with_image())

        assert first.status_code == 200 and not Post.objects.exists()
        page = first.content.decode()
        token = _kept_token(first)
        assert reverse("calendar_app:kept_image", args=[token]) in page
        kept = _french("Image kept: %(name)s. It will be sent with this form; choose another file to replace it.")
        assert kept % {"name": "affiche-loisirs.png"} in page
        assert len(_pending_files()) == 1

        second = _send(
            client,
            member,
            facebook,
            **_with_image(upload="", **{"images-0-kept": token}),
        )

        assert second.status_code == 302
        post = Post.objects.get()
        asset = MediaAsset.objects.get(post_media__post=post)
        assert (asset.title, asset.alt_text, asset.uploaded_by) == (
            "affiche-loisirs.png",
            "L'affiche des loisirs d'hiver",
            member,
        )
        assert (asset.width, asset.height) == (40, 30)
        assert asset.file.name.startswith("media/") and asset.file.read() == factories.png_bytes((40, 30))
        assert _pending_files() == []

    def test_a_service_refusal_keeps_the_image_too(self, client, member, facebook):
        response = _send(client, member, facebook, desired_from="2020-01-01", **_with_image())

        assert response.status_code == 200 and "déjà passée" in response.content.decode()
        assert pending_image_find(owner=member, token=_kept_token(response)) is not None

    def test_its_owner_sees_its_thumbnail_and_nobody_else_does(self, client, member, facebook):
        token = _kept_token(_send(client, member, facebook, title="", **_with_image()))
        url = reverse("calendar_app:kept_image", args=[token])

        shown = client.get(url)
        assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
        assert b"".join(shown.streaming_content) == factories.png_bytes((40, 30))

        colleague = factories.person()
        factories.role(colleague, Role.SERVICE_MEMBER, service=member.service)
        client.force_login(colleague)
        assert client.get(url).status_code == 404

    def test_a_forged_or_someone_elses_token_never_reaches_their_file(self, client, member, facebook):
        token = _kept_token(_send(client, member, facebook, title="", **_with_image()))
        intruder = factories.person()
        factories.role(intruder, Role.SERVICE_MEMBER, service=member.service)
        intruder.service = member.service
        tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        claimed = signing.loads(token, salt="calendar_app.pending_images") | {"owner": intruder.pk}
        signed_elsewhere = signing.dumps(claimed, salt="another.purpose")

        for forged in (token, tampered, signed_elsewhere):
            client.force_login(intruder)
            assert client.get(reverse("calendar_app:kept_image", args=[forged])).status_code == 404
            response = _send(client, intruder, facebook, **_with_image(upload="", **{"images-0-kept": forged}))
            assert response.status_code == 200
            gone = _french("The image kept from your last sending is no longer available; choose it again.")
            assert gone in response.content.decode()
        assert not Post.objects.exists() and not MediaAsset.objects.exists()
        assert pending_image_find(owner=member, token=token) is not None  # the owner's file is untouched

    def test_a_kept_image_can_be_removed(self, client, member, facebook):
        token = _kept_token(_send(client, member, facebook, title="", **_with_image()))

        response = _send(
            client,
            member,
            facebook,
            **_with_image(upload="", **{"images-0-kept": token}),
            **{"images-0-forget_kept": "on"},
        )

        assert response.status_code == 302
        assert not MediaAsset.objects.exists() and _pending_files() == []

    def test_a_new_file_replaces_the_kept_one(self, client, member, facebook):
        token = _kept_token(_send(client, member, facebook, title="", **_with_image()))
        replacement = factories.image_upload("nouvelle-affiche.png", (20, 20))

        response = _send(client, member, facebook, **_with_image(replacement, **{"images-0-kept": token}))

        assert response.status_code == 302
        assert MediaAsset.objects.get().title == "nouvelle-affiche.png"
        assert _pending_files() == []

    def test_an_invalid_file_is_not_kept(self, client, member, facebook):
        fake = SimpleUploadedFile("faux.png", b"a renamed PDF, not an image", content_type="image/png")

        response = _send(client, member, facebook, title="", **_with_image(fake))

        assert response.status_code == 200 and 'name="images-0-kept"' not in response.content.decode()
        assert _pending_files() == []


class TestPendingFiles:
    def test_files_older_than_a_day_are_removed_at_the_next_upload(self, member):
        old = pending_image_keep(owner=member, upload=factories.image_upload())
        a_day_later = timezone.now() + KEPT_FOR + datetime.timedelta(minutes=1)

        assert pending_images_prune(now=timezone.now()) == 0
        assert pending_images_prune(now=a_day_later) == 1
        assert pending_image_find(owner=member, token=old.token) is None

    def test_a_token_older_than_a_day_is_refused(self, member):
        kept = pending_image_keep(owner=member, upload=factories.image_upload())
        a_day_later = time.time() + KEPT_FOR.total_seconds() + 60

        with mock.patch("django.core.signing.time.time", return_value=a_day_later):
            assert pending_image_find(owner=member, token=kept.token) is None


class TestNoNoneInTheLists:
    def test_the_request_list_names_who_asked_or_wrote_never_none(self, client, member, facebook):
        adviser = factories.reviewer(first_name="Julie", last_name="Bérubé")
        factories.post(author=adviser, channels=[facebook], body=CLEAN)
        factories.post(
            author=member,
            channels=[facebook],
            body=CLEAN,
            origin=Post.Origin.SERVICE_REQUEST,
            requesting_service=member.service,
        )

        for person, expected in ((adviser, "Julie Bérubé"), (member, "Service des loisirs")):
            client.force_login(person)
            page = client.get(reverse("calendar_app:request_list")).content.decode()
            assert expected in page
            assert "None" not in page


class TestTheRequestPage:
    def test_it_shows_its_images_with_alt_text_credit_and_rights_and_its_links(self, client, member, facebook):
        post = factories.post(
            author=member,
            channels=[facebook],
            body=CLEAN,
            origin=Post.Origin.SERVICE_REQUEST,
            requesting_service=member.service,
            links=["https://www.ville.montmagny.qc.ca/loisirs"],
        )
        PostLink.objects.create(
            post=post, url="https://www.ville.montmagny.qc.ca/reglement", kind=PostLink.Kind.CONTEST_RULES, position=1
        )
        asset = factories.media(
            member,
            alt_text="Des enfants patinent au parc",
            credit="Photo : Ville de Montmagny",
            rights_statement="Photo de la Ville, libre d'usage",
        )
        post.post_media.create(asset=asset)
        client.force_login(member)

        page = client.get(reverse("calendar_app:request_detail", args=[post.pk])).content.decode()

        assert f'src="{asset.file.url}"' in page and 'alt="Des enfants patinent au parc"' in page
        assert "Photo : Ville de Montmagny" in page and "Photo de la Ville, libre d&#x27;usage" in page
        for url in ("https://www.ville.montmagny.qc.ca/loisirs", "https://www.ville.montmagny.qc.ca/reglement"):
            link = re.search(rf'<a href="{re.escape(url)}"[^>]*>', page).group(0)
            assert 'rel="noopener noreferrer"' in link
        with translation.override("fr-ca"):
            assert f"({PostLink.Kind.CONTEST_RULES.label})" in page


def test_kept_images_are_pruned_every_hour_by_a_schedule():
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    from calendar_app.services.pending_images import pending_images_prune

    schedule = Schedule.objects.get(func__endswith="pending_images_prune")
    assert schedule.schedule_type == Schedule.HOURLY and import_string(schedule.func) is pending_images_prune
