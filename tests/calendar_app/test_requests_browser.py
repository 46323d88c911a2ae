"""In Chromium: a service's request keeps its chosen image after an error and its page shows it; a reviewer
saves the texts of a request that has no time yet."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendar_app.models import MediaAsset, Post, Role
from calendar_app.services import posts as post_services
from calendar_app.workflow import Status
from tests import factories
from tests.browser import check_page, chromium_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
PASSWORD = "un-mot-de-passe-solide"


def _person(username: str, **fields):
    person = factories.person(username=username, **fields)
    person.set_password(PASSWORD)
    person.save()
    return person


def test_a_request_keeps_its_image_after_an_error_and_its_page_shows_it(live_server, tmp_path):
    service = factories.service(name="Service des loisirs")
    member = _person("membre", first_name="Sophie", last_name="Caron", email="scaron@example.org")
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    factories.channel("facebook", handle="@villemontmagny")
    poster = tmp_path / "affiche-loisirs.png"
    poster.write_bytes(factories.png_bytes((60, 40)))

    with chromium_page() as page:
        log_in(page, live_server.url, "membre", PASSWORD)
        page.goto(f"{live_server.url}/demandes/service/nouvelle/")
        assert page.input_value("#id_contact_name") == "Sophie Caron"
        assert page.input_value("#id_contact_email") == "scaron@example.org"
        check_page(page, "request-form")

        # Everything but the desired date: the form comes back with an error.
        page.fill("#id_title", "Inscriptions aux loisirs d'hiver")
        page.fill("#id_body", CLEAN)
        page.get_by_label("Facebook — @villemontmagny").check()
        page.set_input_files("#id_images-0-file", str(poster))
        page.fill("#id_images-0-alt_text", "L'affiche des loisirs d'hiver")
        page.fill("#id_images-0-credit", "Ville de Montmagny")
        page.fill("#id_images-0-rights_statement", "Conçue par la Ville")
        page.locator("form.request-form button[type=submit]").click()
        page.wait_for_load_state()
        thumbnail = page.locator(".kept-image img")
        assert thumbnail.count() == 1
        assert page.evaluate("img => img.complete && img.naturalWidth", thumbnail.element_handle()) == 60
        check_page(page, "request-form-image-kept")

        desired = timezone.localdate() + datetime.timedelta(days=4)
        page.fill("#id_desired_from", desired.isoformat())
        page.locator("form.request-form button[type=submit]").click()
        page.wait_for_url("**/demandes/*/")
        image = page.locator(".request-media img")
        assert image.get_attribute("alt") == "L'affiche des loisirs d'hiver"
        assert page.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) == 60
        check_page(page, "request-page-with-its-image")

    post = Post.objects.get()
    assert MediaAsset.objects.get(post_media__post=post).credit == "Ville de Montmagny"


def test_a_reviewer_saves_the_texts_of_a_request_that_has_no_time_yet(live_server):
    service = factories.service(name="Service du greffe")
    member = factories.person()
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    reviewer = _person("conseillere")
    factories.role(reviewer, Role.COMMUNICATIONS)
    post = factories.post(
        author=member,
        body=CLEAN,
        channels=[factories.channel("facebook"), factories.channel("mastodon")],
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=service,
    )
    post_services.post_submit(post=post, actor=member)
    post_services.post_start_review(post=post, reviewer=reviewer)
    assert not post.versions.filter(due_at__isnull=False).exists()

    with chromium_page() as page:
        log_in(page, live_server.url, "conseillere", PASSWORD)
        page.goto(f"{live_server.url}/revision/{post.pk}/")
        page.fill("#id_body", CLEAN + " Merci de votre compréhension.")
        # The approval's time is left empty, as it is until the reviewer decides.
        assert page.input_value("#id_due_at") == ""
        page.locator("button[value=save]").click()
        page.wait_for_load_state()
        check_page(page, "review-texts-saved")

    post.refresh_from_db()
    assert post.body.endswith("Merci de votre compréhension.") and post.status == Status.IN_REVIEW
