"""In Chromium: the adviser finds a publication « to verify » from her home page, says where it went out on the
network (a wrong address first, which the page refuses on its field), and the post is published; the same page
fits a phone."""

from __future__ import annotations

import pytest

from calendar_app.models import ChannelVersion, Post
from calendar_app.workflow import Status
from tests import factories
from tests.browser import PHONE, check_page, chromium_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "un-mot-de-passe-solide"
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
ERROR = "Mastodon n'a pas répondu en 15 s ; la recherche par clé d'idempotence n'a rien trouvé."
FOUND = "https://mastodon.example/@villemontmagny/113245678"


def _adviser():
    adviser = factories.reviewer(username="conseillere", first_name="Julie", last_name="Bérubé")
    adviser.set_password(PASSWORD)
    adviser.save()
    return adviser


def _post_to_verify(adviser, title: str) -> tuple[Post, ChannelVersion]:
    """Gone out on Facebook; on Mastodon, the network never answered and looking it up found nothing."""
    facebook = factories.channel("facebook", handle="@villemontmagny")
    mastodon = factories.channel("mastodon", handle="@villemontmagny@mastodon.example")
    post = factories.post_to_verify(adviser, [facebook, mastodon], published=[facebook], error=ERROR, title=title)
    return post, post.versions.get(channel=mastodon)


def test_the_adviser_says_a_publication_to_verify_went_out_and_the_post_is_published(live_server):
    adviser = _adviser()
    post, version = _post_to_verify(adviser, "Collecte des sapins de Noël")

    with chromium_page() as page:
        log_in(page, live_server.url, "conseillere", PASSWORD)
        problem = page.locator(".card.attention").get_by_role("link", name="Collecte des sapins de Noël")
        assert problem.is_visible()
        check_page(page, "home-needs-you")
        problem.click()
        page.wait_for_url(f"**/publications/{post.pk}/")
        item = page.locator(f"#to-verify-{version.pk}")
        assert item.is_visible() and ERROR in item.inner_text()
        check_page(page, "post-to-verify")

        address = page.locator(f"#id_version_{version.pk}_url")
        address.fill("pas une adresse")
        with page.expect_navigation():
            item.locator("form.to-verify-found button[type=submit]").click()
        assert page.locator(f"#id_version_{version.pk}_url").get_attribute("aria-invalid") == "true"
        assert page.locator("[data-error-summary]").evaluate("element => element === document.activeElement")
        check_page(page, "address-refused")

        page.locator(f"#id_version_{version.pk}_url").fill(FOUND)
        with page.expect_navigation():
            page.locator(f"#to-verify-{version.pk} form.to-verify-found button[type=submit]").click()
        page.wait_for_url(f"**/publications/{post.pk}/")
        assert page.locator(".post-header .badge").inner_text() == "Publiée"
        assert page.locator(f'.post-channels a[href="{FOUND}"]').is_visible()
        assert page.locator(f"#to-verify-{version.pk}").count() == 0
        assert page.locator(".message.success").is_visible()
        check_page(page, "post-published")

    version.refresh_from_db()
    assert (version.status, version.external_url) == (Status.PUBLISHED, FOUND)
    assert Post.objects.get(pk=post.pk).status == Status.PUBLISHED


def test_a_publication_to_verify_fits_a_phone(live_server):
    adviser = _adviser()
    post, version = _post_to_verify(adviser, "Fermeture de la bibliothèque pendant les fêtes")

    with chromium_page(viewport=PHONE) as page:
        log_in(page, live_server.url, "conseillere", PASSWORD)
        page.goto(f"{live_server.url}/publications/{post.pk}/")
        item = page.locator(f"#to-verify-{version.pk}")
        assert item.locator("form.to-verify-found button[type=submit]").is_visible()
        assert item.locator("form.to-verify-again button[type=submit]").is_visible()
        check_page(page, "post-to-verify-phone")
        page.goto(f"{live_server.url}/publication/")
        assert page.locator(f'a[href="/publications/{post.pk}/#to-verify-{version.pk}"]').is_visible()
        check_page(page, "status-phone")
