"""Taking published posts off their networks (art. 7): from a post's page, and from an election period's page
(one flagged post, or every flagged one). The work is ``publishing.removals``'; these pages ask and show."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from calendar_app.forms import RemovalConfirmForm, RemovalForm
from calendar_app.models import ChannelVersion, ElectionPeriod, Post
from calendar_app.permissions import Abilities, Action
from calendar_app.services.elections import election_flagged_published
from calendar_app.views.base import abilities_of, allow, login_required, visible_post
from publishing.models import Removal
from publishing.removals import removable, removal_confirm_by_hand, removal_request, removal_retry


@dataclass(frozen=True)
class RemovalSection:
    """What a post's page shows of its removals: each one's state and answer, and what this person may do."""

    removals: list[Removal]
    removable: list[ChannelVersion]
    may_remove: bool
    form: RemovalForm | None


def removal_section(can: Abilities, post: Post, versions: list[ChannelVersion]) -> RemovalSection:
    removals = list(
        Removal.objects.filter(version__post=post)
        .select_related("version__channel", "requested_by", "confirmed_by")
        .order_by("version__channel__network", "pk")
    )
    by_version = {removal.version_id: removal for removal in removals}
    for version in versions:
        version.removal = by_version.get(version.pk)
    still_online = removable(versions)
    may = can.can_remove_published()
    return RemovalSection(removals, still_online, may, RemovalForm() if may and still_online else None)


@dataclass(frozen=True)
class Flagged:
    """A post the Charte flags in an election period, as its page lists it: why, and each channel's removal."""

    post: Post
    report: object
    versions: list[ChannelVersion]
    still_online: bool


def flagged_with_removals(flagged: list) -> list[Flagged]:
    """The election page's flagged posts (``election_flagged_published``), each version with its removal."""
    posts = [post for post, _report in flagged]
    versions = (
        ChannelVersion.objects.filter(post__in=posts)
        .select_related("channel", "removal")
        .order_by("channel__network", "pk")
    )
    by_post: dict[int, list[ChannelVersion]] = {}
    for version in versions:
        by_post.setdefault(version.post_id, []).append(version)
    return [
        Flagged(post, report, by_post.get(post.pk, []), bool(removable(by_post.get(post.pk, []))))
        for post, report in flagged
    ]


def _back(request, default: str, *args):
    """Back to the page the form was on (the post's, or the election period's), never elsewhere."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default, *args)


def _asked(request, removals: list[Removal]) -> None:
    if not removals:
        messages.info(
            request, _("Nothing to remove: no publication of it is still online, or its removal is under way.")
        )
        return
    by_hand = sum(removal.state == Removal.State.BY_HAND for removal in removals)
    messages.success(
        request,
        ngettext(
            "%(count)d removal asked for; the networks are called now.",
            "%(count)d removals asked for; the networks are called now.",
            len(removals),
        )
        % {"count": len(removals)},
    )
    if by_hand:
        messages.warning(
            request,
            ngettext(
                "%(count)d publication must be removed by hand: its network's API cannot delete it.",
                "%(count)d publications must be removed by hand: their network's API cannot delete them.",
                by_hand,
            )
            % {"count": by_hand},
        )


def _request(request, versions, *, back: tuple) -> object:
    form = RemovalForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, *back)
    try:
        removals = removal_request(versions=versions, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _asked(request, removals)
    return _back(request, *back)


@login_required
@require_POST
def post_remove_view(request, pk: int):
    """Remove the post's publications still online: those ticked (``version``), or all of them."""
    post = visible_post(request, pk)
    allow(request, abilities_of(request).can_remove_published(), Action.REMOVE, post)
    versions = post.versions.select_related("channel")
    ticked = [value for value in request.POST.getlist("version") if value.isdigit()]
    if ticked:
        versions = versions.filter(pk__in=ticked)  # only this post's versions, whatever was sent
    return _request(request, list(versions), back=("calendar_app:post_detail", post.pk))


@login_required
@require_POST
def election_remove_flagged_view(request, pk: int):
    """Remove every publication still online of the posts the Charte flags in this election period."""
    allow(request, abilities_of(request).can_remove_published(), Action.REMOVE)
    period = get_object_or_404(ElectionPeriod, pk=pk)
    posts = [post for post, _report in election_flagged_published(period)]
    versions = list(ChannelVersion.objects.filter(post__in=posts).select_related("channel"))
    return _request(request, versions, back=("calendar_app:election_detail", period.pk))


def _removal_to_answer(request, pk: int) -> Removal:
    removal = get_object_or_404(Removal.objects.select_related("version__channel"), pk=pk)
    removal.version.post = visible_post(request, removal.version.post_id)
    allow(request, abilities_of(request).can_remove_published(), Action.REMOVE, removal.version.post)
    return removal


@login_required
@require_POST
def removal_retry_view(request, pk: int):
    removal = _removal_to_answer(request, pk)
    try:
        removal_retry(removal=removal, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The removal from “%(channel)s” is tried again now.") % {"channel": removal.version.channel}
        )
    return _back(request, "calendar_app:post_detail", removal.version.post_id)


@login_required
@require_POST
def removal_confirm_view(request, pk: int):
    """« I removed it on the network »: for a network whose API cannot delete, or a removal that failed."""
    removal = _removal_to_answer(request, pk)
    form = RemovalConfirmForm(request.POST)
    if not form.is_valid():  # a note refused (too long, invisible characters): said, and nothing recorded
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, "calendar_app:post_detail", removal.version.post_id)
    try:
        removal_confirm_by_hand(removal=removal, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(channel)s” is recorded as removed by hand.") % {"channel": removal.version.channel}
        )
    return _back(request, "calendar_app:post_detail", removal.version.post_id)
