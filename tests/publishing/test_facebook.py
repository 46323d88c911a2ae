"""The Facebook Page adapter against a real HTTP server speaking the Graph API as documented."""

from __future__ import annotations

import pytest

from publishing.adapters.base import AuthError, MediaFile, OutcomeUnknown, Outgoing, PermanentError, TemporaryError
from publishing.adapters.facebook import FacebookAdapter
from publishing.sandbox.networks.facebook import PAGE
from publishing.sandbox.server import Received
from tests import factories

TEXT = "La collecte des feuilles aura lieu le 3 novembre."
LINK = "https://montmagny.example/collecte"


def make_adapter(sandbox, token="jeton", timeout=2.0) -> FacebookAdapter:
    return FacebookAdapter(
        base_url=sandbox.url("facebook"), credentials={"page_id": PAGE["id"], "access_token": token}, timeout=timeout
    )


@pytest.fixture
def adapter(sandbox):
    adapter = make_adapter(sandbox)
    return adapter


@pytest.fixture
def image(tmp_path) -> MediaFile:
    path = tmp_path / "affiche.png"
    path.write_bytes(factories.png_bytes())
    return MediaFile(path, "image/png", "L'affiche de la collecte")


def outgoing(**fields) -> Outgoing:
    fields.setdefault("text", TEXT)
    fields.setdefault("idempotency_key", "publication-1")
    return Outgoing(**fields)


def test_it_publishes_a_feed_post_with_its_link(adapter, sandbox):
    published = adapter.publish(outgoing(link=LINK))
    [received] = sandbox.posts("facebook")
    assert (received.text, received.extra["link"]) == (TEXT, LINK)
    assert published.external_id == received.external_id and published.url.startswith("https://www.facebook.com/")


def test_images_are_unpublished_photos_attached_to_one_post(adapter, sandbox, image):
    adapter.publish(outgoing(link=LINK, media=(image, image)))
    [received] = sandbox.posts("facebook")
    assert received.media_count == 2 and received.text == f"{TEXT}\n\n{LINK}"
    photos = sandbox.state.scratch["facebook"]["photos"]
    assert [photos[photo]["alt_text"] for photo in received.extra["photos"]] == ["L'affiche de la collecte"] * 2


def test_an_expired_token_is_an_auth_error_although_graph_answers_400(sandbox):
    adapter = make_adapter(sandbox, token="revoked")
    with pytest.raises(AuthError) as raised:
        adapter.publish(outgoing())
    assert raised.value.status == 400 and "#190/463" in raised.value.message
    assert not sandbox.posts("facebook")


def test_429_is_temporary_and_honours_retry_after(adapter, sandbox):
    sandbox.fault("facebook", {"status": 429, "retry_after": "7"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 7.0 and raised.value.status == 429


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_graph_throttling_codes_sent_with_http_400_are_temporary(adapter, sandbox, code):
    sandbox.fault("facebook", {"status": 400, "message": f"(#{code}) Request limit reached", "retry_after": "60"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 60.0 and f"#{code}" in raised.value.message


def test_500_is_temporary(adapter, sandbox):
    sandbox.fault("facebook", {"status": 503})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())


def test_a_refused_post_is_permanent_with_graphs_reason(adapter, sandbox):
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(text="x" * 63207))
    assert "too long" in raised.value.message and "#100" in raised.value.message
    assert not isinstance(raised.value, AuthError)


def test_a_timeout_after_sending_is_an_unknown_outcome_that_lookup_resolves(adapter, sandbox, image):
    sandbox.fault("facebook", {"drop_after_receive": True, "hold": 3, "match": "POST .*/feed"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing(link=LINK, media=(image,)))
    found = adapter.lookup(outgoing(link=LINK, media=(image,)))
    assert found is not None and found.external_id == sandbox.posts("facebook")[0].external_id
    assert adapter.lookup(outgoing(text="Un autre texte")) is None


def test_a_lost_photo_upload_is_only_temporary_and_never_doubles_the_post(adapter, sandbox, image):
    sandbox.fault("facebook", {"drop_after_receive": True, "hold": 3, "match": "POST .*/photos"})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing(media=(image,)))
    assert not sandbox.posts("facebook")
    adapter.publish(outgoing(media=(image,)))
    assert len(sandbox.posts("facebook")) == 1


def test_malformed_json_on_a_post_is_an_unknown_outcome(adapter, sandbox):
    sandbox.fault("facebook", {"malformed": True, "match": "POST .*/feed"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())


def test_a_slow_network_times_out(sandbox):
    adapter = make_adapter(sandbox, timeout=0.5)
    sandbox.fault("facebook", {"delay": 2, "match": "GET"})
    with pytest.raises(TemporaryError):
        adapter.check_credentials()


def test_credentials_comments_hiding_replies_and_delete(adapter, sandbox):
    assert adapter.check_credentials() == "Ville de Montmagny"
    published = adapter.publish(outgoing())
    sandbox.state.record(
        Received(
            "facebook", "555_1", "Merci !", account="Citoyen", kind="comment", extra={"post_id": published.external_id}
        )
    )
    [comment] = adapter.fetch_comments(published.external_id)
    assert (comment.external_id, comment.author, comment.text) == ("555_1", "Citoyen", "Merci !")
    assert comment.created_at is not None
    adapter.hide_comment(comment.external_id)
    assert sandbox.posts("facebook", kind="comment")[0].extra["is_hidden"] is True
    reply = adapter.reply(comment.external_id, "Avec plaisir.")
    assert sandbox.posts("facebook", kind="reply")[0].text == "Avec plaisir."
    assert [(c.external_id, c.in_reply_to) for c in adapter.fetch_comments(published.external_id)] == [
        ("555_1", ""),
        (reply.external_id, "555_1"),
    ]
    adapter.delete(published.external_id)
    assert not sandbox.posts("facebook")
