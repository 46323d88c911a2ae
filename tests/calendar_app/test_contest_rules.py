"""A contest's rules (art. 5.8; issue 16, item 4): the request forms and the composer take their address or
their PDF document, bounded and checked, so that a contest passes the Charte without the admin."""

from __future__ import annotations

import datetime
import tempfile
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Post, PostLink, Role
from calendar_app.services.charte import charte_check
from calendar_app.validators import validate_contest_rules_pdf
from tests import factories

pytestmark = pytest.mark.django_db
CONTEST = "Concours de décorations des Fêtes : envoyez la photo de votre façade avant le 20 décembre."
RULES = "https://www.ville.montmagny.qc.ca/concours/facades/reglement"
MEDIA = {"MEDIA_ROOT": tempfile.mkdtemp(prefix="vitrine-contest-")}


def _pdf(name: str = "reglement.pdf", size: int = 2_000) -> SimpleUploadedFile:
    body = b"%PDF-1.7\n" + b"0" * max(size - 9, 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def city():
    service = factories.service(name="Service des loisirs")
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    reviewer = factories.reviewer()
    facebook = factories.channel("facebook")
    return type("City", (), locals())


def _request(client, city, **fields):
    client.force_login(city.member)
    data = {
        "requester": city.service.pk,
        "title": "Concours de façades",
        "body": CONTEST,
        "category": "contest",
        "desired_from": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "channels": [city.facebook.pk],
        "links": "",
        "contact_name": "Camille Tremblay",
        "contact_email": "camille@example.org",
        "submission_key": str(uuid.uuid4()),
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        **fields,
    }
    return client.post(reverse("calendar_app:service_request_new"), data)


def _contest_blocked(post: Post) -> bool:
    return "contest_rules" in {result.code for result in charte_check(post=post).blocks}


def test_a_contest_without_rules_is_blocked(client, city):
    assert _request(client, city).status_code == 302
    assert _contest_blocked(Post.objects.get())


@override_settings(**MEDIA)
def test_a_service_attaches_the_rules_as_a_pdf_and_the_contest_passes(client, city):
    assert _request(client, city, contest_rules_document=_pdf()).status_code == 302
    post = Post.objects.get()
    assert post.contest_rules_document.name.endswith(".pdf") and not _contest_blocked(post)
    # Those who follow the request and those who review it can read the rules they approve.
    assert (
        post.contest_rules_document.url
        in client.get(reverse("calendar_app:request_detail", args=[post.pk])).content.decode()
    )
    client.force_login(city.reviewer)
    for page in ("calendar_app:review_detail", "calendar_app:post_detail"):
        assert post.contest_rules_document.url in client.get(reverse(page, args=[post.pk])).content.decode()


def test_a_service_gives_the_rules_address_and_the_contest_passes(client, city):
    assert _request(client, city, contest_rules_url=RULES).status_code == 302
    post = Post.objects.get()
    assert post.links.get(kind=PostLink.Kind.CONTEST_RULES).url == RULES and not _contest_blocked(post)


@pytest.mark.parametrize(
    ("upload", "said"),
    [
        (SimpleUploadedFile("reglement.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100), "PDF"),
        (SimpleUploadedFile("reglement.docx", b"%PDF-1.7\n"), "PDF"),
        (_pdf(size=50 * 1024 * 1024), "10"),
    ],
)
def test_a_document_that_is_not_a_pdf_or_too_heavy_is_refused_clearly_and_nothing_is_saved(client, city, upload, said):
    response = _request(client, city, contest_rules_document=upload)
    assert response.status_code == 200 and not Post.objects.exists()
    [error] = response.context["form"].errors["contest_rules_document"]
    assert said in error


def test_the_validator_reads_the_files_first_bytes_not_only_its_name():
    validate_contest_rules_pdf(_pdf())
    with pytest.raises(ValidationError):
        validate_contest_rules_pdf(SimpleUploadedFile("faux.pdf", b"<html>not a pdf</html>"))


@override_settings(**MEDIA)
def test_the_composer_takes_the_rules_document_and_its_live_check_knows_one_is_chosen(client, city):
    client.force_login(city.reviewer)
    data = {
        "title": "Concours de façades",
        "category": "contest",
        "body": CONTEST,
        "channels": [city.facebook.pk],
        "links": "",
        "intent": "draft",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
    }
    live = client.post(reverse("calendar_app:compose_check"), data).content.decode()
    chosen = client.post(reverse("calendar_app:compose_check"), {**data, "contest_rules_chosen": "on"})
    assert "5.8" in live and "5.8" not in chosen.content.decode()
    response = client.post(reverse("calendar_app:internal_post_new"), {**data, "contest_rules_document": _pdf()})
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.contest_rules_document.name.endswith(".pdf") and not _contest_blocked(post)
