"""The Charte's data, edited by the communications team: every save makes a new rule-set revision."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from calendar_app.admin.audit import AuditedAdminMixin, ReadOnlyAdminMixin
from calendar_app.models import (
    AllowedLinkDomain,
    CharteLexicon,
    CharteParameter,
    CharteSettings,
    CharteTerm,
    NetworkLimit,
    PressReleaseAuthorisation,
    WarningAcknowledgement,
)


class RevisesCharteMixin(AuditedAdminMixin):
    """Each write through this admin bumps the Charte's data revision (art. 10): approvals made
    from then on record the new rule-set version."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            CharteSettings.bump_revision()

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            CharteSettings.bump_revision()

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            CharteSettings.bump_revision()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            CharteSettings.bump_revision()


class CharteTermInline(admin.TabularInline):
    model = CharteTerm
    extra = 3
    fields = ("term",)


@admin.register(CharteLexicon)
class CharteLexiconAdmin(RevisesCharteMixin, admin.ModelAdmin):
    list_display = ("name", "code", "article", "kind", "term_count")
    list_filter = ("kind", "article")
    search_fields = ("name", "code", "description", "terms__term")
    fields = ("name", "code", "article", "kind", "description")
    inlines = (CharteTermInline,)

    @admin.display(description=_("terms"))
    def term_count(self, lexicon):
        return lexicon.terms.count()


@admin.register(AllowedLinkDomain)
class AllowedLinkDomainAdmin(RevisesCharteMixin, admin.ModelAdmin):
    list_display = ("domain", "note")
    search_fields = ("domain", "note")


@admin.register(NetworkLimit)
class NetworkLimitAdmin(RevisesCharteMixin, admin.ModelAdmin):
    list_display = ("network", "max_length", "counts_graphemes", "url_length", "max_hashtags", "image_required")
    list_filter = ("counts_graphemes", "image_required")
    search_fields = ("network",)


@admin.register(CharteParameter)
class CharteParameterAdmin(RevisesCharteMixin, admin.ModelAdmin):
    list_display = ("name", "value", "description")
    search_fields = ("name", "description")


@admin.register(WarningAcknowledgement)
class WarningAcknowledgementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("post", "code", "acknowledged_by", "acknowledged_at", "ruleset_version")
    list_filter = ("code", "ruleset_version", "acknowledged_at")
    search_fields = ("post__title", "message", "acknowledged_by__username", "acknowledged_by__last_name")
    date_hierarchy = "acknowledged_at"
    list_select_related = ("post", "acknowledged_by")


@admin.register(PressReleaseAuthorisation)
class PressReleaseAuthorisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The Direction générale's or a service director's decision to relay a press release (art. 5.3)."""

    list_display = ("post", "authorised_by", "authorised_at")
    search_fields = ("post__title", "note", "authorised_by__last_name")
    autocomplete_fields = ("post",)
    fields = ("post", "note")
    list_select_related = ("post", "authorised_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.authorised_by = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CharteSettings)
class CharteSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The revision number that every edit of the Charte's data increases (art. 10)."""

    list_display = ("__str__", "revision")
    fields = ("revision",)
    readonly_fields = ("revision",)
