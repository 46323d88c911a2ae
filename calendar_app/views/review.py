"""Review by the communications department (art. 9.4, 9.5): the queue, and one request's decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calendar_app.forms import MessageForm, ReasonsForm, ScheduleForm, apply_service_errors
from calendar_app.models import Post
from calendar_app.permissions import Action
from calendar_app.services.charte import charte_check
from calendar_app.services.posts import (
    post_add_message,
    post_approve,
    post_edit_texts,
    post_refuse,
    post_request_changes,
    version_schedule,
)
from calendar_app.views.base import abilities_of, allow, login_required, visible_post
from calendar_app.views.requests import post_history
from calendar_app.workflow import Status

AWAITING_REVIEW = (Status.SUBMITTED, Status.IN_REVIEW)


@login_required
def review_queue(request):
    """What awaits review, oldest first."""
    allow(request, abilities_of(request).can_review(), Action.REVIEW)
    posts = (
        Post.objects.filter(status__in=AWAITING_REVIEW)
        .select_related("author", "requesting_service", "requesting_organisation")
        .annotate(channel_count=Count("versions", distinct=True), message_count=Count("messages", distinct=True))
        .order_by("created_at", "pk")
    )
    return render(request, "calendar_app/review/queue.html", {"posts": posts})


def _texts_changed(request, post, versions) -> bool:
    return post_edit_texts(
        post=post,
        actor=request.user,
        body=request.POST.get("body", post.body),
        version_texts={
            version: request.POST.get(f"version-{version.pk}", version.text_override) for version in versions
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    """One request: its texts per channel, Charte results and history; approve and schedule, ask, or refuse."""
    post = visible_post(request, pk)
    can = abilities_of(request)
    allow(request, can.can_review(post), Action.REVIEW, post)
    versions = list(post.versions.select_related("channel").order_by("channel__network"))
    action = request.POST.get("action") if request.method == "POST" else None
    # What the reviewer saw: a decision on a post that changed since then is refused, not applied.
    if action:
        post.status = request.POST.get("seen_status", post.status)
    schedule_form = ScheduleForm(request.POST if action == "approve" else None)
    reasons_form = ReasonsForm(request.POST if action in ("refuse", "request_changes") else None)
    message_form = MessageForm(request.POST if action == "message" else None)
    try:
        if action == "save":
            if _texts_changed(request, post, versions):
                messages.success(request, _("The texts were saved."))
            return redirect("calendar_app:review_detail", post.pk)
        if action == "approve" and schedule_form.is_valid():
            acknowledge = schedule_form.cleaned_data["acknowledge_warnings"]
            # Checked here too, so that a refusal is recorded outside the transaction below.
            allow(request, can.can_approve(post), Action.APPROVE, post)
            with transaction.atomic():  # approved and scheduled on every channel, or nothing
                _texts_changed(request, post, versions)
                post_approve(post=post, reviewer=request.user, acknowledge_warnings=acknowledge)
                for version in versions:
                    version.refresh_from_db()
                    version_schedule(
                        version=version,
                        due_at=schedule_form.cleaned_data["due_at"],
                        actor=request.user,
                        acknowledge_warnings=acknowledge,
                    )
            messages.success(request, _("Approved and scheduled."))
            return redirect("calendar_app:review_queue")
        if action in ("refuse", "request_changes") and reasons_form.is_valid():
            decide = post_refuse if action == "refuse" else post_request_changes
            decide(post=post, reviewer=request.user, reasons=reasons_form.cleaned_data["reasons"])
            messages.success(request, _("Your decision was sent to the requester."))
            return redirect("calendar_app:review_queue")
        if action == "message" and message_form.is_valid():
            post_add_message(post=post, author=request.user, body=message_form.cleaned_data["body"])
            messages.success(request, _("Your message was sent."))
            return redirect("calendar_app:review_detail", post.pk)
    except ValidationError as error:
        form = {"approve": schedule_form, "message": message_form}.get(action, reasons_form)
        apply_service_errors(form, error)
        post.refresh_from_db()
    return render(
        request,
        "calendar_app/review/detail.html",
        {
            "post": post,
            "versions": versions,
            "report": charte_check(post=post),
            "history": post_history(post),
            "decisions": post.approvals.select_related("reviewer").order_by("decided_at"),
            "thread": post.messages.select_related("author"),
            "schedule_form": schedule_form,
            "reasons_form": reasons_form,
            "message_form": message_form,
            "can_decide": can.can_approve(post) and post.status in AWAITING_REVIEW,
            "can_edit": can.can_edit(post),
            "media": post.post_media.select_related("asset"),
        },
    )
