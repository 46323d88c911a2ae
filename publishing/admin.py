"""The attempt log, read-only: every publication attempt, with what was asked, what came back and the Charte's
check right before the call (art. 10). Only the worker writes it."""

from __future__ import annotations

from django.contrib import admin

from calendar_app.admin.audit import ReadOnlyAdminMixin
from publishing.models import PublicationAttempt, Removal


@admin.register(PublicationAttempt)
class PublicationAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("version", "number", "outcome", "call_started_at", "finished_at", "ruleset_version", "worker")
    list_filter = ("outcome", "ruleset_version")
    list_select_related = ("version__post", "version__channel")
    date_hierarchy = "started_at"
    search_fields = ("version__post__title", "error", "worker")


@admin.register(Removal)
class RemovalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Removals of published posts (art. 7): who asked, why, each try's answer. Asked and answered on the
    post's page and the election period's page; the worker writes the answers."""

    list_display = ("version", "state", "requested_by", "requested_at", "attempts", "http_status", "finished_at")
    list_filter = ("state",)
    list_select_related = ("version__post", "version__channel", "requested_by")
    date_hierarchy = "requested_at"
    search_fields = ("version__post__title", "reason", "error")
