"""A communications adviser logs in to the admin in a real browser and finds the calendar's posts."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser import check_page, chromium_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_adviser_logs_in_and_sees_the_posts_in_french(live_server):
    adviser = factories.person(username="conseillere", is_staff=True, is_superuser=True)
    adviser.set_password("un-mot-de-passe-solide")
    adviser.save()
    factories.post(author=adviser, title="Collecte des sapins de Noël")

    with chromium_page() as page:
        page.goto(f"{live_server.url}/admin/")
        assert page.locator("html").get_attribute("lang") == "fr-ca"
        page.fill("#id_username", "conseillere")
        page.fill("#id_password", "un-mot-de-passe-solide")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        assert (
            page.get_by_role("link", name="Déconnexion").count()
            + page.get_by_role("button", name="Déconnexion").count()
        )

        page.goto(f"{live_server.url}/admin/calendar_app/post/")
        assert page.get_by_text("Collecte des sapins de Noël").is_visible()
        check_page(page, "admin-posts")


def test_a_service_asks_and_the_adviser_approves_in_a_real_browser(live_server):
    import datetime

    from django.utils import timezone

    from calendar_app.models import Post, Role
    from calendar_app.workflow import Status

    password = "un-mot-de-passe-solide"
    service = factories.service(name="Service des loisirs")
    member = factories.person(username="membre")
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    adviser = factories.reviewer(username="conseillere")
    for person in (member, adviser):
        person.set_password(password)
        person.save()
    factories.channel("facebook", handle="@villemontmagny")
    desired = timezone.localdate() + datetime.timedelta(days=4)

    with chromium_page() as page:
        log_in(page, live_server.url, "membre", password)
        page.get_by_role("link", name="Demander une publication (service ou comité)").click()
        check_page(page, "request-form")
        page.fill("#id_title", "Fermeture de la bibliothèque")
        page.fill(
            "#id_body", "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
        )
        page.fill("#id_desired_from", desired.isoformat())
        page.get_by_label("Facebook — @villemontmagny").check()
        page.fill("#id_contact_name", "Camille Tremblay")
        page.fill("#id_contact_email", "camille@example.org")
        page.get_by_role("button", name="Envoyer la demande").click()
        page.wait_for_url("**/demandes/*/")
        assert page.get_by_text("Soumise").first.is_visible()
        check_page(page, "request-sent")

        page.get_by_role("button", name="Déconnexion").click()
        log_in(page, live_server.url, "conseillere", password)
        page.get_by_role("navigation").get_by_role("link", name="File de révision").click()
        check_page(page, "review-queue")
        page.get_by_role("link", name="Fermeture de la bibliothèque").click()
        check_page(page, "review-detail")
        page.fill("#id_due_at", f"{desired.isoformat()}T10:00")
        page.get_by_label("J'ai lu les avertissements").check()
        page.get_by_role("button", name="Approuver et programmer").click()
        page.wait_for_url("**/revision/")
        check_page(page, "review-approved")

    post = Post.objects.get(title="Fermeture de la bibliothèque")
    assert post.status == Status.SCHEDULED and post.approvals.get().reviewer == adviser
