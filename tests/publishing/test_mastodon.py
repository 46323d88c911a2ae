"""The Mastodon adapter against a real HTTP server speaking Mastodon's documented API: what Mastodon
does its own way. The error matrix every network shares is in ``test_adapter_contract.py``."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from publishing.adapters.base import TemporaryError
from publishing.sandbox.server import Received
from tests.publishing.test_adapter_contract import NETWORKS

MASTODON = NETWORKS["mastodon"]


@pytest.fixture
def network():
    return MASTODON


def test_it_publishes_a_status_and_returns_its_id_and_address(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing())
    [received] = sandbox.posts("mastodon")
    assert (received.text, received.idempotency_key) == (MASTODON.text, "publication-1")
    assert published.external_id == received.external_id and published.url.startswith("https://")


def test_it_uploads_images_with_their_description_first(adapter, sandbox, outgoing, image):
    adapter.publish(outgoing(media=(image,)))
    assert sandbox.posts("mastodon")[0].media_count == 1


def test_credentials_delete_and_comments(adapter, sandbox, outgoing):
    assert adapter.check_credentials() == "villemontmagny"
    published = adapter.publish(outgoing())
    sandbox.state.record(
        Received(
            "mastodon",
            "99",
            "Merci !",
            account="citoyen",
            kind="comment",
            extra={"in_reply_to_id": published.external_id},
        )
    )
    [comment] = adapter.fetch_comments(published.external_id)
    assert (comment.author, comment.text) == ("citoyen", "Merci !")
    adapter.reply(comment.external_id, "Avec plaisir.")
    assert sandbox.posts("mastodon", kind="reply")[0].text == "Avec plaisir."
    adapter.delete(published.external_id)
    assert not sandbox.posts("mastodon")


def test_the_sandbox_counts_a_request_sent_again_under_a_key_already_answered(adapter, sandbox, outgoing):
    """Mastodon answers a repeated Idempotency-Key with the first status (no second post), but the request was
    sent twice: the sandbox records it as resent, so that the benchmarks can say so (issue 14)."""
    first = adapter.publish(outgoing())
    again = adapter.publish(outgoing())
    assert again.external_id == first.external_id and len(sandbox.posts("mastodon")) == 1
    [resent] = sandbox.state.resent("mastodon")
    assert (resent.external_id, resent.idempotency_key) == (first.external_id, "publication-1")
    adapter.publish(outgoing(idempotency_key="publication-2"))
    assert len(sandbox.posts("mastodon")) == 2 and len(sandbox.state.resent()) == 1


def test_a_look_up_that_cannot_read_back_to_the_call_does_not_answer_absent(adapter, sandbox, outgoing):
    """Absent means "sent again": only when every status since the call was read."""
    sent_at = timezone.now() - datetime.timedelta(minutes=5)
    adapter.publish(outgoing())
    for number in range(3):
        adapter.publish(outgoing(text=f"Autre avis {number}", idempotency_key=f"autre-{number}"))
    adapter.LOOKUP_DEPTH, adapter.LOOKUP_PAGES = 1, 2
    with pytest.raises(TemporaryError):
        adapter.lookup(outgoing(text="Jamais envoyé"), since=sent_at)
    assert adapter.lookup(outgoing(text="Autre avis 2"), since=sent_at) is not None


def test_each_access_token_is_an_account_of_its_own_with_its_own_statuses(adapter, sandbox, outgoing):
    """As on a real server: two channels are two accounts, and looking one up reads only its statuses."""
    other = MASTODON.adapter(sandbox, access_token="autre-jeton")
    since = timezone.now() - datetime.timedelta(minutes=1)
    adapter.publish(outgoing())
    assert other._account_id() != adapter._account_id()
    assert other.lookup(outgoing(), since=since) is None
    assert adapter.lookup(outgoing(), since=since) is not None


def test_the_account_id_is_asked_once_not_before_every_look_up(adapter, sandbox, outgoing):
    """A recovery looks up hundreds of publications: one call each, not two."""
    since = timezone.now() - datetime.timedelta(minutes=1)
    adapter.publish(outgoing())
    assert adapter.lookup(outgoing(), since=since) is not None
    sandbox.fault("mastodon", {"status": 500, "sticky": True, "match": "verify_credentials"})
    assert MASTODON.adapter(sandbox).lookup(outgoing(), since=since) is not None  # another adapter, the same token
