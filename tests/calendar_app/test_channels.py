"""A channel's authorisation (art. 8.1) and credentials belong to one account at one API address:
changing either withdraws both, through the service and through the admin's change form."""

from __future__ import annotations

import json

import pytest
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from calendar_app.models import AuditEntry, Channel
from calendar_app.services.audit import HIDDEN
from calendar_app.services.channels import channel_update
from tests import factories
from tests.calendar_app.test_admin import form_data

pytestmark = pytest.mark.django_db
TOKEN = "jeton-du-compte-de-la-ville"


@pytest.fixture
def connected():
    """An authorised channel whose credentials are stored, as the communications team uses it every day."""
    channel = factories.channel("mastodon", api_base_url="https://mastodon.example/api")
    channel.set_credentials({"access_token": TOKEN})
    channel.save()
    return channel


def entries_for(channel) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(Channel)
    return list(AuditEntry.objects.filter(target_type=kind, target_id=str(channel.pk)).order_by("pk"))


def assert_withdrawn(channel: Channel) -> None:
    channel.refresh_from_db()
    assert (channel.authorised_by, channel.authorised_at) == (None, None)
    assert not channel.has_credentials and channel.get_credentials() == {}
    assert channel.connection == Channel.Connection.TO_RECONNECT


ACCOUNT_CHANGES = [
    {"handle": "@autre-compte"},
    {"url": "https://mastodon.example/@autre-compte"},
    {"api_base_url": "https://ailleurs.example/api"},
    {"api_base_url": ""},  # back to the network's documented address: another host all the same
    {"network": "bluesky"},
]


class TestTheService:
    @pytest.mark.parametrize("changes", ACCOUNT_CHANGES, ids=lambda changes: next(iter(changes)))
    def test_changing_the_account_or_its_api_address_withdraws_the_authorisation_and_credentials(
        self, connected, changes
    ):
        dg = factories.person()
        assert channel_update(channel=connected, actor=dg, changes=changes) is True
        assert_withdrawn(connected)
        [entry] = entries_for(connected)
        assert (entry.action, entry.actor) == ("channel_account_changed", dg)
        assert entry.after["authorised_at"] is None and entry.after["credentials_encrypted"] == ""
        assert entry.before["credentials_encrypted"] == HIDDEN
        assert "8.1" in entry.message
        assert TOKEN not in json.dumps([entry.before, entry.after, entry.message])

    def test_other_changes_keep_the_authorisation_and_the_credentials(self, connected):
        changes = {"name": "Ville — Mastodon (nouveau nom)", "emergency_enabled": True, "is_active": False}
        assert channel_update(channel=connected, actor=factories.person(), changes=changes) is False
        connected.refresh_from_db()
        assert connected.is_authorised and connected.get_credentials() == {"access_token": TOKEN}
        assert connected.connection == Channel.Connection.CONNECTED
        [entry] = entries_for(connected)
        assert entry.action == "changed" and set(entry.after) == set(changes)

    def test_the_authorisation_is_withdrawn_even_when_the_change_restates_it(self, connected):
        changes = {"handle": "@autre-compte", "authorised_by": connected.authorised_by, "authorised_at": None}
        channel_update(channel=connected, actor=factories.person(), changes=changes)
        assert_withdrawn(connected)

    def test_credentials_given_with_the_new_address_are_kept_but_the_authorisation_is_not(self, connected):
        new = {"access_token": "jeton-du-nouveau-compte"}
        changes = {"api_base_url": "https://ailleurs.example/api"}
        assert channel_update(channel=connected, actor=factories.person(), changes=changes, credentials=new)
        connected.refresh_from_db()
        assert not connected.is_authorised and connected.get_credentials() == new
        assert connected.connection == Channel.Connection.CONNECTED

    def test_it_is_decided_from_the_stored_row_not_from_the_callers_copy(self, connected):
        stale = Channel.objects.get(pk=connected.pk)
        stale.handle = "@autre-compte"  # e.g. a form's instance, already changed in memory
        channel_update(channel=stale, actor=factories.person(), changes={"handle": "@autre-compte"})
        assert_withdrawn(connected)
        assert stale.handle == "@autre-compte" and not stale.is_authorised  # the caller's copy is refreshed

    def test_recording_credentials_reconnects_a_channel_to_reconnect(self, connected):
        channel_update(channel=connected, actor=factories.person(), changes={"handle": "@autre-compte"})
        channel_update(channel=connected, actor=factories.person(), changes={}, credentials={"access_token": "x"})
        connected.refresh_from_db()
        assert connected.connection == Channel.Connection.CONNECTED and connected.has_credentials
        assert not connected.is_authorised  # the Direction générale still has to authorise the new account

    def test_an_unauthorised_channel_without_credentials_changes_its_account_freely(self):
        channel = factories.channel(authorised_by=None, authorised_at=None, profile_checked=False)
        assert channel_update(channel=channel, actor=factories.person(), changes={"handle": "@nouveau"}) is False
        channel.refresh_from_db()
        assert channel.handle == "@nouveau" and channel.connection == Channel.Connection.CONNECTED

    def test_a_field_that_is_not_editable_is_refused(self, connected):
        with pytest.raises(ValueError):
            channel_update(channel=connected, actor=factories.person(), changes={"credentials_encrypted": "x"})


