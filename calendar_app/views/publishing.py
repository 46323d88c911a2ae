"""Scheduling a post (art. 8.4, 9.4) and emergency mode (art. 6)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from calendar_app.forms import (
    EmergencyPostForm,
    EmergencySwitchForm,
    TimingForm,
    apply_service_errors,
)
from calendar_app.models import EmergencySwitch
from calendar_app.permissions import Action
from calendar_app.selectors.posts import post_versions, recent_emergency_posts, recent_emergency_switches
from calendar_app.services.charte import charte_check
from calendar_app.services.emergency import emergency_publish, emergency_switch
from calendar_app.services.scheduling import post_approve_and_schedule, post_reschedule, post_schedule
from calendar_app.views.base import abilities_of, allow, login_required, visible_post
from calendar_app.workflow import Status

# Said by the scheduling page and the calendar when someone who may not approve moves a post.
RESCHEDULED_FOR_REVIEW = gettext_lazy("Rescheduled; the new times need approval, so the post is back in review.")

# What the scheduling page does with a post, by its stored status: one service per intent.
_SCHEDULING = {
    Status.DRAFT: (
        post_approve_and_schedule,
        gettext_lazy("Approve and schedule"),
        gettext_lazy("Approved and scheduled."),
    ),
    Status.APPROVED: (post_schedule, gettext_lazy("Schedule"), gettext_lazy("Scheduled.")),
    Status.SCHEDULED: (post_reschedule, gettext_lazy("Reschedule"), gettext_lazy("Rescheduled.")),
}


def _may_schedule(can, post) -> bool:
    if post.status == Status.DRAFT:
        return can.can_approve_own(post)
    return can.can_schedule(post)


@login_required
@require_http_methods(["GET", "POST"])
def post_schedule_view(request, pk: int):
    """Schedule a post on each of its channels, one time for all or one per channel: an approved post (the
    communications department, or its author on their channels), a draft whose author's role needs no review
    (approved by its author now, art. 8.4), or a scheduled post moved to other times."""
    post = visible_post(request, pk)
    can = abilities_of(request)
    allow(request, _may_schedule(can, post), Action.SCHEDULE, post)
    versions = post_versions(post)
    intent = _SCHEDULING.get(Status(post.status))
    form = TimingForm(request.POST if request.method == "POST" and intent else None, post=post, versions=versions)
    if form.is_bound and form.is_valid():
        service, _label, done = intent
        try:
            outcome = service(
                post=post,
                actor=request.user,
                timing=form.timing(),
                acknowledge_warnings=form.cleaned_data["acknowledge_warnings"],
                seen_revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            post = visible_post(request, pk)
        else:
            if outcome is False:  # rescheduled by someone who may not approve it again
                done = RESCHEDULED_FOR_REVIEW
            messages.success(request, done)
            return redirect("calendar_app:home")
    return render(
        request,
        "calendar_app/publishing/schedule.html",
        {
            "post": post,
            "form": form,
            "report": charte_check(post=post),
            "versions": versions,
            "button": intent[1] if intent else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def emergency(request):
    """The emergency page: switch the mode (communications) and publish at once (Mission Communication)."""
    can = abilities_of(request)
    allow(request, can.can_switch_emergency() or can.holds_mission(), Action.PUBLISH_NOW)
    is_on = EmergencySwitch.is_on()
    post_form = EmergencyPostForm(request.POST if request.POST.get("action") == "publish" else None)
    if post_form.is_bound and post_form.is_valid():
        data = post_form.cleaned_data
        try:
            post = emergency_publish(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                channels=list(data["channels"]),
                health_and_safety=data["health_and_safety"],
            )
        except ValidationError as error:
            apply_service_errors(post_form, error)
        else:
            messages.success(request, _("“%(title)s” goes out now on the priority path.") % {"title": post.title})
            return redirect("calendar_app:emergency")
    return render(
        request,
        "calendar_app/publishing/emergency.html",
        {
            "is_on": is_on,
            "switch_form": EmergencySwitchForm(),
            "post_form": post_form,
            "can_switch": can.can_switch_emergency(),
            "can_publish": can.can_publish_now(),
            "switches": recent_emergency_switches(),
            "recent": recent_emergency_posts(),
        },
    )


@login_required
@require_POST
def emergency_toggle(request):
    form = EmergencySwitchForm(request.POST)
    form.is_valid()
    try:
        emergency_switch(
            actor=request.user,
            active=request.POST.get("active") == "1",
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Emergency mode is ON.") if EmergencySwitch.is_on() else _("Emergency mode is off.")
        )
    return redirect("calendar_app:emergency")
