"""Removing published campaign content through the pages (art. 7): the post's page and the election period's
page (one flagged post, or every one), for each role; a network whose API cannot delete leaves a task that a
person closes on the post's page. The networks' side is ``tests/publishing/test_removals.py``."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from calendar_app.models import Candidate, ChannelVersion, ElectionPeriod, Role
from calendar_app.workflow import Status
from publishing.models import Removal
from tests import factories
from tests.calendar_app.test_permissions import ROLES

pytestmark = pytest.mark.django_db
CAMPAIGN = "Votez pour Gilles Boucher le 5 novembre !"
REMOVERS = {Role.COMMUNICATIONS, Role.DIRECTION_GENERALE}


def published(post):
    now = timezone.now()
    for number, version in enumerate(post.versions.order_by("pk")):
        ChannelVersion.objects.filter(pk=version.pk).update(
            status=Status.PUBLISHED,
            due_at=now,
            published_at=now,
            external_id=f"ext-{version.pk}",
            external_url=f"https://example.org/p/{number}",
        )
    post.__class__.objects.filter(pk=post.pk).update(status=Status.PUBLISHED)
    post.refresh_from_db()
    return post


@pytest.fixture
def campaign():
    """A published post on Mastodon and Instagram that the Charte flags in an election period begun today."""
    today = timezone.localdate()
    period = ElectionPeriod.objects.create(
        name="Élection",
        starts_on=today,
        polling_day=today + datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=5),
    )
    Candidate.objects.create(election=period, full_name="Gilles Boucher", position="Mairie")
    channels = [factories.channel("mastodon"), factories.channel("instagram")]
    post = published(factories.post(title="Appui", body=CAMPAIGN, channels=channels))
    return period, post, channels


def person_with(role):
    return factories.holder(role, service=factories.service(), organisation=factories.organisation())


def test_the_adviser_removes_from_the_post_page_and_instagram_is_left_to_do_by_hand(client, campaign):
    _period, post, (mastodon, instagram) = campaign
    adviser = factories.reviewer()
    client.force_login(adviser)
    page = client.get(reverse("calendar_app:post_detail", args=[post.pk])).content.decode()
    assert reverse("calendar_app:post_remove", args=[post.pk]) in page

    response = client.post(
        reverse("calendar_app:post_remove", args=[post.pk]),
        {"reason": "Contenu de campagne (art. 7)", "version": list(post.versions.values_list("pk", flat=True))},
        follow=True,
    )
    assert response.status_code == 200
    states = dict(Removal.objects.values_list("version__channel__network", "state"))
    assert states == {"mastodon": Removal.State.REQUESTED, "instagram": Removal.State.BY_HAND}
    text = response.content.decode()
    assert "Instagram" in text and "Contenu de campagne (art. 7)" in text

    by_hand = Removal.objects.get(version__channel=instagram)
    client.post(reverse("calendar_app:removal_confirm", args=[by_hand.pk]), {"note": "Supprimée dans l'appli"})
    by_hand.refresh_from_db()
    assert (by_hand.state, by_hand.confirmed_by) == (Removal.State.REMOVED_BY_HAND, adviser)
    assert ChannelVersion.objects.get(pk=by_hand.version_id).status == Status.REMOVED


def test_ticking_one_channel_removes_that_one_and_another_posts_versions_are_ignored(client, campaign):
    _period, post, (mastodon, _instagram) = campaign
    other = published(factories.post(title="Autre", channels=[factories.channel("x")]))
    client.force_login(factories.reviewer())
    mine = post.versions.get(channel=mastodon).pk
    client.post(
        reverse("calendar_app:post_remove", args=[post.pk]),
        {"reason": "Campagne", "version": [mine, other.versions.get().pk]},
    )
    assert list(Removal.objects.values_list("version_id", flat=True)) == [mine]


def test_a_removal_without_a_reason_is_refused_with_a_message(client, campaign):
    _period, post, _channels = campaign
    client.force_login(factories.reviewer())
    response = client.post(reverse("calendar_app:post_remove", args=[post.pk]), {"reason": ""}, follow=True)
    assert not Removal.objects.exists()
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()


def test_the_election_page_removes_every_flagged_publication_at_once(client, campaign):
    period, post, _channels = campaign
    second = published(factories.post(title="Appui 2", body=CAMPAIGN, channels=[factories.channel("bluesky")]))
    clean = published(factories.post(title="Collecte", channels=[factories.channel("linkedin")]))
    client.force_login(person_with(Role.DIRECTION_GENERALE))
    page = client.get(reverse("calendar_app:election_detail", args=[period.pk])).content.decode()
    assert reverse("calendar_app:election_remove_flagged", args=[period.pk]) in page
    assert reverse("calendar_app:post_remove", args=[post.pk]) in page

    client.post(reverse("calendar_app:election_remove_flagged", args=[period.pk]), {"reason": "Campagne (art. 7)"})

    removed_posts = set(Removal.objects.values_list("version__post_id", flat=True))
    assert removed_posts == {post.pk, second.pk} and clean.pk not in removed_posts
    page = client.get(reverse("calendar_app:election_detail", args=[period.pk])).content.decode()
    # Nothing of theirs is online without a removal any more: the button is gone.
    assert reverse("calendar_app:election_remove_flagged", args=[period.pk]) not in page
    with translation.override("fr"):
        shown = [f'removal-state">{state.label}<' for state in (Removal.State.BY_HAND, Removal.State.REQUESTED)]
    assert all(label in page for label in shown)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value)
def test_only_the_communications_department_and_the_direction_generale_may_remove(client, campaign, role):
    period, post, _channels = campaign
    client.force_login(person_with(role))
    answers = [
        client.post(reverse("calendar_app:post_remove", args=[post.pk]), {"reason": "Campagne"}).status_code,
        client.post(reverse("calendar_app:election_remove_flagged", args=[period.pk]), {"reason": "x"}).status_code,
    ]
    if role in REMOVERS:
        assert answers == [302, 302] and Removal.objects.count() == 2
    else:
        assert answers == [403, 403] and not Removal.objects.exists()


def test_a_failed_removal_is_tried_again_from_the_post_page(client, campaign):
    _period, post, (mastodon, _instagram) = campaign
    adviser = factories.reviewer()
    removal = Removal.objects.create(
        version=post.versions.get(channel=mastodon),
        requested_by=adviser,
        reason="Campagne",
        state=Removal.State.FAILED,
        attempts=6,
        error="Le réseau a une panne temporaire (HTTP 503). — abandon après 6 tentatives.",
    )
    client.force_login(adviser)
    page = client.get(reverse("calendar_app:post_detail", args=[post.pk])).content.decode()
    assert reverse("calendar_app:removal_retry", args=[removal.pk]) in page and "HTTP 503" in page
    client.post(reverse("calendar_app:removal_retry", args=[removal.pk]))
    removal.refresh_from_db()
    assert (removal.state, removal.attempts) == (Removal.State.REQUESTED, 0)


def test_the_status_page_lists_the_removals_waiting_for_a_person(client, campaign):
    _period, post, (mastodon, instagram) = campaign
    adviser = factories.reviewer()
    client.force_login(adviser)
    client.post(reverse("calendar_app:post_remove", args=[post.pk]), {"reason": "Campagne"})
    page = client.get(reverse("publishing:status")).content.decode()
    by_hand = Removal.objects.get(version__channel=instagram)
    assert f"#removal-{by_hand.pk}" in page
    assert f"#removal-{Removal.objects.get(version__channel=mastodon).pk}" not in page  # the worker's, not a person's


def test_a_refused_note_confirms_nothing_and_says_why(client, campaign):
    _period, post, (_mastodon, instagram) = campaign
    adviser = factories.reviewer()
    by_hand = Removal.objects.create(
        version=post.versions.get(channel=instagram),
        requested_by=adviser,
        reason="Campagne",
        state=Removal.State.BY_HAND,
    )
    client.force_login(adviser)
    response = client.post(
        reverse("calendar_app:removal_confirm", args=[by_hand.pk]), {"note": "x" * 2001}, follow=True
    )
    by_hand.refresh_from_db()
    assert by_hand.state == Removal.State.BY_HAND and by_hand.confirmed_by is None
    assert "2000" in response.content.decode().replace("\u202f", "").replace(" ", "")
