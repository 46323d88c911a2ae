"""The contract every network adapter keeps, checked once against each network's simulator.

Each row of ``NETWORKS`` says how to reach one network and what its answers look like; every test
below runs once per row. A network's own ways (its payloads, its idempotency, its comments) are
tested in its own file, ``test_<network>.py``, which uses its row through the ``network`` fixture.
"""

from __future__ import annotations

import dataclasses

import pytest

from publishing.adapters.base import AuthError, NetworkAdapter, OutcomeUnknown, PermanentError, TemporaryError
from publishing.adapters.bluesky import BlueskyAdapter
from publishing.adapters.facebook import FacebookAdapter
from publishing.adapters.instagram import InstagramAdapter
from publishing.adapters.linkedin import LinkedInAdapter
from publishing.adapters.mastodon import MastodonAdapter
from publishing.adapters.webhook import WebhookAdapter
from publishing.adapters.x import XAdapter
from publishing.sandbox.networks.facebook import PAGE
from publishing.sandbox.networks.instagram import ACCOUNT as INSTAGRAM_ACCOUNT
from publishing.sandbox.networks.linkedin import AUTHOR
from publishing.sandbox.networks.webhook import SECRET

TEXT = "La collecte des feuilles aura lieu le 3 novembre."


@dataclasses.dataclass(frozen=True)
class Network:
    """One network as the contract tests see it."""

    code: str
    adapter_class: type[NetworkAdapter]
    credentials: dict[str, str]
    revoked: dict[str, str]  # credentials the network refuses
    publish_route: str  # the request that publishes ("METHOD path" regex): where a lost answer is aimed
    refused: dict  # a publication the network refuses (Outgoing fields)
    refusal_reason: tuple[str, ...]  # what the refusal's message quotes of the network's reason
    text: str = TEXT  # a text it accepts
    needs_image: bool = False  # every publication carries an image
    # Publishing the same publication again returns the first post. Graph's feed has no
    # idempotency key: Facebook is kept from doubling by lookup before any retry instead.
    publishes_once: bool = True
    refusal_status: int | None = None
    auth_reason: tuple[str, ...] = ()
    auth_status: int | None = None
    throttled_route: str | None = None  # where a 429 or 5xx is aimed; None: the first request
    throttle_reason: tuple[str, ...] = ()
    rate_limit_wait: tuple[float, float] = (7.0, 7.0)  # the wait after a 429 with "Retry-After: 7"
    # A publication that lookup must not take for the one sent.
    another: dict = dataclasses.field(default_factory=lambda: {"text": "Un autre texte"})

    def adapter(self, sandbox, *, timeout: float = 2.0, **credentials) -> NetworkAdapter:
        return self.adapter_class(
            base_url=sandbox.url(self.code), credentials={**self.credentials, **credentials}, timeout=timeout
        )


NETWORKS = {
    network.code: network
    for network in (
        Network(
            "facebook",
            FacebookAdapter,
            credentials={"page_id": PAGE["id"], "access_token": "jeton"},
            revoked={"access_token": "revoked"},
            publish_route="POST .*/feed",
            refused={"text": "x" * 63207},
            refusal_reason=("too long", "#100"),
            # Graph answers an expired token with HTTP 400, code 190, subcode 463.
            auth_reason=("#190/463",),
            auth_status=400,
            publishes_once=False,
        ),
        Network(
            "instagram",
            InstagramAdapter,
            credentials={
                "ig_user_id": INSTAGRAM_ACCOUNT["id"],
                "access_token": "jeton",
                "media_base_url": "https://vitrine.montmagny.example/medias/",
            },
            revoked={"access_token": "revoked"},
            publish_route="POST .*/media_publish",
            refused={"text": "x" * 2201},
            refusal_reason=("2200",),
            needs_image=True,
            auth_reason=("#190/463",),
            auth_status=400,
        ),
        Network(
            "linkedin",
            LinkedInAdapter,
            credentials={"access_token": "jeton", "author": AUTHOR},
            revoked={"access_token": "revoked"},
            publish_route="POST /rest/posts",
            text="La collecte des feuilles (résidus verts) aura lieu le 3 novembre. #Montmagny",
            refused={"text": "x" * 3001},
            refusal_reason=("/commentary",),
            refusal_status=422,
            auth_reason=("65600",),
        ),
        Network(
            "x",
            XAdapter,
            credentials={"access_token": "jeton"},
            revoked={"access_token": "revoked"},
            publish_route="POST /2/tweets",
            text="Collecte des feuilles & branches le 3 novembre : https://ville.montmagny.qc.ca/collectes",
            refused={"text": "x" * 281},
            refusal_reason=("too long",),
            auth_reason=("reconnect",),
            auth_status=401,
            # x-rate-limit-reset, 60 s away in the sandbox, is later than Retry-After: X waits for it.
            rate_limit_wait=(55.0, 60.0),
        ),
        Network(
            "mastodon",
            MastodonAdapter,
            credentials={"access_token": "jeton"},
            revoked={"access_token": "revoked"},
            publish_route="POST /api/v1/statuses",
            refused={"text": "x" * 501},
            refusal_reason=("500",),
            auth_reason=("reconnect",),
        ),
        Network(
            "bluesky",
            BlueskyAdapter,
            credentials={"identifier": "villemontmagny.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"},
            revoked={"app_password": "revoked"},
            publish_route="createRecord",
            text="Fête d'été à Montmagny : https://ville.montmagny.qc.ca/fete. #MontmagnyEnFête",
            refused={"text": "é" * 301},
            refusal_reason=("300 graphemes",),
            auth_reason=("reconnect", "Invalid identifier or password"),
            throttled_route="createRecord",  # not the session the adapter opens first
            throttle_reason=("RateLimitExceeded",),
            another={"idempotency_key": "publication-2"},  # the record key comes from it
        ),
        Network(
            "webhook",
            WebhookAdapter,
            credentials={"secret": SECRET},
            revoked={"secret": "wrong"},
            publish_route="POST",
            refused={"text": ""},
            refusal_reason=("needs a text",),
            auth_reason=("Invalid signature",),
            auth_status=401,
            another={"idempotency_key": "publication-2"},
        ),
    )
}


