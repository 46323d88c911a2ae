"""The editorial calendar (art. 8.2): a month, week, day or list of what goes out and of the city's other
communications, fed as JSON to the vendored FullCalendar and filtered as the address says; the periods
behind (election periods, emergency windows, statutory holidays, closure days); the move of a scheduled
channel version by drag and drop; and a post's panel, with what this person may do on it now.

Times travel as the municipality's wall-clock time without an offset ("2026-12-08T09:30:00"): the
calendar shows them as they are (FullCalendar in UTC, so that no browser shifts them), and a move
comes back in the same form.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from calendar_app.forms import RevisionForm, TimingForm, WithdrawForm
from calendar_app.models import ChannelVersion, OtherCommunication, Post
from calendar_app.permissions import Abilities, Action, PermissionRefused
from calendar_app.selectors.calendar import (
    NO_FILTERS,
    InvalidFilter,
    calendar_filter_choices,
    calendar_filters_from,
    closure_days_between,
    election_periods_between,
    emergency_windows_between,
    plan_selection,
    statutory_holidays_between,
    window_days,
)
from calendar_app.selectors.channels import official_channels
from calendar_app.selectors.posts import AWAITING_DECISION, post_for_page, post_versions
from calendar_app.services.charte import WarningsNotAcknowledged
from calendar_app.services.posts import post_withdraw
from calendar_app.services.scheduling import post_reschedule, post_unschedule
from calendar_app.views.base import abilities_of, allow, login_required, visible_post
from calendar_app.views.profile import subscription_context
from calendar_app.views.publishing import RESCHEDULED_FOR_REVIEW
from calendar_app.workflow import Status, can_transition
from kernel.networks import network_choices

WALL_CLOCK = "%Y-%m-%dT%H:%M:%S"
# How items are coloured, kept in the address (``colour``): the first is the default.
COLOURINGS = ("status", "channel")
# The icon of each kind of other communication (static/icons/).
OTHER_ICONS = {
    OtherCommunication.Kind.WEBSITE_NEWS: "newspaper",
    OtherCommunication.Kind.NEWSLETTER: "envelope",
    OtherCommunication.Kind.PRINT: "printer",
    OtherCommunication.Kind.EVENT: "event",
    OtherCommunication.Kind.DISPLAY_SCREEN: "screen",
    OtherCommunication.Kind.OTHER: "other",
}
NOT_UNDERSTOOD = gettext_lazy("This calendar request is not understood.")


def wall_clock(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(WALL_CLOCK)


def parse_wall_clock(value: str) -> datetime.datetime:
    """A wall-clock time of the municipality, as the calendar sends it (an offset, if any, is ignored)."""
    return timezone.make_aware(datetime.datetime.fromisoformat(value[:19]))


def _locale() -> str:
    return "fr-ca" if get_language().startswith("fr") else "en"


@login_required
@require_safe
def calendar_page(request):
    can = abilities_of(request)
    allow(request, can.can_plan(), Action.VIEW)
    try:
        filters, problem = calendar_filters_from(request.GET), ""
    except InvalidFilter as error:
        filters, problem = NO_FILTERS, str(error)
    colour = request.GET.get("colour") if request.GET.get("colour") in COLOURINGS else COLOURINGS[0]
    choices = calendar_filter_choices(can)
    feed_query = _filters_query(request.GET)
    return render(
        request,
        "calendar_app/calendar/page.html",
        {
            "channels": official_channels(),
            "kinds": [(value, label, OTHER_ICONS[value]) for value, label in OtherCommunication.Kind.choices],
            "statuses": Status.choices,
            "categories": Post.Category.choices,
            "services": choices.services,
            "organisations": choices.organisations,
            "authors": choices.authors,
            "filters": filters,
            "problem": problem,
            "colour": colour,
            "now": wall_clock(timezone.now()),
            "locale": _locale(),
            "can_import": can.can_write_internal(),  # the CSV import's link (views.transfer)
            "can_import_events": can.is_reviewer,  # the events calendar's import (views.event_imports)
            # The subscription panel: the feed shows what the page shows, with its filters (views.ical).
            **subscription_context(request, feed_query),
            "feed_query": feed_query,
            # After a change of address, back here with the panel open.
            "subscribe_next": f"{request.path}?{feed_query}&abonnement=1"
            if feed_query
            else f"{request.path}?abonnement=1",
        },
    )


def _filters_query(query) -> str:
    """The calendar's filters from its address, for a feed's address (its colouring is the page's own)."""
    kept = query.copy()
    for name in ("colour", "abonnement", "start", "end"):
        kept.pop(name, None)
    return kept.urlencode()


class _Labels:
    """What every item repeats, read once per request: translating a choice's label costs more than the
    rest of an item, and so does reversing a URL or finding the time zone."""

    def __init__(self):
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.kinds = {value: str(label) for value, label in OtherCommunication.Kind.choices}
        self.networks = {value: str(label) for value, label in network_choices()}
        self.time_zone = timezone.get_current_timezone()
        self.pages = {
            name: reverse(f"calendar_app:{name}", args=[0])
            for name in ("calendar_panel", "other_communication_edit", "other_communication_move")
        }

    def page(self, name: str, pk: int) -> str:
        return self.pages[name].replace("/0/", f"/{pk}/")

    def wall_clock(self, moment: datetime.datetime) -> str:
        return moment.astimezone(self.time_zone).replace(tzinfo=None).isoformat(timespec="seconds")


# What a post's item shows, read as plain values: a month may hold thousands of items, and building a
# version, its post and its channel as models for each cost more than the rest of the request.
_ITEM_COLUMNS = (
    "pk",
    "status",
    "due_at",
    "post_id",
    "post__title",
    "post__revision",
    "post__author_id",
    "channel_id",
    "channel__network",
    "channel__handle",
)


@dataclass(frozen=True)
class _Facts:
    """What ``Abilities.can_schedule(post, channel)`` reads of a post (``author_id``) and of a channel (``pk``)."""

    pk: int
    author_id: int | None = None


class _Movable:
    """Whether this person may move a scheduled item: ``Abilities.can_schedule``, asked once per author and
    channel."""

    def __init__(self, can: Abilities):
        self.can, self.answers = can, {}

    def __call__(self, post_id: int, author_id: int, channel_id: int) -> bool:
        key = (author_id, channel_id)
        if key not in self.answers:
            self.answers[key] = self.can.can_schedule(_Facts(post_id, author_id), _Facts(channel_id))
        return self.answers[key]


def _event(row: tuple, movable: _Movable, labels: _Labels) -> dict:
    pk, status, due_at, post_id, title, revision, author_id, channel_id, network, handle = row
    network_label = labels.networks.get(network, network)
    return {
        "id": str(pk),
        "title": title,
        "start": labels.wall_clock(due_at),
        # The post's panel: opened beside the calendar on a click, or as a page by a keyboard's Enter.
        "url": labels.page("calendar_panel", post_id),
        "editable": status == Status.SCHEDULED and movable(post_id, author_id, channel_id),
        "classNames": ["item-post", f"status-{status}", f"network-{network}"],
        "extendedProps": {
            "kind": "post",
            "icon": network,
            "status": labels.statuses[status],
            "channel": f"{network_label} — {handle}",  # as Channel.__str__ says it
            "network": network_label,
            "revision": revision,
        },
    }


def _other_event(item: OtherCommunication, labels: _Labels) -> dict:
    kind = labels.kinds[item.kind]
    event = {
        "id": f"other-{item.pk}",
        "title": item.title,
        "start": labels.wall_clock(item.starts_at),
        "url": labels.page("other_communication_edit", item.pk),
        "editable": True,  # whoever sees the calendar plans, and may move it
        "classNames": ["item-other", f"kind-{item.kind}"],
        "extendedProps": {
            "kind": "other",
            "icon": OTHER_ICONS[item.kind],
            "channel": kind,
            "revision": item.revision,
            "move": labels.page("other_communication_move", item.pk),
        },
    }
    if item.ends_at is not None:
        event["end"] = labels.wall_clock(item.ends_at)
    return event


def _request_event(post: Post, labels: _Labels) -> dict:
    """A request awaiting a decision, across the days asked for (all day; it has no time yet)."""
    last = post.desired_until or post.desired_from
    return {
        "id": f"request-{post.pk}",
        "title": post.title,
        "start": post.desired_from.isoformat(),
        "end": (last + datetime.timedelta(days=1)).isoformat(),
        "allDay": True,
        "url": labels.page("calendar_panel", post.pk),
        "editable": False,
        "classNames": ["item-request", f"status-{post.status}"],
        "extendedProps": {"kind": "request", "icon": "envelope", "status": labels.statuses[post.status]},
    }


def _day_band(day: datetime.date, kind: str, title: str, *, last: datetime.date | None = None) -> dict:
    """A band behind whole days (the month view and the week's all-day row)."""
    return {
        "start": day.isoformat(),
        "end": ((last or day) + datetime.timedelta(days=1)).isoformat(),
        "display": "background",
        "allDay": True,
        "classNames": [f"band-{kind}"],
        "title": title,
    }


def _bands(start: datetime.datetime, end: datetime.datetime) -> list[dict]:
    """What lies behind the items: election periods (art. 7), emergency windows (art. 6), statutory
    holidays and the city's closure days (art. 8.6)."""
    first, last = window_days(start, end)
    bands = [
        _day_band(
            period.starts_on,
            "election",
            _("Election period: %(name)s (art. 7)") % {"name": period.name},
            last=period.ends_on,
        )
        for period in election_periods_between(first, last)
    ]
    for window in emergency_windows_between(start, end):
        title = _("Emergency mode (art. 6): %(reason)s") % {"reason": window.reason}
        ends_at = window.ends_at or end
        # Timed on the week and day views; over its days on the month view, which shows no hours.
        bands.append(
            {
                "start": wall_clock(window.starts_at),
                "end": wall_clock(ends_at),
                "display": "background",
                "classNames": ["band-emergency"],
                "title": title,
            }
        )
        local_end = timezone.localtime(ends_at) - datetime.timedelta(microseconds=1)
        bands.append(_day_band(timezone.localtime(window.starts_at).date(), "emergency", title, last=local_end.date()))
    bands += [
        _day_band(holiday.date, "holiday", _("Statutory holiday: %(name)s") % {"name": holiday.name})
        for holiday in statutory_holidays_between(first, last, language=get_language())
    ]
    bands += [
        _day_band(day.date, "closure", _("Offices closed: %(reason)s") % {"reason": day.label})
        for day in closure_days_between(first, last)
    ]
    return bands


@login_required
@require_safe
def calendar_events(request):
    """The posts due between ``start`` and ``end`` that this person may see and the other communications
    of that window, filtered as the page's address says (``calendar_filters_from``), with the periods behind."""
    can = abilities_of(request)
    allow(request, can.can_plan(), Action.VIEW)
    try:
        start, end = parse_wall_clock(request.GET["start"]), parse_wall_clock(request.GET["end"])
        filters = calendar_filters_from(request.GET)
    except InvalidFilter as error:
        return JsonResponse({"message": str(error)}, status=400)
    except (KeyError, ValueError):
        return JsonResponse({"message": str(NOT_UNDERSTOOD)}, status=400)
    labels, movable = _Labels(), _Movable(can)
    shown = plan_selection(can, start=start, end=end, filters=filters)
    events = [_event(row, movable, labels) for row in shown.versions.values_list(*_ITEM_COLUMNS)]
    events += [_request_event(post, labels) for post in shown.requests]
    events += [_other_event(item, labels) for item in shown.others]
    return JsonResponse(events + _bands(start, end), safe=False)


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
        new_time = parse_wall_clock(request.POST.get("due_at", ""))
    except ValueError:
        return JsonResponse({"message": str(NOT_UNDERSTOOD)}, status=400)
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


# --- A post's panel ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelActions:
    """What the panel offers this person on the post now, decided from the stored post and their roles."""

    schedule_label: str = ""  # « Reprogrammer » or « Programmer »: the scheduling page (the keyboard's drag)
    unschedule: bool = False
    withdraw: bool = False
    review: bool = False


def panel_actions(can: Abilities, post: Post) -> PanelActions:
    may_schedule = post.status in (Status.APPROVED, Status.SCHEDULED) and can.can_schedule(post)
    return PanelActions(
        schedule_label=(_("Reschedule") if post.status == Status.SCHEDULED else _("Schedule")) if may_schedule else "",
        unschedule=post.status == Status.SCHEDULED and can.can_unschedule(post),
        withdraw=can_transition(post.status, Status.WITHDRAWN) and can.can_withdraw(post),
        review=post.status in AWAITING_DECISION and can.can_review(post),
    )


def _back_to(request) -> str:
    """Where an action returns: the calendar page it came from (its filters kept), or the calendar."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        return back
    return reverse("calendar_app:calendar")


def _panel(request, post: Post, *, status: int = 200):
    can = abilities_of(request)
    template = "calendar_app/calendar/_panel.html" if request.htmx else "calendar_app/calendar/panel_page.html"
    return render(
        request,
        template,
        {
            "post": post,
            "versions": post_versions(post),
            "actions": panel_actions(can, post),
            "back": _back_to(request),
            "withdraw_form": WithdrawForm(post=post, auto_id="panel-%s"),
            "in_calendar": bool(request.htmx),
        },
        status=status,
    )


@login_required
@require_safe
def calendar_panel(request, pk: int):
    """A post as the calendar shows it beside the grid (htmx), or as a page (a link opened without script)."""
    return _panel(request, visible_post(request, pk))


def _after_action(request, post: Post):
    """Beside the calendar, the panel again with the outcome (and the calendar told to read its items
    again); without script, back to the calendar with the outcome as a message."""
    if request.htmx:
        response = _panel(request, post_for_page(post.pk))
        response["HX-Trigger"] = "calendar-changed"
        return response
    return redirect(_back_to(request))


def _say_refusal(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def calendar_unschedule(request, pk: int):
    """« Déprogrammer »: the post goes back to approved, its times kept (``scheduling.post_unschedule``)."""
    post = visible_post(request, pk)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This page is out of date: reload it and try again."))
        return _after_action(request, post)
    try:
        post_unschedule(post=post, actor=request.user, seen_revision=form.cleaned_data["revision"])
    except ValidationError as error:
        _say_refusal(request, error)
    else:
        messages.success(
            request,
            _("“%(title)s” is unscheduled: it stays approved and goes out only once scheduled again.")
            % {"title": post.title},
        )
    return _after_action(request, post)


@login_required
@require_POST
def calendar_withdraw(request, pk: int):
    """« Retirer »: the post and its channels not yet gone out are withdrawn (``posts.post_withdraw``)."""
    post = visible_post(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This page is out of date: reload it and try again."))
        return _after_action(request, post)
    try:
        post_withdraw(
            post=post,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            seen_revision=form.cleaned_data["revision"],
        )
    except ValidationError as error:
        _say_refusal(request, error)
    else:
        messages.success(request, _("“%(title)s” is withdrawn: it will not go out.") % {"title": post.title})
    return _after_action(request, post)
