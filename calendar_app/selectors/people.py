"""Reads about people: the roles they hold on a day (their own and a substitute's, art. 8.3), who holds a
role, who follows a request, and the services and organisations a person asks for."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from calendar_app.models import AccreditedOrganisation, Person, Post, RoleAssignment, Service, Substitution
from calendar_app.models.people import SERVICE_ROLES, Role

if TYPE_CHECKING:
    from calendar_app.permissions import Abilities


@dataclass(frozen=True)
class RoleGrant:
    """A role a person holds on a day, in their own right or as someone's substitute (art. 8.3)."""

    role: Role
    service_id: int | None
    organisation_id: int | None
    channel_ids: frozenset[int] = field(default_factory=frozenset)
    substituting_for_id: int | None = None


def active_on(day: datetime.date) -> Q:
    """The rows of a dated window (a role assignment, a substitution) in force on ``day``: ``starts_on`` …
    ``ends_on``, both inclusive, for good when ``ends_on`` is empty.

    The one definition of "active on a day" for queries; ``RoleAssignment.is_active_on`` says the same of one
    row in Python, and a test keeps the two in agreement.
    """
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def role_grants(person, *, on: datetime.date | None = None) -> list[RoleGrant]:
    """Every role ``person`` holds on ``on`` (today in the municipality's time zone by default).

    A substitute holds the absent person's assignments of the delegated role, with the same
    service, organisation and channels, for the inclusive window of the substitution.
    """
    day = on or timezone.localdate()
    substitutions = list(
        Substitution.objects.filter(active_on(day), substitute=person).values_list("absent_id", "role")
    )
    mine = Q(person=person)
    for absent_id, role in substitutions:
        mine |= Q(person_id=absent_id, role=role)
    assignments = RoleAssignment.objects.filter(mine & active_on(day)).prefetch_related("channels")
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


def people_with_roles(*roles: Role, service=None, organisation=None) -> list[Person]:
    """Active people who hold any of ``roles`` today in their own right, each once, by id; only for
    ``service`` or ``organisation`` if named. Substitutes are not included (``notify`` adds them)."""
    assignments = RoleAssignment.objects.filter(active_on(timezone.localdate()), role__in=roles, person__is_active=True)
    if service is not None:
        assignments = assignments.filter(service=service)
    if organisation is not None:
        assignments = assignments.filter(organisation=organisation)
    return list(Person.objects.filter(pk__in=assignments.values("person_id")).order_by("pk"))


def post_requesters(post: Post) -> list[Person]:
    """Who follows a request: its author, then the people of the service or organisation that asked; active
    people only, each once."""
    people = {post.author_id: post.author}
    if post.requesting_service_id:
        members = people_with_roles(*SERVICE_ROLES, service=post.requesting_service)
        people.update((person.pk, person) for person in members)
    if post.requesting_organisation_id:
        representatives = people_with_roles(Role.ORGANISATION_REPRESENTATIVE, organisation=post.requesting_organisation)
        people.update((person.pk, person) for person in representatives)
    return [person for person in people.values() if person.is_active]


def services_submittable_by(abilities: Abilities) -> QuerySet[Service]:
    """The active services and committees ``abilities.can_submit_for_service`` allows (art. 9.4)."""
    services = Service.objects.filter(is_active=True)
    return services if abilities.superuser else services.filter(pk__in=abilities.service_ids)


def organisations_submittable_by(abilities: Abilities) -> QuerySet[AccreditedOrganisation]:
    """The organisations ``abilities.can_submit_for_organisation`` allows (art. 9.5)."""
    organisations = AccreditedOrganisation.objects.all()
    return organisations if abilities.superuser else organisations.filter(pk__in=abilities.organisation_ids)
