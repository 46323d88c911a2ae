"""During an election period no official account may follow a party's or a candidate's account (art. 7).

Where the network's API lists the accounts a channel follows (Mastodon, Bluesky, X: the adapters that
implement ``followed_accounts``), ``followed_accounts_check`` fetches them and flags those matching the
period's parties and candidates — by their names (and the parties' other names) in the account's name or
handle, and by the accounts listed for them — accents and case aside. Everywhere else a person of the
communications department confirms the check (``followed_accounts_confirm``). Each check is recorded with
who and when, and audited; a fetch that fails is recorded as failed, and checks nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Channel, ElectionPeriod, FollowedAccountsCheck, Notification, Role
from calendar_app.permissions import Abilities, Action, require
from calendar_app.selectors.people import people_with_roles
from calendar_app.services.audit import audit_record
from calendar_app.services.notifications import notify
from kernel.credentials import CredentialsUnreadable
from kernel.networks import NETWORKS
from publishing.adapters import adapter_for
from publishing.adapters.base import AdapterError, FollowedAccount
from publishing.options import options

_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")
# The ways of writing one profile's address that mean the same profile.
_SCHEME = regex.compile(r"^(?:https?://)?(?:www\.)?")
_SAME_HOSTS = {"twitter.com/": "x.com/", "mobile.twitter.com/": "x.com/"}


def lists_followed_accounts(network: str) -> bool:
    """Whether ``network``'s API lists the accounts a channel follows (``Network.lists_follows``; its adapter's
    ``followed_accounts`` reads them)."""
    return NETWORKS[network].lists_follows


# Matching ------------------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """``text`` without accents, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def words_of(text: str) -> str:
    """``text``'s words, accents and case aside, one space between them and around them (`` gilles boucher ``):
    a name is found in it as a whole sequence of words."""
    words = _NOT_WORD.sub(" ", _plain(text)).split()
    return f" {' '.join(words)} " if words else ""


def account_key(value: str) -> str:
    """A handle or a profile's address as one comparable key: ``@Gilles@Social.example`` → ``gilles@social.example``,
    ``https://www.twitter.com/GillesB/`` → ``x.com/gillesb``."""
    key = _SCHEME.sub("", _plain(value.strip())).rstrip("/").lstrip("@")
    for host, same in _SAME_HOSTS.items():
        if key.startswith(host):
            key = same + key[len(host) :]
    return key


@dataclass(frozen=True)
class Watched:
    """A party or a candidate of the period, as the check looks for them."""

    label: str
    names: tuple[str, ...]  # ``words_of`` each name
    accounts: frozenset[str]  # ``account_key`` of each account listed


def watched_in(period: ElectionPeriod) -> list[Watched]:
    """The period's parties (their names and other names; hashtags read as words) and candidates."""
    watched = []
    for party in period.parties.all():
        names = [party.name, *party.aliases.splitlines()]
        watched.append(
            Watched(
                _("Party: %(name)s") % {"name": party.name},
                tuple(name for name in map(words_of, names) if name),
                _accounts(party.social_accounts),
            )
        )
    for candidate in period.candidates.all():
        watched.append(
            Watched(
                _("Candidate: %(name)s") % {"name": candidate.full_name},
                tuple(name for name in [words_of(candidate.full_name)] if name),
                _accounts(candidate.social_accounts),
            )
        )
    return watched


def _accounts(lines: str) -> frozenset[str]:
    return frozenset(key for key in map(account_key, lines.splitlines()) if key)


def matches(account: FollowedAccount, watched: list[Watched]) -> list[str]:
    """Why ``account`` is a party's or a candidate's, one reason per party or candidate it matches (or none)."""
    keys = {key for key in (account_key(account.handle), account_key(account.url)) if key}
    # ``@name@server`` is also ``@name`` as a party lists it without its server: a person looks at the flag.
    keys |= {key.partition("@")[0] for key in keys if "@" in key}
    words = words_of(f"{account.display_name} {account.handle}")
    reasons = []
    for one in watched:
        if keys & one.accounts:
            reasons.append(_("%(who)s (an account listed for them)") % {"who": one.label})
        elif any(name in words for name in one.names):
            reasons.append(_("%(who)s (their name)") % {"who": one.label})
    return reasons


