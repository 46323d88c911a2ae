"""The publishing status page: queue, next due, recent outcomes, channels to reconnect, publications to verify
and removals waiting for a person (answered on their post's page); retry one channel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from calendar_app.models import Channel, ChannelVersion
from calendar_app.permissions import Action
from calendar_app.services.scheduling import version_retry
from calendar_app.views.base import abilities_of, allow, login_required
from calendar_app.workflow import Status
from publishing.claims import next_due_at
from publishing.models import PublicationAttempt, Removal


@login_required
@require_safe
def status(request):
    can = abilities_of(request)
    allow(request, can.is_reviewer or can.is_direction, Action.VIEW)
    attempts = PublicationAttempt.objects.select_related("version__post", "version__channel")
    finished = attempts.exclude(outcome=PublicationAttempt.Outcome.PENDING)
    return render(
        request,
        "publishing/status.html",
        {
            "now": timezone.now(),
            "queue_depth": ChannelVersion.objects.filter(status=Status.SCHEDULED).count(),
            "publishing": ChannelVersion.objects.filter(status=Status.PUBLISHING).count(),
            "next_due": next_due_at(),
            "successes": finished.filter(outcome__in=("published", "found")).order_by("-finished_at")[:10],
            "failures": finished.exclude(outcome__in=("published", "found")).order_by("-finished_at")[:10],
            "to_reconnect": Channel.objects.exclude(connection=Channel.Connection.CONNECTED),
            "failed": ChannelVersion.objects.filter(status=Status.FAILED).select_related("post", "channel")[:50],
            # The oldest unknown outcome first: the network's memory of the first call fades with time.
            "to_verify": ChannelVersion.objects.filter(status=Status.TO_VERIFY)
            .select_related("post", "channel")
            .order_by("unverified_since", "pk")[:50],
            "can_retry": can.is_reviewer,
            "removals_for_a_person": Removal.objects.filter(state__in=(Removal.State.BY_HAND, Removal.State.FAILED))
            .select_related("version__post", "version__channel")
            .order_by("requested_at", "pk")[:50],
        },
    )


@login_required
@require_POST
def retry(request, pk: int):
    version = get_object_or_404(ChannelVersion.objects.select_related("post", "channel"), pk=pk)
    try:
        version_retry(version=version, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("“%(channel)s” will be tried again now.") % {"channel": version.channel})
    return redirect("publishing:status")
