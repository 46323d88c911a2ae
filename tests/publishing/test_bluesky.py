"""The Bluesky adapter against a real HTTP server speaking the AT Protocol's documented XRPC API: what
Bluesky does its own way. The error matrix every network shares is in ``test_adapter_contract.py``."""

from __future__ import annotations

import pytest

from publishing.adapters.base import AuthError, PermanentError
from publishing.adapters.bluesky import facets, record_key
from publishing.sandbox.server import Received
from tests.publishing.test_adapter_contract import NETWORKS

BLUESKY = NETWORKS["bluesky"]
TEXT = BLUESKY.text


@pytest.fixture
def network():
    return BLUESKY


def expire(sandbox, kind: str) -> None:
    """Let every session token of ``kind`` ("access" or "refresh") expire on the sandbox's PDS."""
    for token in sandbox.state.scratch["bluesky"]["tokens"].values():
        if token["kind"] == kind:
            token["expired"] = True


def test_it_publishes_a_post_with_clickable_links_and_tags_at_byte_offsets(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing())
    [received] = sandbox.posts("bluesky")
    record = received.extra["record"]
    assert (record["$type"], record["text"], record["langs"]) == ("app.bsky.feed.post", TEXT, ["fr"])
    encoded = TEXT.encode()
    link, tag = record["facets"]
    assert encoded[link["index"]["byteStart"] : link["index"]["byteEnd"]] == b"https://ville.montmagny.qc.ca/fete"
    assert link["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": "https://ville.montmagny.qc.ca/fete"}]
    assert encoded[tag["index"]["byteStart"] : tag["index"]["byteEnd"]].decode() == "#MontmagnyEnFête"
    assert tag["features"][0]["tag"] == "MontmagnyEnFête"
    assert published.external_id == received.external_id
    assert published.external_id.endswith("/" + record_key("publication-1"))
    assert published.url == f"https://bsky.app/profile/villemontmagny.bsky.social/post/{record_key('publication-1')}"


def test_facets_trim_punctuation_and_add_a_scheme_to_www_links():
    [facet] = facets("Voir (www.ville.montmagny.qc.ca/avis).")
    assert facet["features"][0]["uri"] == "https://www.ville.montmagny.qc.ca/avis"


def test_it_uploads_images_as_blobs_with_their_description(adapter, sandbox, outgoing, image):
    adapter.publish(outgoing(media=(image,)))
    [received] = sandbox.posts("bluesky")
    [embedded] = received.extra["record"]["embed"]["images"]
    assert received.media_count == 1 and embedded["alt"] == "L'affiche de la collecte"
    assert embedded["image"]["mimeType"] == "image/png"


def test_a_link_missing_from_the_text_becomes_a_link_card(adapter, sandbox, outgoing):
    adapter.publish(outgoing(text="La fête approche.", link="https://ville.montmagny.qc.ca/fete"))
    embed = sandbox.posts("bluesky")[0].extra["record"]["embed"]
    assert (
        embed["$type"] == "app.bsky.embed.external" and embed["external"]["uri"] == "https://ville.montmagny.qc.ca/fete"
    )


def test_another_idempotency_key_is_another_record(adapter, sandbox, outgoing):
    first = adapter.publish(outgoing())
    assert adapter.publish(outgoing(idempotency_key="publication-2")).external_id != first.external_id


def test_an_expired_access_token_is_refreshed_and_the_post_goes_out_once(adapter, sandbox, outgoing):
    assert adapter.check_credentials() == "villemontmagny.bsky.social"
    expire(sandbox, "access")
    adapter.publish(outgoing())
    assert len(sandbox.posts("bluesky")) == 1
    # Refreshed, not reopened: the first refresh token is spent, one new pair was issued.
    tokens = sandbox.state.scratch["bluesky"]["tokens"].values()
    assert sorted(token["kind"] for token in tokens) == ["access", "access", "refresh"]


def test_when_the_refresh_token_expired_too_a_new_session_is_opened(adapter, sandbox):
    adapter.check_credentials()
    expire(sandbox, "access")
    expire(sandbox, "refresh")
    assert adapter.check_credentials() == "villemontmagny.bsky.social"


def test_an_expired_token_error_from_the_network_is_an_auth_error_when_renewal_fails(adapter, sandbox):
    adapter.check_credentials()
    sandbox.fault("bluesky", *[{"status": 400, "message": "ExpiredToken", "match": "getSession"}] * 2)
    with pytest.raises(AuthError) as raised:
        adapter.check_credentials()
    assert "ExpiredToken" in raised.value.message


def test_the_300_limit_counts_graphemes_not_code_points(adapter, sandbox, outgoing):
    # The contract shows 301 graphemes refused.
    adapter.publish(outgoing(text="👍🏽" * 300))  # 600 code points, 300 graphemes: accepted
    assert len(sandbox.posts("bluesky")) == 1


def comment(sandbox, uri: str, parent, root, text: str) -> None:
    """A citizen's reply, as another account's record on the network."""
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2025-06-24T18:00:00.000Z",
        "reply": {"root": root, "parent": parent},
    }
    extra = {"record": record, "cid": f"bafyrei{len(uri)}", "did": "did:plc:citoyen"}
    sandbox.state.record(Received("bluesky", uri, text, account="citoyen.bsky.social", kind="comment", extra=extra))


def test_credentials_comments_reply_hide_and_delete(adapter, sandbox, outgoing):
    published = adapter.publish(outgoing())
    root = {"uri": published.external_id, "cid": sandbox.posts("bluesky")[0].extra["cid"]}
    first = "at://did:plc:citoyen/app.bsky.feed.post/3lcitoyen2222"
    comment(sandbox, first, root, root, "Merci !")
    comment(sandbox, "at://did:plc:citoyen/app.bsky.feed.post/3lcitoyen3333", {"uri": first}, root, "Et l'heure ?")
    comments = adapter.fetch_comments(published.external_id)
    assert [(c.author, c.text) for c in comments] == [
        ("citoyen.bsky.social", "Merci !"),
        ("citoyen.bsky.social", "Et l'heure ?"),
    ]
    assert comments[1].in_reply_to == first and comments[0].created_at is not None
    answer = adapter.reply(comments[1].external_id, "À 18 h.")
    [reply] = sandbox.posts("bluesky", kind="reply")
    assert reply.external_id == answer.external_id
    assert reply.extra["record"]["reply"]["root"] == root
    assert reply.extra["record"]["reply"]["parent"]["uri"] == comments[1].external_id
    assert adapter.reply(comments[1].external_id, "À 18 h.").external_id == answer.external_id  # once
    with pytest.raises(PermanentError):
        adapter.hide_comment(first)
    adapter.delete(published.external_id)
    assert not sandbox.posts("bluesky")
