"""The X adapter against a real HTTP server speaking X's documented API v2: what X does its own way.
The error matrix every network shares is in ``test_adapter_contract.py``."""

from __future__ import annotations

import time

import pytest

from publishing.adapters.base import PermanentError, TemporaryError
from publishing.sandbox.server import Received
from tests.publishing.test_adapter_contract import NETWORKS

X = NETWORKS["x"]


@pytest.fixture
def network():
    return X


def test_it_publishes_a_post_and_returns_its_id_and_address(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing())
    [received] = sandbox.posts("x")
    assert received.text == X.text
    assert published.external_id == received.external_id
    assert published.url == f"https://x.com/i/web/status/{received.external_id}"


def test_it_uploads_images_with_their_description_and_lookup_still_finds_the_post(adapter, sandbox, outgoing, image):
    published = adapter.publish(outgoing(media=(image,)))
    [received] = sandbox.posts("x")
    assert received.media_count == 1 and received.extra["alt_texts"] == ["L'affiche de la collecte"]
    # X appends a t.co link to the image and rewrites the other links: lookup reads through both.
    assert adapter.lookup(outgoing()).external_id == published.external_id


def test_a_duplicate_of_an_old_post_is_permanent_not_published(adapter, sandbox, outgoing):
    adapter.publish(outgoing())
    sandbox.posts("x")[0].received_at = time.time() - 30 * 86400  # outside the lookup window
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(idempotency_key="publication-2"))
    assert "duplicate content" in raised.value.message and raised.value.status == 403


def test_429_waits_for_retry_after_when_it_is_later_than_the_rate_limit_reset(adapter, sandbox, outgoing):
    # The contract's 429 shows the other half: a reset later than Retry-After is waited for.
    sandbox.fault("x", {"status": 429, "retry_after": "600"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 600.0


def test_credentials_comments_hide_reply_and_delete(adapter, sandbox, outgoing):
    assert adapter.check_credentials() == "villemontmagny"
    published = adapter.publish(outgoing())
    sandbox.state.record(
        Received(
            "x",
            "99",
            "Merci & bravo !",
            account="citoyen",
            kind="comment",
            extra={"author_id": "2002", "in_reply_to": published.external_id, "conversation_id": published.external_id},
        )
    )
    [comment] = adapter.fetch_comments(published.external_id)
    assert (comment.external_id, comment.author, comment.in_reply_to) == ("99", "citoyen", published.external_id)
    assert comment.text == "Merci & bravo !" and comment.created_at is not None
    adapter.hide_comment("99")
    assert sandbox.posts("x", kind="comment")[0].extra["hidden"] is True
    answer = adapter.reply("99", "Avec plaisir.")
    [reply] = sandbox.posts("x", kind="reply")
    assert (reply.text, reply.extra["in_reply_to"], reply.external_id) == ("Avec plaisir.", "99", answer.external_id)
    assert len(adapter.fetch_comments(published.external_id)) == 2
    adapter.delete(published.external_id)
    assert not sandbox.posts("x")
