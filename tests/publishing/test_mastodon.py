"""The Mastodon adapter against a real HTTP server speaking Mastodon's documented API."""

from __future__ import annotations

from pathlib import Path

import pytest

from publishing.adapters.base import AuthError, MediaFile, OutcomeUnknown, Outgoing, PermanentError, TemporaryError
from publishing.adapters.mastodon import MastodonAdapter
from tests import factories

TEXT = "La collecte des feuilles aura lieu le 3 novembre."


@pytest.fixture
def adapter(sandbox):
    adapter = MastodonAdapter(base_url=sandbox.url("mastodon"), credentials={"access_token": "jeton"}, timeout=2)
    return adapter


def outgoing(**fields) -> Outgoing:
    fields.setdefault("text", TEXT)
    fields.setdefault("idempotency_key", "publication-1")
    return Outgoing(**fields)


def test_it_publishes_a_status_and_returns_its_id_and_address(adapter, sandbox):
    published = adapter.publish(outgoing())
    [received] = sandbox.posts("mastodon")
    assert (received.text, received.idempotency_key) == (TEXT, "publication-1")
    assert published.external_id == received.external_id and published.url.startswith("https://")


def test_it_uploads_images_with_their_description_first(adapter, sandbox, tmp_path):
    image = tmp_path / "affiche.png"
    image.write_bytes(factories.png_bytes())
    adapter.publish(outgoing(media=(MediaFile(Path(image), "image/png", "L'affiche"),)))
    assert sandbox.posts("mastodon")[0].media_count == 1


def test_the_same_idempotency_key_never_posts_twice(adapter, sandbox):
    first, second = adapter.publish(outgoing()), adapter.publish(outgoing())
    assert first.external_id == second.external_id and len(sandbox.posts("mastodon")) == 1


def test_a_revoked_token_is_an_auth_error(sandbox):
    adapter = MastodonAdapter(base_url=sandbox.url("mastodon"), credentials={"access_token": "revoked"})
    with pytest.raises(AuthError) as raised:
        adapter.publish(outgoing())
    assert "reconnect" in raised.value.message or "reconnectez" in raised.value.message
    assert not sandbox.posts("mastodon")


def test_429_is_temporary_and_honours_retry_after(adapter, sandbox):
    sandbox.fault("mastodon", {"status": 429, "retry_after": "7"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 7.0 and raised.value.status == 429


def test_500_is_temporary(adapter, sandbox):
    sandbox.fault("mastodon", {"status": 503})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())


def test_a_refused_status_is_permanent_with_the_networks_reason(adapter, sandbox):
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(text="x" * 501))
    assert "500" in raised.value.message and not isinstance(raised.value, AuthError)


def test_a_timeout_after_sending_is_an_unknown_outcome_that_lookup_resolves(adapter, sandbox):
    sandbox.fault("mastodon", {"drop_after_receive": True, "hold": 3, "match": "POST /api/v1/statuses"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())
    found = adapter.lookup(outgoing())
    assert found is not None and found.external_id == sandbox.posts("mastodon")[0].external_id
    assert adapter.lookup(outgoing(text="Un autre texte")) is None


def test_malformed_json_on_a_post_is_an_unknown_outcome(adapter, sandbox):
    sandbox.fault("mastodon", {"malformed": True, "match": "POST /api/v1/statuses"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())


def test_a_slow_network_times_out(sandbox):
    adapter = MastodonAdapter(base_url=sandbox.url("mastodon"), credentials={"access_token": "jeton"}, timeout=0.5)
    sandbox.fault("mastodon", {"delay": 2, "match": "GET"})
    with pytest.raises(TemporaryError):
        adapter.check_credentials()


def test_credentials_delete_and_comments(adapter, sandbox):
    assert adapter.check_credentials() == "villemontmagny"
    published = adapter.publish(outgoing())
    sandbox.state.record(
        type(sandbox.posts("mastodon")[0])(
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
