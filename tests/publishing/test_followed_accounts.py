"""Whom a channel follows (art. 7), listed by the adapters of the networks whose API says it (Mastodon, Bluesky,
X), against a real HTTP server speaking each network's documented API: every page read, and a list that
cannot be read to the end is an error, never a shorter list."""

from __future__ import annotations

import pytest

from kernel.networks import NETWORKS as REGISTRY
from publishing.adapters import adapter_class
from publishing.adapters.base import AuthError, FollowedAccount, NetworkAdapter, TemporaryError
from publishing.sandbox.following import seed_following
from tests.publishing.test_adapter_contract import NETWORKS

FOLLOWED = [
    {"handle": "bibliotheque", "display_name": "Bibliothèque de Montmagny"},
    {"handle": "gillesboucher", "display_name": "Gilles Boucher"},
    {"handle": "partidufleuve", "display_name": "Parti du Fleuve"},
    {"handle": "cegep", "display_name": "Cégep de La Pocatière"},
    {"handle": "sq", "display_name": "Sûreté du Québec"},
]
# What each network's adapter makes of the second account: its handle and its profile's address.
EXPECTED = {
    "mastodon": FollowedAccount(
        "@gillesboucher@mastodon.example", "Gilles Boucher", "https://mastodon.example/@gillesboucher"
    ),
    "bluesky": FollowedAccount("@gillesboucher", "Gilles Boucher", "https://bsky.app/profile/gillesboucher"),
    "x": FollowedAccount("@gillesboucher", "Gilles Boucher", "https://x.com/gillesboucher"),
}
FOLLOWING_ROUTE = {"mastodon": "/following", "bluesky": "getFollows", "x": "/following"}


@pytest.fixture(params=sorted(EXPECTED))
def network(request):
    return NETWORKS[request.param]


def test_it_reads_every_page_of_the_accounts_followed(network, adapter, sandbox):
    seed_following(sandbox.state, network.code, FOLLOWED)
    adapter.FOLLOWING_PAGE = 2  # three pages
    accounts = adapter.followed_accounts()
    assert [account.display_name for account in accounts] == [account["display_name"] for account in FOLLOWED]
    assert accounts[1] == EXPECTED[network.code]


def test_an_account_that_follows_nobody_has_an_empty_list(network, adapter, sandbox):
    assert adapter.followed_accounts() == []


def test_another_mastodon_servers_account_keeps_its_server_in_its_handle(sandbox):
    seed_following(sandbox.state, "mastodon", [{"handle": "gilles@social.example", "display_name": "Gilles"}])
    [account] = NETWORKS["mastodon"].adapter(sandbox).followed_accounts()
    assert (account.handle, account.url) == ("@gilles@social.example", "https://social.example/@gilles")


def test_a_list_longer_than_the_pages_read_is_an_error_not_a_shorter_list(network, adapter, sandbox):
    seed_following(sandbox.state, network.code, FOLLOWED)
    adapter.FOLLOWING_PAGE, adapter.FOLLOWING_PAGES = 2, 2
    with pytest.raises(TemporaryError):
        adapter.followed_accounts()


def test_refused_credentials_are_an_auth_error(network, sandbox):
    seed_following(sandbox.state, network.code, FOLLOWED)
    with pytest.raises(AuthError):
        network.adapter(sandbox, **network.revoked).followed_accounts()


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_failure_is_a_temporary_error(network, adapter, sandbox, status):
    seed_following(sandbox.state, network.code, FOLLOWED)
    sandbox.fault(network.code, {"status": status, "match": f"GET .*{FOLLOWING_ROUTE[network.code]}"})
    with pytest.raises(TemporaryError):
        adapter.followed_accounts()


def test_a_network_that_does_not_answer_in_time_is_a_temporary_error(network, sandbox):
    seed_following(sandbox.state, network.code, FOLLOWED)
    adapter = network.adapter(sandbox, timeout=0.3)
    sandbox.fault(network.code, {"delay": 1, "match": f"GET .*{FOLLOWING_ROUTE[network.code]}"})
    with pytest.raises(TemporaryError):
        adapter.followed_accounts()


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_the_registry_says_which_adapters_list_the_accounts_followed(code):
    """``Network.lists_follows`` (read by the pages, below publishing) says what the adapter does."""
    implements = adapter_class(code).followed_accounts is not NetworkAdapter.followed_accounts
    assert REGISTRY[code].lists_follows == implements


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_the_registry_says_which_adapters_delete(code, sandbox):
    """``Network.deletes`` (a removal waits for a person where it is false) says what the adapter does."""
    from publishing.adapters.base import PermanentError

    adapter = adapter_class(code)(base_url=sandbox.url(code), credentials={"access_token": "jeton"}, timeout=1.0)
    if REGISTRY[code].deletes:
        assert adapter_class(code).delete is not NetworkAdapter.delete
    else:
        with pytest.raises(PermanentError):
            adapter.delete("17900000000000001")
