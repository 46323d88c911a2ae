"""Each role × each action, through the web interface: allowed actions succeed, refused ones answer 403
and change nothing; then emergency mode (art. 6), election periods (art. 7) and new channels (art. 8.1)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import (
    AuditEntry,
    Candidate,
    Channel,
    ChannelVersion,
    ElectionPeriod,
    EmergencySwitch,
    FollowedAccountsCheck,
    Post,
    Role,
)
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.elections import election_flagged_published
from calendar_app.services.emergency import emergency_switch
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
ROLES = [
    Role.COMMUNICATIONS,
    Role.PUBLISHER,
    Role.DIRECTION_GENERALE,
    Role.SERVICE_DIRECTOR,
    Role.SERVICE_MEMBER,
    Role.ORGANISATION_REPRESENTATIVE,
    Role.MISSION_COMMUNICATION,
    Role.COUNCIL_MEMBER,
]


class World:
    """A service and an organisation, a channel, one person per role, and a request awaiting review."""

    def __init__(self):
        self.service = factories.service()
        self.organisation = factories.organisation()
        self.channel = factories.channel("facebook", emergency_enabled=True)
        self.new_channel = factories.channel("mastodon", authorised_by=None, authorised_at=None)
        self.unchecked_channel = factories.channel("bluesky", profile_checked=False)
        self.people = {}
        for role in ROLES:
            self.people[role] = factories.holder(
                role, service=self.service, organisation=self.organisation, channels=[self.channel]
            )
        author = factories.person()
        factories.role(author, Role.SERVICE_MEMBER, service=self.service)
        self.request = factories.post(
            author=author,
            body=CLEAN,
            channels=[self.channel],
            origin=Post.Origin.SERVICE_REQUEST,
            requesting_service=self.service,
        )
        post_services.post_submit(post=self.request, actor=author)
        self.approved = factories.post(body=CLEAN, channels=[self.channel], title="Approuvée")
        post_services.post_approve(post=self.approved, reviewer=self.approved.author, acknowledge_warnings=True)


@pytest.fixture
def world():
    return World()


def _request_data(world, requester_pk):
    return {
        "requester": requester_pk,
        "title": "Demande",
        "body": CLEAN,
        "category": "public_interest",
        "desired_from": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "channels": [world.channel.pk],
        "contact_name": "Camille",
        "contact_email": "c@example.org",
        "submission_key": str(uuid.uuid4()),
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }


def _revision(post) -> int:
    """The revision a page showing ``post`` now would send back."""
    return Post.objects.values_list("revision", flat=True).get(pk=post.pk)


def _due():
    return (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


# Each action: how to attempt it, and how to tell from the database that it happened.
ACTIONS = {
    "submit": (
        lambda client, w: client.post(reverse("calendar_app:service_request_new"), _request_data(w, w.service.pk)),
        lambda w: Post.objects.filter(title="Demande").exists(),
    ),
    "submit_visibility": (
        lambda client, w: client.post(
            reverse("calendar_app:organisation_request_new"), _request_data(w, w.organisation.pk)
        ),
        lambda w: Post.objects.filter(title="Demande").exists(),
    ),
    "view": (
        lambda client, w: client.get(reverse("calendar_app:request_detail", args=[w.request.pk])),
        None,
    ),
    "edit": (
        lambda client, w: client.post(
            reverse("calendar_app:review_detail", args=[w.request.pk]),
            {"action": "save", "body": "Texte revu.", "revision": _revision(w.request)},
        ),
        lambda w: Post.objects.get(pk=w.request.pk).body == "Texte revu.",
    ),
    "approve": (
        lambda client, w: client.post(
            reverse("calendar_app:review_detail", args=[w.request.pk]),
            {
                "action": "approve",
                "revision": _revision(w.request),
                "body": CLEAN,
                "due_at": _due(),
                "acknowledge_warnings": "on",
            },
        ),
        lambda w: Post.objects.get(pk=w.request.pk).status == Status.SCHEDULED,
    ),
    "refuse": (
        lambda client, w: client.post(
            reverse("calendar_app:review_detail", args=[w.request.pk]),
            {"action": "refuse", "revision": _revision(w.request), "reasons": "Hors mandat."},
        ),
        lambda w: Post.objects.get(pk=w.request.pk).status == Status.REFUSED,
    ),
    "schedule": (
        lambda client, w: client.post(
            reverse("calendar_app:post_schedule", args=[w.approved.pk]),
            {"due_at": _due(), "acknowledge_warnings": "on", "revision": _revision(w.approved)},
        ),
        lambda w: ChannelVersion.objects.filter(post=w.approved, status=Status.SCHEDULED).exists(),
    ),
    "publish_now": (
        lambda client, w: client.post(
            reverse("calendar_app:emergency"),
            {"action": "publish", "title": "Avis d'ébullition", "body": CLEAN, "channels": [w.channel.pk]},
        ),
        lambda w: Post.objects.filter(is_emergency=True).exists(),
    ),
    "switch_emergency": (
        lambda client, w: client.post(reverse("calendar_app:emergency_toggle"), {"active": "0"}),
        lambda w: not EmergencySwitch.is_on(),
    ),
    "declare_election": (
        lambda client, w: client.post(
            reverse("calendar_app:election_new"),
            {
                "name": "Élection partielle",
                "starts_on": "2031-09-01",
                "polling_day": "2031-10-15",
                "ends_on": "2031-10-15",
                "parties": "",
                "candidates": "",
            },
        ),
        lambda w: ElectionPeriod.objects.filter(name="Élection partielle").exists(),
    ),
    "authorise_channel": (
        lambda client, w: client.post(reverse("calendar_app:channel_authorise", args=[w.new_channel.pk])),
        lambda w: Channel.objects.get(pk=w.new_channel.pk).authorised_at is not None,
    ),
    "confirm_channel_profile": (
        lambda client, w: client.post(
            reverse("calendar_app:channel_profile_confirm", args=[w.unchecked_channel.pk]), {"item": "logo"}
        ),
        lambda w: w.unchecked_channel.profile_confirmations.filter(item="logo").exists(),
    ),
    "check_followed_accounts": (
        lambda client, w: client.post(
            reverse("calendar_app:followed_accounts_confirm", args=[w.channel.pk]), {"election": _past_election().pk}
        ),
        lambda w: FollowedAccountsCheck.objects.filter(channel=w.channel).exists(),
    ),
}


def _past_election() -> ElectionPeriod:
    polling_day = timezone.localdate() - datetime.timedelta(days=400)
    return ElectionPeriod.objects.get_or_create(
        polling_day=polling_day, defaults={"name": "Élection de 2025", "starts_on": polling_day, "ends_on": polling_day}
    )[0]


ALLOWED = {
    "submit": {Role.SERVICE_DIRECTOR, Role.SERVICE_MEMBER},
    "submit_visibility": {Role.ORGANISATION_REPRESENTATIVE},
    "view": {Role.COMMUNICATIONS, Role.DIRECTION_GENERALE, Role.SERVICE_DIRECTOR, Role.SERVICE_MEMBER},
    "edit": {Role.COMMUNICATIONS},
    "approve": {Role.COMMUNICATIONS},
    "refuse": {Role.COMMUNICATIONS},
    "schedule": {Role.COMMUNICATIONS},
    "publish_now": {Role.MISSION_COMMUNICATION},
    "switch_emergency": {Role.COMMUNICATIONS},
    "declare_election": {Role.DIRECTION_GENERALE},
    "authorise_channel": {Role.DIRECTION_GENERALE},
    "confirm_channel_profile": {Role.COMMUNICATIONS},
    "check_followed_accounts": {Role.COMMUNICATIONS},
}


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_role_may_do_what_the_policy_allows_and_nothing_else(client, world, action, role):
    if action in ("publish_now", "switch_emergency"):
        emergency_switch(actor=factories.reviewer(), active=True, reason="Inondation")
    attempt, happened = ACTIONS[action]
    audit_before = AuditEntry.objects.exclude(action="permission_refused").count()
    client.force_login(world.people[role])

    response = attempt(client, world)

    if role in ALLOWED[action]:
        assert response.status_code in (200, 302), response.content[:500]
        if happened is not None:
            assert happened(world), f"{role} should have been able to {action}"
    else:
        assert response.status_code == 403
        if happened is not None:
            assert not happened(world)
        assert AuditEntry.objects.exclude(action="permission_refused").count() == audit_before
        assert AuditEntry.objects.filter(action="permission_refused", actor=world.people[role]).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for name in ("review_queue", "service_request_new", "emergency", "election_list", "request_list"):
        response = client.get(reverse(f"calendar_app:{name}"))
        assert response.status_code == 302 and reverse("login") in response.url


class TestEmergencyMode:
    def test_switching_on_needs_a_reason_and_shows_a_banner_everywhere(self, client, world):
        adviser = world.people[Role.COMMUNICATIONS]
        client.force_login(adviser)
        client.post(reverse("calendar_app:emergency_toggle"), {"active": "1", "reason": ""})
        assert not EmergencySwitch.is_on()
        client.post(reverse("calendar_app:emergency_toggle"), {"active": "1", "reason": "Inondation rue du Bassin"})
        assert EmergencySwitch.is_on()
        client.force_login(world.people[Role.SERVICE_MEMBER])
        assert "Mission Communication" in client.get(reverse("calendar_app:request_list")).content.decode()
        client.force_login(adviser)
        client.post(reverse("calendar_app:emergency_toggle"), {"active": "0"})
        assert not EmergencySwitch.is_on()
        assert list(
            AuditEntry.objects.filter(action__startswith="emergency_")
            .order_by("at", "pk")
            .values_list("action", flat=True)
        ) == [
            "emergency_on",
            "emergency_off",
        ]

    def test_the_team_publishes_at_once_without_review_but_the_charte_still_blocks(self, client, world):
        emergency_switch(actor=world.people[Role.COMMUNICATIONS], active=True, reason="Inondation")
        client.force_login(world.people[Role.MISSION_COMMUNICATION])
        url = reverse("calendar_app:emergency")
        blocked = client.post(
            url,
            {"action": "publish", "title": "Avis", "body": "Appelez le 418 555-0142.", "channels": [world.channel.pk]},
        )
        assert blocked.status_code == 200 and not Post.objects.filter(is_emergency=True).exists()

        client.post(url, {"action": "publish", "title": "Avis", "body": CLEAN, "channels": [world.channel.pk]})
        post = Post.objects.get(is_emergency=True)
        version = post.versions.get()
        assert version.status == Status.SCHEDULED and version.due_at <= timezone.now()
        assert post.approvals.get().reviewer == world.people[Role.MISSION_COMMUNICATION]

    def test_outside_an_emergency_the_team_cannot_publish_at_once(self, client, world):
        client.force_login(world.people[Role.MISSION_COMMUNICATION])
        response = client.post(
            reverse("calendar_app:emergency"),
            {"action": "publish", "title": "Avis", "body": CLEAN, "channels": [world.channel.pk]},
        )
        assert response.status_code == 403 and not Post.objects.filter(is_emergency=True).exists()


class TestElectionPeriods:
    def test_council_members_and_candidates_cannot_submit_inside_one(self, client, world):
        today = timezone.localdate()
        period = ElectionPeriod.objects.create(
            name="Élection",
            starts_on=today,
            polling_day=today + datetime.timedelta(days=5),
            ends_on=today + datetime.timedelta(days=5),
        )
        member = world.people[Role.SERVICE_MEMBER]
        Candidate.objects.create(election=period, full_name="Camille Tremblay", position="Mairie", person=member)
        client.force_login(member)
        response = client.post(reverse("calendar_app:service_request_new"), _request_data(world, world.service.pk))
        assert response.status_code == 403 and "art. 7" in response.content.decode()
        assert not Post.objects.filter(title="Demande").exists()

    def test_published_posts_that_the_charte_now_blocks_are_listed_for_removal(self, client, world):
        post = factories.post(body="Votez pour Gilles Boucher le 5 novembre !", channels=[world.channel])
        ChannelVersion.objects.filter(post=post).update(
            status=Status.PUBLISHED, due_at=timezone.now(), published_at=timezone.now()
        )
        today = timezone.localdate()
        period = ElectionPeriod.objects.create(
            name="Élection",
            starts_on=today,
            polling_day=today + datetime.timedelta(days=5),
            ends_on=today + datetime.timedelta(days=5),
        )
        Candidate.objects.create(election=period, full_name="Gilles Boucher", position="Mairie")
        assert [flagged for flagged, _report in election_flagged_published(period)] == [post]
        client.force_login(world.people[Role.DIRECTION_GENERALE])
        page = client.get(reverse("calendar_app:election_detail", args=[period.pk])).content.decode()
        assert post.title in page


def test_a_new_channel_cannot_be_scheduled_on_until_the_direction_generale_authorises_it(client, world):
    from django.core.exceptions import ValidationError

    post = factories.post(body=CLEAN, channels=[world.new_channel])
    post_services.post_approve(post=post, reviewer=post.author, acknowledge_warnings=True)
    version = post.versions.get()
    timing = scheduling.Timing(default=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        scheduling.post_schedule(post=post, actor=post.author, timing=timing)
    client.force_login(world.people[Role.DIRECTION_GENERALE])
    client.post(reverse("calendar_app:channel_authorise", args=[world.new_channel.pk]))
    scheduling.post_schedule(post=post, actor=post.author, timing=timing, acknowledge_warnings=True)
    assert ChannelVersion.objects.get(pk=version.pk).status == Status.SCHEDULED
