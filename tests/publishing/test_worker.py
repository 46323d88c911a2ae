"""The publishing worker against the sandbox's Mastodon: claims, outcomes, retries, unknown outcomes and their
look-ups, the reaper, slow networks, the attempt log, enforcement."""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
import time

import pytest
from django.conf import settings
from django.utils import timezone

from calendar_app.models import Candidate, Channel, ChannelVersion, ElectionPeriod, Notification, Post, Role
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.workflow import Status
from publishing.adapters import adapter_for
from publishing.claims import claim_due, renew, slow_channels
from publishing.liveness import identity
from publishing.models import PublicationAttempt
from publishing.reaper import reap
from publishing.sending import outgoing_for
from publishing.task import publish_batch, publish_claimed
from tests import factories
from tests.publishing.test_liveness import identity_of_a_process_that_ended

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


def pending_call(claim, *, seconds_ago: float = 0, **fields) -> PublicationAttempt:
    """What a worker leaves once it has recorded its attempt and made its call, before the answer is recorded."""
    called = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    return PublicationAttempt.objects.create(
        version_id=claim.version_id, number=1, claim_token=claim.token, call_started_at=called, **fields
    )


class TestClaims:
    def test_only_due_versions_are_claimed_and_only_once(self, sandbox, adviser):
        channel = sandbox_channel(sandbox)
        soon = scheduled(adviser, [channel], due=timezone.now() + datetime.timedelta(seconds=1))
        scheduled(adviser, [channel], due=timezone.now() + datetime.timedelta(hours=1), title="Plus tard")
        first = claim_due(now=timezone.now())
        assert [claim.version_id for claim in first] == [soon.versions.get().pk]
        assert claim_due(now=timezone.now()) == []
        version = soon.versions.get()
        # A claim is not a try: ``attempts`` counts calls to the network.
        assert (version.status, version.attempts, version.claim_token) == (Status.PUBLISHING, 0, first[0].token)
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


HANG = {"delay": 2, "status": 504, "match": "/api/v1/"}  # answers after the adapter's timeout, creating nothing


def fast_tries(settings, attempts: int = 6) -> None:
    """Short timeouts, no backoff: each ``run_due`` is the next try."""
    settings.PUBLISHING = {
        **settings.PUBLISHING,
        "NETWORK_TIMEOUT_SECONDS": 0.5,
        "RETRY_BASE_SECONDS": 0.0,
        "MAX_ATTEMPTS": attempts,
    }


LATER = datetime.timedelta(minutes=10)


class TestUnknownOutcomes:
    def test_a_timeout_after_sending_counts_as_a_try_and_is_looked_up_never_sent_again(
        self, sandbox, adviser, settings
    ):
        fast_tries(settings)
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        sandbox.fault("mastodon", {"drop_after_receive": True, "hold": 1, "match": "POST /api/v1/statuses"})
        assert run_due() == ["unknown"]
        version = post.versions.get()
        assert (version.status, version.attempts) == (Status.SCHEDULED, 1)
        attempt = PublicationAttempt.objects.get()
        assert version.unverified_since == attempt.call_started_at
        assert "temps" in attempt.error  # the real error: the network did not answer in time

        assert run_due(timezone.now() + LATER) == ["found"]
        version.refresh_from_db()
        assert (version.status, version.attempts, version.unverified_since) == (Status.PUBLISHED, 2, None)
        assert version.published_at == attempt.call_started_at  # when it really went out
        assert len(sandbox.posts("mastodon")) == 1 and sandbox.state.resent() == []
        lookup = PublicationAttempt.objects.get(number=2)
        assert "look-up" in lookup.request_summary and "nothing is sent" in lookup.request_summary

    def test_a_network_that_never_answers_ends_to_verify_and_people_are_told(self, sandbox, adviser, settings):
        fast_tries(settings, attempts=3)
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        sandbox.fault("mastodon", {"drop_after_receive": True, "hold": 1, "match": "POST /api/v1/statuses"})
        sandbox.fault("mastodon", HANG, HANG, HANG, HANG)
        assert run_due() == ["unknown"]
        assert run_due(timezone.now() + LATER) == ["unknown"]  # the look-up does not answer either
        assert run_due(timezone.now() + 2 * LATER) == ["unknown"]
        version = post.versions.get()
        assert (version.status, version.attempts) == (Status.TO_VERIFY, 3)
        assert "3" in version.last_error and version.unverified_since is not None
        post.refresh_from_db()
        assert post.status == Status.TO_VERIFY
        assert run_due(timezone.now() + 3 * LATER) == []  # a person decides now
        assert len(sandbox.posts("mastodon")) == 1 and sandbox.state.resent() == []
        told = Notification.objects.filter(post=post, subject__contains="vérifier")
        assert adviser in [notice.recipient for notice in told]
        assert post.author in [notice.recipient for notice in told]

    def test_absent_from_the_network_it_is_sent_once_more(self, sandbox, adviser, settings):
        fast_tries(settings)
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        sandbox.fault("mastodon", HANG)  # the request timed out before the network made anything
        assert run_due() == ["unknown"]
        assert run_due(timezone.now() + LATER) == ["absent"]
        assert run_due(timezone.now() + 2 * LATER) == ["published"]
        version = post.versions.get()
        assert (version.status, version.attempts) == (Status.PUBLISHED, 3)
        assert len(sandbox.posts("mastodon")) == 1

    def test_the_look_up_ignores_the_same_text_published_before(self, sandbox, adviser, settings):
        """A weekly post of the same text: last week's status must not pass for this week's."""
        fast_tries(settings)
        channel = sandbox_channel(sandbox)
        last_week = scheduled(adviser, [channel])
        assert run_due() == ["published"]
        Post.objects.filter(pk=last_week.pk).update(title="La semaine dernière")
        sandbox.state.posts("mastodon")[0].received_at -= 7 * 24 * 3600
        post = scheduled(adviser, [channel], title="Cette semaine")
        sandbox.fault("mastodon", HANG)
        assert run_due() == ["unknown"]
        assert run_due(timezone.now() + LATER) == ["absent"]
        assert post.versions.get().status == Status.SCHEDULED


