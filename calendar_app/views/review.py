"""Review by the communications department (art. 9.4, 9.5): the queue, and one request's decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from calendar_app.views.base import abilities_of, allow, login_required, page_of, visible_post
from calendar_app.workflow import Status
from publishing.previews import previews_for_post


@login_required
@require_safe
def review_queue(request):
    """What awaits review, oldest first."""
    allow(request, abilities_of(request).can_review(), Action.REVIEW)
    return render(request, "calendar_app/review/queue.html", {"posts": page_of(request, posts_awaiting_review())})


_EDITED = {
    Edited.SAVED: gettext_lazy("The texts were saved."),
    Edited.APPROVED_AGAIN: gettext_lazy("The texts were saved and approved again; the post stays scheduled."),
    Edited.BACK_TO_REVIEW: gettext_lazy(
        "The texts were saved; the post changed after its approval and is back in review."
    ),
}
# Approved again, a post not scheduled yet (no time chosen) stays approved, not "scheduled".
_APPROVED_AGAIN_UNSCHEDULED = gettext_lazy("The texts were saved and approved again; the post stays approved.")


@dataclass
class ReviewForms:
    """The review page's forms; only those the posted action uses are bound to its data."""

    texts: PostTextsForm
    timing: TimingForm
    reasons: ReasonsForm
    message: MessageForm

    @classmethod
    def build(cls, post, versions, *, action: str | None = None, data=None) -> ReviewForms:
        def bound(*actions: str):
            return data if action in actions else None

        return cls(
            texts=PostTextsForm(bound("save", "approve"), post=post, versions=versions),
            timing=TimingForm(bound("approve"), post=post, versions=versions),
            reasons=ReasonsForm(bound("refuse", "request_changes"), post=post),
            message=MessageForm(bound("message")),
        )

    def showing_errors_of(self, action: str, error: ValidationError):
        """The form where a service's refusal of ``action`` is shown."""
        if action == "approve" and hasattr(error, "error_dict"):
            if any(key == "body" or key.startswith("version-") for key in error.error_dict):
                return self.texts
        return {"save": self.texts, "approve": self.timing, "message": self.message}.get(action, self.reasons)


def _save(request, post, forms: ReviewForms):
    if not forms.texts.is_valid():
        return None
    data = forms.texts.cleaned_data
    outcome = post_edit(
        post=post,
        actor=request.user,
        texts=forms.texts.texts(),
        seen_revision=data["revision"],
        approve_again=data.get("approve_again", False),
        acknowledge_warnings=data.get("acknowledge_warnings", False),
    )
    if outcome is Edited.APPROVED_AGAIN and post.status == Status.APPROVED:
        messages.success(request, _APPROVED_AGAIN_UNSCHEDULED)
    elif outcome in _EDITED:
        messages.success(request, _EDITED[outcome])
    return redirect("calendar_app:review_detail", post.pk)


def _approve(request, post, forms: ReviewForms):
    if not (forms.texts.is_valid() and forms.timing.is_valid()):
        return None
    post_approve_and_schedule(
        post=post,
        actor=request.user,
        timing=forms.timing.timing(),
        texts=forms.texts.texts(),
        acknowledge_warnings=forms.timing.cleaned_data["acknowledge_warnings"],
        seen_revision=forms.timing.cleaned_data["revision"],
    )
    messages.success(request, _("Approved and scheduled."))
    return redirect("calendar_app:review_queue")


def _decide(decide):
    def handle(request, post, forms: ReviewForms):
        if not forms.reasons.is_valid():
            return None
        data = forms.reasons.cleaned_data
        decide(post=post, reviewer=request.user, reasons=data["reasons"], seen_revision=data["revision"])
        messages.success(request, _("Your decision was sent to the requester."))
        return redirect("calendar_app:review_queue")

    return handle


def _message(request, post, forms: ReviewForms):
    if not forms.message.is_valid():
        return None
    post_add_message(post=post, author=request.user, body=forms.message.cleaned_data["body"])
    messages.success(request, _("Your message was sent."))
    return redirect("calendar_app:review_detail", post.pk)


# Each action of the page calls one service; a handler answers None while its form is invalid.
_ACTIONS = {
    "save": _save,
    "approve": _approve,
    "refuse": _decide(post_refuse),
    "request_changes": _decide(post_request_changes),
    "message": _message,
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
    action = request.POST.get("action") if request.method == "POST" else None
    handle = _ACTIONS.get(action)
    forms = ReviewForms.build(post, post_versions(post), action=action, data=request.POST if handle else None)
    try:
        response = handle(request, post, forms) if handle else None
    except ConcurrentChange as change:
        # Shown again as the post is now: its texts and times as stored, the reasons typed kept.
        for message in change.messages:
            messages.error(request, message)
        post = visible_post(request, pk)
        typed = {**forms.reasons.data.dict(), "revision": post.revision} if forms.reasons.is_bound else None
        forms = ReviewForms.build(post, post_versions(post), action="refuse", data=typed)
    except ValidationError as error:
        apply_service_errors(forms.showing_errors_of(action, error), error)
        post = visible_post(request, pk)
    else:
        if response is not None:
            return response
    return render(request, "calendar_app/review/detail.html", _page(post, can, forms))


def _page(post, can, forms: ReviewForms) -> dict:
    return {
        "post": post,
        "report": charte_check(post=post),
        "history": post_history(post),
        "decisions": post_decisions(post),
        "thread": post_thread(post),
        "texts_form": forms.texts,
        "timing_form": forms.timing,
        "reasons_form": forms.reasons,
        "message_form": forms.message,
        "can_decide": can.can_approve(post) and post.status in AWAITING_DECISION,
        "can_edit": can.can_edit(post),
        "media": post.post_media.select_related("asset"),
        # Each channel's exact final text as its network will show it (issue 13, item 5).
        "previews": previews_for_post(post),
    }
