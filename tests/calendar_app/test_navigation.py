"""The menu offers each person the pages their roles open, and only those (issue 13, item 5)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calendar_app.context_processors import MENU, menu_links
from calendar_app.demo import load_demo, montmagny
from calendar_app.models import Notification, Person, Role
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
DEMO_USERNAMES = [person["username"] for person in montmagny.PEOPLE]


class _MenuLinks(HTMLParser):
    """The links of the page's main menu (``<nav aria-label=…>`` inside ``details.menu``), with aria-current."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "nav" and self.depth == 0 and attributes.get("aria-label"):
            self.depth = 1
        elif tag == "nav" and self.depth:
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links[attributes["href"]] = attributes.get("aria-current")

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


def menu_of(html: str) -> dict[str, str | None]:
    parser = _MenuLinks()
    parser.feed(html)
    return parser.links


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    load_demo()


def _client(username: str) -> Client:
    client = Client()
    client.force_login(Person.objects.get(username=username))
    return client


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_every_link_of_the_menu_opens_for_every_demo_role(username):
    client = _client(username)
    links = menu_of(client.get(reverse("calendar_app:home")).content.decode())
    assert reverse("calendar_app:notifications") in links
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, (username, url, response.status_code)
        # On its own page, the link says so (the admin has a frame of its own).
        if url != reverse("admin:index"):
            assert menu_of(response.content.decode())[url] == "page", (username, url)


@pytest.mark.usefixtures("demo")
def test_the_direction_generale_is_offered_only_what_it_may_use():
    links = set(menu_of(_client("mafournier").get(reverse("calendar_app:home")).content.decode()))
    assert links == {
        reverse("calendar_app:calendar"),
        reverse("calendar_app:election_list"),
        reverse("calendar_app:channel_list"),
        reverse("publishing:status"),
        reverse("calendar_app:notifications"),
    }


@pytest.mark.usefixtures("demo")
def test_the_adviser_reaches_the_publishing_status_page_and_the_admin_from_the_menu():
    links = menu_of(_client("jberube").get(reverse("calendar_app:review_queue")).content.decode())
    assert reverse("publishing:status") in links and reverse("admin:index") in links
    assert links[reverse("calendar_app:review_queue")] == "page"
    assert links[reverse("calendar_app:calendar")] is None


def test_a_page_inside_a_section_marks_its_menu_link_as_current():
    member = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
    client = Client()
    client.force_login(member)
    links = menu_of(client.get(reverse("calendar_app:service_request_new")).content.decode())
    assert links[reverse("calendar_app:request_list")] == "true"


def test_the_menu_costs_the_same_queries_whatever_the_data():
    adviser = factories.reviewer()
    client = Client()
    client.force_login(adviser)
    url = reverse("calendar_app:notifications")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for number in range(5):
        factories.post(author=adviser, title=f"Publication {number}", status=Status.SUBMITTED)
        Notification.objects.create(recipient=adviser, kind=Notification.Kind.MESSAGE, subject=f"Message {number}")
    assert queries() == before


def test_the_menu_takes_a_few_queries():
    request = RequestFactory().get(reverse("calendar_app:notifications"))
    request.user = factories.reviewer()
    with CaptureQueriesContext(connection) as captured:
        links = menu_links(request)
    assert len(links) == len(MENU) - 1  # all but the admin: a reviewer who is no staff member
    # The roles (three, read once per request and shared with the view), the review queue's and the unread counts.
    assert len(captured) <= 5, [query["sql"] for query in captured]


def test_nobody_logged_in_sees_no_menu():
    html = Client().get(reverse("login")).content.decode()
    assert menu_of(html) == {}
    assert 'class="skip-link" href="#content"' in html and 'id="content"' in html
