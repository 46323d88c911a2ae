"""A removal under a real dispatcher and a real django-q2 cluster, whose worker is SIGKILLed while its network
call hangs: the removal comes back once its claim lapses, is made by the restarted cluster, and is recorded
once (art. 7; the publishing side is ``test_worker_live.py``)."""

from __future__ import annotations

import pytest

from calendar_app.workflow import Status
from publishing.models import Removal
from publishing.removals import removal_request
from tests import factories
from tests.live import manage
from tests.publishing.test_worker import run_due, sandbox_channel, scheduled
from tests.publishing.test_worker_live import FAST, kill_tree, stop, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
# The hanging call would end by itself after 4 s; the kill comes first. The claim lasts 4 + CLAIM_SECONDS.
LIVE = {**FAST, "PUBLISHING_NETWORK_TIMEOUT_SECONDS": "4"}


def test_a_worker_killed_mid_removal_leaves_it_to_be_made_once_after_the_restart(sandbox):
    adviser = factories.reviewer()
    post = scheduled(adviser, [sandbox_channel(sandbox)])
    assert run_due()
    removal_request(versions=post.versions.all(), actor=adviser, reason="Contenu de campagne (art. 7)")
    sandbox.fault("mastodon", {"hang": True, "match": "DELETE"})  # the first DELETE never answers

    dispatcher = manage("publish_dispatcher", **LIVE)
    cluster = manage("qcluster", **LIVE)
    try:
        wait_until(lambda: not sandbox.state.faults["mastodon"], 60, "the first call to reach the network")
        kill_tree(cluster)  # SIGKILL while the call hangs: nothing is recorded
        assert Removal.objects.get().state == Removal.State.REMOVING
        cluster = manage("qcluster", **LIVE)
        wait_until(lambda: Removal.objects.get().state == Removal.State.REMOVED, 60, "the removal after the restart")
    finally:
        stop(cluster)
        stop(dispatcher)

    removal = Removal.objects.get()
    assert removal.attempts == 2 and len(removal.log) == 1, removal.log  # the killed call left no answer
    assert sandbox.posts("mastodon") == []
    assert post.versions.get().status == Status.REMOVED
