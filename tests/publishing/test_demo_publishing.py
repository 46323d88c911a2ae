"""The demo's whole loop: every scheduled Montmagny post goes out on every network's sandbox."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendar_app.demo import load_demo
from calendar_app.models import Channel, ChannelVersion
from calendar_app.workflow import Status
from publishing.claims import claim_due
from publishing.task import publish_batch

pytestmark = pytest.mark.django_db


def test_every_scheduled_demo_post_goes_out_through_its_networks_adapter(sandbox):
    load_demo()
    for channel in Channel.objects.all():
        Channel.objects.filter(pk=channel.pk).update(api_base_url=sandbox.url(channel.network))
    scheduled = ChannelVersion.objects.filter(status=Status.SCHEDULED)
    networks = set(scheduled.values_list("channel__network", flat=True))
    scheduled.update(due_at=timezone.now())
    claims = claim_due(now=timezone.now() + datetime.timedelta(seconds=5))
    outcomes = publish_batch([(claim.version_id, str(claim.token)) for claim in claims], wait=False)
    assert claims and set(outcomes) == {"published"}
    assert {"facebook", "instagram", "linkedin", "x", "mastodon", "bluesky"} <= networks
    assert {item.network for item in sandbox.posts()} == networks
