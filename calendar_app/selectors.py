"""Reads for views, services and feeds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from calendar_app.models import RoleAssignment, Substitution
from calendar_app.models.people import Role


@dataclass(frozen=True)
class RoleGrant:
    """A role a person holds on a day, in their own right or as someone's substitute (art. 8.3)."""

    role: Role
    service_id: int | None
    organisation_id: int | None
    channel_ids: frozenset[int] = field(default_factory=frozenset)
    substituting_for_id: int | None = None


def _active_on(day: datetime.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def role_grants(person, *, on: datetime.date | None = None) -> list[RoleGrant]:
    """Every role ``person`` holds on ``on`` (today in the municipality's time zone by default).

    A substitute holds the absent person's assignments of the delegated role, with the same
    service, organisation and channels, for the inclusive window of the substitution.
    """
    day = on or timezone.localdate()
    substitutions = list(
        Substitution.objects.filter(substitute=person, starts_on__lte=day, ends_on__gte=day).values_list(
            "absent_id", "role"
        )
    )
    mine = Q(person=person)
    for absent_id, role in substitutions:
        mine |= Q(person_id=absent_id, role=role)
    assignments = RoleAssignment.objects.filter(mine & _active_on(day)).prefetch_related("channels")
    grants = []
    for assignment in assignments:
        own = assignment.person_id == person.pk
        grants.append(
            RoleGrant(
                role=Role(assignment.role),
                service_id=assignment.service_id,
                organisation_id=assignment.organisation_id,
                channel_ids=frozenset(channel.pk for channel in assignment.channels.all()),
                substituting_for_id=None if own else assignment.person_id,
            )
        )
    return grants


def has_role(
    person, role: Role, *, on: datetime.date | None = None, channel=None, service=None, organisation=None
) -> bool:
    """Whether ``person`` holds ``role`` on ``on``, for the given channel, service or organisation if named."""
    for grant in role_grants(person, on=on):
        if grant.role != role:
            continue
        if channel is not None and channel.pk not in grant.channel_ids:
            continue
        if service is not None and grant.service_id != service.pk:
            continue
        if organisation is not None and grant.organisation_id != organisation.pk:
            continue
        return True
    return False
