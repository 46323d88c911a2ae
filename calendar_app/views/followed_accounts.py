"""Checking whom a channel follows during an election period (art. 7), from the election's page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from calendar_app.models import Channel, ElectionPeriod, FollowedAccountsCheck
from calendar_app.permissions import Action
from calendar_app.text_input import TextField
from calendar_app.views.base import abilities_of, allow, login_required
from publishing.followed_accounts import followed_accounts_check, followed_accounts_confirm


class CheckForm(forms.Form):
    election = forms.ModelChoiceField(queryset=ElectionPeriod.objects.all())
    note = TextField(required=False, max_length=1000)


def _checked(request, channel: Channel, run) -> object:
    """Check ``channel`` with ``run(election, note)`` once the person may, and go back to the election's page."""
    allow(request, abilities_of(request).can_check_followed_accounts(), Action.CHECK_FOLLOWED_ACCOUNTS, channel)
    form = CheckForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        period = form.cleaned_data.get("election")
        return redirect(
            reverse("calendar_app:election_detail", args=[period.pk]) if period else "calendar_app:election_list"
        )
    period = form.cleaned_data["election"]
    try:
        check = run(period, form.cleaned_data["note"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        _tell(request, check)
    return redirect(reverse("calendar_app:election_detail", args=[period.pk]) + f"#following-{channel.pk}")


def _tell(request, check: FollowedAccountsCheck) -> None:
    values = {"channel": check.channel, "error": check.error, "count": len(check.flagged)}
    if check.outcome == FollowedAccountsCheck.Outcome.FAILED:
        messages.error(
            request, _("The accounts “%(channel)s” follows could not be read: %(error)s Nothing is checked.") % values
        )
    elif check.outcome == FollowedAccountsCheck.Outcome.FLAGGED:
        message = ngettext(
            "“%(channel)s” follows %(count)d account of a party or a candidate (art. 7): unfollow it.",
            "“%(channel)s” follows %(count)d accounts of a party or a candidate (art. 7): unfollow them.",
            values["count"],
        )
        messages.warning(request, message % values)
    else:
        messages.success(request, _("“%(channel)s” follows no party or candidate: checked.") % values)


@login_required
@require_POST
def followed_accounts_fetch_view(request, pk: int):
    channel = get_object_or_404(Channel, pk=pk)
    return _checked(
        request,
        channel,
        lambda period, _note: followed_accounts_check(channel=channel, election=period, actor=request.user),
    )


@login_required
@require_POST
def followed_accounts_confirm_view(request, pk: int):
    channel = get_object_or_404(Channel, pk=pk)
    return _checked(
        request,
        channel,
        lambda period, note: followed_accounts_confirm(channel=channel, election=period, actor=request.user, note=note),
    )
