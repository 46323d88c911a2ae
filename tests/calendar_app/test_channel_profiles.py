"""A channel's profile checklist (art. 5.10, 9.1): the bio with the city's disclaimer, the logo, the link to the
website, the entry of the page of official accounts, each confirmed by the communications department, and the
Direction générale's authorisation (art. 8.1). A channel is authorised, listed and published on only once its
checklist is complete."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import AuditEntry, Channel, Municipality, Notification, ProfileItem, Role
from calendar_app.permissions import PermissionRefused
from calendar_app.selectors.channels import official_channels
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.channels import (
    channel_authorise,
    channel_profile_confirm,
    channel_profile_withdraw,
    channel_update,
)
from publishing.sending import last_moment_refusals
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


@pytest.fixture
def municipality():
    return Municipality.objects.create(
        name="Ville de Montmagny",
        website_domain="ville.montmagny.qc.ca",
        main_email="info@ville.montmagny.qc.ca",
        main_phone="418 248-3361",
        address="143, rue Saint-Jean-Baptiste Est",
    )


@pytest.fixture
def adviser():
    return factories.reviewer()


@pytest.fixture
def director():
    someone = factories.person()
    factories.role(someone, Role.DIRECTION_GENERALE)
    return someone


def entries(channel: Channel, action: str) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(Channel)
    return list(AuditEntry.objects.filter(target_type=kind, target_id=str(channel.pk), action=action).order_by("pk"))


def fresh(channel: Channel) -> Channel:
    return Channel.objects.get(pk=channel.pk)


class TestTheChecklist:
    def test_an_account_the_direction_generale_authorised_is_not_authorised_until_its_profile_is_checked(self, adviser):
        channel = factories.channel("mastodon", profile_checked=False)
        assert channel.authorised_at is not None and not channel.is_authorised
        assert channel not in official_channels()
        for item in ProfileItem:
            assert not fresh(channel).is_authorised
            channel_profile_confirm(channel=channel, item=item, actor=adviser)
        assert fresh(channel).is_authorised and channel in official_channels()

    def test_a_checked_profile_still_waits_for_the_direction_generale(self, adviser, director):
        channel = factories.channel("bluesky", authorised_by=None, authorised_at=None, profile_checked=False)
        for item in ProfileItem:
            channel_profile_confirm(channel=channel, item=item, actor=adviser)
        assert fresh(channel).missing_for_authorisation() == ["Autorisation de la Direction générale (art. 8.1)"]
        assert channel not in official_channels()
        channel_authorise(channel=channel, actor=director)
        assert fresh(channel).is_authorised and channel in official_channels()

    def test_the_citys_own_outlets_have_no_profile_to_check(self):
        feed = factories.channel("feed", profile_checked=False)
        assert feed.profile_items() == [] and feed.is_authorised and feed in official_channels()

    def test_each_confirmation_records_who_and_when_and_the_bio_entry_quotes_the_disclaimer(
        self, adviser, municipality
    ):
        municipality.profile_disclaimer = "La Ville n'endosse pas les propos de ses abonnés."
        municipality.save()
        channel = factories.channel("x", profile_checked=False)
        before = timezone.now()
        confirmation = channel_profile_confirm(
            channel=channel, item=ProfileItem.BIO, actor=adviser, note="Bio mise à jour"
        )
        assert confirmation.confirmed_by == adviser and confirmation.confirmed_at >= before
        [entry] = entries(channel, "channel_profile_confirmed")
        assert entry.actor == adviser and entry.after["item"] == "bio"
        assert "La Ville n'endosse pas les propos de ses abonnés." in entry.message
        assert "Bio mise à jour" in entry.message

    def test_the_direction_generale_is_told_once_a_profile_awaits_its_authorisation(self, adviser, director):
        channel = factories.channel("x", authorised_by=None, authorised_at=None, profile_checked=False)
        for item in ProfileItem:
            assert not Notification.objects.filter(recipient=director).exists()
            channel_profile_confirm(channel=channel, item=item, actor=adviser)
        [notification] = Notification.objects.filter(recipient=director)
        assert str(channel) in notification.subject and "8.1" in notification.body
        already = factories.channel("x", profile_checked=False)  # authorised already: nobody to tell
        for item in ProfileItem:
            channel_profile_confirm(channel=already, item=item, actor=adviser)
        assert Notification.objects.filter(recipient=director).count() == 1

    def test_an_item_is_confirmed_once(self, adviser):
        channel = factories.channel("x")
        with pytest.raises(ValidationError) as raised:
            channel_profile_confirm(channel=channel, item=ProfileItem.LOGO, actor=adviser)
        assert raised.value.code == "already_confirmed"
        assert channel.profile_confirmations.count() == len(ProfileItem)

    def test_an_outlet_has_no_profile_item_to_confirm(self, adviser):
        with pytest.raises(ValidationError) as raised:
            channel_profile_confirm(channel=factories.channel("webhook"), item=ProfileItem.BIO, actor=adviser)
        assert raised.value.code == "unknown_profile_item"

    def test_only_the_communications_department_confirms_and_the_refusal_is_recorded(self, director):
        channel = factories.channel("x", profile_checked=False)
        with pytest.raises(PermissionRefused):
            channel_profile_confirm(channel=channel, item=ProfileItem.LOGO, actor=director)
        assert not channel.profile_confirmations.exists()
        assert AuditEntry.objects.filter(action="permission_refused", actor=director).exists()

    def test_withdrawing_an_item_says_why_and_stops_the_channel(self, adviser):
        channel = factories.channel("mastodon")
        with pytest.raises(ValidationError):
            channel_profile_withdraw(channel=channel, item=ProfileItem.LOGO, actor=adviser, reason="  ")
        assert fresh(channel).is_authorised
        channel_profile_withdraw(channel=channel, item=ProfileItem.LOGO, actor=adviser, reason="Nouveau logo")
        channel = fresh(channel)
        assert not channel.is_authorised and channel.missing_profile_items() == [ProfileItem.LOGO]
        [entry] = entries(channel, "channel_profile_withdrawn")
        assert entry.before["item"] == "logo" and entry.message == "Nouveau logo"

    def test_a_new_account_must_have_its_profile_checked_again(self, adviser):
        channel = factories.channel("mastodon")
        assert channel_update(channel=channel, actor=adviser, changes={"handle": "@autre@mastodon.example"})
        assert channel.profile_confirmations.count() == 0
        [entry] = entries(channel, "channel_account_changed")
        assert entry.before["profile_confirmations"] == sorted(item.value for item in ProfileItem)


class TestPublishing:
    def test_a_channel_with_an_unchecked_profile_cannot_be_scheduled_on_and_says_what_is_missing(self):
        channel = factories.channel("facebook", profile_checked=False)
        post = factories.post(body=CLEAN, channels=[channel])
        post_services.post_approve(post=post, reviewer=post.author, acknowledge_warnings=True)
        timing = scheduling.Timing(default=timezone.now() + datetime.timedelta(days=1))
        with pytest.raises(ValidationError) as raised:
            scheduling.post_schedule(post=post, actor=post.author, timing=timing, acknowledge_warnings=True)
        assert raised.value.code == "channel_not_authorised"
        assert "art. 5.10, 8.1, 9.1" in raised.value.messages[0] and "Logo officiel" in raised.value.messages[0]

    def test_the_worker_refuses_at_the_last_moment_a_channel_whose_profile_was_withdrawn(self, adviser):
        channel = factories.channel("facebook")
        post = factories.post(body=CLEAN, channels=[channel])
        post_services.post_approve(post=post, reviewer=post.author, acknowledge_warnings=True)
        version = post.versions.select_related("channel", "post").get()
        assert not any("liste de vérification" in reason for reason in last_moment_refusals(version))
        channel_profile_withdraw(channel=channel, item=ProfileItem.BIO, actor=adviser, reason="Bio effacée")
        version = post.versions.select_related("channel", "post").get()
        reasons = last_moment_refusals(version)
        assert any("art. 5.10" in reason and "non-responsabilité" in reason for reason in reasons)


class TestThePage:
    def test_the_channels_page_shows_each_item_the_missing_ones_and_the_disclaimer(self, client, adviser, municipality):
        checked = factories.channel("mastodon", handle="@ville@mastodon.example")
        unchecked = factories.channel("bluesky", handle="ville.bsky.social", profile_checked=False)
        client.force_login(adviser)
        page = client.get(reverse("calendar_app:channel_list")).content.decode()
        assert municipality.profile_disclaimer.replace("'", "&#x27;") in page
        assert "https://ville.montmagny.qc.ca" in page
        assert page.count(reverse("calendar_app:channel_profile_confirm", args=[unchecked.pk])) == len(ProfileItem)
        for confirmation in checked.profile_confirmations.all():
            assert reverse("calendar_app:channel_profile_withdraw", args=[confirmation.pk]) in page
        assert "il manque :" in page and "Autorisé" in page

    def test_confirming_through_the_page_records_it_and_tells_what_is_left(self, client, adviser):
        channel = factories.channel("bluesky", profile_checked=False)
        client.force_login(adviser)
        response = client.post(
            reverse("calendar_app:channel_profile_confirm", args=[channel.pk]), {"item": "logo"}, follow=True
        )
        assert channel.profile_confirmations.filter(item="logo", confirmed_by=adviser).exists()
        [message] = [str(message) for message in response.context["messages"]]
        assert "Bio avec l'avis de non-responsabilité" in message and "Logo officiel" not in message

    def test_the_direction_generale_sees_the_checklist_but_does_not_tick_it(self, client, director):
        channel = factories.channel("bluesky", profile_checked=False)
        client.force_login(director)
        page = client.get(reverse("calendar_app:channel_list")).content.decode()
        assert "Logo officiel" in page
        assert reverse("calendar_app:channel_profile_confirm", args=[channel.pk]) not in page
        response = client.post(reverse("calendar_app:channel_profile_confirm", args=[channel.pk]), {"item": "logo"})
        assert response.status_code == 403 and not channel.profile_confirmations.exists()


def test_an_emergency_is_published_only_on_authorised_channels():
    from calendar_app.forms import EmergencyPostForm

    checked = factories.channel("facebook", emergency_enabled=True)
    unchecked = factories.channel("x", emergency_enabled=True, profile_checked=False)
    offered = list(EmergencyPostForm().fields["channels"].queryset)
    assert checked in offered and unchecked not in offered


def test_the_direction_generale_is_told_what_its_authorisation_still_waits_for(client, director):
    channel = factories.channel("mastodon", authorised_by=None, authorised_at=None, profile_checked=False)
    client.force_login(director)
    response = client.post(reverse("calendar_app:channel_authorise", args=[channel.pk]), follow=True)
    [message] = [str(message) for message in response.context["messages"]]
    assert "est enregistrée (art. 8.1)" in message and "Logo officiel" in message
    assert not fresh(channel).is_authorised and fresh(channel).authorised_by == director
