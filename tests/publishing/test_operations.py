"""Operating the worker: publish_now, --dry-run, the status page, retrying one channel, JSON logs, batching."""

from __future__ import annotations

import datetime
import io
import json
import logging
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Channel, ChannelVersion, Role
from calendar_app.workflow import Status
from config.logging import JsonFormatter
from publishing import dispatcher
from publishing.claims import Claim, claim_due
from publishing.task import publish_claimed
from tests import factories
from tests.publishing.test_worker import sandbox_channel, scheduled

pytestmark = pytest.mark.django_db


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_publish_now_sends_a_scheduled_post_at_once_and_dry_run_sends_nothing(sandbox):
    adviser = factories.reviewer()
    post = scheduled(adviser, [sandbox_channel(sandbox)], due=timezone.now() + datetime.timedelta(hours=3))
    assert "would publish" in command("publish_now", str(post.pk), "--dry-run")
    assert not sandbox.posts("mastodon")
    assert "published" in command("publish_now", str(post.pk))
    assert len(sandbox.posts("mastodon")) == 1 and post.versions.get().status == Status.PUBLISHED


def test_the_dispatchers_dry_run_lists_what_is_due_and_claims_nothing(sandbox):
    post = scheduled(factories.reviewer(), [sandbox_channel(sandbox)], due=timezone.now())
    assert "1 publication(s) due" in command("publish_dispatcher", "--dry-run")
    assert post.versions.get().status == Status.SCHEDULED


def test_the_status_page_shows_the_queue_failures_and_channels_to_reconnect(client, sandbox):
    adviser = factories.reviewer()
    channel = sandbox_channel(sandbox)
    post = scheduled(adviser, [channel])
    sandbox.fault("mastodon", {"status": 422, "message": "Validation failed: trop long", "match": "POST"})
    publish_claimed(
        claim_due(now=timezone.now() + datetime.timedelta(seconds=5))[0].version_id,
        post.versions.get().claim_token,
        wait=False,
    )
    Channel.objects.filter(pk=channel.pk).update(connection=Channel.Connection.TO_RECONNECT)
    client.force_login(adviser)
    page = client.get(reverse("publishing:status")).content.decode()
    assert "trop long" in page and channel.handle in page
    version = post.versions.get()
    client.post(reverse("publishing:retry", args=[version.pk]))
    assert ChannelVersion.objects.get(pk=version.pk).status == Status.SCHEDULED


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.SERVICE_MEMBER, Role.ORGANISATION_REPRESENTATIVE])
def test_other_roles_may_not_see_the_status_page_nor_retry(client, role):
    person = factories.person()
    scope = {"service": factories.service()} if role == Role.SERVICE_MEMBER else {}
    if role == Role.ORGANISATION_REPRESENTATIVE:
        scope = {"organisation": factories.organisation()}
    factories.role(person, role, **scope)
    post = factories.post(channels=[factories.channel()])
    client.force_login(person)
    assert client.get(reverse("publishing:status")).status_code == 403
    assert client.post(reverse("publishing:retry", args=[post.versions.get().pk])).status_code == 403


def test_a_burst_is_spread_over_the_workers_and_a_trickle_shares_one_task(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 4}
    assert dispatcher.batch_size(3) == settings.PUBLISHING["TASK_BATCH"]
    assert dispatcher.batch_size(1000) == 250


def test_each_channels_claims_stay_next_to_each_other_in_the_tasks(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 4}
    token = uuid.uuid4()
    claims = [Claim(number, token, channel_id=number % 3) for number in range(30)]  # interleaved channels
    tasks = dispatcher.batches(claims)
    assert [len(task) for task in tasks] == [10, 10, 10]
    assert [{claim.channel_id for claim in task} for task in tasks] == [{0}, {1}, {2}]
    assert sorted(claim.version_id for task in tasks for claim in task) == list(range(30))


def test_json_logs_carry_the_publications_fields():
    record = logging.makeLogRecord({"msg": "publication %s", "args": (7,), "levelname": "INFO", "name": "vitrine"})
    record.version, record.outcome = 7, "published"
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["version"], line["outcome"]) == ("publication 7", 7, "published")


def test_a_burst_coming_is_claimed_early_but_a_backlog_is_no_burst(sandbox, settings):
    """A backlog (after a restart) goes out now whatever the look-ahead; claiming 15 s of the flow behind it
    with it would only give the next kill more to strand."""
    settings.PUBLISHING = {**settings.PUBLISHING, "BURST_THRESHOLD": 3}
    usual = settings.PUBLISHING["LOOKAHEAD_SECONDS"] + settings.PUBLISHING["SLICE_SECONDS"]
    adviser, channel = factories.reviewer(), sandbox_channel(sandbox)
    now = timezone.now()
    posts = [scheduled(adviser, [channel], due=now + datetime.timedelta(seconds=5)) for _ in range(3)]
    assert dispatcher.current_lookahead(now) == settings.PUBLISHING["BURST_LOOKAHEAD_SECONDS"]
    ChannelVersion.objects.filter(post__in=posts).update(due_at=now - datetime.timedelta(seconds=5))
    assert dispatcher.current_lookahead(now) == usual


def test_the_cluster_loads_the_spelling_dictionary_before_forking_its_workers(monkeypatch):
    """Its workers then have it from their start, instead of each loading it at its first check."""
    from calendar_app.charte.rules.language import spelling
    from publishing.apps import preload_for_workers

    monkeypatch.setattr(spelling._Dictionary, "_instance", None)
    preload_for_workers()
    assert spelling._Dictionary._instance is not None
