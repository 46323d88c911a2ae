"""A communications adviser logs in to the admin in a real browser and finds the calendar's posts."""

from __future__ import annotations

import os

import pytest

from tests import factories
from tests.browser import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _allow_sync_playwright_with_the_orm():
    # Playwright's sync API runs an event loop in this thread; the ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


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
        page.screenshot(path=str(_artifact("admin-posts.png")), full_page=True)


def _artifact(name: str):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "test-results"
    folder.mkdir(exist_ok=True)
    return folder / name
