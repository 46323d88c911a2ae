"""The calendar as iCal (issue 15): the subscription feeds that calendar applications read with a person's
secret token (no session), the download of what the calendar page shows, and the person's subscription
panel actions (create or renew the token, revoke it).

A feed answers 404 for a token unknown, revoked or whose owner may no longer see the calendar, and says
nothing more. It carries an ETag and a Last-Modified drawn from aggregates of what it shows (no item is
read for them), answers 304 to a matching conditional request, and streams its body.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from calendar_app.permissions import Abilities, Action
from calendar_app.selectors.calendar import (
    CalendarFilters,
    InvalidFilter,
    calendar_filters_from,
    plan_window,
    window_days,
)
from calendar_app.selectors.ical_feed import election_items, emergency_items, plan_fingerprint, plan_items
from calendar_app.services.calendar_feeds import feed_owner, feed_renew, feed_revoke
from calendar_app.services.ical_format import FeedItem, calendar_head, calendar_tail, event_text
from calendar_app.views.base import abilities_of, allow, login_required

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
# Events written per chunk of a streamed body.
CHUNK_EVENTS = 500
# The pages an item's link opens, by kind.
# The calendars' names in an application, written in the feed owner's language.
PLAN_NAME = gettext_lazy("Vitrine — editorial calendar")
ELECTIONS_NAME = gettext_lazy("Vitrine — election periods")
EMERGENCIES_NAME = gettext_lazy("Vitrine — emergency mode")
ITEM_PAGES = {
    "post": "calendar_app:post_detail",
    "other": "calendar_app:other_communication_edit",
    "election": "calendar_app:election_detail",
}


def feed_default_window() -> tuple[datetime.date, datetime.date]:
    """A feed without dates: ``ICAL["PAST_DAYS"]`` before today to ``ICAL["FUTURE_DAYS"]`` after it."""
    today = timezone.localdate()
    return (
        today - datetime.timedelta(days=settings.ICAL["PAST_DAYS"]),
        today + datetime.timedelta(days=settings.ICAL["FUTURE_DAYS"]),
    )


def _plan_asked(query) -> tuple[CalendarFilters, datetime.datetime, datetime.datetime]:
    """The filters and the window an address asks for (``ValueError``: ``InvalidFilter`` or bad dates)."""
    filters = calendar_filters_from(query)
    start, end = plan_window(query.get("start", ""), query.get("end", ""), default=feed_default_window())
    return filters, start, end


class ItemLinks:
    """Absolute addresses of the items' pages on the host the feed was asked from."""

    def __init__(self, request):
        self.base = request.build_absolute_uri("/").rstrip("/")
        # One reverse() per kind; the id is the address's only part that changes.
        self.patterns = {kind: reverse(name, args=[0]).rsplit("/0/", 1) for kind, name in ITEM_PAGES.items()}

    def __call__(self, kind: str, pk: int) -> str:
        head, tail = self.patterns[kind]
        return f"{self.base}{head}/{pk}/{tail}"


def _body(
    items: Iterable[FeedItem], *, name: str, first: datetime.date, last: datetime.date, language: str
) -> Iterator[bytes]:
    """The calendar's text in chunks of ``CHUNK_EVENTS`` events, written in ``language`` (``name`` too)."""
    stamp, zone = timezone.now(), timezone.get_current_timezone()
    with translation.override(language):
        yield calendar_head(name=str(name), zone=zone, first=first, last=last).encode()
        events = iter(items)
        while chunk := list(islice(events, CHUNK_EVENTS)):
            yield "".join(event_text(item, stamp=stamp, zone=zone) for item in chunk).encode()
        yield calendar_tail().encode()


