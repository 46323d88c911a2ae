"""The Instagram adapter against a real HTTP server speaking the Graph API's content publishing as
documented: what Instagram does its own way. The error matrix every network shares is in
``test_adapter_contract.py``; Graph's throttling codes, shared with Facebook, in ``test_facebook.py``."""

from __future__ import annotations

import pytest

from publishing.adapters.base import MediaFile, PermanentError, TemporaryError
from publishing.sandbox.server import Received
from tests import factories
from tests.publishing.test_adapter_contract import NETWORKS

INSTAGRAM = NETWORKS["instagram"]
MEDIA_BASE_URL = INSTAGRAM.credentials["media_base_url"]


@pytest.fixture
def network():
    return INSTAGRAM


@pytest.fixture
def image(tmp_path) -> MediaFile:
    """A name with a space: Instagram fetches the image from its address, which must be quoted."""
    path = tmp_path / "affiche collecte.png"
    path.write_bytes(factories.png_bytes())
    return MediaFile(path, "image/png", "L'affiche de la collecte")


def test_it_publishes_a_container_with_the_image_url_and_alt_text(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing())
    [received] = sandbox.posts("instagram")
    assert (received.text, received.extra["image_urls"]) == (
        INSTAGRAM.text,
        [f"{MEDIA_BASE_URL}affiche%20collecte.png"],
    )
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


def test_a_lost_container_answer_is_temporary_and_repeating_it_is_harmless(adapter, sandbox, outgoing):
    sandbox.fault("instagram", {"drop_after_receive": True, "hold": 3, "match": "POST .*/media$"})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())
    adapter.publish(outgoing())
    assert len(sandbox.posts("instagram")) == 1 and len(sandbox.state.scratch["instagram"]["containers"]) == 2


def test_an_image_address_instagram_cannot_fetch_is_permanent(sandbox, outgoing):
    adapter = INSTAGRAM.adapter(sandbox, media_base_url="/medias")
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing())
    assert "could not be fetched" in raised.value.message


def test_credentials_comments_hiding_replies_and_no_delete(adapter, sandbox, outgoing):
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
    with pytest.raises(PermanentError, match="Instagram"):  # the Graph API deletes no published media
        adapter.delete(published.external_id)
    assert len(sandbox.posts("instagram")) == 1
