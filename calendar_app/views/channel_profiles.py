"""A channel's profile checklist (art. 5.10, 9.1), confirmed item by item by the communications department on
the channels page; the Direction générale's authorisation (art. 8.1) is ``administration.channel_authorise_view``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calendar_app.models import Channel, ChannelProfileConfirmation, ProfileItem
from calendar_app.permissions import Action
from calendar_app.services.channels import channel_profile_confirm, channel_profile_withdraw
from calendar_app.text_input import TextField
from calendar_app.views.base import abilities_of, allow, login_required


class ConfirmForm(forms.Form):
    item = forms.ChoiceField(choices=ProfileItem.choices)
    note = TextField(required=False, max_length=300)


class WithdrawForm(forms.Form):
    reason = TextField(max_length=1000)


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _outcome(request, channel: Channel) -> None:
    channel = Channel.objects.get(pk=channel.pk)
    if missing := channel.missing_for_authorisation():
        messages.info(
            request,
            _("“%(channel)s” is not authorised yet; its checklist lacks: %(missing)s.")
            % {"channel": channel, "missing": "; ".join(missing)},
        )
    else:
        messages.success(request, _("“%(channel)s” is authorised: its checklist is complete.") % {"channel": channel})


@login_required
@require_POST
def channel_profile_confirm_view(request, pk: int):
    channel = get_object_or_404(Channel, pk=pk)
    allow(request, abilities_of(request).can_confirm_channel_profile(), Action.CONFIRM_CHANNEL_PROFILE, channel)
    form = ConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.as_data().values() for error in errors])
        channel_profile_confirm(
            channel=channel, item=form.cleaned_data["item"], actor=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        _show_errors(request, error)
    else:
        _outcome(request, channel)
    return redirect("calendar_app:channel_list")


@login_required
@require_POST
def channel_profile_withdraw_view(request, pk: int):
    confirmation = get_object_or_404(ChannelProfileConfirmation.objects.select_related("channel"), pk=pk)
    allow(
        request,
        abilities_of(request).can_confirm_channel_profile(),
        Action.CONFIRM_CHANNEL_PROFILE,
        confirmation.channel,
    )
    form = WithdrawForm(request.POST)
    try:
        channel_profile_withdraw(
            channel=confirmation.channel,
            item=confirmation.item,
            actor=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as error:
        _show_errors(request, error)
    else:
        _outcome(request, confirmation.channel)
    return redirect("calendar_app:channel_list")
