"""The calendar's other communications (website news, newsletters, print, events, display screens)."""

from __future__ import annotations

from django.contrib import admin

from calendar_app.admin.audit import AuditedAdminMixin
from calendar_app.models import OtherCommunication


@admin.register(OtherCommunication)
class OtherCommunicationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "ends_at", "category", "author")
    list_filter = ("kind", "category", ("requesting_service", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "notes")
    date_hierarchy = "starts_at"
    list_select_related = ("author",)
    autocomplete_fields = ("author", "requesting_service", "requesting_organisation")
    fields = (
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "category",
        "requesting_service",
        "requesting_organisation",
        "notes",
        "author",
    )

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        # A change here raises the revision too, so that a calendar page showing the old one cannot overwrite it.
        if change:
            obj.revision += 1
        super().save_model(request, obj, form, change)
