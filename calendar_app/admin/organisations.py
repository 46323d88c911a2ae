"""Municipal services and committees (art. 9.4), accredited organisations (art. 9.5)."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendar_app.admin.audit import AuditedAdminMixin
from calendar_app.models import AccreditedOrganisation, OrganisationSocialAccount, Service


@admin.register(Service)
class ServiceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "slug", "email")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "kind", "parent", "email", "is_active")


class OrganisationSocialAccountInline(admin.TabularInline):
    model = OrganisationSocialAccount
    extra = 0
    fields = ("network", "url")


class AccreditedTodayFilter(admin.SimpleListFilter):
    title = _("accredited today")
    parameter_name = "accredited_today"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        current = {"accredited_from__lte": today, "accredited_until__gte": today}
        if self.value() == "yes":
            return queryset.filter(**current)
        if self.value() == "no":
            return queryset.exclude(**current)
        return queryset


@admin.register(AccreditedOrganisation)
class AccreditedOrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "accredited_from", "accredited_until", "accredited_today", "email", "website")
    list_filter = (AccreditedTodayFilter,)
    search_fields = ("name", "slug", "email", "website")
    date_hierarchy = "accredited_until"
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "accredited_from", "accredited_until", "email", "website")
    inlines = (OrganisationSocialAccountInline,)

    @admin.display(description=_("accredited today"), boolean=True)
    def accredited_today(self, organisation):
        return organisation.is_accredited_on(timezone.localdate())
