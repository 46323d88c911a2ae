"""The signed webhook adapter against a real HTTP server that verifies its signatures: what the webhook
does its own way. The error matrix every network shares is in ``test_adapter_contract.py``."""

from __future__ import annotations

import json
import time

import pytest

from publishing.adapters.base import AuthError, Gone, PermanentError
from publishing.adapters.webhook import WebhookAdapter, sign, verify_signature
from publishing.sandbox.networks.webhook import SECRET
from tests.publishing.test_adapter_contract import NETWORKS

WEBHOOK = NETWORKS["webhook"]


@pytest.fixture
def network():
    return WEBHOOK


def test_it_posts_a_signed_publication_and_returns_the_receivers_id_and_address(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing(link="https://ville.example/feuilles"))
    [received] = sandbox.posts("webhook")
    assert (received.text, received.idempotency_key) == (WEBHOOK.text, "publication-1")
    assert received.extra["link"] == "https://ville.example/feuilles" and received.extra["sent_at"]
    assert published.external_id == received.external_id and published.url.startswith("https://")


def test_the_url_credential_wins_over_the_channels_address(sandbox, outgoing):
    adapter = WebhookAdapter(
        base_url="http://127.0.0.1:9/nowhere", credentials={"url": sandbox.url("webhook"), "secret": SECRET}
    )
    adapter.publish(outgoing())
    assert len(sandbox.posts("webhook")) == 1


def test_it_describes_the_images(adapter, sandbox, outgoing, image):
    adapter.publish(outgoing(media=(image,)))
    [received] = sandbox.posts("webhook")
    assert received.media_count == 1
    assert received.extra["media"] == [
        {"name": "affiche.png", "mime_type": "image/png", "alt_text": "L'affiche de la collecte"}
    ]


def test_a_missing_secret_is_an_auth_error_before_any_request(sandbox, outgoing):
    with pytest.raises(AuthError):
        WebhookAdapter(base_url=sandbox.url("webhook")).publish(outgoing())


def test_403_is_an_auth_error(adapter, sandbox, outgoing):
    sandbox.fault("webhook", {"status": 403, "message": "Forbidden"})
    with pytest.raises(AuthError):
        adapter.publish(outgoing())


def test_credentials_delete_and_no_comments(adapter, sandbox, outgoing):
    assert adapter.check_credentials() == "webhook"
    published = adapter.publish(outgoing())
    assert adapter.fetch_comments(published.external_id) == []
    with pytest.raises(PermanentError):
        adapter.hide_comment("1")
    with pytest.raises(PermanentError):
        adapter.reply("1", "Merci.")
    adapter.delete(published.external_id)
    assert not sandbox.posts("webhook") and adapter.lookup(outgoing()) is None
    with pytest.raises(Gone):  # already gone: the removal is closed, nothing doubled
        adapter.delete(published.external_id)


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


def test_a_publication_sent_again_is_answered_with_the_first_and_counted_as_resent(adapter, sandbox, outgoing):
    first = adapter.publish(outgoing())
    again = adapter.publish(outgoing())
    assert again.external_id == first.external_id and len(sandbox.posts("webhook")) == 1
    assert [item.idempotency_key for item in sandbox.state.resent("webhook")] == ["publication-1"]
