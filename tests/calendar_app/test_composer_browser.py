"""The composer and the pages around it in Chromium, as the adviser, a service and an organisation use them
(issue 13, item 8): two channels, an image, a Charte warning acknowledged, scheduled, found on the month view
and dragged to another day; a request approved; a visibility request; the phone width. Each step is
screenshotted and checked by axe-core (tests/browser.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from PIL import Image

from calendar_app.models import ChannelVersion, Post, Role
from calendar_app.workflow import Status
from tests import factories
from tests.browser import PHONE, check_page, chromium_page, drag_to, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "un-mot-de-passe-solide"
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
WARNED = "Le parti au pouvoir a raison sur ce dossier, bravo ! La bibliothèque sera fermée le 25 décembre."


def _person(username: str, maker, *args, **kwargs):
    person = maker(*args, **kwargs)
    person.username = username
    person.set_password(PASSWORD)
    person.save()
    return person


def _log_in(page, live_server, username: str) -> None:
    log_in(page, live_server.url, username, PASSWORD)


def _file_request(page, url: str, title: str, *, channel, desired: str, step: str) -> None:
    """Fill a request form (a service's or an organisation's) and send it, a screenshot before and after."""
    page.goto(url)
    page.fill("#id_title", title)
    page.fill("#id_body", CLEAN)
    page.fill("#id_desired_from", desired)
    page.check(f'input[name="channels"][value="{channel.pk}"]')
    page.fill("#id_contact_email", "demandes@example.org")  # the test's people have no address to pre-fill
    check_page(page, f"{step}-form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    check_page(page, f"{step}-sent")


def _png(path) -> str:
    Image.new("RGB", (1600, 900), (20, 80, 140)).save(path, "PNG")
    return str(path)


def test_the_adviser_composes_checks_schedules_and_moves_a_post_on_two_channels(live_server, tmp_path):
    _person("conseillere", factories.reviewer)
    facebook, mastodon = factories.channel("facebook"), factories.channel("mastodon")
    day = timezone.localdate() + datetime.timedelta(days=2)
    with chromium_page() as page:
        _log_in(page, live_server, "conseillere")
        check_page(page, "home")
        page.goto(f"{live_server.url}/publications/nouvelle/")
        page.fill("#id_title", "Fermeture des fêtes")
        page.fill("#id_body", WARNED)
        page.check(f'input[name="channels"][value="{facebook.pk}"]')
        page.check(f'input[name="channels"][value="{mastodon.pk}"]')
        page.locator(f'.channel-adjust[data-channel="{mastodon.pk}"] summary').click()
        page.fill(f"#id_text-{mastodon.pk}", WARNED + " #Montmagny")
        page.fill("#id_due_at", f"{day.isoformat()}T10:00")
        page.set_input_files("#id_images-0-file", _png(tmp_path / "affiche.png"))
        page.fill("#id_images-0-alt_text", "L'affiche des heures des fêtes")
        page.fill("#id_images-0-credit", "Ville de Montmagny")
        page.fill("#id_images-0-rights_statement", "Photo du Service des communications")
        # The live check: the warning beside the text, its words marked, a preview per network.
        page.locator("#composer-check .finding.warning").first.wait_for(timeout=15_000)
        page.locator("#composer-check mark").first.wait_for()
        assert page.locator("#composer-check .preview").count() >= 2
        check_page(page, "composer-live-check")
        with page.expect_navigation():
            page.click('button[name="intent"][value="schedule"]')
        assert not Post.objects.exists()  # the warning was not acknowledged yet
        check_page(page, "composer-asks-to-acknowledge")
        # The page sent back keeps the chosen image (a browser empties file inputs): it is not asked for again.
        assert page.locator(".kept-image img").count() == 1
        page.check("#id_acknowledge_warnings")
        with page.expect_navigation():
            page.click('button[name="intent"][value="schedule"]')
        post = Post.objects.get()
        assert post.status == Status.SCHEDULED and post.post_media.count() == 1
        assert page.url.endswith(f"/publications/{post.pk}/")
        check_page(page, "post-page")

        page.goto(f"{live_server.url}/calendrier/")
        event = page.locator(".fc-daygrid-event", has_text="Fermeture des fêtes").first
        event.wait_for(timeout=15_000)
        check_page(page, "calendar-month")
        target = day + datetime.timedelta(days=1)
        drag_to(page, event, page.locator(f'td.fc-daygrid-day[data-date="{target.isoformat()}"]'))
        page.locator("#calendar-status:not([hidden])").wait_for(timeout=15_000)
        check_page(page, "calendar-moved")
    moved = timezone.localtime(ChannelVersion.objects.filter(post=post).order_by("due_at").last().due_at)
    assert moved.date() == target


def test_a_service_request_is_approved_and_an_organisation_asks_for_visibility(live_server):
    service = factories.service(name="Service des loisirs")
    organisation = factories.organisation(name="Club de raquette")
    _person("membre", factories.holder, Role.SERVICE_MEMBER, service=service)
    _person("club", factories.holder, Role.ORGANISATION_REPRESENTATIVE, organisation=organisation)
    _person("conseillere", factories.reviewer)
    facebook = factories.channel("facebook", accepts_organisation_requests=True)
    desired = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    with chromium_page() as page:
        _log_in(page, live_server, "membre")
        _file_request(
            page,
            f"{live_server.url}/demandes/service/nouvelle/",
            "Inscriptions au camp de jour",
            channel=facebook,
            desired=desired,
            step="service-request",
        )
    request = Post.objects.get(origin=Post.Origin.SERVICE_REQUEST)
    assert request.status == Status.SUBMITTED

    with chromium_page() as page:
        # The adviser finds the request on the calendar, at the dates asked for, and reviews it from its panel.
        _log_in(page, live_server, "conseillere")
        page.goto(f"{live_server.url}/calendrier/")
        item = page.locator(".fc-daygrid-event.item-request", has_text="Inscriptions au camp de jour").first
        item.wait_for(timeout=15_000)
        item.click()
        review = page.locator("#calendar-panel a", has_text="Réviser")
        review.wait_for(timeout=15_000)
        check_page(page, "request-on-the-calendar")
        with page.expect_navigation():
            review.click()
        check_page(page, "review-from-the-calendar")
        page.fill("input[type=datetime-local]", f"{desired}T09:30")
        acknowledge = page.locator('input[name="acknowledge_warnings"]')
        if acknowledge.count():
            acknowledge.first.check()
        with page.expect_navigation():
            page.locator('button[name="action"][value="approve"]').click()
        check_page(page, "request-approved")
    request.refresh_from_db()
    assert request.status == Status.SCHEDULED

    with chromium_page(viewport=PHONE) as page:
        _log_in(page, live_server, "club")
        _file_request(
            page,
            f"{live_server.url}/demandes/organisme/nouvelle/",
            "Randonnée aux flambeaux",
            channel=facebook,
            desired=desired,
            step="organisation-request-phone",
        )
    assert Post.objects.get(origin=Post.Origin.ORGANISATION_REQUEST).status == Status.SUBMITTED


def test_the_calendar_and_the_composer_at_phone_width(live_server):
    _person("conseillere", factories.reviewer)
    factories.channel("facebook")
    with chromium_page(viewport=PHONE) as page:
        _log_in(page, live_server, "conseillere")
        page.goto(f"{live_server.url}/calendrier/")
        page.locator(".fc").first.wait_for(timeout=15_000)
        check_page(page, "calendar-phone")
        page.goto(f"{live_server.url}/publications/nouvelle/")
        page.fill("#id_body", CLEAN)
        page.locator("#composer-check .finding").first.wait_for(timeout=15_000)
        check_page(page, "composer-phone")
