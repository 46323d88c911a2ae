"""Emergency mode (art. 6): switched by the communications department; while on, the Mission
Communication team publishes at once on the emergency channels, without prior review."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Approval, Channel, EmergencySwitch, Notification, Post
from calendar_app.models.people import Role
from calendar_app.permissions import Abilities, Action, require
from calendar_app.selectors.people import people_with_roles
from calendar_app.services.audit import audit_record
from calendar_app.services.charte import CharteBlocked, charte_acknowledge_warnings, charte_check
from calendar_app.services.notifications import notify
from calendar_app.services.posts import post_create, record_decision, require_may_write
from calendar_app.services.scheduling import require_authorised, schedule_versions
from calendar_app.services.workflow import post_transition, version_transition
from calendar_app.workflow import Status


def emergency_switch(*, actor, active: bool, reason: str = "") -> EmergencySwitch:
    """Switch emergency mode on (a reason is required) or off; both are recorded and announced."""
    require(Abilities(actor).can_switch_emergency(), actor=actor, action=Action.SWITCH_EMERGENCY, target=None)
    reason = reason.strip()
    if active and not reason:
        raise ValidationError({"reason": _("Say why emergency mode is switched on (art. 6).")}, code="reason_required")
    if EmergencySwitch.is_on() == active:
        message = _("Emergency mode is already on.") if active else _("Emergency mode is already off.")
        raise ValidationError(message, code="unchanged")
    with transaction.atomic():
        switch = EmergencySwitch.objects.create(active=active, reason=reason, switched_by=actor)
        audit_record(actor=actor, action="emergency_on" if active else "emergency_off", target=switch, message=reason)
        notify(
            recipients=people_with_roles(Role.COMMUNICATIONS, Role.MISSION_COMMUNICATION),
            kind=Notification.Kind.EMERGENCY,
            template="emergency",
            context={"switch": switch},
            url=reverse("calendar_app:emergency"),
        )
    return switch


def emergency_publish(*, actor, title: str, body: str, channels: Sequence[Channel], **fields) -> Post:
    """Publish at once on ``channels``: no review, the Charte still blocks but its warnings do not (art. 6).

    The post is approved by its author (recorded with the Charte results), and every channel
    version is due now, flagged for the worker's priority path.
    """
    channels = list(channels)
    if not channels:
        raise ValidationError({"channels": _("Choose at least one channel.")}, code="no_channel")
    require_may_write(actor, origin=Post.Origin.INTERNAL, channels=channels, is_emergency=True)
    for channel in channels:
        require_authorised(channel)
    now = timezone.now()
    with transaction.atomic():
        post = post_create(
            author=actor,
            title=title,
            category=Post.Category.EMERGENCY,
            body=body,
            channels=channels,
            is_emergency=True,
            **fields,
        )
        report = charte_check(post=post, at=now)
        if report.blocks:
            raise CharteBlocked(report)
        charte_acknowledge_warnings(post=post, actor=actor, report=report)
        post_transition(post=post, target=Status.APPROVED, actor=actor, reason=_("Emergency (art. 6)"))
        record_decision(
            post,
            Approval.Decision.APPROVED,
            reviewer=actor,
            reasons=_("Published during an emergency without prior review (art. 6)."),
            report=report,
        )
        versions = list(post.versions.select_related("channel"))
        for version in versions:
            version_transition(version=version, target=Status.APPROVED, actor=actor)
        schedule_versions(post, versions, dict.fromkeys((version.pk for version in versions), now), actor=actor)
    return post