class TestTheAttemptLog:
    def test_an_attempt_says_when_by_which_process_and_what_was_asked_without_secrets(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox, token="secret-token")])
        assert run_due() == ["published"]
        version, attempt = post.versions.get(), PublicationAttempt.objects.get()
        assert attempt.worker == f"{socket.gethostname()}:{os.getpid()}"
        assert attempt.call_started_at <= attempt.finished_at and attempt.number == version.attempts == 1
        assert (
            str(version.idempotency_key) in attempt.request_summary and "mastodon: publish" in attempt.request_summary
        )
        assert "secret-token" not in attempt.request_summary + attempt.response_summary

    @pytest.mark.django_db(transaction=True)  # the heartbeat's thread writes on a connection of its own
    def test_an_answer_is_recorded_while_the_task_waits_for_its_next_second(self, sandbox, adviser):
        """Not only when the task ends: a worker killed meanwhile leaves fewer outcomes unknown."""
        channel = sandbox_channel(sandbox)
        first, second = scheduled(adviser, [channel], title="Premier"), scheduled(adviser, [channel], title="Second")
        now = timezone.now()
        for post, seconds in ((first, 0.6), (second, 2.5)):
            post.versions.update(due_at=now + datetime.timedelta(seconds=seconds))
        claims = claim_due(now=now, lookahead=3)
        assert publish_batch([(claim.version_id, claim.token) for claim in claims]) == ["published"] * 2
        recorded = PublicationAttempt.objects.get(version__post=first).finished_at
        assert recorded < PublicationAttempt.objects.get(version__post=second).call_started_at

    @pytest.mark.django_db(transaction=True)
    def test_an_answer_is_recorded_while_another_call_of_the_task_hangs(
        self, sandbox, adviser, listening_socket, settings
    ):
        """Recorded as it comes, not once the hanging call gives up: an answered call left unrecorded looks
        unanswered, and its healthy channel "slow" — the dispatcher would claim nothing more on it."""
        settings.PUBLISHING = {**settings.PUBLISHING, "NETWORK_TIMEOUT_SECONDS": 3.0}
        healthy, dead = sandbox_channel(sandbox), sandbox_channel(sandbox)
        Channel.objects.filter(pk=dead.pk).update(api_base_url=listening_socket.url)
        post = scheduled(adviser, [healthy, dead])
        post.versions.update(due_at=timezone.now() + datetime.timedelta(seconds=0.6))
        claims = claim_due(now=timezone.now(), lookahead=1)
        task = threading.Thread(target=publish_batch, args=([(claim.version_id, claim.token) for claim in claims],))
        task.start()
        try:
            deadline = time.monotonic() + 2.5  # well before the dead network's 3 s timeout
            while post.versions.get(channel=healthy).status != Status.PUBLISHED and time.monotonic() < deadline:
                time.sleep(0.05)
            assert post.versions.get(channel=healthy).status == Status.PUBLISHED
            assert post.versions.get(channel=dead).status == Status.PUBLISHING  # its call still hangs
            assert healthy.pk not in {row["version__channel_id"] for row in slow_channels()}
        finally:
            task.join()
        assert post.versions.get(channel=dead).status != Status.PUBLISHING

    def test_each_task_logs_where_its_time_went_before_its_first_call(self, sandbox, adviser, caplog):
        scheduled(adviser, [sandbox_channel(sandbox)])
        with caplog.at_level(logging.INFO, logger="vitrine.publishing"):
            assert run_due() == ["published"]
        [line] = [record for record in caplog.records if record.getMessage().startswith("task ")]
        assert line.versions == 1 and "calls=1" in line.getMessage()
        assert 0 <= line.renewed_ms <= line.checked_ms <= line.prepared_ms and isinstance(line.first_call_late_ms, int)

    def test_a_post_blocked_before_any_call_uses_no_try(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)], body="Votez pour Gilles Boucher !")
        today = timezone.localdate()
        period = ElectionPeriod.objects.create(
            name="Élection", starts_on=today, polling_day=today, ends_on=today + datetime.timedelta(days=1)
        )
        Candidate.objects.create(election=period, full_name="Gilles Boucher", position="Mairie")
        assert run_due() == ["blocked"]
        assert post.versions.get().attempts == 0 and PublicationAttempt.objects.get().call_started_at is None

    def test_the_charte_checked_right_before_the_call_is_kept_on_the_attempt(self, sandbox, adviser):
        """Art. 10: what was checked when it went out — the rule set's version and its results — and what stopped
        a post that did not."""
        sent = scheduled(adviser, [sandbox_channel(sandbox)])
        stopped = scheduled(adviser, [sandbox_channel(sandbox)], body="Votez pour Gilles Boucher !", title="Bloquée")
        today = timezone.localdate()
        period = ElectionPeriod.objects.create(
            name="Élection", starts_on=today, polling_day=today, ends_on=today + datetime.timedelta(days=1)
        )
        Candidate.objects.create(election=period, full_name="Gilles Boucher", position="Mairie")
        assert sorted(run_due()) == ["blocked", "published"]
        went_out = PublicationAttempt.objects.get(version__post=sent)
        blocked = PublicationAttempt.objects.get(version__post=stopped)
        for attempt in (went_out, blocked):
            assert attempt.ruleset_version.startswith(settings.CHARTE["VERSION"])
        assert not any(result["severity"] == "block" for result in went_out.check_results)
        assert any(result["severity"] == "block" and "7" in result["article"] for result in blocked.check_results)


