"""Stored credentials that the current key cannot decrypt (CREDENTIALS_KEY or SECRET_KEY changed):
the channel goes "to reconnect", nothing is sent, and neither the task nor the reaper crashes."""

from __future__ import annotations

import datetime
import logging

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.db import DatabaseError
from django.utils import timezone, translation

from calendar_app.models import Channel, ChannelVersion, Notification
from calendar_app.services.channels import channel_update
from calendar_app.workflow import Status
from publishing import reaper as reaper_module
from publishing.claims import claim_due
from publishing.models import PublicationAttempt
from publishing.reaper import reap
from publishing.sending import CREDENTIALS_UNREADABLE, CREDENTIALS_UNREADABLE_OUTCOME_UNKNOWN
from publishing.task import publish_batch
from tests import factories
from tests.publishing.test_worker import run_due, sandbox_channel, scheduled

pytestmark = pytest.mark.django_db
LATER = datetime.timedelta(minutes=10)


@pytest.fixture
def adviser():
    return factories.reviewer(email="comm@example.org")


@pytest.fixture
def key_change(settings):
    """Call it to replace the credentials key: what was encrypted before cannot be read any more."""
    settings.CREDENTIALS_KEY = Fernet.generate_key().decode()

    def change():
        settings.CREDENTIALS_KEY = Fernet.generate_key().decode()

    return change


def in_french(message) -> str:
    with translation.override(django_settings.LANGUAGE_CODE):
        return str(message)


def claimed_and_attempted(post) -> ChannelVersion:
    """What a task that crashed after recording its attempt left behind: "publishing", its claim expired."""
    [claim] = claim_due(now=timezone.now() + datetime.timedelta(seconds=5), only=[post.versions.get().pk])
    PublicationAttempt.objects.create(version_id=claim.version_id, number=1, claim_token=claim.token)
    return ChannelVersion.objects.get(pk=claim.version_id)


class TestThePublishTask:
    def test_the_publication_is_blocked_with_the_reason_and_the_channel_goes_to_reconnect(
        self, sandbox, adviser, key_change
    ):
        channel = sandbox_channel(sandbox)
        post = scheduled(adviser, [channel])
        waiting = scheduled(adviser, [channel], title="Plus tard", due=timezone.now() + datetime.timedelta(minutes=1))
        key_change()
        assert run_due() == ["blocked"]
        version = post.versions.get()
        assert version.status == Status.BLOCKED
        assert version.last_error == in_french(CREDENTIALS_UNREADABLE)
        post.refresh_from_db()
        assert post.status == Status.BLOCKED
        assert PublicationAttempt.objects.get(version=version).outcome == PublicationAttempt.Outcome.BLOCKED
        channel.refresh_from_db()
        assert channel.connection == Channel.Connection.TO_RECONNECT
        assert Notification.objects.filter(recipient=adviser, kind=Notification.Kind.CHANNEL).count() >= 2
        assert not sandbox.posts("mastodon")
        # The channel's other posts wait for it to be reconnected; none is blocked in turn.
        assert run_due(timezone.now() + datetime.timedelta(minutes=5)) == []
        assert waiting.versions.get().status == Status.SCHEDULED

    def test_the_other_channels_of_the_same_batch_still_go_out(self, sandbox, adviser, key_change):
        unreadable = sandbox_channel(sandbox)
        post = scheduled(adviser, [unreadable, sandbox_channel(sandbox)])
        key_change()
        readable = post.versions.exclude(channel=unreadable).get().channel
        readable.set_credentials({"access_token": "jeton"})  # reconnected under the new key
        readable.save()
        claims = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        outcomes = publish_batch([(claim.version_id, str(claim.token)) for claim in claims], wait=False)
        assert sorted(outcomes) == ["blocked", "published"]
        post.refresh_from_db()
        assert post.status == Status.PARTIALLY_PUBLISHED and len(sandbox.posts("mastodon")) == 1


class TestAnUnknownOutcome:
    def test_on_an_unreadable_channel_it_waits_for_reconnection_then_is_looked_up_never_sent_blind(
        self, sandbox, adviser, key_change, settings
    ):
        settings.PUBLISHING = {**settings.PUBLISHING, "RETRY_BASE_SECONDS": 0.0}
        soon = timezone.now() + datetime.timedelta(seconds=1)
        unreadable = sandbox_channel(sandbox)
        stuck = claimed_and_attempted(scheduled(adviser, [unreadable], due=soon))
        # Another text: the sandbox's accounts share one timeline, which a look-up reads.
        other = scheduled(
            adviser, [sandbox_channel(sandbox)], due=soon + datetime.timedelta(seconds=1), body="Collecte demain."
        )
        claim_due(now=timezone.now() + datetime.timedelta(seconds=5))  # its task was lost
        key_change()
        for channel in Channel.objects.exclude(pk=unreadable.pk):
            channel.set_credentials({"access_token": "jeton"})
            channel.save()

        assert reap(now=timezone.now() + LATER) == {"released": 1, "unknown": 1}
        # Whether it went out cannot be checked without credentials: it is neither sent again nor dropped.
        assert sorted(run_due(timezone.now() + LATER)) == ["auth", "published"]
        assert other.versions.get().status == Status.PUBLISHED
        unreadable.refresh_from_db()
        assert unreadable.connection == Channel.Connection.TO_RECONNECT
        stuck.refresh_from_db()
        assert stuck.status == Status.SCHEDULED and stuck.unverified_since is not None
        assert stuck.last_error == in_french(CREDENTIALS_UNREADABLE_OUTCOME_UNKNOWN)
        notified = Notification.objects.filter(kind=Notification.Kind.CHANNEL).count()
        assert notified

        # Nothing more happens, and nobody is told again, until it is reconnected.
        assert run_due(timezone.now() + 2 * LATER) == []
        assert Notification.objects.filter(kind=Notification.Kind.CHANNEL).count() == notified

        # Reconnected: it is looked up (it never reached the network), then sent once.
        channel_update(channel=unreadable, actor=adviser, changes={}, credentials={"access_token": "jeton"})
        assert run_due(timezone.now() + 3 * LATER) == ["absent"]
        assert run_due(timezone.now() + 4 * LATER) == ["published"]
        assert len(sandbox.posts("mastodon")) == 2


class TestTheReaper:
    def test_one_row_that_fails_is_logged_and_the_others_are_still_reaped(self, sandbox, adviser, caplog, monkeypatch):
        soon = timezone.now() + datetime.timedelta(seconds=1)
        first = claimed_and_attempted(scheduled(adviser, [sandbox_channel(sandbox)], due=soon))
        other = scheduled(adviser, [sandbox_channel(sandbox)], due=soon + datetime.timedelta(seconds=1))
        claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
        # Recording the first row's outcome fails (a database error, say): the pass goes on with the others.
        record = reaper_module.record_outcomes

        def failing_for_the_first(jobs, **options):
            if jobs[0].version.pk == first.pk:
                raise DatabaseError("disk I/O error")
            return record(jobs, **options)

        monkeypatch.setattr(reaper_module, "record_outcomes", failing_for_the_first)
        with caplog.at_level(logging.ERROR, logger="vitrine.publishing"):
            assert reap(now=timezone.now() + LATER) == {"released": 1, "unknown": 0}
        assert other.versions.get().status == Status.SCHEDULED
        assert first.status == Status.PUBLISHING
        assert any(str(first.pk) in record.getMessage() for record in caplog.records if record.levelname == "ERROR")
