"""A post's page: what goes out on each channel and when, the conversation, the history, and the actions this
person may take on it now — where every notification about a post lands."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from calendar_app.permissions import Abilities
from calendar_app.selectors.posts import AWAITING_DECISION, post_decisions, post_history, post_thread, post_versions
from calendar_app.services.charte import charte_check
from calendar_app.views.base import abilities_of, login_required, visible_post
from calendar_app.workflow import Status, can_transition
from publishing.previews import previews_for_post


@dataclass(frozen=True)
class PostAction:
    """One thing the person may do now: a page to open (GET) or a button that posts (``post``)."""

    label: str
    url: str
    post: bool = False
    primary: bool = False


def actions_for(can: Abilities, post, versions) -> list[PostAction]:
    """What this person may do on ``post`` now, from its stored status and their roles: no dead ends."""

    def to(name: str) -> str:
        return reverse(f"calendar_app:{name}", args=[post.pk])

    actions = []
    if can.can_review(post) and post.status in AWAITING_DECISION:
        actions.append(PostAction(gettext_lazy("Review this post"), to("review_detail"), primary=True))
    if post.status == Status.DRAFT and post.author_id == can.person.pk:
        if can.can_approve_own(post):
            actions.append(PostAction(gettext_lazy("Approve and schedule"), to("post_schedule"), primary=True))
        else:
            actions.append(PostAction(gettext_lazy("Submit for review"), to("request_resubmit"), post=True))
    if can.can_edit(post) and not can.is_reviewer and post.status in (Status.DRAFT, Status.CHANGES_REQUESTED):
        # The author changes their draft, or their request sent back, on its request page (art. 9.4).
        changes = post.status == Status.CHANGES_REQUESTED
        label = gettext_lazy("Make the changes asked for") if changes else gettext_lazy("Edit the texts")
        actions.append(PostAction(label, to("request_detail"), primary=changes))
    if post.status in (Status.APPROVED, Status.SCHEDULED) and can.can_schedule(post):
        label = gettext_lazy("Schedule") if post.status == Status.APPROVED else gettext_lazy("Reschedule")
        actions.append(PostAction(label, to("post_schedule"), primary=True))
    if can.is_reviewer and can.can_edit(post) and post.status not in AWAITING_DECISION:
        actions.append(PostAction(gettext_lazy("Edit the texts"), to("review_detail")))
    if can.follows(post) and post.origin != post.Origin.INTERNAL:
        actions.append(PostAction(gettext_lazy("Follow the request"), to("request_detail")))
    if post.status == Status.SCHEDULED and can.can_unschedule(post):
        actions.append(PostAction(gettext_lazy("Unschedule"), to("post_unschedule"), post=True))
    if can.can_withdraw(post) and can_transition(post.status, Status.WITHDRAWN):
        actions.append(PostAction(gettext_lazy("Withdraw…"), to("calendar_panel")))
    if any(can.can_write_internal(version.channel) for version in versions):
        actions.append(PostAction(gettext_lazy("Duplicate"), to("post_duplicate"), post=True))
    # One button per page: the first, most specific, label wins ("Make the changes asked for" over "Follow").
    seen, unique = set(), []
    for action in actions:
        if action.url not in seen:
            seen.add(action.url)
            unique.append(action)
    return unique


@login_required
@require_safe
def post_detail(request, pk: int):
    post = visible_post(request, pk)
    can = abilities_of(request)
    versions = post_versions(post)
    return render(
        request,
        "calendar_app/posts/detail.html",
        {
            "post": post,
            "versions": versions,
            "previews": previews_for_post(post, versions=versions),
            "report": charte_check(post=post),
            "decisions": post_decisions(post),
            "thread": post_thread(post),
            "history": post_history(post),
            "images": post.post_media.select_related("asset"),
            "links": post.links.all(),
            "actions": actions_for(can, post, versions),
        },
    )
