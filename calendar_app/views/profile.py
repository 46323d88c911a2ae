"""The person's own page: who they are in Vitrine (their roles today) and their calendar subscription."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from calendar_app.models import CalendarFeed
from calendar_app.views.base import abilities_of, login_required
from calendar_app.views.ical import subscription_addresses


@login_required
@require_safe
def profile(request):
    can = abilities_of(request)
    return render(
        request,
        "calendar_app/profile.html",
        {"roles": sorted({str(grant.role.label) for grant in can.grants}), **subscription_context(request)},
    )


def subscription_context(request, query: str = "") -> dict:
    """What the « S'abonner » panel shows: whether the person may subscribe, and their addresses if they
    have a token (the plan's with ``query``, the calendar's filters)."""
    can = abilities_of(request)
    if not can.can_plan():
        return {"can_subscribe": False}
    feed = CalendarFeed.objects.filter(person=request.user).first()
    return {
        "can_subscribe": True,
        "feed": feed,
        "addresses": subscription_addresses(request, feed.token, query) if feed else None,
    }
