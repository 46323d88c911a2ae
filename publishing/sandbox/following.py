"""The accounts a sandbox account follows (art. 7's check), seeded by tests and by hand, shown by each network's
simulator in its own shape (Mastodon's ``following``, Bluesky's ``getFollows``, X's ``following``).

An account is a network-neutral dict: ``{"handle": "gillesboucher", "display_name": "Gilles Boucher"}``
(Mastodon: ``"handle": "gilles@mastodon.example"`` for another server's account). Seeds are kept per
network and per ``owner`` — the bearer token on Mastodon and X, the actor on Bluesky — with ``""`` for
every account of the network without a list of its own.
"""

from __future__ import annotations

from publishing.sandbox.server import State


def seed_following(state: State, network: str, accounts: list[dict], *, owner: str = "") -> None:
    """Make ``owner``'s account (every account, by default) follow ``accounts``, in this order."""
    with state.lock:
        state.scratch[network].setdefault("following", {})[owner] = [dict(account) for account in accounts]


def following(state: State, network: str, owner: str) -> list[dict]:
    """The accounts ``owner`` follows: their own seeded list, else the network's."""
    with state.lock:
        seeded = state.scratch[network].get("following", {})
        return list(seeded.get(owner, seeded.get("", [])))


def page_of(accounts: list[dict], cursor: str, size: int) -> tuple[list[dict], str]:
    """The page of ``accounts`` from position ``cursor`` ("" is the start) and the next page's cursor ("" at the
    end). A cursor is opaque to clients; here, a position."""
    start = int(cursor or 0)
    end = start + max(1, size)
    return accounts[start:end], (str(end) if end < len(accounts) else "")


# What the demo's accounts follow when the sandbox starts (``manage.py sandbox``): the city's neighbours, and on
# Bluesky a candidate of the demo's election (``calendar_app.demo.montmagny.CANDIDATES``), for the check to flag.
DEMO_FOLLOWING = {
    "mastodon": [
        {"handle": "bibliotheque@mastodon.example", "display_name": "Bibliothèque de Montmagny"},
        {"handle": "quebec@social.example", "display_name": "Gouvernement du Québec"},
    ],
    "bluesky": [
        {"handle": "mrcmontmagny.bsky.social", "display_name": "MRC de Montmagny"},
        {"handle": "gillesboucher.bsky.social", "display_name": "Gilles Boucher"},
    ],
    "x": [
        {"handle": "Quebec_ca", "display_name": "Gouvernement du Québec"},
        {"handle": "SQ_CentreQc", "display_name": "Sûreté du Québec"},
    ],
}


def seed_demo_following(state: State) -> None:
    for network, accounts in DEMO_FOLLOWING.items():
        seed_following(state, network, accounts)
