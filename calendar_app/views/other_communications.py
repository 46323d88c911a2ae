"""The calendar's other communications (website news, newsletters, print, events, display screens): a small
page to add, change or delete one, and its move by drag and drop; each through its service, for those who
plan (art. 8.2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calendar_app.forms import OtherCommunicationForm, apply_service_errors
from calendar_app.models import OtherCommunication
from calendar_app.permissions import Action, PermissionRefused
from calendar_app.selectors.calendar import calendar_filter_choices
from calendar_app.services.other_communications import (
    OtherCommunicationInput,
    other_communication_create,
    other_communication_delete,
    other_communication_update,
)
from calendar_app.views.base import abilities_of, allow, login_required
from calendar_app.views.calendar import NOT_UNDERSTOOD, parse_wall_clock


def _form(request, item: OtherCommunication | None) -> OtherCommunicationForm:
    choices = calendar_filter_choices(abilities_of(request))
    initial = {}
    if item is None and request.method == "GET" and request.GET.get("start"):
        # "Add" from a day of the calendar: that day at nine, or the time given.
        start = request.GET["start"]
        try:
            initial["starts_at"] = parse_wall_clock(start if "T" in start else f"{start}T09:00:00")
        except ValueError:
            pass
    return OtherCommunicationForm(
        request.POST if request.method == "POST" else None,
        item=item,
        services=list(choices.services),
        organisations=list(choices.organisations),
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def other_communication_new(request):
    allow(request, abilities_of(request).can_plan(), Action.PLAN)
    form = _form(request, None)
    if form.is_bound and form.is_valid():
        try:
            item = other_communication_create(actor=request.user, data=form.item_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is on the calendar.") % {"title": item.title})
            return redirect("calendar_app:calendar")
    return render(request, "calendar_app/calendar/other_form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def other_communication_edit(request, pk: int):
    allow(request, abilities_of(request).can_plan(), Action.PLAN)
    item = get_object_or_404(OtherCommunication.objects.select_related("author"), pk=pk)
    form = _form(request, item)
    if form.is_bound and form.is_valid():
        try:
            item = other_communication_update(
                item=item, actor=request.user, data=form.item_input(), seen_revision=form.cleaned_data["revision"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": item.title})
            return redirect("calendar_app:calendar")
    return render(request, "calendar_app/calendar/other_form.html", {"form": form, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def other_communication_delete_view(request, pk: int):
    """Asks first; deletes on the confirmation, if nobody changed the item since."""
    allow(request, abilities_of(request).can_plan(), Action.PLAN)
    item = get_object_or_404(OtherCommunication, pk=pk)
    if request.method == "POST":
        try:
            other_communication_delete(item=item, actor=request.user, seen_revision=_revision(request))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("calendar_app:other_communication_edit", item.pk)
        messages.success(request, _("“%(title)s” is off the calendar.") % {"title": item.title})
        return redirect("calendar_app:calendar")
    return render(request, "calendar_app/calendar/other_delete.html", {"item": item})


def _revision(request) -> int:
    """The revision the page showed; -1 (never stored) when it sent none, so that nothing changes."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


@login_required
@require_POST
def other_communication_move(request, pk: int):
    """A drag on the calendar: the item starts at ``starts_at`` (wall-clock time) and lasts as long as before,
    through the update service (the page's ``revision`` required). JSON, as the calendar reads it."""
    allow(request, abilities_of(request).can_plan(), Action.PLAN)
    item = get_object_or_404(OtherCommunication, pk=pk)
    try:
        starts_at = parse_wall_clock(request.POST.get("starts_at", ""))
        revision = int(request.POST["revision"])
    except (KeyError, ValueError):
        return JsonResponse({"message": str(NOT_UNDERSTOOD)}, status=400)
    try:
        other_communication_update(
            item=item,
            actor=request.user,
            data=OtherCommunicationInput.of(item).moved_to(starts_at),
            seen_revision=revision,
        )
    except PermissionRefused as refusal:
        return JsonResponse({"message": str(refusal)}, status=403)
    except ValidationError as error:
        return JsonResponse({"message": " ".join(error.messages)}, status=409)
    return JsonResponse({"message": _("Moved.")})
