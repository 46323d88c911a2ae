"""The Instagram adapter against a real HTTP server speaking the Graph API's content publishing as documented."""

from __future__ import annotations

import pytest

from publishing.adapters.base import AuthError, MediaFile, OutcomeUnknown, Outgoing, PermanentError, TemporaryError
from publishing.adapters.instagram import InstagramAdapter
from publishing.sandbox.networks.instagram import ACCOUNT
from publishing.sandbox.server import Received
from tests import factories

TEXT = "La collecte des feuilles aura lieu le 3 novembre."
MEDIA_BASE_URL = "https://vitrine.montmagny.example/medias/"


def make_adapter(sandbox, token="jeton", timeout=2.0, media_base_url=MEDIA_BASE_URL) -> InstagramAdapter:
    credentials = {"ig_user_id": ACCOUNT["id"], "access_token": token, "media_base_url": media_base_url}
    return InstagramAdapter(base_url=sandbox.url("instagram"), credentials=credentials, timeout=timeout)


@pytest.fixture
def adapter(sandbox):
    adapter = make_adapter(sandbox)
    return adapter


@pytest.fixture
def image(tmp_path) -> MediaFile:
    path = tmp_path / "affiche collecte.png"
    path.write_bytes(factories.png_bytes())
    return MediaFile(path, "image/png", "L'affiche de la collecte")


@pytest.fixture
def outgoing(image):
    def make(**fields) -> Outgoing:
        fields.setdefault("text", TEXT)
        fields.setdefault("idempotency_key", "publication-1")
        fields.setdefault("media", (image,))
        return Outgoing(**fields)

    return make


def test_it_publishes_a_container_with_the_image_url_and_alt_text(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing())
    [received] = sandbox.posts("instagram")
    assert (received.text, received.extra["image_urls"]) == (TEXT, [f"{MEDIA_BASE_URL}affiche%20collecte.png"])
    container = sandbox.state.scratch["instagram"]["containers"][received.extra["container"]]
    assert container["alt_text"] == "L'affiche de la collecte"
    assert published.external_id == received.external_id and published.url.startswith("https://www.instagram.com/p/")


def test_several_images_make_a_carousel(adapter, sandbox, outgoing, image):
    adapter.publish(outgoing(media=(image, image, image)))
    assert sandbox.posts("instagram")[0].media_count == 3


def test_a_post_without_an_image_is_refused_before_any_request(adapter, sandbox, outgoing):
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(media=()))
    assert "image" in raised.value.message and raised.value.status is None


def test_publishing_again_finds_the_earlier_post_instead_of_doubling_it(adapter, sandbox, outgoing):
    first, second = adapter.publish(outgoing()), adapter.publish(outgoing())
    assert first.external_id == second.external_id and len(sandbox.posts("instagram")) == 1


def test_a_lost_container_answer_is_temporary_and_repeating_it_is_harmless(adapter, sandbox, outgoing):
    sandbox.fault("instagram", {"drop_after_receive": True, "hold": 3, "match": "POST .*/media$"})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())
    adapter.publish(outgoing())
    assert len(sandbox.posts("instagram")) == 1 and len(sandbox.state.scratch["instagram"]["containers"]) == 2


def test_an_expired_token_is_an_auth_error(sandbox, outgoing):
    adapter = make_adapter(sandbox, token="revoked")
    with pytest.raises(AuthError):
        adapter.publish(outgoing())
    assert not sandbox.posts("instagram")


def test_429_is_temporary_and_honours_retry_after(adapter, sandbox, outgoing):
    sandbox.fault("instagram", {"status": 429, "retry_after": "7"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 7.0 and raised.value.status == 429


def test_graph_throttling_with_http_400_is_temporary(adapter, sandbox, outgoing):
    sandbox.fault("instagram", {"status": 400, "message": "(#4) Application request limit reached"})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())


def test_500_is_temporary(adapter, sandbox, outgoing):
    sandbox.fault("instagram", {"status": 500})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())


def test_a_refused_caption_is_permanent_with_instagrams_reason(adapter, sandbox, outgoing):
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(text="x" * 2201))
    assert "2200" in raised.value.message and not isinstance(raised.value, AuthError)


def test_an_image_address_instagram_cannot_fetch_is_permanent(sandbox, outgoing):
    adapter = make_adapter(sandbox, media_base_url="/medias")
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing())
    assert "could not be fetched" in raised.value.message


def test_a_timeout_after_publishing_is_an_unknown_outcome_that_lookup_resolves(adapter, sandbox, outgoing):
    sandbox.fault("instagram", {"drop_after_receive": True, "hold": 3, "match": "POST .*/media_publish"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())
    found = adapter.lookup(outgoing())
    assert found is not None and found.external_id == sandbox.posts("instagram")[0].external_id
    assert adapter.lookup(outgoing(text="Un autre texte")) is None


def test_malformed_json_on_publishing_is_an_unknown_outcome(adapter, sandbox, outgoing):
    sandbox.fault("instagram", {"malformed": True, "match": "POST .*/media_publish"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())


def test_a_slow_network_times_out(sandbox):
    adapter = make_adapter(sandbox, timeout=0.5)
    sandbox.fault("instagram", {"delay": 2, "match": "GET"})
    with pytest.raises(TemporaryError):
        adapter.check_credentials()


def test_credentials_comments_hiding_replies_and_delete(adapter, sandbox, outgoing):
    assert adapter.check_credentials() == "villemontmagny"
    published = adapter.publish(outgoing())
    sandbox.state.record(
        Received(
            "instagram", "1790", "Merci !", account="citoyen", kind="comment", extra={"media_id": published.external_id}
        )
    )
    [comment] = adapter.fetch_comments(published.external_id)
    assert (comment.external_id, comment.author, comment.text) == ("1790", "citoyen", "Merci !")
    adapter.hide_comment(comment.external_id)
    assert sandbox.posts("instagram", kind="comment")[0].extra["hidden"] is True
    reply = adapter.reply(comment.external_id, "Avec plaisir.")
    assert sandbox.posts("instagram", kind="reply")[0].text == "Avec plaisir."
    assert [(c.external_id, c.in_reply_to) for c in adapter.fetch_comments(published.external_id)] == [
        ("1790", ""),
        (reply.external_id, "1790"),
    ]
    adapter.delete(published.external_id)
    assert not sandbox.posts("instagram")
