"""Whom the city's accounts follow during an election period (art. 7): fetched from the networks that list them
(through a real HTTP server speaking their APIs), matched against the period's parties and candidates, or
confirmed by hand elsewhere; every check recorded with who and when, and a failed fetch checks nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from calendar_app.models import (
    AuditEntry,
    Candidate,
    Channel,
    ElectionPeriod,
    FollowedAccountsCheck,
    Notification,
    Party,
    Role,
)
from calendar_app.permissions import PermissionRefused
from calendar_app.selectors.followed_accounts import followed_accounts_status
from publishing.adapters.base import FollowedAccount
from publishing.followed_accounts import (
    account_key,
    followed_accounts_check,
    followed_accounts_confirm,
    matches,
    watched_in,
    words_of,
)
from publishing.sandbox.following import seed_following
from tests import factories
from tests.publishing import conftest as publishing_fixtures

# The sandbox's fixtures (a real HTTP server on 127.0.0.1), shared with the adapters' tests.
_sandbox_server, sandbox = publishing_fixtures._sandbox_server, publishing_fixtures.sandbox

pytestmark = pytest.mark.django_db
Outcome = FollowedAccountsCheck.Outcome
CREDENTIALS = {
    "mastodon": {"access_token": "jeton"},
    "x": {"access_token": "jeton"},
    "bluesky": {"identifier": "villemontmagny.bsky.social", "app_password": "mot-de-passe"},
}
NEIGHBOURS = [
    {"handle": "bibliotheque", "display_name": "Bibliothèque de Montmagny"},
    {"handle": "cegep", "display_name": "Cégep de La Pocatière"},
]


@pytest.fixture
def period():
    today = datetime.date.today()
    election = ElectionPeriod.objects.create(
        name="Élection générale",
        starts_on=today,
        polling_day=today + datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
    )
    party = Party.objects.create(
        election=election, name="Équipe Montmagny", aliases="EM\n#ÉquipeMontmagny", social_accounts="@equipe_mtm"
    )
    Candidate.objects.create(election=election, full_name="Gilles Boucher", party=party, position="Mairie")
    Candidate.objects.create(
        election=election,
        full_name="Hélène Côté",
        position="District 3",
        social_accounts="https://twitter.com/HCote2029\nhelene@social.example",
    )
    return election


@pytest.fixture
def adviser():
    return factories.reviewer()


def connected(network: str, sandbox_) -> Channel:
    channel = factories.channel(network, api_base_url=sandbox_.url(network))
    channel.set_credentials(CREDENTIALS[network])
    channel.save()
    return channel


def entries(channel: Channel) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(Channel)
    return list(
        AuditEntry.objects.filter(
            target_type=kind, target_id=str(channel.pk), action__startswith="followed_accounts"
        ).order_by("pk")
    )


class TestMatching:
    def test_names_are_found_as_whole_words_whatever_the_accents_and_case(self, period):
        watched = watched_in(period)
        assert matches(FollowedAccount("@gb", "GILLES BOUCHER — Mairie 2029"), watched) == [
            "Candidat : Gilles Boucher (son nom)"
        ]
        assert matches(FollowedAccount("@hc", "Helene Cote, candidate"), watched) == [
            "Candidat : Hélène Côté (son nom)"
        ]
        assert matches(FollowedAccount("@gillesboucherville", "Gilles Boucherville"), watched) == []
        assert matches(FollowedAccount("@bibliotheque", "Bibliothèque de Montmagny"), watched) == []

    def test_a_handle_can_say_the_name_and_a_partys_other_names_count(self, period):
        watched = watched_in(period)
        assert matches(FollowedAccount("@gilles.boucher.bsky.social"), watched) == [
            "Candidat : Gilles Boucher (son nom)"
        ]
        assert matches(FollowedAccount("@em", "EM"), watched) == ["Parti : Équipe Montmagny (son nom)"]
        assert matches(FollowedAccount("@x", "equipemontmagny"), watched) == ["Parti : Équipe Montmagny (son nom)"]

    def test_the_accounts_listed_for_them_match_however_they_are_written(self, period):
        watched = watched_in(period)
        assert matches(FollowedAccount("@Equipe_MTM"), watched) == [
            "Parti : Équipe Montmagny (un compte indiqué pour ce parti ou ce candidat)"
        ]
        assert matches(FollowedAccount("@hcote2029", "", "https://x.com/hcote2029"), watched) == [
            "Candidat : Hélène Côté (un compte indiqué pour ce parti ou ce candidat)"
        ]
        assert matches(FollowedAccount("@helene@social.example"), watched) == [
            "Candidat : Hélène Côté (un compte indiqué pour ce parti ou ce candidat)"
        ]

    def test_keys_and_words(self):
        assert account_key("https://www.Twitter.com/GillesB/") == "x.com/gillesb"
        assert account_key("@Gilles@Social.example") == "gilles@social.example"
        assert words_of("  Équipe-Montmagny!! ") == " equipe montmagny "


class TestFetching:
    @pytest.mark.parametrize("network", ["mastodon", "bluesky", "x"])
    def test_it_flags_the_parties_and_candidates_a_channel_follows(self, network, sandbox, period, adviser):
        seed_following(
            sandbox.state,
            network,
            [*NEIGHBOURS, {"handle": "gboucher", "display_name": "Gilles Boucher"}, {"handle": "equipe_mtm"}],
        )
        channel = connected(network, sandbox)
        check = followed_accounts_check(channel=channel, election=period, actor=adviser)
        assert (check.method, check.outcome, check.accounts_count) == ("fetched", Outcome.FLAGGED, 4)
        assert check.checked_by == adviser and check.checked_at is not None and not check.is_checked
        flagged = {account["display_name"] or account["handle"]: account["matches"] for account in check.flagged}
        assert flagged["Gilles Boucher"] == ["Candidat : Gilles Boucher (son nom)"]
        assert len(flagged) == 2
        [entry] = entries(channel)
        assert entry.action == "followed_accounts_flagged" and entry.actor == adviser
        assert len(entry.after["flagged"]) == 2

    def test_a_flagged_check_tells_the_communications_department_and_the_direction(self, sandbox, period, adviser):
        director = factories.holder(Role.DIRECTION_GENERALE)
        seed_following(sandbox.state, "x", [{"handle": "equipe_mtm", "display_name": "Équipe"}])
        channel = connected("x", sandbox)
        followed_accounts_check(channel=channel, election=period, actor=adviser)
        for person in (adviser, director):
            [notification] = Notification.objects.filter(recipient=person)
            assert "@equipe_mtm" in notification.body and "art. 7" in notification.subject
        seed_following(sandbox.state, "x", NEIGHBOURS)
        followed_accounts_check(channel=channel, election=period, actor=adviser)
        assert Notification.objects.filter(recipient=director).count() == 1  # a clear check tells nobody

    def test_a_channel_that_follows_none_of_them_is_checked(self, sandbox, period, adviser):
        seed_following(sandbox.state, "mastodon", NEIGHBOURS)
        channel = connected("mastodon", sandbox)
        check = followed_accounts_check(channel=channel, election=period, actor=adviser)
        assert (check.outcome, check.flagged, check.accounts_count, check.is_checked) == (Outcome.CLEAR, [], 2, True)
        [row] = [row for row in followed_accounts_status(period) if row.channel == channel]
        assert row.latest == check and row.listed_by_network

    @pytest.mark.parametrize(
        "fault",
        [
            {"status": 401, "message": "The access token is invalid"},
            {"status": 503},
            {"delay": 1},
        ],
        ids=["refused-token", "server-error", "timeout"],
    )
    def test_a_fetch_that_fails_is_recorded_and_checks_nothing(self, sandbox, period, adviser, settings, fault):
        settings.PUBLISHING = {**settings.PUBLISHING, "NETWORK_TIMEOUT_SECONDS": 0.3}
        seed_following(sandbox.state, "x", NEIGHBOURS)
        channel = connected("x", sandbox)
        clear = followed_accounts_check(channel=channel, election=period, actor=adviser)
        assert clear.is_checked
        sandbox.fault("x", {**fault, "match": "GET .*/following"})
        failed = followed_accounts_check(channel=channel, election=period, actor=adviser)
        assert (failed.outcome, failed.accounts_count, failed.flagged) == (Outcome.FAILED, None, [])
        assert failed.error and not failed.is_checked
        # The channel's state in the period is the failure, not the earlier clear check.
        [row] = [row for row in followed_accounts_status(period) if row.channel == channel]
        assert row.latest == failed
        assert [entry.action for entry in entries(channel)] == ["followed_accounts_clear", "followed_accounts_failed"]

    def test_a_channel_without_readable_credentials_fails_the_check(self, period, adviser, sandbox):
        channel = factories.channel("bluesky", api_base_url=sandbox.url("bluesky"), credentials_encrypted="abîmé")
        check = followed_accounts_check(channel=channel, election=period, actor=adviser)
        assert check.outcome == Outcome.FAILED and "reconnect" in check.error

    def test_a_network_that_does_not_list_them_cannot_be_fetched(self, period, adviser):
        with pytest.raises(ValidationError) as raised:
            followed_accounts_check(channel=factories.channel("facebook"), election=period, actor=adviser)
        assert raised.value.code == "not_listed_by_the_network"
        assert not FollowedAccountsCheck.objects.exists()

    def test_only_the_communications_department_checks(self, period, sandbox):
        director = factories.holder(Role.DIRECTION_GENERALE)
        channel = connected("mastodon", sandbox)
        with pytest.raises(PermissionRefused):
            followed_accounts_check(channel=channel, election=period, actor=director)
        with pytest.raises(PermissionRefused):
            followed_accounts_confirm(channel=factories.channel("facebook"), election=period, actor=director)
        assert not FollowedAccountsCheck.objects.exists()


class TestConfirmingByHand:
    def test_a_person_confirms_the_check_with_the_date_and_a_note(self, period, adviser):
        channel = factories.channel("instagram")
        check = followed_accounts_confirm(
            channel=channel, election=period, actor=adviser, note="Liste des abonnements parcourue le matin"
        )
        assert (check.method, check.outcome, check.checked_by, check.is_checked) == (
            "confirmed",
            Outcome.CLEAR,
            adviser,
            True,
        )
        [entry] = entries(channel)
        assert entry.message == "Liste des abonnements parcourue le matin"

    def test_a_network_that_lists_them_is_fetched_not_confirmed(self, period, adviser):
        with pytest.raises(ValidationError) as raised:
            followed_accounts_confirm(channel=factories.channel("mastodon"), election=period, actor=adviser)
        assert raised.value.code == "listed_by_the_network"


class TestTheElectionPage:
    def test_it_shows_each_channel_its_latest_check_and_the_accounts_flagged(self, client, sandbox, period, adviser):
        seed_following(sandbox.state, "bluesky", [{"handle": "gilles.boucher.bsky.social", "display_name": "Gilles"}])
        flagged = connected("bluesky", sandbox)
        unchecked = factories.channel("linkedin", handle="ville-de-montmagny")
        client.force_login(adviser)
        response = client.post(
            reverse("calendar_app:followed_accounts_fetch", args=[flagged.pk]), {"election": period.pk}, follow=True
        )
        page = response.content.decode()
        assert "https://bsky.app/profile/gilles.boucher.bsky.social" in page
        assert "Candidat : Gilles Boucher (son nom)" in page
        assert "ville-de-montmagny" in page and "Non vérifié" in page
        assert reverse("calendar_app:followed_accounts_confirm", args=[unchecked.pk]) in page
        assert any("cessez de le suivre" in str(message) for message in response.context["messages"])

    def test_a_failed_fetch_says_so_on_the_page(self, client, sandbox, period, adviser):
        channel = connected("mastodon", sandbox)
        sandbox.fault("mastodon", {"status": 500, "match": "GET .*/following"})
        client.force_login(adviser)
        response = client.post(
            reverse("calendar_app:followed_accounts_fetch", args=[channel.pk]), {"election": period.pk}, follow=True
        )
        page = response.content.decode()
        assert "pas pu être lue" in page and "est vérifié" in page
        assert FollowedAccountsCheck.objects.get().outcome == Outcome.FAILED

    def test_the_direction_generale_reads_the_checks_but_does_not_make_them(self, client, period):
        channel = factories.channel("facebook")
        client.force_login(factories.holder(Role.DIRECTION_GENERALE))
        page = client.get(reverse("calendar_app:election_detail", args=[period.pk])).content.decode()
        assert "Non vérifié" in page
        assert reverse("calendar_app:followed_accounts_confirm", args=[channel.pk]) not in page
        response = client.post(
            reverse("calendar_app:followed_accounts_confirm", args=[channel.pk]), {"election": period.pk}
        )
        assert response.status_code == 403 and not FollowedAccountsCheck.objects.exists()


class TestDeclaringTheAccounts:
    def test_the_direction_generale_lists_the_parties_and_candidates_accounts_when_declaring_the_period(self, client):
        client.force_login(factories.holder(Role.DIRECTION_GENERALE))
        response = client.post(
            reverse("calendar_app:election_new"),
            {
                "name": "Élection partielle",
                "starts_on": "2031-09-01",
                "polling_day": "2031-10-15",
                "ends_on": "2031-10-15",
                "parties": "Parti du Fleuve | PDF | @partidufleuve | https://www.facebook.com/partidufleuve",
                "candidates": "Gilles Boucher | Mairie | Parti du Fleuve | @gboucher@social.example | @gboucher",
            },
        )
        assert response.status_code == 302
        party, candidate = Party.objects.get(), Candidate.objects.get()
        assert party.aliases == "PDF"
        assert party.social_accounts == "@partidufleuve\nhttps://www.facebook.com/partidufleuve"
        assert candidate.social_accounts == "@gboucher@social.example\n@gboucher"
        watched = watched_in(party.election)
        assert matches(FollowedAccount("@gboucher@social.example", "GB"), watched) == [
            "Candidat : Gilles Boucher (un compte indiqué pour ce parti ou ce candidat)"
        ]
