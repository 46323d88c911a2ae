"""The single municipality row and the data its rules read (art. 5.12, 5.13, 8.6)."""

from __future__ import annotations

from django.contrib import admin

from calendar_app.admin.charte import RevisesCharteMixin
from calendar_app.models import ClosureDay, Municipality, OfficeHours, OfficialContact


class OfficialContactInline(admin.TabularInline):
    model = OfficialContact
    extra = 0
    fields = ("kind", "value", "label")


class OfficeHoursInline(admin.TabularInline):
    model = OfficeHours
    extra = 0
    fields = ("weekday", "opens_at", "closes_at")


class ClosureDayInline(admin.TabularInline):
    model = ClosureDay
    extra = 0
    fields = ("date", "label")


@admin.register(Municipality)
class MunicipalityAdmin(RevisesCharteMixin, admin.ModelAdmin):
    """Its domain and official contacts are rule data (art. 2, 5.13): saving revises the Charte."""

    list_display = ("name", "website_domain", "time_zone", "main_email", "main_phone")
    search_fields = ("name", "website_domain")
    fields = (
        "name",
        "website_domain",
        "time_zone",
        "main_email",
        "main_phone",
        "address",
        "profile_disclaimer",
        "election_period_days",
        "holidays_country",
        "holidays_subdivision",
    )
    inlines = (OfficialContactInline, OfficeHoursInline, ClosureDayInline)

    def has_add_permission(self, request):
        # One installation serves one municipality: once its row exists it is only edited.
        return not Municipality.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Every rule reads this row (and its contacts, hours and closure days would go with it).
        return False
