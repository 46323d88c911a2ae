"""A publication "to verify" through the pages (issue 14): the post's page says what is known and offers the two
answers to those who may give them; the status page lists them; the home page asks for them; the calendar and
every badge colour them."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from calendar_app.models import ChannelVersion, Post, Role
from calendar_app.services.scheduling import INVALID_NETWORK_ADDRESS
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
FOUND = "https://mastodon.example/@ville/113245"
ERROR = "Mastodon n'a pas répondu en 15 s ; la recherche par clé n'a rien trouvé."


@pytest.fixture
def city():
    facebook, mastodon = factories.channel("facebook"), factories.channel("mastodon")
    service = factories.service(name="Service des loisirs")
    adviser = factories.reviewer()
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    direction = factories.holder(Role.DIRECTION_GENERALE)
    since = timezone.now() - datetime.timedelta(hours=3)
    post = factories.post_to_verify(
        member,
        [facebook, mastodon],
        published=[facebook],
        error=ERROR,
        since=since,
        title="Collecte des sapins",
        body=CLEAN,
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=service,
    )
    version = post.versions.get(channel=mastodon)
    return type("City", (), locals())


def _french(message: str) -> str:
    """``message`` as the French interface shows it in a page (the catalogue's translation, escaped)."""
    with translation.override("fr-ca"):
        return escape(gettext(message))


def _page(client, person, city) -> str:
    client.force_login(person)
    response = client.get(reverse("calendar_app:post_detail", args=[city.post.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _confirm_url(city) -> str:
    return reverse("calendar_app:version_confirm_published", args=[city.version.pk])


def _again_url(city) -> str:
    return reverse("calendar_app:version_send_again", args=[city.version.pk])


# --- The post's page ------------------------------------------------------------------------------------


def test_the_post_page_says_since_when_how_many_tries_and_why_and_offers_both_answers(client, city):
    page = _page(client, city.adviser, city)

    with translation.override("fr-ca"):
        since = formats.date_format(timezone.localtime(city.since), "DATETIME_FORMAT")
    assert escape(ERROR) in page and escape(since) in page
    assert re.search(r"<dd>\s*6\s*</dd>", page)  # its attempts
    assert f'action="{_confirm_url(city)}"' in page and f'action="{_again_url(city)}"' in page
    assert page.count("csrfmiddlewaretoken") >= 2
    assert f'id="id_version_{city.version.pk}_url"' in page
    assert 'class="badge status-to_verify"' in page


@pytest.mark.parametrize("who", ["member", "direction"])
def test_those_who_may_not_answer_see_what_is_known_but_no_answer(client, city, who):
    page = _page(client, getattr(city, who), city)

    assert escape(ERROR) in page
    assert _confirm_url(city) not in page and _again_url(city) not in page


def test_the_requester_is_told_it_is_being_checked_not_asked_to_check(client, city):
    from publishing.notifications import notify_publication_problem

    page = _page(client, city.member, city)
    with translation.override("fr-ca"):
        told = gettext(
            "The network was asked to publish and never said whether it did. The communications department is "
            "checking the account and will say whether it went out: you have nothing to do."
        )
    assert told in page and "rien à faire" in told
    notify_publication_problem(city.version, ERROR, to_verify=True)
    told = {notice.recipient_id: notice.body for notice in city.post.notifications.all()}
    assert "rien à faire" in told[city.member.pk] and ERROR not in told[city.member.pk]
    assert "page de la publication" in told[city.adviser.pk] and ERROR in told[city.adviser.pk]


def test_a_post_with_nothing_to_verify_shows_no_such_section(client, city):
    other = factories.post(author=city.adviser, channels=[city.facebook], body=CLEAN)
    client.force_login(city.adviser)

    page = client.get(reverse("calendar_app:post_detail", args=[other.pk])).content.decode()

    assert 'id="to-verify-title"' not in page


# --- « It was published » -------------------------------------------------------------------------------


def test_it_was_published_records_the_address_and_the_page_says_so(client, city):
    client.force_login(city.adviser)

    response = client.post(_confirm_url(city), {"url": FOUND})

    assert response.status_code == 302
    assert response["Location"] == reverse("calendar_app:post_detail", args=[city.post.pk])
    city.version.refresh_from_db()
    assert city.version.status == Status.PUBLISHED and city.version.external_url == FOUND
    page = client.get(response["Location"]).content.decode()
    assert f'href="{FOUND}"' in page and 'id="to-verify-title"' not in page
    assert 'class="badge status-published"' in page


def test_an_address_without_its_scheme_is_taken_as_https(client, city):
    client.force_login(city.adviser)

    client.post(_confirm_url(city), {"url": "mastodon.example/@ville/113245"})

    city.version.refresh_from_db()
    assert city.version.external_url == FOUND


@pytest.mark.parametrize("address", ["", "pas une adresse", "ftp://mastodon.example/1", "javascript:alert(1)"])
def test_a_bad_address_shows_the_page_again_with_the_error_on_its_field(client, city, address):
    client.force_login(city.adviser)

    response = client.post(_confirm_url(city), {"url": address})

    assert response.status_code == 200
    page = response.content.decode()
    assert _french(str(INVALID_NETWORK_ADDRESS)) in page
    assert re.search(rf'id="id_version_{city.version.pk}_url"[^>]*aria-invalid="true"', page) or re.search(
        rf'aria-invalid="true"[^>]*id="id_version_{city.version.pk}_url"', page
    )
    assert ChannelVersion.objects.get(pk=city.version.pk).status == Status.TO_VERIFY


def test_a_version_no_longer_to_verify_is_said_so_and_nothing_changes(client, city):
    client.force_login(city.adviser)
    client.post(_confirm_url(city), {"url": FOUND}, follow=True)  # another tab, or another person, said it first

    response = client.post(_again_url(city), follow=True)

    assert response.status_code == 200
    assert ChannelVersion.objects.get(pk=city.version.pk).status == Status.PUBLISHED
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    [message] = [str(message) for message in response.context["messages"]]
    assert "déjà" in message and "Publiée" in message  # already answered, and what it is now


# --- « Send again » -------------------------------------------------------------------------------------


def test_send_again_schedules_it_now_and_the_post_waits_for_the_worker(client, city):
    client.force_login(city.adviser)

    response = client.post(_again_url(city), follow=True)

    assert response.redirect_chain == [(reverse("calendar_app:post_detail", args=[city.post.pk]), 302)]
    city.version.refresh_from_db()
    assert city.version.status == Status.SCHEDULED and city.version.attempts == 0
    assert Post.objects.get(pk=city.post.pk).status == Status.TO_VERIFY
    assert [message.level_tag for message in response.context["messages"]] == ["success"]


# --- Refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "direction"])
@pytest.mark.parametrize("action", ["confirm", "again"])
def test_others_are_refused_with_403_and_nothing_changes(client, city, who, action):
    client.force_login(getattr(city, who))
    url = _confirm_url(city) if action == "confirm" else _again_url(city)

    assert client.post(url, {"url": FOUND}).status_code == 403
    assert ChannelVersion.objects.get(pk=city.version.pk).status == Status.TO_VERIFY


def test_a_version_of_a_post_one_may_not_see_is_refused(client, city):
    stranger = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
    client.force_login(stranger)

    assert client.post(_again_url(city)).status_code == 403


def test_the_answers_are_posts_only_and_need_the_csrf_token(client, city):
    client.force_login(city.adviser)
    assert client.get(_confirm_url(city)).status_code == 405
    assert client.get(_again_url(city)).status_code == 405

    guarded = type(client)(enforce_csrf_checks=True)
    guarded.force_login(city.adviser)
    assert guarded.post(_again_url(city)).status_code == 403
    assert ChannelVersion.objects.get(pk=city.version.pk).status == Status.TO_VERIFY


# --- Elsewhere: the status page, the home page, the colours --------------------------------------------


def test_the_publishing_status_page_lists_what_is_to_verify_with_a_link_to_the_post(client, city):
    client.force_login(city.adviser)

    page = client.get(reverse("publishing:status")).content.decode()

    link = reverse("calendar_app:post_detail", args=[city.post.pk]) + f"#to-verify-{city.version.pk}"
    assert f'href="{link}"' in page and escape(ERROR) in page and str(city.mastodon) in page


def test_the_home_page_asks_the_adviser_to_verify_it(client, city):
    client.force_login(city.adviser)

    page = client.get(reverse("calendar_app:home")).content.decode()

    assert reverse("calendar_app:post_detail", args=[city.post.pk]) in page
    assert 'class="badge status-to_verify"' in page and escape(ERROR) in page


def test_the_status_has_a_colour_wherever_the_others_have_one():
    static = Path(settings.BASE_DIR) / "static" / "css"
    badges = (static / "vitrine.css").read_text()
    calendar = (static / "calendar.css").read_text()
    for status in Status:
        assert f".badge.status-{status.value}" in badges, status
    assert ".fc-event.status-to_verify" in badges
    assert "#calendar.colour-by-status .fc-event.status-to_verify" in calendar
