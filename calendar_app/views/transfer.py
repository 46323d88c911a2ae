"""Bulk work on the plan (issue 13, item 6): posts imported from a CSV file, the plan exported as one, and the
template file to fill in. The format and its guarantees are ``services.csv_transfer``'s."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from calendar_app.forms import CsvImportForm
from calendar_app.models import Post
from calendar_app.permissions import Action
from calendar_app.selectors.calendar import InvalidFilter, add_year, calendar_filters_from, plan_window, window_days
from calendar_app.selectors.channels import channels_writable_by
from calendar_app.services.csv_export import PlanExport, template_lines
from calendar_app.services.csv_format import COLUMNS, EXPORTED_COLUMNS, channel_reference
from calendar_app.services.csv_reading import ImportRefused, import_limits
from calendar_app.services.csv_transfer import may_schedule_imports, posts_import
from calendar_app.views.base import abilities_of, allow, login_required
from kernel.networks import NETWORKS

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@login_required
@require_http_methods(["GET", "POST"])
def calendar_import(request):
    """Upload a CSV file of posts: every row imported as a draft (or all scheduled), or none and every problem
    listed by line."""
    can = abilities_of(request)
    allow(request, can.can_write_internal(), Action.SUBMIT)
    limits = import_limits()
    form = CsvImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        may_schedule=may_schedule_imports(can),
    )
    problems = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = posts_import(
                author=request.user,
                data=data["file"].read(limits.max_bytes + 1),  # one byte more than allowed is enough to refuse it
                schedule=data.get("schedule", False),
                acknowledge_warnings=data.get("acknowledge_warnings", False),
            )
        except ImportRefused as refused:
            problems = refused.problems
        else:
            count = len(outcome.posts)
            if outcome.scheduled:
                message = ngettext(
                    "%(count)d post imported and scheduled.", "%(count)d posts imported and scheduled.", count
                )
            else:
                message = ngettext("%(count)d post imported as a draft.", "%(count)d posts imported as drafts.", count)
            messages.success(request, message % {"count": count})
            return redirect("calendar_app:calendar")
    return render(
        request,
        "calendar_app/transfer/import.html",
        {
            "form": form,
            "problems": problems,
            "columns": COLUMNS,
            "networks": ", ".join(NETWORKS),
            "exported": ", ".join(column.name() for column in EXPORTED_COLUMNS),
            "categories": Post.Category.choices,
            "channels": [(channel_reference(channel), channel) for channel in channels_writable_by(can)],
            "limits": limits,
            "can_export": can.can_plan(),
            "export_window": csv_default_window(),
        },
    )


@login_required
@require_safe
def calendar_export(request):
    """The plan between ``start`` and ``end`` (dates, or the calendar's wall-clock times), filtered as the
    calendar's address says (``calendar_filters_from``), as a CSV file streamed line by line."""
    can = abilities_of(request)
    allow(request, can.can_plan(), Action.VIEW)
    try:
        filters = calendar_filters_from(request.GET)
        start, end = plan_window(request.GET.get("start", ""), request.GET.get("end", ""), default=csv_default_window())
    except InvalidFilter as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    except ValueError:
        message = _("This export is not understood: write its dates as YYYY-MM-DD.")
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    export = PlanExport(can, start=start, end=end, filters=filters)
    first_day, last_day = window_days(start, end)
    response = StreamingHttpResponse(export.lines(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="vitrine-{first_day.isoformat()}-{last_day.isoformat()}.csv"'
    )

    return response


@login_required
@require_safe
def calendar_import_template(request):
    """A CSV file to fill in: the columns and an example row on the person's own channels."""
    can = abilities_of(request)
    allow(request, can.can_write_internal(), Action.SUBMIT)
    channels = list(channels_writable_by(can)[:2])
    response = HttpResponse("".join(template_lines(channels=channels)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="vitrine-modele.csv"'
    return response


def csv_default_window() -> tuple[datetime.date, datetime.date]:
    """A CSV export without dates: from the first of this month, for a year."""
    first = timezone.localdate().replace(day=1)
    return first, add_year(first) - datetime.timedelta(days=1)
