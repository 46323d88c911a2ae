"""The Facebook Page adapter against a real HTTP server speaking the Graph API as documented: what
Facebook does its own way. The error matrix every network shares is in ``test_adapter_contract.py``."""

from __future__ import annotations

import pytest

from publishing.adapters.base import OutcomeUnknown, TemporaryError
from publishing.sandbox.server import Received
from tests.publishing.test_adapter_contract import NETWORKS

FACEBOOK = NETWORKS["facebook"]
LINK = "https://montmagny.example/collecte"


@pytest.fixture
def network():
    return FACEBOOK


def test_it_publishes_a_feed_post_with_its_link(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing(link=LINK))
    [received] = sandbox.posts("facebook")
    assert (received.text, received.extra["link"]) == (FACEBOOK.text, LINK)
    assert published.external_id == received.external_id and published.url.startswith("https://www.facebook.com/")


def test_images_are_unpublished_photos_attached_to_one_post(adapter, sandbox, outgoing, image):
    adapter.publish(outgoing(link=LINK, media=(image, image)))
    [received] = sandbox.posts("facebook")
    assert received.media_count == 2 and received.text == f"{FACEBOOK.text}\n\n{LINK}"
    photos = sandbox.state.scratch["facebook"]["photos"]
    assert [photos[photo]["alt_text"] for photo in received.extra["photos"]] == ["L'affiche de la collecte"] * 2


# Instagram speaks the same Graph API, which sends its throttling codes with HTTP 400.
@pytest.mark.parametrize("network", [FACEBOOK, NETWORKS["instagram"]], ids=lambda network: network.code)
@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_graph_throttling_codes_sent_with_http_400_are_temporary(network, adapter, sandbox, outgoing, code):
    sandbox.fault(network.code, {"status": 400, "message": f"(#{code}) Request limit reached", "retry_after": "60"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 60.0 and f"#{code}" in raised.value.message


def test_a_timeout_after_sending_a_post_with_photos_is_an_unknown_outcome_that_lookup_resolves(
    adapter, sandbox, outgoing, image
):
    sandbox.fault("facebook", {"drop_after_receive": True, "hold": 3, "match": "POST .*/feed"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing(link=LINK, media=(image,)))
    found = adapter.lookup(outgoing(link=LINK, media=(image,)))
    assert found is not None and found.external_id == sandbox.posts("facebook")[0].external_id
    assert adapter.lookup(outgoing(text="Un autre texte")) is None


def test_a_lost_photo_upload_is_only_temporary_and_never_doubles_the_post(adapter, sandbox, outgoing, image):
    sandbox.fault("facebook", {"drop_after_receive": True, "hold": 3, "match": "POST .*/photos"})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing(media=(image,)))
    assert not sandbox.posts("facebook")
    adapter.publish(outgoing(media=(image,)))
    assert len(sandbox.posts("facebook")) == 1


def test_credentials_comments_hiding_replies_and_delete(adapter, sandbox, outgoing):
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
