"""Relaying another organisation's press release (art. 5.3; issue 16, item 3): the Direction générale or the
director of the service concerned records the authorisation from the request's page or the post's, with why;
audited and told; the Charte's block lifts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import AuditEntry, Notification, Post, PressReleaseAuthorisation, Role
from calendar_app.permissions import PermissionRefused
from calendar_app.services.charte import charte_check
from calendar_app.services.posts import press_release_authorise
from tests import factories

pytestmark = pytest.mark.django_db
RELEASE = "Le Club de ski de fond de Montmagny annonce l'ouverture de ses pistes ce samedi, dès 9 h."


@pytest.fixture
def city():
    service = factories.service(name="Service des loisirs")
    other_service = factories.service(name="Greffe")
    adviser = factories.reviewer()
    direction = factories.holder(Role.DIRECTION_GENERALE)
    director = factories.holder(Role.SERVICE_DIRECTOR, service=service)
    other_director = factories.holder(Role.SERVICE_DIRECTOR, service=other_service)
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    channel = factories.channel("facebook")
    release = factories.post(
        author=member,
        channels=[channel],
        title="Ouverture des pistes",
        body=RELEASE,
        category=Post.Category.PRESS_RELEASE,
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=service,
        from_outside_organisation=True,
        desired_from=timezone.localdate() + datetime.timedelta(days=3),
    )
    return type("City", (), locals())


def _blocks(post) -> set[str]:
    return {result.code for result in charte_check(post=post).blocks}


def test_the_service_director_authorises_it_from_the_page_and_the_block_lifts(client, city):
    assert "outside_press_release" in _blocks(city.release)
    client.force_login(city.director)
    page = client.get(reverse("calendar_app:request_detail", args=[city.release.pk])).content.decode()
    assert reverse("calendar_app:press_release_authorise", args=[city.release.pk]) in page
    response = client.post(
        reverse("calendar_app:press_release_authorise", args=[city.release.pk]),
        {"note": "Activité de plein air ouverte à tous, partenaire de la Ville."},
        follow=True,
    )
    assert response.status_code == 200 and "art. 5.3" in response.content.decode()
    assert PressReleaseAuthorisation.objects.get().authorised_by == city.director
    assert "outside_press_release" not in _blocks(city.release)
    assert AuditEntry.objects.filter(action="press_release_authorised", target_id=str(city.release.pk)).exists()
    told = {notice.recipient for notice in Notification.objects.filter(post=city.release)}
    assert {city.adviser, city.member} <= told


def test_a_reason_is_required_and_nothing_is_recorded_without_it(client, city):
    client.force_login(city.direction)
    response = client.post(reverse("calendar_app:press_release_authorise", args=[city.release.pk]), {"note": " "})
    assert response.status_code == 200 and response.context["press_release"].form.errors["note"]
    assert not PressReleaseAuthorisation.objects.exists()


@pytest.mark.parametrize("who", ["adviser", "member", "other_director"])
def test_others_may_not_authorise_it(client, city, who):
    person = getattr(city, who)
    client.force_login(person)
    response = client.post(reverse("calendar_app:press_release_authorise", args=[city.release.pk]), {"note": "Oui."})
    assert response.status_code == 403 and not PressReleaseAuthorisation.objects.exists()
    with pytest.raises(PermissionRefused):
        press_release_authorise(post=city.release, actor=person, note="Oui.")


def test_only_an_outside_press_release_and_only_once(city):
    press_release_authorise(post=city.release, actor=city.direction, note="Partenaire.")
    with pytest.raises(ValidationError):
        press_release_authorise(post=city.release, actor=city.director, note="Encore.")
    own = factories.post(author=city.adviser, channels=[city.channel], body="La piscine ouvre lundi.")
    with pytest.raises(ValidationError):
        press_release_authorise(post=own, actor=city.direction, note="Rien à autoriser.")
    assert PressReleaseAuthorisation.objects.count() == 1


def test_an_authorisation_recorded_elsewhere_counts_only_from_someone_who_may_give_it(city):
    """The Charte follows the page's rule: another service's director recorded in the admin lifts nothing."""
    PressReleaseAuthorisation.objects.create(post=city.release, authorised_by=city.other_director, note="Oui.")
    assert "outside_press_release" in _blocks(city.release)
    PressReleaseAuthorisation.objects.create(post=city.release, authorised_by=city.director, note="Oui.")
    assert "outside_press_release" not in _blocks(city.release)
