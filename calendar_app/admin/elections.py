"""Election periods (art. 7) and the emergency mode switch (art. 6)."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendar_app.admin.audit import AuditedAdminMixin
from calendar_app.models import Candidate, ElectionPeriod, EmergencySwitch, FollowedAccountsCheck, Party


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    fields = ("name", "aliases", "social_accounts")


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    fields = ("full_name", "party", "position", "person", "social_accounts")
    autocomplete_fields = ("person",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A candidate runs for a party of the same election; parties added in this same save
        # become choices once saved.
        if db_field.name == "party":
            election_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Party.objects.filter(election_id=election_id) if election_id else Party.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ElectionPeriod)
class ElectionPeriodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "starts_on", "polling_day", "ends_on", "in_progress", "declared_by")
    search_fields = ("name", "parties__name", "candidates__full_name")
    date_hierarchy = "polling_day"
    list_select_related = ("declared_by",)
    fields = ("name", "starts_on", "polling_day", "ends_on", "declared_by", "declared_at")
    readonly_fields = ("declared_by", "declared_at")
    inlines = (PartyInline, CandidateInline)

    @admin.display(description=_("in progress"), boolean=True)
    def in_progress(self, election):
        return election.starts_on <= timezone.localdate() <= election.ends_on

    def save_model(self, request, obj, form, change):
        if not change:
            obj.declared_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(EmergencySwitch)
class EmergencySwitchAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Each switch is a new row, the latest one is the current state; rows are never edited."""

    list_display = ("switched_at", "active", "reason", "switched_by")
    list_filter = ("active", "switched_at")
    search_fields = ("reason", "switched_by__username", "switched_by__last_name")
    date_hierarchy = "switched_at"
    list_select_related = ("switched_by",)
    fields = ("active", "reason", "switched_by", "switched_at")
    readonly_fields = ("switched_by", "switched_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.switched_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(FollowedAccountsCheck)
class FollowedAccountsCheckAdmin(admin.ModelAdmin):
    """Each check of whom a channel follows (art. 7), read only: they are made on the election's page, through
    the service that audits them."""

    list_display = ("checked_at", "channel", "election", "method", "outcome", "accounts_count", "checked_by")
    list_filter = ("outcome", "method", "election")
    search_fields = ("channel__handle", "channel__name", "election__name", "error", "note")
    list_select_related = ("channel", "election", "checked_by")
    date_hierarchy = "checked_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