# Services -------------------------------------------------------------------------------------------------


def followed_accounts_check(*, channel: Channel, election: ElectionPeriod, actor) -> FollowedAccountsCheck:
    """Fetch the accounts ``channel`` follows and record the check for ``election``, by ``actor``; audited.

    1. Refuse unless ``actor`` may check, and the channel's network lists followed accounts.
    2. Read the whole list from the network, outside any transaction (``NETWORK_TIMEOUT_SECONDS`` a call).
    3. Record it: flagged (the accounts matched, with why), clear, or failed with the network's answer
       when the list could not be read to the end (a refused token, a server error, a timeout): a failed
       check is shown as such and checks nothing.
    """
    require(
        Abilities(actor).can_check_followed_accounts(),
        actor=actor,
        action=Action.CHECK_FOLLOWED_ACCOUNTS,
        target=channel,
    )
    if not lists_followed_accounts(channel.network):
        raise ValidationError(
            _("This network's API does not list the accounts a channel follows: confirm the check by hand (art. 7)."),
            code="not_listed_by_the_network",
        )
    accounts, error = None, ""
    try:
        adapter = adapter_for(
            channel,
            timeout=options()["NETWORK_TIMEOUT_SECONDS"],
            connect_timeout=options()["CONNECT_TIMEOUT_SECONDS"],
        )
        accounts = adapter.followed_accounts()
    except CredentialsUnreadable:
        error = _("The channel's credentials cannot be read: reconnect the channel.")
    except AdapterError as failure:
        error = failure.message
    if accounts is None:
        return _record(channel, election, actor, outcome=FollowedAccountsCheck.Outcome.FAILED, error=error)
    watched = watched_in(election)
    flagged = [
        {"handle": account.handle, "display_name": account.display_name, "url": account.url, "matches": reasons}
        for account in accounts
        if (reasons := matches(account, watched))
    ]
    outcome = FollowedAccountsCheck.Outcome.FLAGGED if flagged else FollowedAccountsCheck.Outcome.CLEAR
    return _record(channel, election, actor, outcome=outcome, accounts_count=len(accounts), flagged=flagged)


def followed_accounts_confirm(
    *, channel: Channel, election: ElectionPeriod, actor, note: str = ""
) -> FollowedAccountsCheck:
    """Record that ``actor`` looked at the accounts ``channel`` follows on a network whose API does not list
    them, and found no party's or candidate's account in it (art. 7); audited."""
    require(
        Abilities(actor).can_check_followed_accounts(),
        actor=actor,
        action=Action.CHECK_FOLLOWED_ACCOUNTS,
        target=channel,
    )
    if lists_followed_accounts(channel.network):
        raise ValidationError(
            _("This network's API lists the accounts the channel follows: fetch them instead (art. 7)."),
            code="listed_by_the_network",
        )
    return _record(
        channel,
        election,
        actor,
        method=FollowedAccountsCheck.Method.CONFIRMED,
        outcome=FollowedAccountsCheck.Outcome.CLEAR,
        note=note,
    )


def _record(
    channel: Channel,
    election: ElectionPeriod,
    actor,
    *,
    outcome: str,
    method: str = FollowedAccountsCheck.Method.FETCHED,
    **fields,
) -> FollowedAccountsCheck:
    with transaction.atomic():
        check = FollowedAccountsCheck.objects.create(
            channel=channel,
            election=election,
            method=method,
            outcome=outcome,
            checked_by=actor,
            checked_at=timezone.now(),
            **fields,
        )
        audit_record(
            actor=actor,
            action=f"followed_accounts_{outcome}",
            target=channel,
            after={
                "election": election.pk,
                "method": method,
                "outcome": outcome,
                "accounts_count": check.accounts_count,
                "flagged": [account["handle"] for account in check.flagged],
            },
            message=check.error or check.note,
        )
        if check.flagged:
            notify(
                recipients=people_with_roles(Role.COMMUNICATIONS, Role.DIRECTION_GENERALE),
                kind=Notification.Kind.ELECTION,
                template="followed_accounts_flagged",
                context={"check": check},
                url=reverse("calendar_app:election_detail", args=[election.pk]) + f"#following-{channel.pk}",
            )
    return check