class TestTheReaper:
    def test_a_claim_never_started_is_released_without_using_a_try(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        claim_due(now=timezone.now() + datetime.timedelta(seconds=5))  # the task was lost
        assert reap(now=timezone.now() + LATER) == {"released": 1, "unknown": 0}
        version = post.versions.get()
        assert (version.status, version.attempts) == (Status.SCHEDULED, 0)
        assert run_due() == ["published"]

    def test_a_renewed_claim_is_left_to_its_worker(self, sandbox, adviser, settings):
        settings.PUBLISHING = {**settings.PUBLISHING, "CLAIM_SECONDS": 60.0}
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        soon = timezone.now() + datetime.timedelta(seconds=50)
        assert renew({claim.token: [claim.version_id]}, now=soon) == 1  # the heartbeat of a live worker
        assert reap(now=soon + datetime.timedelta(seconds=30)) == {"released": 0, "unknown": 0}
        assert post.versions.get().status == Status.PUBLISHING

    def test_the_claims_of_a_process_certainly_gone_are_the_reapers_at_once(self, sandbox, adviser):
        """A worker killed on this host: its claims need not lapse first (a restarted worker recovers at once)."""
        first, second = scheduled(adviser, [sandbox_channel(sandbox)]), scheduled(adviser, [sandbox_channel(sandbox)])
        claims = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        assert {claim.version_id for claim in claims} == {first.versions.get().pk, second.versions.get().pk}
        pending_call(next(claim for claim in claims if claim.version_id == second.versions.get().pk))
        ChannelVersion.objects.update(claimed_by=identity_of_a_process_that_ended())
        assert reap() == {"released": 1, "unknown": 1}
        assert [first.versions.get().status, second.versions.get().status] == [Status.SCHEDULED] * 2

    def test_the_claims_of_a_live_holder_wait_for_their_lapse(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        assert post.versions.get().claimed_by == identity()  # this process: the dispatcher here
        ChannelVersion.objects.update(claimed_by="another-host:1 pid:[1] 1")  # nothing certain about it
        assert reap() == {"released": 0, "unknown": 0}
        assert reap(now=timezone.now() + LATER) == {"released": 1, "unknown": 0}

    def test_a_worker_killed_during_its_call_leaves_an_unknown_outcome_looked_up_at_once(self, sandbox, adviser):
        post = scheduled(adviser, [sandbox_channel(sandbox)])
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        version = ChannelVersion.objects.get(pk=claim.version_id)
        # What a worker killed during its call leaves behind: the attempt recorded, the post sent, nothing else.
        called = timezone.now()
        PublicationAttempt.objects.create(
            version=version, number=1, claim_token=claim.token, call_started_at=called, worker="vitrine-1:4242"
        )
        adapter_for(version.channel).publish(outgoing_for(version))
        assert reap(now=timezone.now() + LATER) == {"released": 0, "unknown": 1}
        attempt = PublicationAttempt.objects.get()
        assert attempt.outcome == "unknown" and "vitrine-1:4242" in attempt.error and attempt.finished_at
        version.refresh_from_db()
        assert (version.status, version.unverified_since) == (Status.SCHEDULED, called)
        assert version.next_attempt_at <= timezone.now()
        assert run_due() == ["found"]
        assert post.versions.get().status == Status.PUBLISHED
        assert len(sandbox.posts("mastodon")) == 1 and sandbox.state.resent() == []

    def test_killed_before_its_call_reached_the_network_it_is_looked_up_then_sent_once(
        self, sandbox, adviser, settings
    ):
        settings.PUBLISHING = {**settings.PUBLISHING, "RETRY_BASE_SECONDS": 0.0}
        channel = factories.channel("webhook", api_base_url=sandbox.url("webhook"))
        channel.set_credentials({"secret": "sandbox-secret"})
        channel.save()
        scheduled(adviser, [channel])
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        pending_call(claim)
        assert reap(now=timezone.now() + LATER)["unknown"] == 1
        assert run_due() == ["absent"]
        assert run_due() == ["published"]
        assert len(sandbox.posts("webhook")) == 1

    def test_the_reaper_never_calls_a_network(self, adviser, listening_socket):
        """It runs in the dispatcher's loop: a network that hangs must never hold it."""
        channel = factories.channel("mastodon", api_base_url=listening_socket.url)
        channel.set_credentials({"access_token": "jeton"})
        channel.save()
        scheduled(adviser, [channel])
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        pending_call(claim)
        assert reap(now=timezone.now() + LATER) == {"released": 0, "unknown": 1}
        assert listening_socket.connections == 0


class TestSlowNetworks:
    def test_nothing_more_is_claimed_on_a_channel_whose_call_hangs(self, sandbox, adviser):
        slow, healthy = sandbox_channel(sandbox), sandbox_channel(sandbox)
        hanging = scheduled(adviser, [slow], title="En cours")
        [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        pending_call(claim, seconds_ago=5)
        waiting = scheduled(adviser, [slow], title="Attend")
        other = scheduled(adviser, [healthy], title="Ailleurs")
        assert run_due() == ["published"]
        assert other.versions.get().status == Status.PUBLISHED
        assert waiting.versions.get().status == Status.SCHEDULED
        # Once the hanging call has ended, the channel is served again.
        PublicationAttempt.objects.filter(version__post=hanging).update(outcome="unknown")
        assert run_due() == ["published"]

    def test_a_claimed_version_whose_network_became_slow_is_released_not_sent(self, sandbox, adviser):
        slow = sandbox_channel(sandbox)
        first, second = scheduled(adviser, [slow], title="Un"), scheduled(adviser, [slow], title="Deux")
        soon = timezone.now() + datetime.timedelta(seconds=5)
        # Claimed by two dispatch cycles (two claims), as a steady flow is.
        [hung] = claim_due(now=soon, only=[first.versions.get().pk])
        [later] = claim_due(now=soon, only=[second.versions.get().pk])
        # The first one's call has hung for seconds (in another worker) when the second one's second comes.
        pending_call(hung, seconds_ago=5)
        assert publish_claimed(later.version_id, later.token, wait=False) == "stale"
        version = second.versions.get()
        assert (version.status, version.attempts, version.claim_token) == (Status.SCHEDULED, 0, None)
        assert not sandbox.posts("mastodon")

    def test_the_versions_of_one_claim_go_out_together_however_long_their_calls_queue(self, sandbox, adviser):
        """A burst is claimed at once and queues in the threads: its own calls do not make its channel slow."""
        channel = sandbox_channel(sandbox)
        first, second = scheduled(adviser, [channel], title="Un"), scheduled(adviser, [channel], title="Deux")
        claims = {claim.version_id: claim for claim in claim_due(now=timezone.now() + datetime.timedelta(seconds=5))}
        queued = claims[first.versions.get().pk]
        pending_call(queued, seconds_ago=5)
        other = claims[second.versions.get().pk]
        assert publish_claimed(other.version_id, other.token, wait=False) == "published"


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
