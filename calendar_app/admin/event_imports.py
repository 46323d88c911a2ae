"""The events calendars imported on schedule, and the events imported (written by ``services.ical_import``)."""

from __future__ import annotations

from django.contrib import admin

from calendar_app.admin.audit import AuditedAdminMixin, ReadOnlyAdminMixin
from calendar_app.models import EventSource, ImportedEvent


@admin.register(EventSource)
class EventSourceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "url", "is_active", "last_run_at", "last_ok")
    list_filter = ("is_active", "last_ok")
    filter_horizontal = ("channels",)
    readonly_fields = ("last_run_at", "last_ok", "last_result", "created_at")
    autocomplete_fields = ("created_by",)


@admin.register(ImportedEvent)
class ImportedEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("summary", "starts_at", "source", "attention", "post")
    list_filter = ("attention", "source")
    search_fields = ("summary", "uid")
    date_hierarchy = "starts_at"