@pytest.fixture(params=NETWORKS.values(), ids=NETWORKS.keys())
def network(request) -> Network:
    return request.param


def throttle(network: Network, **fault) -> dict:
    return fault if network.throttled_route is None else {**fault, "match": network.throttled_route}


def test_refused_credentials_are_an_auth_error_and_nothing_is_published(network, sandbox, outgoing):
    adapter = network.adapter(sandbox, **network.revoked)
    with pytest.raises(AuthError) as raised:
        adapter.publish(outgoing())
    assert all(reason in raised.value.message for reason in network.auth_reason)
    assert network.auth_status is None or raised.value.status == network.auth_status
    assert not sandbox.posts(network.code)
    with pytest.raises(AuthError):
        adapter.check_credentials()


def test_429_is_temporary_and_honours_retry_after(network, adapter, sandbox, outgoing):
    sandbox.fault(network.code, throttle(network, status=429, retry_after="7"))
    with pytest.raises(TemporaryError) as raised:
        adapter.publish(outgoing())
    shortest, longest = network.rate_limit_wait
    assert raised.value.status == 429 and shortest <= raised.value.retry_after <= longest
    assert all(reason in raised.value.message for reason in network.throttle_reason)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_temporary_and_nothing_is_published(network, adapter, sandbox, outgoing, status):
    sandbox.fault(network.code, throttle(network, status=status))
    with pytest.raises(TemporaryError):
        adapter.publish(outgoing())
    assert not sandbox.posts(network.code)


def test_a_refused_publication_is_permanent_with_the_networks_reason(network, adapter, sandbox, outgoing):
    with pytest.raises(PermanentError) as raised:
        adapter.publish(outgoing(**network.refused))
    assert all(reason in raised.value.message for reason in network.refusal_reason)
    assert not isinstance(raised.value, AuthError)
    assert network.refusal_status is None or raised.value.status == network.refusal_status
    assert not sandbox.posts(network.code)


def test_a_timeout_after_sending_is_an_unknown_outcome_that_lookup_resolves(network, adapter, sandbox, outgoing):
    sandbox.fault(network.code, {"drop_after_receive": True, "hold": 3, "match": network.publish_route})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())
    found = adapter.lookup(outgoing())
    assert found is not None and found.external_id == sandbox.posts(network.code)[0].external_id
    assert adapter.lookup(outgoing(**network.another)) is None


def test_malformed_json_on_publishing_is_an_unknown_outcome(network, adapter, sandbox, outgoing):
    sandbox.fault(network.code, {"malformed": True, "match": network.publish_route})
    with pytest.raises(OutcomeUnknown):
        adapter.publish(outgoing())


def test_a_slow_network_times_out(network, sandbox):
    adapter = network.adapter(sandbox, timeout=0.5)
    sandbox.fault(network.code, {"delay": 2, "match": "GET"})
    with pytest.raises(TemporaryError):
        adapter.check_credentials()


@pytest.mark.parametrize(
    "network", [network for network in NETWORKS.values() if network.publishes_once], ids=lambda network: network.code
)
def test_publishing_the_same_publication_again_never_doubles_it(network, adapter, sandbox, outgoing):
    first, second = adapter.publish(outgoing()), adapter.publish(outgoing())
    assert first.external_id == second.external_id and len(sandbox.posts(network.code)) == 1
