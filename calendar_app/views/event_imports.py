"""The city's events calendar imported as draft promotion posts (art. 5.5; ``services.ical_import``): a file
uploaded, or an address imported now and again on schedule; the drafts made, and those a person must check.
The communications department's page."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calendar_app.forms import EventFileForm, EventSourceForm
from calendar_app.models import EventSource, ImportedEvent
from calendar_app.permissions import Action
from calendar_app.services.ical_fetch import FetchRefused
from calendar_app.services.ical_import import ImportRefused, events_import, source_add, source_import
from calendar_app.views.base import abilities_of, allow, login_required

# The imported events listed: those to check first, then the coming ones.
LISTED_EVENTS = 100


@login_required
@require_http_methods(["GET", "POST"])
def event_import(request):
    allow(request, abilities_of(request).is_reviewer, Action.SUBMIT)
    file_form = EventFileForm(prefix="file")
    source_form = EventSourceForm(prefix="source")
    if request.method == "POST" and request.POST.get("form") == "file":
        file_form = EventFileForm(request.POST, request.FILES, prefix="file")
        if file_form.is_valid():
            try:
                report = events_import(
                    data=file_form.cleaned_data["file"].read(),
                    actor=request.user,
                    channels=list(file_form.cleaned_data["channels"]),
                )
            except ImportRefused as error:
                file_form.add_error("file", error.message)
            else:
                messages.success(request, _("Imported: %(summary)s") % {"summary": report.summary()})
                return redirect("calendar_app:event_import")
    elif request.method == "POST" and request.POST.get("form") == "source":
        source_form = EventSourceForm(request.POST, prefix="source")
        if source_form.is_valid():
            try:
                data = source_form.cleaned_data
                report = source_add(
                    name=data["name"],
                    url=data["url"],
                    channels=list(data["channels"]),
                    is_active=data["is_active"],
                    actor=request.user,
                )
            except (FetchRefused, ImportRefused) as error:
                source_form.add_error("url", error.message)
            else:
                messages.success(request, _("The calendar is added: %(summary)s") % {"summary": report.summary()})
                return redirect("calendar_app:event_import")
    now = timezone.now()
    events = ImportedEvent.objects.select_related("post", "source").filter(
        starts_at__gte=now - datetime.timedelta(days=1)
    )
    return render(
        request,
        "calendar_app/event_imports/page.html",
        {
            "file_form": file_form,
            "source_form": source_form,
            "sources": EventSource.objects.prefetch_related("channels"),
            "to_check": events.exclude(attention="").order_by("starts_at")[:LISTED_EVENTS],
            "coming": events.filter(attention="").order_by("starts_at")[:LISTED_EVENTS],
            "window_days": settings.ICAL_IMPORT["WINDOW_DAYS"],
            "promote_days": settings.ICAL_IMPORT["PROMOTE_DAYS_BEFORE"],
        },
    )


@login_required
@require_POST
def event_source_run(request, pk: int):
    """Import a configured calendar again now."""
    allow(request, abilities_of(request).is_reviewer, Action.SUBMIT)
    source = get_object_or_404(EventSource.objects.select_related("created_by"), pk=pk)
    report = source_import(source)
    if report is None:
        messages.error(
            request, _("“%(name)s” could not be imported: %(error)s") % {"name": source, "error": source.last_result}
        )
    else:
        messages.success(
            request, _("“%(name)s” imported again: %(summary)s") % {"name": source, "summary": report.summary()}
        )
    return redirect("calendar_app:event_import")
