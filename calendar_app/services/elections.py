"""Election periods (art. 7), declared by the Direction générale with their parties and candidates."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Candidate, ChannelVersion, ElectionPeriod, Notification, Party, Person, Post
from calendar_app.models.people import Role
from calendar_app.permissions import Abilities, Action, require
from calendar_app.selectors.people import people_with_roles
from calendar_app.services.audit import audit_record, field_values
from calendar_app.services.charte import CharteReport, charte_check
from calendar_app.services.notifications import notify
from calendar_app.workflow import Status


@dataclass(frozen=True)
class CandidateInput:
    full_name: str
    position: str
    party: str = ""
    person: Person | None = None
    social_accounts: str = ""  # one per line (art. 7: the city's accounts may not follow them)


def election_declare(
    *,
    actor,
    name: str,
    starts_on: datetime.date,
    polling_day: datetime.date,
    ends_on: datetime.date,
    parties: Sequence[tuple[str, str] | tuple[str, str, str]] = (),
    candidates: Sequence[CandidateInput] = (),
) -> ElectionPeriod:
    """Record an election period with its parties (name, other names and, optionally, social media accounts:
    one per line) and registered candidates."""
    require(Abilities(actor).can_declare_election(), actor=actor, action=Action.DECLARE_ELECTION, target=None)
    period = ElectionPeriod(name=name, starts_on=starts_on, polling_day=polling_day, ends_on=ends_on, declared_by=actor)
    period.full_clean()
    with transaction.atomic():
        period.save()
        by_name = {}
        for party_name, aliases, *accounts in parties:
            by_name[party_name] = Party.objects.create(
                election=period, name=party_name, aliases=aliases, social_accounts="\n".join(accounts)
            )
        for candidate in candidates:
            Candidate.objects.create(
                election=period,
                full_name=candidate.full_name,
                position=candidate.position,
                party=by_name.get(candidate.party) if candidate.party else None,
                person=candidate.person,
                social_accounts=candidate.social_accounts,
            )
        audit_record(actor=actor, action="election_declared", target=period, after=field_values(period))
        notify(
            recipients=people_with_roles(
                Role.COMMUNICATIONS, Role.DIRECTION_GENERALE, Role.PUBLISHER, Role.COUNCIL_MEMBER
            ),
            kind=Notification.Kind.ELECTION,
            template="election",
            context={"period": period},
            url=reverse("calendar_app:election_detail", args=[period.pk]),
        )
    return period


def election_flagged_published(period: ElectionPeriod) -> list[tuple[Post, CharteReport]]:
    """Posts still online that the Charte blocks inside ``period``: to be removed (art. 7)."""
    day = max(period.starts_on, timezone.localdate())
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    online = ChannelVersion.objects.filter(post=OuterRef("pk"), status=Status.PUBLISHED)
    flagged = []
    for post in Post.objects.filter(Exists(online)).select_related("author").order_by("-updated_at"):
        report = charte_check(post=post, at=at)
        if report.blocks:
            flagged.append((post, report))
    return flagged
