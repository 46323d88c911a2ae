"""The LinkedIn adapter against a real HTTP server speaking LinkedIn's versioned REST API as documented:
what LinkedIn does its own way. The error matrix every network shares is in ``test_adapter_contract.py``."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from publishing.adapters.base import OutcomeUnknown, PermanentError
from publishing.adapters.linkedin import little_text
from publishing.sandbox.server import Received
from tests.publishing.test_adapter_contract import NETWORKS

LINKEDIN = NETWORKS["linkedin"]
LINK = "https://montmagny.example/collecte"


@pytest.fixture
def network():
    return LINKEDIN


def test_commentary_escapes_little_text_and_makes_hashtags():
    assert little_text("Fête (gratuite) à 10 h_30 #Montmagny @mairie") == (
        r"Fête \(gratuite\) à 10 h\_30 {hashtag|\#|Montmagny} \@mairie"
    )


def test_it_publishes_a_post_and_reads_its_urn_from_the_header(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing(link=LINK))
    [received] = sandbox.posts("linkedin")
    assert received.text == little_text(f"{LINKEDIN.text}\n\n{LINK}")
    assert published.external_id == received.external_id and published.external_id.startswith("urn:li:share:")
    assert published.url == f"https://www.linkedin.com/feed/update/{published.external_id}/"


def test_images_go_through_the_images_api_with_their_alt_text(adapter, sandbox, outgoing, image):
    adapter.publish(outgoing(media=(image,)))
    adapter.publish(outgoing(text="Deux affiches", media=(image, image)))
    single, double = sandbox.posts("linkedin")
    assert single.extra["content"]["media"]["altText"] == "L'affiche de la collecte"
    assert double.media_count == 2 and "multiImage" in double.extra["content"]


def test_after_an_unknown_outcome_the_post_is_looked_up_by_text_and_time(adapter, sandbox, outgoing):
    sent_at = timezone.now()
    sandbox.fault("linkedin", {"drop_after_receive": True, "hold": 3, "match": "POST /rest/posts"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())
    [received] = sandbox.posts("linkedin")
    assert adapter.lookup(outgoing(), since=sent_at).external_id == received.external_id
    # The same text sent last week is not this one; a text never sent is nowhere.
    assert adapter.lookup(outgoing(), since=sent_at + datetime.timedelta(days=7)) is None
    assert adapter.lookup(outgoing(text="Jamais envoyé"), since=sent_at) is None
    assert len(sandbox.posts("linkedin")) == 1  # looking sends nothing


def test_credentials_comments_replies_and_delete(adapter, sandbox, outgoing):
    assert adapter.check_credentials() == "Ville de Montmagny"
    published = adapter.publish(outgoing())
    activity = "urn:li:activity:7001"
    sandbox.state.record(
        Received(
            "linkedin",
            f"urn:li:comment:({activity},42)",
            "Merci !",
            kind="comment",
            extra={"post": published.external_id, "activity": activity, "actor": "urn:li:person:abc"},
        )
    )
    [comment] = adapter.fetch_comments(published.external_id)
    assert (comment.external_id, comment.author, comment.text) == (
        f"urn:li:comment:({activity},42)",
        "urn:li:person:abc",
        "Merci !",
    )
    with pytest.raises(PermanentError):
        adapter.hide_comment(comment.external_id)
    reply = adapter.reply(comment.external_id, "Avec plaisir.")
    assert sandbox.posts("linkedin", kind="reply")[0].text == "Avec plaisir."
    assert adapter.fetch_comments(published.external_id)[1].in_reply_to == comment.external_id
    assert reply.external_id.startswith(f"urn:li:comment:({activity},")
    adapter.delete(published.external_id)
    assert not sandbox.posts("linkedin")
