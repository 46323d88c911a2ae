"""Internal posts by authorised publishers (art. 8.4) and emergency mode (art. 6)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calendar_app.forms import (
    EmergencyPostForm,
    EmergencySwitchForm,
    InternalPostForm,
    ScheduleForm,
    apply_service_errors,
)
from calendar_app.models import Channel, EmergencySwitch, Post
from calendar_app.permissions import Action
from calendar_app.services.charte import charte_check
from calendar_app.services.emergency import emergency_publish, emergency_switch
from calendar_app.services.posts import post_approve, post_create, post_submit, version_schedule
from calendar_app.views.base import abilities_of, allow, login_required, visible_post
from calendar_app.workflow import Status


@login_required
@require_http_methods(["GET", "POST"])
def internal_post_new(request):
    """Write a post for the channels one is authorised for; it goes to review unless one's role needs none."""
    can = abilities_of(request)
    allow(request, can.can_write_internal(), Action.SUBMIT)
    channels = Channel.objects.filter(is_active=True).order_by("network", "handle")
    if not can.is_reviewer:
        channels = channels.filter(pk__in=can.publisher_channel_ids())
    form = InternalPostForm(request.POST or None, channels=channels)
    needs_review = can.internal_posts_need_review()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                post = post_create(
                    author=request.user,
                    title=data["title"],
                    category=data["category"],
                    body=data["body"],
                    channels=data["channels"],
                    links=data["links"],
                    health_and_safety=data["health_and_safety"],
                )
                if needs_review:
                    post_submit(post=post, actor=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if needs_review:
                messages.success(request, _("Your post was sent to the communications department for review."))
                return redirect("calendar_app:request_detail", post.pk)
            messages.success(request, _("Your post was saved as a draft; approve and schedule it below."))
            return redirect("calendar_app:post_schedule", post.pk)
    return render(request, "calendar_app/publishing/internal_form.html", {"form": form, "needs_review": needs_review})


@login_required
@require_http_methods(["GET", "POST"])
def post_schedule(request, pk: int):
    """Schedule a post on every channel: an approved post (the communications department, or its author on
    their channels), or a draft whose author's role needs no review, approved by its author now (art. 8.4)."""
    post = visible_post(request, pk)
    can = abilities_of(request)
    approve_first = post.status == Status.DRAFT
    if approve_first:
        allow(request, can.can_approve_own(post), Action.APPROVE, post)
    else:
        allow(request, can.can_schedule(post), Action.SCHEDULE, post)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        acknowledge = form.cleaned_data["acknowledge_warnings"]
        try:
            with transaction.atomic():  # approved and scheduled on every channel, or nothing
                if approve_first:
                    post_approve(post=post, reviewer=request.user, acknowledge_warnings=acknowledge)
                for version in post.versions.filter(status=Status.APPROVED).select_related("channel", "post"):
                    version_schedule(
                        version=version,
                        due_at=form.cleaned_data["due_at"],
                        actor=request.user,
                        acknowledge_warnings=acknowledge,
                    )
        except ValidationError as error:
            apply_service_errors(form, error)
            post.refresh_from_db()
        else:
            messages.success(request, _("Approved and scheduled.") if approve_first else _("Scheduled."))
            return redirect("calendar_app:home")
    return render(
        request,
        "calendar_app/publishing/schedule.html",
        {
            "post": post,
            "form": form,
            "report": charte_check(post=post),
            "versions": post.versions.select_related("channel"),
            "can_schedule": post.status in (Status.DRAFT, Status.APPROVED),
            "approve_first": approve_first,
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
            "switches": EmergencySwitch.objects.select_related("switched_by")[:10],
            "recent": Post.objects.filter(is_emergency=True).order_by("-created_at")[:10],
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
