"""The publishing worker against the sandbox's Mastodon: claims, outcomes, retries, reconciliation, enforcement."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendar_app.models import Candidate, Channel, ChannelVersion, ElectionPeriod, Notification, Post, Role
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.workflow import Status
from publishing.adapters import adapter_for
from publishing.claims import claim_due
from publishing.models import PublicationAttempt
from publishing.reaper import reap
from publishing.sending import outgoing_for
from publishing.task import publish_claimed
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


@pytest.fixture
def adviser():
    return factories.reviewer(email="comm@example.org")


def sandbox_channel(sandbox, network="mastodon", token="jeton"):
    channel = factories.channel(network, api_base_url=sandbox.url(network))
    channel.set_credentials({"access_token": token})
    channel.save()
    return channel


def scheduled(author, channels, *, body=CLEAN, due=None, **fields) -> Post:
    post = factories.post(author=author, body=body, channels=channels, **fields)
    post_services.post_approve(post=post, reviewer=author, acknowledge_warnings=True)
    due = due or timezone.now() + datetime.timedelta(seconds=1)
    scheduling.post_schedule(post=post, actor=author, timing=scheduling.Timing(default=due), acknowledge_warnings=True)
    return post


def run_due(now=None) -> list[str]:
    """What the dispatcher and one django-q2 task would do, in this process."""
    now = now or timezone.now() + datetime.timedelta(seconds=5)
    claims = claim_due(now=now)
    return [publish_claimed(claim.version_id, claim.token, wait=False) for claim in claims]


class TestClaims:
    def test_only_due_versions_are_claimed_and_only_once(self, sandbox, adviser):
        channel = sandbox_channel(sandbox)
        soon = scheduled(adviser, [channel], due=timezone.now() + datetime.timedelta(seconds=1))
        scheduled(adviser, [channel], due=timezone.now() + datetime.timedelta(hours=1), title="Plus tard")
        first = claim_due(now=timezone.now())
        assert [claim.version_id for claim in first] == [soon.versions.get().pk]
        assert claim_due(now=timezone.now()) == []
        version = soon.versions.get()
        assert (version.status, version.attempts, version.claim_token) == (Status.PUBLISHING, 1, first[0].token)
        soon.refresh_from_db()
        assert soon.status == Status.PUBLISHING

    def test_emergencies_are_claimed_first(self, sandbox, adviser):
        channel = sandbox_channel(sandbox)
        ordinary = scheduled(adviser, [channel], due=timezone.now() - datetime.timedelta(seconds=30))
        urgent = scheduled(adviser, [channel], due=timezone.now())
        Post.objects.filter(pk=urgent.pk).update(is_emergency=True)
        claims = claim_due(now=timezone.now() + datetime.timedelta(seconds=5), limit=1)
        assert [claim.version_id for claim in claims] == [urgent.versions.get().pk]
        assert ordinary.versions.get().status == Status.SCHEDULED

    def test_a_channel_to_reconnect_is_not_claimed(self, sandbox, adviser):
        channel = sandbox_channel(sandbox)
        scheduled(adviser, [channel])
        Channel.objects.filter(pk=channel.pk).update(connection=Channel.Connection.TO_RECONNECT)
        assert run_due() == []


class TestOutcomes:
    def test_a_post_goes_out_once_with_its_key_and_everything_is_recorded(self, sandbox, adviser):
        channel = sandbox_channel(sandbox)
        post = scheduled(adviser, [channel])
        assert run_due() == ["published"]
        version = post.versions.get()
        [received] = sandbox.posts("mastodon")
        assert (received.text, received.idempotency_key) == (CLEAN, str(version.idempotency_key))
        assert (version.status, version.external_id) == (Status.PUBLISHED, received.external_id)
        post.refresh_from_db()
        assert post.status == Status.PUBLISHED
        attempt = PublicationAttempt.objects.get()
        assert attempt.outcome == "published" and attempt.call_started_at and attempt.finished_at

    def test_the_same_claim_delivered_twice_publishes_once(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        assert publish_claimed(claim.version_id, claim.token, wait=False) == "published"
        assert publish_claimed(claim.version_id, claim.token, wait=False) == "stale"
        assert len(sandbox.posts("mastodon")) == 1 and post.versions.get().attempts == 1

    def test_429_retries_later_honouring_retry_after(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        sandbox.fault("mastodon", {"status": 429, "retry_after": "120", "match": "POST"})
        assert run_due() == ["temporary"]
        version = post.versions.get()
        assert version.status == Status.SCHEDULED
        assert version.next_attempt_at >= timezone.now() + datetime.timedelta(seconds=115)
        assert "rythme" in version.last_error  # recorded in French
        assert run_due() == []  # not before its time
        assert run_due(now=version.next_attempt_at + datetime.timedelta(seconds=1)) == ["published"]
        assert len(sandbox.posts("mastodon")) == 1

    def test_temporary_errors_give_up_after_the_limit(self, sandbox, adviser, settings):
        settings.PUBLISHING = {**settings.PUBLISHING, "MAX_ATTEMPTS": 2, "RETRY_BASE_SECONDS": 0.0}
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        sandbox.fault("mastodon", {"status": 503, "match": "POST"}, {"status": 500, "match": "POST"})
        far = timezone.now() + datetime.timedelta(minutes=5)
        assert run_due(far) == ["temporary"]
        assert run_due(far) == ["temporary"]
        version = post.versions.get()
        assert version.status == Status.FAILED and "2" in version.last_error

    def test_a_permanent_error_fails_one_channel_and_leaves_the_others(self, sandbox, adviser):
        good, bad = sandbox_channel(sandbox), sandbox_channel(sandbox)
        post = scheduled(adviser, [good, bad])
        sandbox.fault(
            "mastodon", {"status": 422, "message": "Validation failed: Text character limit", "match": "POST"}
        )
        outcomes = sorted(run_due())
        assert outcomes == ["permanent", "published"]
        post.refresh_from_db()
        assert post.status == Status.PARTIALLY_PUBLISHED
        failed = ChannelVersion.objects.get(status=Status.FAILED)
        published = ChannelVersion.objects.get(status=Status.PUBLISHED)
        assert {failed.channel_id, published.channel_id} == {good.pk, bad.pk}
        assert "Validation failed" in failed.last_error
        assert Notification.objects.filter(recipient=adviser, post=post).exists()

        scheduling.version_retry(version=failed, actor=adviser)
        assert run_due() == ["published"]
        post.refresh_from_db()
        assert post.status == Status.PUBLISHED and len(sandbox.posts("mastodon")) == 2

    def test_a_revoked_token_stops_the_channel_and_tells_the_team(self, sandbox, adviser):
        channel = sandbox_channel(sandbox, token="revoked")
        post = scheduled(adviser, [channel])
        assert run_due() == ["auth"]
        channel.refresh_from_db()
        assert channel.connection == Channel.Connection.TO_RECONNECT
        assert post.versions.get().status == Status.SCHEDULED
        assert Notification.objects.filter(recipient=adviser, kind="channel").exists()
        assert run_due() == []  # no more attempts until it is reconnected

    def test_a_timeout_after_sending_is_reconciled_not_doubled(self, sandbox, adviser, settings):
        settings.PUBLISHING = {**settings.PUBLISHING, "NETWORK_TIMEOUT_SECONDS": 0.5}
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        sandbox.fault("mastodon", {"drop_after_receive": True, "hold": 1, "match": "POST /api/v1/statuses"})
        assert run_due() == ["found"]
        assert post.versions.get().status == Status.PUBLISHED and len(sandbox.posts("mastodon")) == 1


class TestTheReaper:
    def test_a_claim_never_started_is_released(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        claim_due(now=timezone.now() + datetime.timedelta(seconds=5))  # the task was lost
        later = timezone.now() + datetime.timedelta(minutes=10)
        assert reap(now=later) == {"released": 1, "reconciled": 0}
        assert post.versions.get().status == Status.SCHEDULED
        assert run_due() == ["published"]

    def test_a_worker_killed_after_sending_is_reconciled_with_the_network(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        version = ChannelVersion.objects.get(pk=claim.version_id)
        # What a killed worker leaves behind: the attempt recorded, the post sent, nothing else.
        PublicationAttempt.objects.create(version=version, number=1, claim_token=claim.token)
        adapter_for(version.channel).publish(outgoing_for(version))
        assert reap(now=timezone.now() + datetime.timedelta(minutes=10))["reconciled"] == 1
        assert post.versions.get().status == Status.PUBLISHED and len(sandbox.posts("mastodon")) == 1

    def test_a_worker_killed_before_sending_is_sent_once_by_the_reaper(self, sandbox, adviser):
        # Mastodon answers a repeated Idempotency-Key with the first status: sending again is exact.
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        PublicationAttempt.objects.create(version_id=claim.version_id, number=1, claim_token=claim.token)
        reap(now=timezone.now() + datetime.timedelta(minutes=10))
        assert post.versions.get().status == Status.PUBLISHED and len(sandbox.posts("mastodon")) == 1

    def test_where_the_network_has_no_such_post_it_is_retried_later(self, sandbox, adviser, settings):
        settings.PUBLISHING = {**settings.PUBLISHING, "RETRY_BASE_SECONDS": 0.0}
        channel = factories.channel("webhook", api_base_url=sandbox.url("webhook"))
        channel.set_credentials({"secret": "sandbox-secret"})
        channel.save()
        post = scheduled(adviser, [channel])
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        PublicationAttempt.objects.create(version_id=claim.version_id, number=1, claim_token=claim.token)
        reap(now=timezone.now() + datetime.timedelta(minutes=10))
        assert post.versions.get().status == Status.SCHEDULED
        assert run_due(timezone.now() + datetime.timedelta(minutes=11)) == ["published"]
        assert len(sandbox.posts("webhook")) == 1


class TestLastMomentEnforcement:
    def test_a_post_approved_before_an_election_period_and_due_inside_it_is_blocked(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)], body="Votez pour Gilles Boucher, le meilleur !")
        today = timezone.localdate()
        period = ElectionPeriod.objects.create(
            name="Élection", starts_on=today, polling_day=today, ends_on=today + datetime.timedelta(days=1)
        )
        Candidate.objects.create(election=period, full_name="Gilles Boucher", position="Mairie")
        assert run_due() == ["blocked"]
        version = post.versions.get()
        assert version.status == Status.BLOCKED and "7" in version.last_error
        post.refresh_from_db()
        assert post.status == Status.BLOCKED and not sandbox.posts("mastodon")
        assert Notification.objects.filter(post=post, recipient=adviser).exists()

    def test_a_request_without_a_recorded_approval_is_blocked(self, sandbox, adviser):
        service = factories.service()
        member = factories.person()
        factories.role(member, Role.SERVICE_MEMBER, service=service)
        channel = sandbox_channel(sandbox)
        post = factories.post(
            author=member, channels=[channel], origin="service_request", requesting_service=service, body=CLEAN
        )
        # Moved by hand past review, as a bug or a direct database edit would.
        Post.objects.filter(pk=post.pk).update(status=Status.SCHEDULED)
        ChannelVersion.objects.filter(post=post).update(status=Status.SCHEDULED, due_at=timezone.now())
        assert run_due() == ["blocked"]
        assert "approval" in post.versions.get().last_error or "approbation" in post.versions.get().last_error
