"""The editorial calendar (art. 8.2): a month, week, day or list of what goes out, fed as JSON to the
vendored FullCalendar, and the move of a scheduled channel version by drag and drop.

Times travel as the municipality's wall-clock time without an offset ("2026-12-08T09:30:00"): the
calendar shows them as they are (FullCalendar in UTC, so that no browser shifts them), and a move
comes back in the same form.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from calendar_app.forms import TimingForm
from calendar_app.models import ChannelVersion
from calendar_app.permissions import Action, PermissionRefused
from calendar_app.selectors.calendar import calendar_versions, closure_days_between, election_periods_between
from calendar_app.selectors.channels import official_channels
from calendar_app.selectors.posts import post_versions
from calendar_app.services.charte import WarningsNotAcknowledged
from calendar_app.services.scheduling import post_reschedule
from calendar_app.views.base import abilities_of, allow, login_required
from calendar_app.views.publishing import RESCHEDULED_FOR_REVIEW
from calendar_app.workflow import Status

WALL_CLOCK = "%Y-%m-%dT%H:%M:%S"


def _wall_clock(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(WALL_CLOCK)


def _parse_wall_clock(value: str) -> datetime.datetime:
    """A wall-clock time of the municipality, as the calendar sends it (an offset, if any, is ignored)."""
    return timezone.make_aware(datetime.datetime.fromisoformat(value[:19]))


@login_required
@require_safe
def calendar_page(request):
    can = abilities_of(request)
    allow(request, can.can_plan(), Action.VIEW)
    return render(
        request,
        "calendar_app/calendar/page.html",
        {
            "channels": official_channels(),
            "statuses": Status.choices,
            "chosen_channels": request.GET.getlist("channel"),
            "chosen_statuses": request.GET.getlist("status"),
            "now": _wall_clock(timezone.now()),
            "locale": "fr-ca" if get_language().startswith("fr") else "en",
            "can_import": can.can_write_internal(),  # the CSV import's link (views.transfer)
        },
    )


class _Labels:
    """What every item repeats, read once per request: translating a choice's label costs more than the
    rest of an item, and so does reversing a URL."""

    def __init__(self):
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.channels: dict[int, tuple[str, str]] = {}
        self.pages = {
            name: reverse(f"calendar_app:{name}", args=[0])
            for name in ("post_schedule", "review_detail", "request_detail")
        }

    def channel(self, channel) -> tuple[str, str]:
        """The channel's network and its full name (network — handle)."""
        if channel.pk not in self.channels:
            self.channels[channel.pk] = (channel.get_network_display(), str(channel))
        return self.channels[channel.pk]

    def page(self, name: str, post_id: int) -> str:
        return self.pages[name].replace("/0/", f"/{post_id}/")


def _event(version: ChannelVersion, can, labels: _Labels) -> dict:
    post, channel = version.post, version.channel
    movable = version.status == Status.SCHEDULED and can.can_schedule(post, channel)
    page = "post_schedule" if movable else "review_detail" if can.is_reviewer else "request_detail"
    network, channel_name = labels.channel(channel)
    return {
        "id": str(version.pk),
        "title": f"{network} · {post.title}",
        "start": _wall_clock(version.due_at),
        "url": labels.page(page, post.pk),
        "editable": movable,
        "classNames": [f"status-{version.status}", f"network-{channel.network}"],
        "extendedProps": {
            "status": labels.statuses[version.status],
            "channel": channel_name,
            "revision": post.revision,
        },
    }


def _bands(first: datetime.date, last: datetime.date) -> list[dict]:
    """Election periods and closure days, shown behind the posts."""
    bands = [
        {
            "start": period.starts_on.isoformat(),
            "end": (period.ends_on + datetime.timedelta(days=1)).isoformat(),
            "display": "background",
            "classNames": ["band-election"],
            "title": _("Election period: %(name)s (art. 7)") % {"name": period.name},
        }
        for period in election_periods_between(first, last)
    ]
    bands += [
        {
            "start": day.date.isoformat(),
            "display": "background",
            "classNames": ["band-closure"],
            "title": _("Offices closed: %(reason)s") % {"reason": day.label},
        }
        for day in closure_days_between(first, last)
    ]
    return bands


@login_required
@require_safe
def calendar_events(request):
    """The posts due between ``start`` and ``end`` that this person may see, filtered by ``channel`` and
    ``status`` as the page's URL says, with the periods behind them."""
    can = abilities_of(request)
    allow(request, can.can_plan(), Action.VIEW)
    try:
        start, end = _parse_wall_clock(request.GET["start"]), _parse_wall_clock(request.GET["end"])
        channel_ids = [int(value) for value in request.GET.getlist("channel")]
    except (KeyError, ValueError):
        return JsonResponse({"message": _("This calendar request is not understood.")}, status=400)
    versions = calendar_versions(
        can, start=start, end=end, channel_ids=channel_ids, statuses=request.GET.getlist("status")
    )
    labels = _Labels()
    events = [_event(version, can, labels) for version in versions]
    return JsonResponse(events + _bands(start.date(), end.date()), safe=False)


@login_required
@require_POST
def calendar_move(request, pk: int):
    """Move one scheduled channel version to ``due_at`` (the page's revision of its post in ``revision``),
    through the reschedule service: the Charte runs at the new time; refused, the calendar moves it back."""
    version = get_object_or_404(ChannelVersion.objects.select_related("post", "channel"), pk=pk)
    post = version.post
    allow(request, abilities_of(request).can_view(post), Action.VIEW, post)
    versions = [each for each in post_versions(post) if each.status == Status.SCHEDULED]
    try:
        new_time = _parse_wall_clock(request.POST.get("due_at", ""))
    except ValueError:
        return JsonResponse({"message": _("This calendar request is not understood.")}, status=400)
    form = TimingForm.moving(
        post,
        versions,
        version,
        new_time,
        revision=request.POST.get("revision", ""),  # required: without it, a stale page could move the post
        acknowledge_warnings=request.POST.get("acknowledge_warnings", ""),
    )
    if not form.is_valid():
        return JsonResponse({"message": " ".join(sum(form.errors.values(), []))}, status=400)
    try:
        stays = post_reschedule(
            post=post,
            actor=request.user,
            timing=form.timing(),
            seen_revision=form.cleaned_data["revision"],
            acknowledge_warnings=form.cleaned_data["acknowledge_warnings"],
        )
    except PermissionRefused as refusal:
        return JsonResponse({"message": str(refusal)}, status=403)
    except WarningsNotAcknowledged as warnings:
        # The page asks the person to acknowledge them, then moves again with acknowledge_warnings.
        listed = [str(result.message) for result, _key in warnings.report.unacknowledged_warnings()]
        return JsonResponse({"message": " ".join([*warnings.messages, *listed]), "warnings": True}, status=409)
    except ValidationError as error:
        return JsonResponse({"message": " ".join(error.messages)}, status=409)
    message = _("Rescheduled.") if stays else str(RESCHEDULED_FOR_REVIEW)
    return JsonResponse({"message": message, "stays_scheduled": stays})
