"""A post's page: what goes out on each channel and when, the conversation, the history, and the actions this
person may take on it now — where every notification about a post lands. Channels "to verify" (their outcome
unknown) are answered there: it was published, or send it again."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from calendar_app.charte.loader import is_outside_press_release
from calendar_app.forms import NetworkAddressForm, PressReleaseAuthorisationForm, apply_service_errors
from calendar_app.models import ChannelVersion, ImportedEvent, Post
from calendar_app.permissions import Abilities, Action
from calendar_app.selectors.posts import AWAITING_DECISION, post_decisions, post_history, post_thread, post_versions
from calendar_app.services.charte import charte_check
from calendar_app.services.posts import press_release_authorise
from calendar_app.services.scheduling import version_confirm_published, version_send_again
from calendar_app.views.base import abilities_of, allow, login_required, visible_post
from calendar_app.views.removals import removal_section
from calendar_app.workflow import IllegalTransition, Status, can_transition
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


@dataclass(frozen=True)
class ToVerify:
    """A channel version whose outcome is unknown, as its post's page shows it: what is known, and for those who
    may answer (whoever may schedule the post on that channel), the two answers."""

    version: ChannelVersion
    may_answer: bool
    address_form: NetworkAddressForm


def to_verify_for(can: Abilities, post: Post, versions, *, address_form: NetworkAddressForm | None = None):
    """The post's versions to verify; ``address_form``, a form sent back with an error, stands for its version's."""
    answers = []
    for version in versions:
        if version.status != Status.TO_VERIFY:
            continue
        if address_form is None or address_form.version_pk != version.pk:
            form = NetworkAddressForm(version=version)
        else:
            form = address_form
        answers.append(ToVerify(version, can.can_schedule(post, version.channel), form))
    return answers


@login_required
@require_safe
def post_detail(request, pk: int):
    return _post_page(request, visible_post(request, pk))


def _post_page(request, post: Post, *, address_form: NetworkAddressForm | None = None, press_release_form=None):
    can = abilities_of(request)
    versions = post_versions(post)
    return render(
        request,
        "calendar_app/posts/detail.html",
        {
            "post": post,
            "versions": versions,
            "to_verify": to_verify_for(can, post, versions, address_form=address_form),
            "previews": previews_for_post(post, versions=versions),
            "report": charte_check(post=post),
            "decisions": post_decisions(post),
            "thread": post_thread(post),
            "history": post_history(post),
            "images": post.post_media.select_related("asset"),
            "links": post.links.all(),
            "actions": actions_for(can, post, versions),
            "imported_event": ImportedEvent.objects.filter(post=post).first(),
            "press_release": press_release_section(can, post, form=press_release_form),
            "removal": removal_section(can, post, versions),
        },
    )


@dataclass(frozen=True)
class PressReleaseSection:
    """What a post's page shows of art. 5.3: the authorisations recorded, and the form to record one."""

    authorisations: list
    form: PressReleaseAuthorisationForm | None


def press_release_section(can: Abilities, post: Post, *, form=None) -> PressReleaseSection | None:
    """None unless ``post`` is another organisation's press release (the post's and the request's pages)."""
    if not is_outside_press_release(post):
        return None
    authorisations = list(post.press_release_authorisations.select_related("authorised_by"))
    may = can.can_authorise_press_release(post) and not authorisations
    return PressReleaseSection(authorisations, (form or PressReleaseAuthorisationForm()) if may else None)


@login_required
@require_POST
def press_release_authorise_view(request, pk: int):
    """The Direction générale or the service's director authorises relaying the press release (art. 5.3)."""
    post = visible_post(request, pk)
    allow(request, abilities_of(request).can_authorise_press_release(post), Action.APPROVE, post)
    form = PressReleaseAuthorisationForm(request.POST)
    if form.is_valid():
        try:
            press_release_authorise(post=post, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect("calendar_app:post_detail", post.pk)
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Relaying this press release is authorised (art. 5.3)."))
            return redirect("calendar_app:post_detail", post.pk)
    return _post_page(request, post, press_release_form=form)


def _version_to_answer(request, pk: int) -> ChannelVersion:
    """Version ``pk``, once the person may see its post (else 403, or 404) and schedule it on its channel (else
    403); the service checks it again from the database, with the version's status."""
    version = get_object_or_404(ChannelVersion.objects.select_related("channel"), pk=pk)
    version.post = visible_post(request, version.post_id)
    allow(request, abilities_of(request).can_schedule(version.post, version.channel), Action.SCHEDULE, version.post)
    return version


def _already_answered(version: ChannelVersion) -> str:
    """Said to a person answering for a version no longer to verify: another answer, or the worker, came first."""
    status = ChannelVersion.objects.get(pk=version.pk).get_status_display()
    return _("“%(channel)s” is no longer to verify: it was already answered, and it is now « %(status)s ».") % {
        "channel": version.channel,
        "status": status,
    }


@login_required
@require_POST
def version_confirm_published_view(request, pk: int):
    """« It was published »: the person found the publication on the network and gives its address."""
    version = _version_to_answer(request, pk)
    form = NetworkAddressForm(request.POST, version=version)
    if form.is_valid():
        try:
            version_confirm_published(version=version, actor=request.user, url=form.cleaned_data["url"])
        except IllegalTransition:
            messages.error(request, _already_answered(version))
            return redirect("calendar_app:post_detail", version.post_id)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(channel)s” is recorded as published.") % {"channel": version.channel})
            return redirect("calendar_app:post_detail", version.post_id)
    return _post_page(request, version.post, address_form=form)


@login_required
@require_POST
def version_send_again_view(request, pk: int):
    """« Send again »: the person checked the account on the network and the publication is not there."""
    version = _version_to_answer(request, pk)
    try:
        version_send_again(version=version, actor=request.user)
    except IllegalTransition:
        messages.error(request, _already_answered(version))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(channel)s” will be sent again now.") % {"channel": version.channel})
    return redirect("calendar_app:post_detail", version.post_id)