def change_url(channel) -> str:
    return reverse("admin:calendar_app_channel_change", args=[channel.pk])


class TestTheAdmin:
    def test_changing_the_handle_in_the_admin_withdraws_the_authorisation_and_credentials(
        self, admin_client, admin_user, connected
    ):
        url = change_url(connected)
        data, _prefixes = form_data(admin_client.get(url))
        assert data["authorised_by"] and data["authorised_at_0"]  # the form sends the authorisation back as is
        data["handle"] = "@autre-compte"
        response = admin_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert_withdrawn(connected)
        assert connected.handle == "@autre-compte"
        [entry] = entries_for(connected)
        assert (entry.action, entry.actor) == ("channel_account_changed", admin_user)
        assert TOKEN not in json.dumps([entry.before, entry.after])
        shown = [(message.level, message.message) for message in response.context["messages"]]
        assert any(level == messages.WARNING and "8.1" in text for level, text in shown)

    def test_changing_the_api_address_in_the_admin_withdraws_them_too(self, admin_client, connected):
        url = change_url(connected)
        data, _prefixes = form_data(admin_client.get(url))
        data["api_base_url"] = "https://ailleurs.example/api"
        assert admin_client.post(url, data).status_code == 302
        assert_withdrawn(connected)

    def test_renaming_in_the_admin_keeps_them_and_is_audited_once(self, admin_client, connected):
        url = change_url(connected)
        data, _prefixes = form_data(admin_client.get(url))
        data["name"] = "Ville — Mastodon (nouveau nom)"
        assert admin_client.post(url, data).status_code == 302
        connected.refresh_from_db()
        assert connected.is_authorised and connected.get_credentials() == {"access_token": TOKEN}
        [entry] = entries_for(connected)
        assert entry.action == "changed" and entry.after == {"name": "Ville — Mastodon (nouveau nom)"}

    def test_new_credentials_in_the_admin_reconnect_the_channel(self, admin_client, connected):
        Channel.objects.filter(pk=connected.pk).update(connection=Channel.Connection.TO_RECONNECT)
        url = change_url(connected)
        data, _prefixes = form_data(admin_client.get(url))
        data["new_credentials"] = '{"access_token": "jeton-renouvele"}'
        assert admin_client.post(url, data).status_code == 302
        connected.refresh_from_db()
        assert connected.connection == Channel.Connection.CONNECTED
        assert connected.get_credentials() == {"access_token": "jeton-renouvele"}
        assert connected.is_authorised
