"""Removing published posts (art. 7) through the networks' APIs, against the sandbox on 127.0.0.1: each
adapter's deletion and its errors, then the removals' service and task — asked once, called once, retried
like publishing, closed when the network no longer has the post, left to a person where the API cannot
delete — and a worker SIGKILLed mid-call."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from calendar_app.models import AuditEntry, ChannelVersion, Notification, Role
from calendar_app.permissions import PermissionRefused
from calendar_app.workflow import Status
from kernel.networks import NETWORKS as REGISTRY
from publishing.adapters.base import AuthError, Gone, Outgoing, PermanentError, TemporaryError
from publishing.models import Removal
from publishing.removals import (
    claim_removals,
    reap_removals,
    removal_confirm_by_hand,
    removal_request,
    removal_retry,
    remove_claimed,
)
from tests import factories
from tests.publishing.conftest import SilentServer
from tests.publishing.test_adapter_contract import NETWORKS
from tests.publishing.test_worker import CLEAN, run_due, sandbox_channel, scheduled

State = Removal.State
DELETING = [code for code, network in NETWORKS.items() if REGISTRY[code].deletes]


# --- The adapters ------------------------------------------------------------------------------------


@pytest.fixture
def published(sandbox, image):
    """Publish once on ``network`` through its adapter; returns (adapter, external id)."""

    def make(network):
        adapter = network.adapter(sandbox)
        fields = {"text": network.text, "idempotency_key": "publication-1"}
        if network.needs_image:
            fields["media"] = (image,)
        return adapter, adapter.publish(Outgoing(**fields)).external_id

    return make


@pytest.mark.parametrize("code", DELETING)
def test_each_network_that_deletes_takes_the_post_off_and_says_gone_the_second_time(sandbox, published, code):
    adapter, external_id = published(NETWORKS[code])
    assert len(sandbox.posts(code)) == 1

    adapter.delete(external_id)

    assert sandbox.posts(code) == []
    if code == "bluesky":  # com.atproto.repo.deleteRecord succeeds on a record that is not there
        adapter.delete(external_id)
    else:
        with pytest.raises(Gone):
            adapter.delete(external_id)


def test_instagram_cannot_delete_and_its_registry_entry_says_so(sandbox, published):
    adapter, external_id = published(NETWORKS["instagram"])
    assert REGISTRY["instagram"].deletes is False
    with pytest.raises(PermanentError, match="Instagram"):
        adapter.delete(external_id)
    assert len(sandbox.posts("instagram")) == 1  # nothing was asked of the network


@pytest.mark.parametrize("code", DELETING)
def test_a_throttled_or_failing_network_is_a_temporary_error_on_deletion(sandbox, published, code):
    adapter, external_id = published(NETWORKS[code])
    sandbox.fault(code, {"status": 429, "retry_after": "7"}, {"status": 503})
    with pytest.raises(TemporaryError) as throttled:
        adapter.delete(external_id)
    low, high = NETWORKS[code].rate_limit_wait  # the wait the network asks for (X's own header may ask longer)
    assert low - 1 <= throttled.value.retry_after <= high + 1
    with pytest.raises(TemporaryError):
        adapter.delete(external_id)
    adapter.delete(external_id)
    assert sandbox.posts(code) == []


@pytest.mark.parametrize("code", ["mastodon", "x", "linkedin", "webhook", "facebook"])
def test_a_refused_token_on_deletion_is_an_auth_error(sandbox, published, code):
    network = NETWORKS[code]
    _adapter, external_id = published(network)
    with pytest.raises(AuthError):
        network.adapter(sandbox, **network.revoked).delete(external_id)
    assert len(sandbox.posts(code)) == 1


def test_a_malformed_answer_to_a_deletion_is_a_temporary_error(sandbox, published):
    adapter, external_id = published(NETWORKS["x"])
    sandbox.fault("x", {"malformed": True, "match": "DELETE"})
    with pytest.raises(TemporaryError):
        adapter.delete(external_id)


def test_x_must_confirm_the_deletion(sandbox, published):
    adapter, external_id = published(NETWORKS["x"])
    sandbox.fault("x", {"status": 200, "message": "ok", "match": "DELETE"})
    with pytest.raises(PermanentError, match="X"):
        adapter.delete(external_id)


# --- The removals ------------------------------------------------------------------------------------


@pytest.fixture
def adviser():
    return factories.reviewer(email="comm@example.org")


def published_post(adviser, channels, body=CLEAN):
    post = scheduled(adviser, channels, body=body)
    assert run_due()
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED
    return post


def marked_published(post):
    """``post`` as if the worker had published it on each channel (for a network the worker cannot reach here)."""
    now = timezone.now()
    for version in post.versions.all():
        ChannelVersion.objects.filter(pk=version.pk).update(
            status=Status.PUBLISHED, due_at=now, published_at=now, external_id=f"ext-{version.pk}"
        )
    post.__class__.objects.filter(pk=post.pk).update(status=Status.PUBLISHED)
    return post


def work(now=None) -> list[str]:
    """What the dispatcher and the django-q2 tasks do with the removals due, in this process."""
    return [remove_claimed(pk, token) for pk, token in claim_removals(now=now)]


@pytest.mark.django_db
class TestRemovals:
    def test_a_post_on_two_networks_is_removed_from_each_and_marked_removed(self, sandbox, adviser):
        mastodon, x = sandbox_channel(sandbox), sandbox_channel(sandbox, "x")
        post = published_post(adviser, [mastodon, x])
        assert len(sandbox.posts("mastodon")) == 1 and len(sandbox.posts("x")) == 1

        removals = removal_request(versions=post.versions.all(), actor=adviser, reason="Contenu électoral (art. 7)")
        assert {removal.state for removal in removals} == {State.REQUESTED}
        assert sorted(work()) == [State.REMOVED, State.REMOVED]

        assert sandbox.posts("mastodon") == [] and sandbox.posts("x") == []
        post.refresh_from_db()
        assert post.status == Status.REMOVED
        assert set(post.versions.values_list("status", flat=True)) == {Status.REMOVED}
        removal = Removal.objects.get(version__channel=mastodon)
        assert (removal.requested_by, removal.reason, removal.attempts) == (adviser, "Contenu électoral (art. 7)", 1)
        assert removal.log[0]["state"] == State.REMOVED and removal.finished_at is not None
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {"removal_requested", "removal_answered"} <= actions
        assert Notification.objects.filter(recipient=adviser, subject__contains=post.title).exists()

    def test_asking_twice_makes_one_removal_and_one_call(self, sandbox, adviser):
        post = published_post(adviser, [sandbox_channel(sandbox)])
        first = removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        again = removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        assert len(first) == 1 and again == []
        claims = claim_removals()
        assert claim_removals() == []  # claimed once
        assert [remove_claimed(pk, token) for pk, token in claims] == [State.REMOVED]
        assert remove_claimed(*claims[0]) == "stale"  # django-q2 delivering the task twice
        assert Removal.objects.get().attempts == 1

    def test_a_network_that_cannot_delete_leaves_a_task_for_a_person(self, sandbox, adviser):
        mastodon, instagram = sandbox_channel(sandbox), sandbox_channel(sandbox, "instagram")
        post = marked_published(factories.post(author=adviser, channels=[mastodon, instagram]))

        removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        by_hand = Removal.objects.get(version__channel=instagram)
        assert by_hand.state == State.BY_HAND and "Instagram" in by_hand.explanation
        assert [pk for pk, _token in claim_removals()] == [Removal.objects.get(version__channel=mastodon).pk]
        assert Notification.objects.filter(recipient=adviser, body__contains=str(instagram)).exists()

        removal_confirm_by_hand(removal=by_hand, actor=adviser, note="Supprimée dans l'application")
        by_hand.refresh_from_db()
        assert (by_hand.state, by_hand.confirmed_by) == (State.REMOVED_BY_HAND, adviser)
        assert ChannelVersion.objects.get(pk=by_hand.version_id).status == Status.REMOVED
        with pytest.raises(ValidationError):
            removal_confirm_by_hand(removal=by_hand, actor=adviser)

    def test_a_throttled_network_is_retried_after_its_retry_after(self, sandbox, adviser):
        post = published_post(adviser, [sandbox_channel(sandbox)])
        removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        sandbox.fault("mastodon", {"status": 429, "retry_after": "60", "match": "DELETE"})

        assert work() == [State.REQUESTED]
        removal = Removal.objects.get()
        assert removal.next_attempt_at >= timezone.now() + datetime.timedelta(seconds=55)
        assert removal.http_status == 429 and "429" in removal.log[0]["answer"]
        assert work() == []  # not before its time
        assert work(now=removal.next_attempt_at) == [State.REMOVED]
        assert Removal.objects.get().attempts == 2 and sandbox.posts("mastodon") == []

    def test_a_post_already_gone_is_closed_not_failed(self, sandbox, adviser):
        post = published_post(adviser, [sandbox_channel(sandbox)])
        sandbox.posts("mastodon")[0].deleted = True  # someone deleted it on the network
        removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        assert work() == [State.GONE]
        assert post.versions.get().status == Status.REMOVED

    def test_a_network_down_past_the_tries_fails_then_a_person_tries_again(self, sandbox, adviser, settings):
        settings.PUBLISHING = {**settings.PUBLISHING, "MAX_ATTEMPTS": 2}
        post = published_post(adviser, [sandbox_channel(sandbox)])
        removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        sandbox.fault("mastodon", {"status": 503, "match": "DELETE", "sticky": True})
        assert work() == [State.REQUESTED]
        assert work(now=Removal.objects.get().next_attempt_at) == [State.FAILED]
        removal = Removal.objects.get()
        assert "2" in removal.error and post.versions.get().status == Status.PUBLISHED
        assert Notification.objects.filter(subject__contains=post.title).exists()

        sandbox.state.faults["mastodon"].clear()
        removal_retry(removal=removal, actor=adviser)
        assert work() == [State.REMOVED]

    def test_a_refusal_fails_at_once(self, sandbox, adviser):
        post = published_post(adviser, [sandbox_channel(sandbox)])
        removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        sandbox.fault("mastodon", {"status": 422, "message": "Validation failed", "match": "DELETE"})
        assert work() == [State.FAILED]
        assert "Validation failed" in Removal.objects.get().error

    def test_a_refused_token_waits_for_the_channel_to_be_reconnected(self, sandbox, adviser):
        channel = sandbox_channel(sandbox)
        post = published_post(adviser, [channel])
        removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        sandbox.fault("mastodon", {"status": 401, "match": "DELETE"})
        assert work() == [State.REQUESTED]
        channel.refresh_from_db()
        assert channel.connection == channel.Connection.TO_RECONNECT
        assert work() == []  # nothing is called on a channel to reconnect

    def test_a_network_that_hangs_is_tried_again_and_nothing_is_doubled(self, sandbox, adviser, settings):
        settings.PUBLISHING = {**settings.PUBLISHING, "NETWORK_TIMEOUT_SECONDS": 0.5}
        channel = sandbox_channel(sandbox)
        post = published_post(adviser, [channel])
        removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        silent = SilentServer()
        try:
            channel.api_base_url = silent.url
            channel.save()
            assert work() == [State.REQUESTED]
        finally:
            silent.close()
        assert "ReadTimeout" in Removal.objects.get().error
        channel.api_base_url = sandbox.url("mastodon")
        channel.save()
        assert work(now=Removal.objects.get().next_attempt_at) == [State.REMOVED]

    def test_a_lapsed_claim_is_reaped_and_the_late_answer_of_the_stopped_worker_is_ignored(self, sandbox, adviser):
        post = published_post(adviser, [sandbox_channel(sandbox)])
        removal_request(versions=post.versions.all(), actor=adviser, reason="Campagne")
        [stopped] = claim_removals()
        later = timezone.now() + datetime.timedelta(minutes=5)
        assert reap_removals(now=later) == 1
        [fresh] = claim_removals(now=later)
        assert remove_claimed(*fresh) == State.REMOVED
        assert remove_claimed(*stopped) == "stale"
        assert Removal.objects.get().state == State.REMOVED

    def test_only_the_communications_department_and_the_direction_generale_remove(self, sandbox, adviser):
        post = published_post(adviser, [sandbox_channel(sandbox)])
        others = [
            factories.holder(Role.SERVICE_MEMBER, service=factories.service()),
            factories.holder(Role.ORGANISATION_REPRESENTATIVE, organisation=factories.organisation()),
            factories.holder(Role.PUBLISHER, channels=[post.versions.get().channel]),
        ]
        for person in others:
            with pytest.raises(PermissionRefused):
                removal_request(versions=post.versions.all(), actor=person, reason="Campagne")
        assert not Removal.objects.exists()
        assert removal_request(
            versions=post.versions.all(), actor=factories.holder(Role.DIRECTION_GENERALE), reason="Campagne"
        )

    def test_a_reason_is_required_and_only_published_versions_are_removed(self, sandbox, adviser):
        post = published_post(adviser, [sandbox_channel(sandbox)])
        with pytest.raises(ValidationError, match="art. 7"):
            removal_request(versions=post.versions.all(), actor=adviser, reason="   ")
        draft = factories.post(author=adviser, channels=[sandbox_channel(sandbox)])
        assert removal_request(versions=draft.versions.all(), actor=adviser, reason="Campagne") == []
        assert ChannelVersion.objects.filter(status=Status.REMOVED).count() == 0