def _calendar_response(
    request, body: Iterator[bytes], *, filename: str, etag: str | None = None, changed=None, attachment=False
):
    response = StreamingHttpResponse(body, content_type=ICS_CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if etag is not None:
        response["ETag"] = f'"{etag}"'
        # A secret address: kept by the one who asked, checked with us every time.
        response["Cache-Control"] = "private, no-cache"
    if changed is not None:
        response["Last-Modified"] = http_date(changed.timestamp())
    return response


def _owner_abilities(token: str) -> tuple[Abilities, str]:
    """The abilities of the token's owner and their language; 404 for any token that opens nothing."""
    owner = feed_owner(token)
    if owner is None:
        raise Http404
    can = Abilities(owner)
    if not can.can_plan():
        raise Http404
    return can, owner.preferred_language or settings.LANGUAGE_CODE


def _bad_address(error: Exception) -> HttpResponse:
    message = str(error) if isinstance(error, InvalidFilter) else _("Write this address's dates as YYYY-MM-DD.")
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@require_safe
def plan_feed(request, token: str):
    """The editorial calendar of the token's owner: what the calendar page shows them, filtered by the
    address as the page is (``channel``, ``status``, ``category``, ``requester``, ``author``, ``kind``,
    ``q``), between ``start`` and ``end`` (dates; ``ICAL`` days around today by default)."""
    can, language = _owner_abilities(token)
    with translation.override(language):
        try:
            filters, start, end = _plan_asked(request.GET)
        except ValueError as error:
            return _bad_address(error)
    digest, changed = plan_fingerprint(can, start=start, end=end, filters=filters)
    etag = f"{digest[:32]}-{language}-{start:%Y%m%d}-{end:%Y%m%d}"
    unchanged = get_conditional_response(
        request, etag=f'"{etag}"', last_modified=int(changed.timestamp()) if changed else None
    )
    if unchanged is not None:
        return unchanged
    first, last = window_days(start, end)
    items = plan_items(can, start=start, end=end, filters=filters, link=ItemLinks(request))
    body = _body(items, name=PLAN_NAME, first=first, last=last, language=language)
    return _calendar_response(request, body, filename="vitrine.ics", etag=etag, changed=changed)


def _small_feed(request, items: list[FeedItem], *, name: str, language: str, first, last, filename: str):
    """A feed of a few items (periods): its ETag is drawn from the items themselves."""
    etag = f"{hashlib.sha256(repr(items).encode()).hexdigest()[:32]}-{language}"
    unchanged = get_conditional_response(request, etag=f'"{etag}"')
    if unchanged is not None:
        return unchanged
    body = _body(items, name=name, first=first, last=last, language=language)
    return _calendar_response(request, body, filename=filename, etag=etag)


@require_safe
def elections_feed(request, token: str):
    """The election periods (art. 7) and their polling days of the feeds' default window."""
    _can, language = _owner_abilities(token)
    first, last = feed_default_window()
    with translation.override(language):
        items = election_items(first=first, last=last, link=ItemLinks(request))
    return _small_feed(
        request, items, name=ELECTIONS_NAME, language=language, first=first, last=last, filename="elections.ics"
    )


@require_safe
def emergencies_feed(request, token: str):
    """The emergency windows (art. 6) since the feeds' default window begins; one still on ends, for now, at the
    next hour (so that the feed stays the same within the hour)."""
    _can, language = _owner_abilities(token)
    first, last = feed_default_window()
    now = timezone.now()
    next_hour = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    with translation.override(language):
        items = emergency_items(start=start, end=next_hour, now=next_hour)
    return _small_feed(
        request, items, name=EMERGENCIES_NAME, language=language, first=first, last=last, filename="urgences.ics"
    )


@login_required
@require_safe
def calendar_export_ics(request):
    """What the calendar page shows between ``start`` and ``end`` (its window, or dates) with its filters,
    as an .ics file to download."""
    can = abilities_of(request)
    allow(request, can.can_plan(), Action.VIEW)
    try:
        filters, start, end = _plan_asked(request.GET)
    except ValueError as error:
        return _bad_address(error)
    first, last = window_days(start, end)
    items = plan_items(can, start=start, end=end, filters=filters, link=ItemLinks(request))
    body = _body(items, name=PLAN_NAME, first=first, last=last, language=translation.get_language())
    return _calendar_response(
        request, body, filename=f"vitrine-{first.isoformat()}-{last.isoformat()}.ics", attachment=True
    )


def items_download(request, items: list[FeedItem], *, filename: str) -> StreamingHttpResponse:
    """``items`` as an .ics file to download (the admin's action on selected posts)."""
    dates = [
        timezone.localtime(item.start).date() if isinstance(item.start, datetime.datetime) else item.start
        for item in items
    ]
    today = timezone.localdate()
    body = _body(
        items,
        name=PLAN_NAME,
        first=min(dates, default=today),
        last=max(dates, default=today),
        language=translation.get_language(),
    )
    return _calendar_response(request, body, filename=filename, attachment=True)


# --- The person's subscription ------------------------------------------------------------------------


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(fallback)


@login_required
@require_POST
def feed_renew_view(request):
    """Create the person's subscription address, or replace it (the old one stops working at once)."""
    can = abilities_of(request)
    allow(request, can.can_plan(), Action.VIEW)
    had_one = hasattr(request.user, "calendar_feed")
    feed_renew(person=request.user, actor=request.user)
    if had_one:
        messages.success(
            request,
            _(
                "Your subscription address is new: the old one no longer works. "
                "Give the new one to your calendar application."
            ),
        )
    else:
        messages.success(request, _("Your subscription address is ready. Give it to your calendar application."))
    return redirect(_back(request, "calendar_app:profile"))


@login_required
@require_POST
def feed_revoke_view(request):
    """Take the person's subscription address away."""
    can = abilities_of(request)
    allow(request, can.can_plan(), Action.VIEW)
    if feed_revoke(person=request.user, actor=request.user):
        messages.success(request, _("Your subscription address no longer works."))
    return redirect(_back(request, "calendar_app:profile"))


def subscription_addresses(request, token: str, query: str = "") -> dict[str, str]:
    """The feed addresses of ``token`` (https and webcal), the plan's carrying ``query`` (the calendar's
    filters), for the subscription panel."""
    plan = request.build_absolute_uri(reverse("calendar_app:plan_feed", args=[token])) + (f"?{query}" if query else "")
    elections = request.build_absolute_uri(reverse("calendar_app:elections_feed", args=[token]))
    emergencies = request.build_absolute_uri(reverse("calendar_app:emergencies_feed", args=[token]))
    return {
        "plan": plan,
        "plan_webcal": "webcal://" + plan.split("://", 1)[1],
        "elections": elections,
        "emergencies": emergencies,
    }
