"""The adviser imports a CSV file in Chromium: a bad one shows its problems by line, a good one lands on the
calendar; on a desktop and at a phone's width."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendar_app.models import Post
from tests import factories
from tests.browser import DESKTOP, PHONE, check_page, chromium_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


def _file(tmp_path, *, second_date: str) -> str:
    """A file of two posts, the second on ``second_date``."""
    day = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    path = tmp_path / f"plan-{second_date}.csv"
    path.write_text(
        "titre;categorie;canaux;date;heure;texte\r\n"
        f"Bibliothèque;public_interest;facebook:villemontmagny;{day};9 h 30;{CLEAN}\r\n"
        f"Sapins;public_interest;facebook;{second_date};10:00;{CLEAN}\r\n",
        encoding="utf-8-sig",
    )
    return str(path)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_adviser_sees_a_bad_files_problems_by_line_then_imports_the_corrected_file(live_server, tmp_path, viewport):
    adviser = factories.reviewer(username="conseillere")
    adviser.set_password("un-mot-de-passe-solide")
    adviser.save()
    factories.channel("facebook", handle="villemontmagny")

    with chromium_page(viewport=viewport) as page:
        log_in(page, live_server.url, "conseillere", "un-mot-de-passe-solide")
        page.goto(f"{live_server.url}/calendrier/importer/")
        check_page(page, "import-page")

        page.set_input_files("#id_file", _file(tmp_path, second_date="hier"))
        page.click("form.import button[type=submit]")
        page.locator("table.import-problems").wait_for()
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        cells = page.locator("table.import-problems tbody tr").first.locator("td").all_inner_texts()
        check_page(page, "import-problems")
        assert cells[:2] == ["3", "date"] and not Post.objects.exists()

        later = (timezone.localdate() + datetime.timedelta(days=4)).isoformat()
        page.set_input_files("#id_file", _file(tmp_path, second_date=later))
        page.click("form.import button[type=submit]")
        page.wait_for_url(f"{live_server.url}/calendrier/")
        said = page.locator("main .message.success").inner_text()  # the calendar's own checks are its tests'

    assert said.startswith("2 ")
    assert Post.objects.count() == 2
