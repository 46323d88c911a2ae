"""Who may do what (art. 6, 7, 8.1, 8.3, 8.4, 9.4, 9.5): the one place that answers.

``Abilities`` reads a person's roles once (their own and those they hold as a substitute) and
answers each question the views, forms, services and admin actions ask. Services call
``require()``, which records a refusal in the audit log and raises ``PermissionRefused`` (a
``PermissionDenied``: views answer 403 and nothing changes).

Superusers are the administrators of art. 8.4's accounts: they may do everything except approve
their own request.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendar_app.models import Candidate, ElectionPeriod, EmergencySwitch, Post, RolePolicy
from calendar_app.models.people import SERVICE_ROLES, Role
from calendar_app.selectors.people import RoleGrant, role_grants
from calendar_app.workflow import Status


class Action(models.TextChoices):
    SUBMIT = "submit", _("submit")
    VIEW = "view", _("view")
    EDIT = "edit", _("edit")
    REVIEW = "review", _("review")
    APPROVE = "approve", _("approve")
    REFUSE = "refuse", _("refuse or ask for changes")
    SCHEDULE = "schedule", _("schedule")
    PUBLISH_NOW = "publish_now", _("publish at once")
    PLAN = "plan", _("plan the editorial calendar")
    SWITCH_EMERGENCY = "switch_emergency", _("switch emergency mode")
    DECLARE_ELECTION = "declare_election", _("declare an election period")
    AUTHORISE_CHANNEL = "authorise_channel", _("authorise a channel")
    REMOVE = "remove", _("remove a publication from its network")
    CONFIRM_CHANNEL_PROFILE = "confirm_channel_profile", _("confirm a channel's profile")
    CHECK_FOLLOWED_ACCOUNTS = "check_followed_accounts", _("check the accounts a channel follows")


class PermissionRefused(PermissionDenied):
    """A refused action; its message says why, in the person's language."""

    def __init__(self, message):
        self.message = message
        self.audit: dict | None = None  # what ``require`` recorded: actor, action, target
        self.entry_id: int | None = None
        super().__init__(message)

    def record(self) -> None:
        from calendar_app.services.audit import audit_refusal

        entry = audit_refusal(message=self.message, **self.audit)
        self.entry_id = entry.pk if entry is not None else None

    def record_again_if_lost(self) -> None:
        """Write the refusal again if the transaction around ``require`` rolled its entry back."""
        from calendar_app.models import AuditEntry

        if (
            self.audit is not None
            and self.entry_id is not None
            and not AuditEntry.objects.filter(pk=self.entry_id).exists()
        ):
            self.record()

    def __str__(self):
        return str(self.message)


# The states in which a requester may still change what they asked for.
_REQUESTER_EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
# The states in which the communications department may change a text; once a post goes out it is not
# edited in place.
_REVIEWER_EDITABLE = _REQUESTER_EDITABLE | {
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.SCHEDULED,
    Status.BLOCKED,
}


