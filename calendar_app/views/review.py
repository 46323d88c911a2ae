"""Review by the communications department (art. 9.4, 9.5): the queue, and one request's decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from calendar_app.forms import MessageForm, PostTextsForm, ReasonsForm, TimingForm, apply_service_errors
from calendar_app.permissions import Action
from calendar_app.selectors.posts import (
    AWAITING_DECISION,
    post_decisions,
    post_history,
    post_thread,
    post_versions,
    posts_awaiting_review,
)
from calendar_app.services.charte import charte_check
from calendar_app.services.editing import Edited, post_edit
from calendar_app.services.posts import post_add_message, post_refuse, post_request_changes
from calendar_app.services.revisions import ConcurrentChange
from calendar_app.services.scheduling import post_approve_and_schedule
from calendar_app.views.base import abilities_of, allow, login_required, visible_post


@login_required
@require_safe
def review_queue(request):
    """What awaits review, oldest first."""
    allow(request, abilities_of(request).can_review(), Action.REVIEW)
    return render(request, "calendar_app/review/queue.html", {"posts": posts_awaiting_review()})


_EDITED = {
    Edited.SAVED: _("The texts were saved."),
    Edited.APPROVED_AGAIN: _("The texts were saved and approved again; the post stays scheduled."),
    Edited.BACK_TO_REVIEW: _("The texts were saved; the post changed after its approval and is back in review."),
}


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    """One request: its texts per channel, Charte results and history; approve and schedule, ask, or refuse.

    Each action calls one service with the revision the page showed; whatever the page says about
    the post's status is ignored (the services read it from the database).
    """
    post = visible_post(request, pk)
    can = abilities_of(request)
    allow(request, can.can_review(post), Action.REVIEW, post)
    versions = post_versions(post)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action else None
    texts_form = PostTextsForm(data if action in ("save", "approve") else None, post=post, versions=versions)
    timing_form = TimingForm(data if action == "approve" else None, post=post, versions=versions)
    reasons_form = ReasonsForm(data if action in ("refuse", "request_changes") else None, post=post)
    message_form = MessageForm(data if action == "message" else None)
    form = {"save": texts_form, "approve": timing_form, "message": message_form}.get(action, reasons_form)
    try:
        if action == "save" and texts_form.is_valid():
            outcome = post_edit(
                post=post,
                actor=request.user,
                texts=texts_form.texts(),
                seen_revision=texts_form.cleaned_data["revision"],
                approve_again=texts_form.cleaned_data.get("approve_again", False),
                acknowledge_warnings=texts_form.cleaned_data.get("acknowledge_warnings", False),
            )
            if outcome in _EDITED:
                messages.success(request, _EDITED[outcome])
            return redirect("calendar_app:review_detail", post.pk)
        if action == "approve" and texts_form.is_valid() and timing_form.is_valid():
            post_approve_and_schedule(
                post=post,
                actor=request.user,
                timing=timing_form.timing(),
                texts=texts_form.texts(),
                acknowledge_warnings=timing_form.cleaned_data["acknowledge_warnings"],
                seen_revision=timing_form.cleaned_data["revision"],
            )
            messages.success(request, _("Approved and scheduled."))
            return redirect("calendar_app:review_queue")
        if action in ("refuse", "request_changes") and reasons_form.is_valid():
            decide = post_refuse if action == "refuse" else post_request_changes
            decide(
                post=post,
                reviewer=request.user,
                reasons=reasons_form.cleaned_data["reasons"],
                seen_revision=reasons_form.cleaned_data["revision"],
            )
            messages.success(request, _("Your decision was sent to the requester."))
            return redirect("calendar_app:review_queue")
        if action == "message" and message_form.is_valid():
            post_add_message(post=post, author=request.user, body=message_form.cleaned_data["body"])
            messages.success(request, _("Your message was sent."))
            return redirect("calendar_app:review_detail", post.pk)
    except ConcurrentChange as change:
        # Shown again as the post is now: its texts and times as stored, the reasons typed kept.
        for message in change.messages:
            messages.error(request, message)
        post = visible_post(request, pk)
        versions = post_versions(post)
        texts_form = PostTextsForm(post=post, versions=versions)
        timing_form = TimingForm(post=post, versions=versions)
        if reasons_form.is_bound:
            reasons_form = ReasonsForm({**reasons_form.data.dict(), "revision": post.revision}, post=post)
    except ValidationError as error:
        apply_service_errors(texts_form if action == "approve" and _about_texts(error) else form, error)
        post = visible_post(request, pk)
    return render(
        request,
        "calendar_app/review/detail.html",
        {
            "post": post,
            "versions": versions,
            "report": charte_check(post=post),
            "history": post_history(post),
            "decisions": post_decisions(post),
            "thread": post_thread(post),
            "texts_form": texts_form,
            "timing_form": timing_form,
            "reasons_form": reasons_form,
            "message_form": message_form,
            "can_decide": can.can_approve(post) and post.status in AWAITING_DECISION,
            "can_edit": can.can_edit(post),
            "media": post.post_media.select_related("asset"),
        },
    )


def _about_texts(error: ValidationError) -> bool:
    return hasattr(error, "error_dict") and any(key == "body" or key.startswith("version-") for key in error.error_dict)
