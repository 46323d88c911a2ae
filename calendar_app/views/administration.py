"""Decisions of the Direction générale (election periods, art. 7; new channels, art. 8.1), and notifications."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calendar_app.forms import ElectionForm, apply_service_errors
from calendar_app.models import Channel, ElectionPeriod, Municipality
from calendar_app.permissions import Action
from calendar_app.selectors.channels import channels_with_authorisers
from calendar_app.selectors.followed_accounts import followed_accounts_status
from calendar_app.services.channels import channel_authorise
from calendar_app.services.elections import election_declare, election_flagged_published
from calendar_app.services.notifications import notification_mark_read
from calendar_app.views.base import abilities_of, allow, login_required
from calendar_app.views.removals import RemovalForm, flagged_with_removals


@login_required
@require_safe
def election_list(request):
    can = abilities_of(request)
    allow(request, can.is_direction or can.is_reviewer, Action.VIEW)
    return render(
        request,
        "calendar_app/elections/list.html",
        {"periods": ElectionPeriod.objects.all(), "can_declare": can.can_declare_election()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def election_new(request):
    allow(request, abilities_of(request).can_declare_election(), Action.DECLARE_ELECTION)
    form = ElectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = election_declare(
                actor=request.user,
                name=data["name"],
                starts_on=data["starts_on"],
                polling_day=data["polling_day"],
                ends_on=data["ends_on"],
                parties=data["parties"],
                candidates=data["candidates"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The election period was declared."))
            return redirect("calendar_app:election_detail", period.pk)
    return render(request, "calendar_app/elections/form.html", {"form": form})


@login_required
@require_safe
def election_detail(request, pk: int):
    """A period, its parties and candidates, and the published posts the Charte now flags for removal."""
    can = abilities_of(request)
    allow(request, can.is_direction or can.is_reviewer, Action.VIEW)
    period = get_object_or_404(ElectionPeriod, pk=pk)
    flagged = flagged_with_removals(election_flagged_published(period))
    return render(
        request,
        "calendar_app/elections/detail.html",
        {
            "period": period,
            "parties": period.parties.all(),
            "candidates": period.candidates.select_related("party"),
            "following": followed_accounts_status(period),
            "can_check_following": can.can_check_followed_accounts(),
            "flagged": flagged,
            "still_online": any(item.still_online for item in flagged),
            "removal_form": RemovalForm() if can.can_remove_published() else None,
        },
    )


@login_required
@require_safe
def channel_list(request):
    can = abilities_of(request)
    allow(request, can.is_direction or can.is_reviewer, Action.VIEW)
    return render(
        request,
        "calendar_app/channels/list.html",
        {
            "channels": channels_with_authorisers(),
            "can_authorise": can.can_authorise_channel(),
            "can_confirm_profile": can.can_confirm_channel_profile(),
            "municipality": Municipality.current(),
        },
    )


@login_required
@require_POST
def channel_authorise_view(request, pk: int):
    channel = get_object_or_404(Channel, pk=pk)
    try:
        channel_authorise(channel=channel, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if missing := Channel.objects.get(pk=channel.pk).missing_for_authorisation():
            messages.info(
                request,
                _(
                    "The Direction générale's authorisation of “%(channel)s” is recorded (art. 8.1); the channel "
                    "publishes once its checklist is complete. It lacks: %(missing)s."
                )
                % {"channel": channel, "missing": "; ".join(missing)},
            )
        else:
            messages.success(request, _("“%(channel)s” is authorised (art. 8.1).") % {"channel": channel})
    return redirect("calendar_app:channel_list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        notification_mark_read(person=request.user)
        return redirect("calendar_app:notifications")
    notifications = request.user.notifications.select_related("post", "on_behalf_of")[:100]
    return render(request, "calendar_app/notifications/list.html", {"notifications": notifications})
