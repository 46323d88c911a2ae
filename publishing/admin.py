"""The attempt log, read-only: every publication attempt, with what was asked, what came back and the Charte's
check right before the call (art. 10). Only the worker writes it."""

from __future__ import annotations

from django.contrib import admin

from calendar_app.admin.audit import ReadOnlyAdminMixin
from publishing.models import PublicationAttempt


@admin.register(PublicationAttempt)
class PublicationAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("version", "number", "outcome", "call_started_at", "finished_at", "ruleset_version", "worker")
    list_filter = ("outcome", "ruleset_version")
    list_select_related = ("version__post", "version__channel")
    date_hierarchy = "started_at"
    search_fields = ("version__post__title", "error", "worker")
