"""The LinkedIn adapter against a real HTTP server speaking LinkedIn's versioned REST API as documented."""

from __future__ import annotations

import pytest

from publishing.adapters.base import AuthError, MediaFile, OutcomeUnknown, Outgoing, PermanentError, TemporaryError
from publishing.adapters.linkedin import LinkedInAdapter, little_text
from publishing.sandbox.networks.linkedin import AUTHOR
from publishing.sandbox.server import Received
from tests import factories

TEXT = "La collecte des feuilles (résidus verts) aura lieu le 3 novembre. #Montmagny"
LINK = "https://montmagny.example/collecte"


def make_adapter(sandbox, token="jeton", timeout=2.0) -> LinkedInAdapter:
    return LinkedInAdapter(
        base_url=sandbox.url("linkedin"), credentials={"access_token": token, "author": AUTHOR}, timeout=timeout
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


def test_commentary_escapes_little_text_and_makes_hashtags():
    assert little_text("Fête (gratuite) à 10 h_30 #Montmagny @mairie") == (
        r"Fête \(gratuite\) à 10 h\_30 {hashtag|\#|Montmagny} \@mairie"
    )


def test_it_publishes_a_post_and_reads_its_urn_from_the_header(adapter, sandbox):
    published = adapter.publish(outgoing(link=LINK))
    [received] = sandbox.posts("linkedin")
    assert received.text == little_text(f"{TEXT}\n\n{LINK}")
    assert published.external_id == received.external_id and published.external_id.startswith("urn:li:share:")
    assert published.url == f"https://www.linkedin.com/feed/update/{published.external_id}/"


def test_images_go_through_the_images_api_with_their_alt_text(adapter, sandbox, image):
    adapter.publish(outgoing(media=(image,)))
    adapter.publish(outgoing(text="Deux affiches", media=(image, image)))
    single, double = sandbox.posts("linkedin")
    assert single.extra["content"]["media"]["altText"] == "L'affiche de la collecte"
    assert double.media_count == 2 and "multiImage" in double.extra["content"]


def test_publishing_again_returns_the_post_linkedin_names_as_the_duplicate(adapter, sandbox):
    first, second = adapter.publish(outgoing()), adapter.publish(outgoing())
    assert first.external_id == second.external_id and len(sandbox.posts("linkedin")) == 1


def test_a_revoked_token_is_an_auth_error(sandbox):
    adapter = make_adapter(sandbox, token="revoked")
    with pytest.raises(AuthError) as raised:
        adapter.publish(outgoing())
    assert "65600" in raised.value.message and not sandbox.posts("linkedin")


def test_429_is_temporary_and_honours_retry_after(adapter, sandbox):
    sandbox.fault("linkedin", {"status": 429, "retry_after": "7"})
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    assert raised.value.retry_after == 7.0 and raised.value.status == 429


def test_500_is_temporary(adapter, sandbox):
    sandbox.fault("linkedin", {"status": 504})
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())


def test_a_refused_post_is_permanent_with_linkedins_reason(adapter, sandbox):
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(text="x" * 3001))
    assert "/commentary" in raised.value.message and raised.value.status == 422
    assert not isinstance(raised.value, AuthError)


def test_a_timeout_after_sending_is_an_unknown_outcome_that_lookup_resolves(adapter, sandbox):
    sandbox.fault("linkedin", {"drop_after_receive": True, "hold": 3, "match": "POST /rest/posts"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())
    found = adapter.lookup(outgoing())
    assert found is not None and found.external_id == sandbox.posts("linkedin")[0].external_id
    assert adapter.lookup(outgoing(text="Un autre texte")) is None
    assert adapter.reconcile(outgoing()).external_id == found.external_id  # publishing again is exact
    assert adapter.reconcile(outgoing(text="Jamais envoyé")).external_id != found.external_id
    assert len(sandbox.posts("linkedin")) == 2


def test_malformed_json_on_a_post_is_an_unknown_outcome(adapter, sandbox):
    sandbox.fault("linkedin", {"malformed": True, "match": "POST /rest/posts"})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())


def test_a_slow_network_times_out(sandbox):
    adapter = make_adapter(sandbox, timeout=0.5)
    sandbox.fault("linkedin", {"delay": 2, "match": "GET"})
    with pytest.raises(TemporaryError):
        adapter.check_credentials()


def test_credentials_comments_replies_and_delete(adapter, sandbox):
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
