"""The X adapter against a real HTTP server speaking X's documented API v2."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from publishing.adapters.base import AuthError, MediaFile, OutcomeUnknown, Outgoing, PermanentError, TemporaryError
from publishing.adapters.x import XAdapter
from publishing.sandbox.server import Received
from tests import factories

TEXT = "Collecte des feuilles & branches le 3 novembre : https://ville.montmagny.qc.ca/collectes"


@pytest.fixture
def adapter(sandbox):
    adapter = XAdapter(base_url=sandbox.url("x"), credentials={"access_token": "jeton"}, timeout=2)
    return adapter


def outgoing(**fields) -> Outgoing:
    fields.setdefault("text", TEXT)
    fields.setdefault("idempotency_key", "publication-1")
    return Outgoing(**fields)


def test_it_publishes_a_post_and_returns_its_id_and_address(adapter, sandbox):
    published = adapter.publish(outgoing())
    [received] = sandbox.posts("x")
    assert received.text == TEXT
    assert published.external_id == received.external_id
    assert published.url == f"https://x.com/i/web/status/{received.external_id}"


def test_it_uploads_images_with_their_description_and_lookup_still_finds_the_post(adapter, sandbox, tmp_path):
    image = tmp_path / "affiche.png"
    image.write_bytes(factories.png_bytes())
    published = adapter.publish(outgoing(media=(MediaFile(Path(image), "image/png", "L'affiche de la collecte"),)))
    [received] = sandbox.posts("x")
    assert received.media_count == 1 and received.extra["alt_texts"] == ["L'affiche de la collecte"]
    # X appends a t.co link to the image and rewrites the other links: lookup reads through both.
    assert adapter.lookup(outgoing()).external_id == published.external_id


def test_a_second_publish_is_refused_as_a_duplicate_and_resolved_by_lookup(adapter, sandbox):
    first, second = adapter.publish(outgoing()), adapter.publish(outgoing())
    assert first.external_id == second.external_id and len(sandbox.posts("x")) == 1


def test_a_duplicate_of_an_old_post_is_permanent_not_published(adapter, sandbox):
    adapter.publish(outgoing())
    sandbox.posts("x")[0].received_at = time.time() - 30 * 86400  # outside the lookup window
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(idempotency_key="publication-2"))
    assert "duplicate content" in raised.value.message and raised.value.status == 403


def test_a_revoked_token_is_an_auth_error(sandbox):
    adapter = XAdapter(base_url=sandbox.url("x"), credentials={"access_token": "revoked"})
    with pytest.raises(AuthError) as raised:
        adapter.publish(outgoing())
    assert "reconnect" in raised.value.message and raised.value.status == 401
    assert not sandbox.posts("x")


def test_429_waits_for_the_later_of_retry_after_and_the_rate_limit_reset(adapter, sandbox):
    sandbox.fault("x", {"status": 429, "retry_after": "7"}, {"status": 429, "retry_after": "600"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.status == 429 and 55 <= raised.value.retry_after <= 60  # x-rate-limit-reset: in 60 s
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 600.0


def test_500_is_temporary(adapter, sandbox):
    sandbox.fault("x", {"status": 503})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())


def test_a_refused_post_is_permanent_with_the_networks_reason(adapter, sandbox):
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(text="x" * 281))
    assert "too long" in raised.value.message and not isinstance(raised.value, AuthError)
    assert not sandbox.posts("x")


def test_a_timeout_after_sending_is_an_unknown_outcome_that_lookup_resolves(adapter, sandbox):
    sandbox.fault("x", {"drop_after_receive": True, "hold": 3, "match": "POST /2/tweets"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())
    found = adapter.lookup(outgoing())
    assert found is not None and found.external_id == sandbox.posts("x")[0].external_id
    assert adapter.lookup(outgoing(text="Un autre texte")) is None


def test_malformed_json_on_a_post_is_an_unknown_outcome(adapter, sandbox):
    sandbox.fault("x", {"malformed": True, "match": "POST /2/tweets"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())


def test_a_slow_network_times_out(sandbox):
    adapter = XAdapter(base_url=sandbox.url("x"), credentials={"access_token": "jeton"}, timeout=0.5)
    sandbox.fault("x", {"delay": 2, "match": "GET"})
    with pytest.raises(TemporaryError):
        adapter.check_credentials()


def test_credentials_comments_hide_reply_and_delete(adapter, sandbox):
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
