"""In Chromium: the adviser finds a post on the month view and drags one of its channels to another day, and
unschedules one from its panel."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendar_app.models import ChannelVersion
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.workflow import Status
from tests import factories
from tests.browser import check_page, chromium_page, drag_to, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


def test_the_adviser_drags_a_post_to_another_day_on_the_month_view(live_server):
    adviser = factories.reviewer(username="conseillere")
    adviser.set_password("un-mot-de-passe-solide")
    adviser.save()
    facebook, mastodon = factories.channel(), factories.channel("mastodon")
    post = post_services.post_write(
        author=adviser, title="Bibliothèque", category="public_interest", body=CLEAN, channels=[facebook, mastodon]
    )
    first_day = timezone.localdate() + datetime.timedelta(days=1)
    due = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(10)))
    scheduling.post_approve_and_schedule(
        post=post, actor=adviser, timing=scheduling.Timing(default=due), acknowledge_warnings=True
    )
    target_day = first_day + datetime.timedelta(days=2)

    with chromium_page() as page:
        log_in(page, live_server.url, "conseillere", "un-mot-de-passe-solide")
        page.goto(f"{live_server.url}/calendrier/")
        event = page.locator(".fc-daygrid-event.network-facebook", has_text="Bibliothèque")
        event.wait_for(timeout=15_000)
        check_page(page, "calendar-month")

        drag_to(page, event, page.locator(f'td.fc-daygrid-day[data-date="{target_day.isoformat()}"]'))
        page.locator("#calendar-status:not([hidden])").wait_for(timeout=15_000)
        said = page.locator("#calendar-status").inner_text()
        check_page(page, "calendar-moved")

    moved = ChannelVersion.objects.get(post=post, channel=facebook)
    assert said == "Reprogrammée.", said
    assert timezone.localtime(moved.due_at).date() == target_day
    assert ChannelVersion.objects.get(post=post, channel=mastodon).due_at == due


def test_the_adviser_unschedules_a_post_from_its_panel_by_keyboard(live_server):
    """The item's link opens the panel beside the grid (Enter, as a keyboard user would); « Déprogrammer »
    sends the post back to approved, the panel says so and the calendar shows the item as approved."""
    adviser = factories.reviewer(username="conseillere")
    adviser.set_password("un-mot-de-passe-solide")
    adviser.save()
    facebook = factories.channel()
    post = post_services.post_write(
        author=adviser, title="Bibliothèque", category="public_interest", body=CLEAN, channels=[facebook]
    )
    due = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(10))
    )
    scheduling.post_approve_and_schedule(
        post=post, actor=adviser, timing=scheduling.Timing(default=due), acknowledge_warnings=True
    )

    with chromium_page() as page:
        log_in(page, live_server.url, "conseillere", "un-mot-de-passe-solide")
        page.goto(f"{live_server.url}/calendrier/?colour=channel")
        event = page.locator("a.fc-daygrid-event.network-facebook", has_text="Bibliothèque")
        event.wait_for(timeout=15_000)
        assert event.locator(".network-icon.icon-facebook").count() == 1

        event.focus()
        page.keyboard.press("Enter")
        heading = page.locator("#calendar-panel #calendar-panel-title")
        heading.wait_for(timeout=15_000)
        assert page.evaluate("document.activeElement.id") == "calendar-panel-title"
        assert page.url == f"{live_server.url}/calendrier/?colour=channel"  # the panel, not another page
        check_page(page, "panel")

        page.locator("#calendar-panel form[action$='/deprogrammer/'] button").focus()
        page.keyboard.press("Enter")
        page.locator("#calendar-panel .message.success").wait_for(timeout=15_000)
        page.locator("a.fc-daygrid-event.status-approved", has_text="Bibliothèque").wait_for(timeout=15_000)
        check_page(page, "unscheduled")

        page.keyboard.press("Escape")
        page.locator("#calendar-panel").wait_for(state="hidden", timeout=5_000)

    post.refresh_from_db()
    assert post.status == Status.APPROVED
    assert ChannelVersion.objects.get(post=post).due_at == due
