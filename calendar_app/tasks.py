"""django-q2 tasks of the calendar (the publishing worker's are ``publishing.task``)."""

from __future__ import annotations

import logging

from calendar_app.models import EventSource
from calendar_app.services.ical_import import source_import

logger = logging.getLogger("vitrine.calendar")


def reimport_event_sources() -> str:
    """Import each events calendar whose address is imported on schedule (a django-q2 Schedule, every
    ``ICAL_IMPORT["EVERY_MINUTES"]``); one that fails is recorded on its source and the others go on."""
    results = []
    for source in EventSource.objects.filter(is_active=True).select_related("created_by"):
        report = source_import(source)
        logger.info("events calendar %s: %s", source.pk, source.last_result)
        results.append(f"{source.name}: {'ok' if report is not None else 'failed'}")
    return "; ".join(results)
