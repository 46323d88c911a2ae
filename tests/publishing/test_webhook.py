"""The signed webhook adapter against a real HTTP server that verifies its signatures."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from publishing.adapters.base import AuthError, MediaFile, OutcomeUnknown, Outgoing, PermanentError, TemporaryError
from publishing.adapters.webhook import WebhookAdapter, sign, verify_signature
from publishing.sandbox.networks.webhook import SECRET
from tests import factories

TEXT = "La collecte des feuilles aura lieu le 3 novembre."


@pytest.fixture
def adapter(sandbox):
    adapter = WebhookAdapter(base_url=sandbox.url("webhook"), credentials={"secret": SECRET}, timeout=2)
    return adapter


def outgoing(**fields) -> Outgoing:
    fields.setdefault("text", TEXT)
    fields.setdefault("idempotency_key", "publication-1")
    return Outgoing(**fields)


def test_it_posts_a_signed_publication_and_returns_the_receivers_id_and_address(adapter, sandbox):
    published = adapter.publish(outgoing(link="https://ville.example/feuilles"))
    [received] = sandbox.posts("webhook")
    assert (received.text, received.idempotency_key) == (TEXT, "publication-1")
    assert received.extra["link"] == "https://ville.example/feuilles" and received.extra["sent_at"]
    assert published.external_id == received.external_id and published.url.startswith("https://")


def test_the_url_credential_wins_over_the_channels_address(sandbox):
    adapter = WebhookAdapter(
        base_url="http://127.0.0.1:9/nowhere", credentials={"url": sandbox.url("webhook"), "secret": SECRET}
    )
    adapter.publish(outgoing())
    assert len(sandbox.posts("webhook")) == 1


def test_it_describes_the_images(adapter, sandbox, tmp_path):
    image = tmp_path / "affiche.png"
    image.write_bytes(factories.png_bytes())
    adapter.publish(outgoing(media=(MediaFile(Path(image), "image/png", "L'affiche"),)))
    [received] = sandbox.posts("webhook")
    assert received.media_count == 1
    assert received.extra["media"] == [{"name": "affiche.png", "mime_type": "image/png", "alt_text": "L'affiche"}]


def test_the_same_idempotency_key_never_posts_twice(adapter, sandbox):
    first, second = adapter.publish(outgoing()), adapter.publish(outgoing())
    assert first.external_id == second.external_id and len(sandbox.posts("webhook")) == 1


def test_a_bad_secret_is_an_auth_error(sandbox):
    adapter = WebhookAdapter(base_url=sandbox.url("webhook"), credentials={"secret": "wrong"})
    with pytest.raises(AuthError) as raised:
        adapter.publish(outgoing())
    assert "Invalid signature" in raised.value.message and raised.value.status == 401
    assert not sandbox.posts("webhook")
    with pytest.raises(AuthError):
        adapter.check_credentials()


def test_a_missing_secret_is_an_auth_error_before_any_request(sandbox):
    with pytest.raises(AuthError):
        WebhookAdapter(base_url=sandbox.url("webhook")).publish(outgoing())


def test_403_is_an_auth_error(adapter, sandbox):
    sandbox.fault("webhook", {"status": 403, "message": "Forbidden"})
    with pytest.raises(AuthError):
        adapter.publish(outgoing())


def test_429_is_temporary_and_honours_retry_after(adapter, sandbox):
    sandbox.fault("webhook", {"status": 429, "retry_after": "7"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 7.0 and raised.value.status == 429


def test_500_is_temporary(adapter, sandbox):
    sandbox.fault("webhook", {"status": 503})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())


def test_a_refused_publication_is_permanent_with_the_receivers_reason(adapter, sandbox):
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(text=""))
    assert "needs a text" in raised.value.message and not isinstance(raised.value, AuthError)


def test_a_timeout_after_sending_is_an_unknown_outcome_that_lookup_resolves(adapter, sandbox):
    sandbox.fault("webhook", {"drop_after_receive": True, "hold": 3, "match": "POST"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())
    found = adapter.lookup(outgoing())
    assert found is not None and found.external_id == sandbox.posts("webhook")[0].external_id
    assert adapter.lookup(outgoing(idempotency_key="publication-2")) is None


def test_malformed_json_on_a_post_is_an_unknown_outcome(adapter, sandbox):
    sandbox.fault("webhook", {"malformed": True, "match": "POST"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())


def test_a_slow_receiver_times_out(sandbox):
    adapter = WebhookAdapter(base_url=sandbox.url("webhook"), credentials={"secret": SECRET}, timeout=0.5)
    sandbox.fault("webhook", {"delay": 2, "match": "GET"})
    with pytest.raises(TemporaryError):
        adapter.check_credentials()


def test_credentials_delete_and_no_comments(adapter, sandbox):
    assert adapter.check_credentials() == "webhook"
    published = adapter.publish(outgoing())
    assert adapter.fetch_comments(published.external_id) == []
    with pytest.raises(PermanentError):
        adapter.hide_comment("1")
    with pytest.raises(PermanentError):
        adapter.reply("1", "Merci.")
    adapter.delete(published.external_id)
    assert not sandbox.posts("webhook") and adapter.lookup(outgoing()) is None
    adapter.delete(published.external_id)  # already gone: nothing to do


def test_verify_signature_accepts_a_genuine_request():
    body = json.dumps({"id": "publication-1", "text": "Fête d'été"}, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    signature = sign("secret", timestamp, body)
    assert signature.startswith("sha256=") and len(signature) == len("sha256=") + 64
    assert verify_signature("secret", timestamp, body, signature)
    assert verify_signature("secret", timestamp, body.decode(), signature)


@pytest.mark.parametrize(
    "secret, body, signature",
    [
        ("other secret", b'{"id": "1"}', None),
        ("secret", b'{"id": "2"}', None),
        ("secret", b'{"id": "1"}', "sha256=" + "0" * 64),
        ("secret", b'{"id": "1"}', ""),
    ],
)
def test_verify_signature_rejects_a_wrong_secret_body_or_signature(secret, body, signature):
    timestamp = str(int(time.time()))
    signature = sign("secret", timestamp, b'{"id": "1"}') if signature is None else signature
    assert not verify_signature(secret, timestamp, body, signature)


def test_verify_signature_rejects_an_expired_or_unreadable_timestamp():
    now = time.time()
    old = str(int(now) - 301)
    assert not verify_signature("secret", old, b"{}", sign("secret", old, b"{}"), now=now)
    assert verify_signature("secret", old, b"{}", sign("secret", old, b"{}"), tolerance=600, now=now)
    future = str(int(now) + 301)
    assert not verify_signature("secret", future, b"{}", sign("secret", future, b"{}"), now=now)
    assert not verify_signature("secret", "hier", b"{}", sign("secret", "hier", b"{}"))