class Abilities:
    """What ``person`` may do on ``on`` (today by default)."""

    def __init__(self, person, *, on: datetime.date | None = None):
        self.person = person
        self.day = on or timezone.localdate()
        self.active = bool(person is not None and person.is_authenticated and person.is_active)
        self.superuser = self.active and person.is_superuser

    @cached_property
    def grants(self) -> list[RoleGrant]:
        return role_grants(self.person, on=self.day) if self.active else []

    def holds(self, *roles: Role) -> bool:
        return any(grant.role in roles for grant in self.grants)

    @cached_property
    def service_ids(self) -> frozenset[int]:
        return frozenset(grant.service_id for grant in self.grants if grant.role in SERVICE_ROLES)

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(
            grant.organisation_id for grant in self.grants if grant.role == Role.ORGANISATION_REPRESENTATIVE
        )

    def publisher_channel_ids(self) -> frozenset[int]:
        return frozenset().union(*(grant.channel_ids for grant in self.grants if grant.role == Role.PUBLISHER))

    # Roles that read and act for the whole city.
    @property
    def is_reviewer(self) -> bool:
        """The communications department (art. 9.4, 9.5), or its substitute (art. 8.3)."""
        return self.superuser or self.holds(Role.COMMUNICATIONS)

    @property
    def is_direction(self) -> bool:
        return self.superuser or self.holds(Role.DIRECTION_GENERALE)

    # Submitting.
    def can_submit_for_service(self, service=None) -> bool:
        return self.superuser or (bool(self.service_ids) if service is None else service.pk in self.service_ids)

    def can_submit_for_organisation(self, organisation=None) -> bool:
        if self.superuser:
            return True
        return bool(self.organisation_ids) if organisation is None else organisation.pk in self.organisation_ids

    def can_write_internal(self, channel=None) -> bool:
        """Internal posts come from the roles of art. 8.4, each on the channels it is authorised for."""
        if self.is_reviewer:
            return True
        channels = self.publisher_channel_ids()
        return bool(channels) if channel is None else channel.pk in channels

    def internal_posts_need_review(self) -> bool:
        """Whether every role this person writes internal posts under needs review (a setting per role)."""
        if self.superuser:
            return False
        roles = {grant.role for grant in self.grants if grant.role in (Role.COMMUNICATIONS, Role.PUBLISHER)}
        return all(RolePolicy.needs_review(role) for role in roles) if roles else True

    @cached_property
    def election_candidate_or_councillor(self) -> ElectionPeriod | None:
        """The election period in which this person may not submit anything (art. 7, 9.3), if any."""
        period = ElectionPeriod.objects.covering(self.day).first()
        if period is None or not self.active:
            return None
        if self.holds(Role.COUNCIL_MEMBER) or Candidate.objects.filter(election=period, person=self.person).exists():
            return period
        return None

    # One post.
    @property
    def sees_every_post(self) -> bool:
        """The communications department and the Direction générale read every post."""
        return self.is_reviewer or self.is_direction

    @cached_property
    def followed(self) -> dict[str, frozenset[int]]:
        """The posts this person follows, as the ids each of a post's fields may hold: their own posts, and
        the requests of their services and organisations. ``can_view`` and the selectors
        ``posts_followed_by`` and ``posts_visible_to`` all read these facts, and only these."""
        return {
            "author_id": frozenset({self.person.pk}),
            "requesting_service_id": self.service_ids,
            "requesting_organisation_id": self.organisation_ids,
        }

    def follows(self, post: Post) -> bool:
        return any(getattr(post, field) in ids for field, ids in self.followed.items())

    def can_view(self, post: Post) -> bool:
        return self.sees_every_post or self.follows(post)

    def can_edit(self, post: Post) -> bool:
        """The reviewer edits until publication; the author of a draft, or of a request sent back for changes."""
        if self.is_reviewer:
            return post.status in _REVIEWER_EDITABLE
        return post.status in _REQUESTER_EDITABLE and post.author_id == self.person.pk

    def can_review(self, post: Post | None = None) -> bool:
        return self.is_reviewer

    def can_approve(self, post: Post) -> bool:
        """The communications department approves, but nobody approves their own request."""
        return self.is_reviewer and post.author_id != self.person.pk

    def can_approve_own(self, post: Post) -> bool:
        """An internal post by a role whose posts need no review is approved by its author (art. 8.4)."""
        return (
            post.origin == Post.Origin.INTERNAL
            and post.author_id == self.person.pk
            and not self.internal_posts_need_review()
            and all(self.can_write_internal(version.channel) for version in post.versions.select_related("channel"))
        )

    def can_refuse(self, post: Post) -> bool:
        return self.can_approve(post)

    def can_schedule(self, post: Post, channel=None) -> bool:
        """The reviewer schedules anything; a publisher schedules their own posts on their own channels
        (``channel``, or else every channel of the post)."""
        if self.is_reviewer:
            return True
        if post.author_id != self.person.pk:
            return False
        channels = (
            [channel]
            if channel is not None
            else [version.channel for version in post.versions.select_related("channel")]
        )
        return bool(channels) and all(self.can_write_internal(channel) for channel in channels)

    def can_unschedule(self, post: Post) -> bool:
        """Taking a post off the schedule is a scheduling decision: whoever may schedule it."""
        return self.can_schedule(post)

    def can_withdraw(self, post: Post) -> bool:
        """The communications department withdraws any post; those who follow one (its author, its
        requesters) withdraw it too, the Direction générale (which reads every post) does not."""
        return self.is_reviewer or (self.can_view(post) and not self.is_direction)

    def can_authorise_press_release(self, post: Post) -> bool:
        """Relaying another organisation's press release (art. 5.3): the Direction générale, or the director of
        the service concerned (the one that asks for it), for a post they may see."""
        if not self.can_view(post):
            return False
        if self.is_direction:
            return True
        return post.requesting_service_id is not None and any(
            grant.role == Role.SERVICE_DIRECTOR and grant.service_id == post.requesting_service_id
            for grant in self.grants
        )

    def can_plan(self) -> bool:
        """The editorial calendar (art. 8.2): the communications department, the Direction générale and the
        authorised publishers."""
        return self.is_reviewer or self.is_direction or self.can_write_internal()

    def holds_mission(self) -> bool:
        return self.superuser or self.holds(Role.MISSION_COMMUNICATION)

    def can_publish_now(self, channel=None) -> bool:
        """During an emergency, the Mission Communication team publishes at once on emergency channels (art. 6)."""
        if not self.holds_mission() or not EmergencySwitch.is_on():
            return False
        return channel is None or channel.emergency_enabled

    # City-wide decisions.
    def can_switch_emergency(self) -> bool:
        return self.is_reviewer

    def can_remove_published(self) -> bool:
        """Taking campaign content off the networks (art. 7): the communications department, which manages the
        accounts, and the Direction générale, which declares the election period."""
        return self.is_reviewer or self.is_direction

    def can_declare_election(self) -> bool:
        return self.is_direction

    def can_authorise_channel(self) -> bool:
        return self.is_direction

    def can_confirm_channel_profile(self) -> bool:
        """A channel's profile (art. 5.10, 9.1) is the communications department's work (art. 8.2)."""
        return self.is_reviewer

    def can_check_followed_accounts(self) -> bool:
        """Whom the city's accounts follow during an election (art. 7): the communications department."""
        return self.is_reviewer


def require(allowed: bool, *, actor, action: Action, target, message=None) -> None:
    """Raise ``PermissionRefused`` unless ``allowed``, recording the refusal in the audit log.

    Call it before the transaction of the change it guards: a refusal inside a transaction that
    then rolls back would take its audit entry with it (the web's ``RefusalMiddleware`` writes it
    again in that case, but other callers have no such net).
    """
    if allowed:
        return
    message = str(message or _("You are not allowed to %(action)s here.") % {"action": Action(action).label})
    refusal = PermissionRefused(message)
    refusal.audit = {"actor": actor, "action": str(action), "target": target if target is not None else actor}
    refusal.record()
    raise refusal
