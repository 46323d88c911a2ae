"""Every page each demo role's menu offers, at 1280 px and on a 390 px phone: axe-core finds no serious or
critical violation, nothing scrolls sideways, no JavaScript error; the keyboard reaches the content and the
errors of a form (issue 13, items 7 and 8)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from calendar_app.demo import load_demo, montmagny
from calendar_app.models import Role
from tests import factories
from tests.browser import DESKTOP, PHONE, check_page, chromium_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "un-mot-de-passe-solide"
# Pages one level below the menu that people spend their time on: the first link of each kind in the page.
DEEPER = [
    re.compile(r"^/publications/\d+/$"),
    re.compile(r"^/revision/\d+/$"),
    re.compile(r"^/demandes/\d+/$"),
    re.compile(r"^/demandes/(service|organisme)/nouvelle/$"),
    re.compile(r"^/elections/\d+/$"),
    re.compile(r"^/calendrier/(importer|autres/nouvelle|evenements)/$"),
]
# Pages whose content depends on who looks, checked for each role; the others once per width.
PER_PERSON = {"/", "/demandes/", "/notifications/", "/profil/"}


def _menu(page) -> list[str]:
    hrefs = page.eval_on_selector_all("header.site nav a", "(links) => links.map((link) => link.getAttribute('href'))")
    return [href for href in hrefs if href != reverse("admin:index")]  # the admin is Django's, not ours


def _deeper(page, patterns: list[re.Pattern]) -> list[str]:
    """The first link of the page's content matching each of ``patterns`` (each found one is removed from them)."""
    hrefs = page.eval_on_selector_all("main a[href^='/']", "(links) => links.map((link) => link.getAttribute('href'))")
    found = []
    for pattern in list(patterns):
        href = next((href for href in hrefs if pattern.match(href)), None)
        if href is not None:
            patterns.remove(pattern)
            found.append(href)
    return found


def _step(url: str) -> str:
    return url.strip("/").replace("/", "-") or "home"


def _visit(page, base_url: str, url: str, step: str, problems: list[str]) -> None:
    page.goto(f"{base_url}{url}")
    if page.locator("#calendar").count():
        page.wait_for_load_state("networkidle")  # the calendar's items arrive after the page
    try:
        check_page(page, step)
    except AssertionError as error:
        problems.append(f"{step} ({url}): {error}")


def test_every_page_of_every_demo_role_passes_axe_at_desktop_and_phone_widths(live_server, settings, migrated_data):
    """One person per role; a page that two roles both open is checked once per width, but for those that
    depend on who looks (PER_PERSON), and the pages a role's own links lead to (DEEPER)."""
    settings.DEBUG = True
    load_demo()
    one_per_role: dict[str, str] = {}
    for person in montmagny.PEOPLE:
        one_per_role.setdefault(person["role"], person["username"])
    problems: list[str] = []
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        checked: set[str] = set()
        for username in one_per_role.values():
            try:
                with chromium_page(viewport=viewport) as page:
                    log_in(page, live_server.url, username, montmagny.DEMO_PASSWORD)
                    pages, patterns = ["/", "/profil/", *_menu(page)], list(DEEPER)
                    for url in pages:
                        if url in checked:
                            continue
                        if url not in PER_PERSON:
                            checked.add(url)
                        _visit(page, live_server.url, url, f"{width}-{username}-{_step(url)}", problems)
                        pages.extend(found for found in _deeper(page, patterns) if found not in pages)
            except AssertionError as error:  # JavaScript errors, said when the browser closes
                problems.append(f"{width}-{username}: {error}")
    assert not problems, "\n\n".join(problems)


def test_the_keyboard_skips_to_the_content_and_the_phone_menu_opens_without_javascript(live_server):
    member = factories.holder(Role.SERVICE_MEMBER, service=factories.service(name="Service des loisirs"))
    member.set_password(PASSWORD)
    member.save()
    with chromium_page(viewport=PHONE) as page:
        log_in(page, live_server.url, member.username, PASSWORD)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        check_page(page, "skip-link-focused")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"

        menu = page.locator("details.menu")
        assert not page.get_by_role("link", name="Notifications").is_visible()
        menu.locator("summary").focus()
        page.keyboard.press("Enter")
        assert page.get_by_role("link", name="Notifications").is_visible()
        check_page(page, "phone-menu-open")

    with chromium_page(viewport=PHONE, java_script_enabled=False) as page:
        log_in(page, live_server.url, member.username, PASSWORD)
        page.locator("details.menu summary").click()
        assert page.get_by_role("link", name="Notifications").is_visible()


def test_a_form_with_errors_moves_focus_to_its_summary_whose_links_reach_each_field(live_server):
    member = factories.holder(Role.SERVICE_MEMBER, service=factories.service(name="Service des loisirs"))
    member.set_password(PASSWORD)
    member.save()
    factories.channel("facebook", handle="@villemontmagny")
    with chromium_page() as page:
        log_in(page, live_server.url, member.username, PASSWORD)
        page.goto(f"{live_server.url}{reverse('calendar_app:service_request_new')}")
        page.get_by_role("button", name="Envoyer la demande").click()
        page.wait_for_load_state("networkidle")
        summary = page.locator("[data-error-summary]")
        assert summary.is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        check_page(page, "errors-summarised")

        summary.get_by_role("link").filter(has_text="Objet").click()
        assert page.evaluate("document.activeElement.id") == "id_title"
        assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
        described = page.locator("#id_title").get_attribute("aria-describedby").split()
        assert "id_title_error" in described
        channels = summary.get_by_role("link").filter(has_text="Canaux")
        channels.click()
        assert page.evaluate("document.activeElement.name") == "channels"
        check_page(page, "errors-channels-focused")
