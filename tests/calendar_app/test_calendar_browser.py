"""The adviser finds a post on the month view and drags one of its channels to another day, in Chromium."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from calendar_app.models import ChannelVersion
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from tests import factories
from tests.browser import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


@pytest.fixture(autouse=True)
def _allow_sync_playwright_with_the_orm():
    # Playwright's sync API runs an event loop in this thread; the ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _artifact(name: str) -> str:
    folder = Path(__file__).resolve().parents[2] / "test-results"
    folder.mkdir(exist_ok=True)
    return str(folder / name)


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
    errors: list[str] = []

    with chromium_page() as page:
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/connexion/")
        page.fill("#id_username", "conseillere")
        page.fill("#id_password", "un-mot-de-passe-solide")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/calendrier/")
        event = page.locator(".fc-daygrid-event", has_text="Facebook · Bibliothèque")
        event.wait_for(timeout=15_000)
        page.screenshot(path=_artifact("calendar-month.png"), full_page=True)

        source = event.bounding_box()
        cell = page.locator(f'td.fc-daygrid-day[data-date="{target_day.isoformat()}"]').bounding_box()
        page.mouse.move(source["x"] + 10, source["y"] + 5)
        page.mouse.down()
        page.mouse.move(source["x"] + 40, source["y"] + 10, steps=5)
        page.mouse.move(cell["x"] + 20, cell["y"] + cell["height"] / 2, steps=15)
        page.mouse.up()
        page.locator("#calendar-status:not([hidden])").wait_for(timeout=15_000)
        said = page.locator("#calendar-status").inner_text()
        page.screenshot(path=_artifact("calendar-moved.png"), full_page=True)

    moved = ChannelVersion.objects.get(post=post, channel=facebook)
    assert said == "Reprogrammée.", said
    assert timezone.localtime(moved.due_at).date() == target_day
    assert ChannelVersion.objects.get(post=post, channel=mastodon).due_at == due
    assert not errors, errors
