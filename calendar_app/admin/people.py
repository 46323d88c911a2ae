"""People, their roles (art. 8.4) and substitutions during absences (art. 8.3)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendar_app.admin.audit import AuditedAdminMixin
from calendar_app.models import CalendarFeed, Notification, Person, RoleAssignment, RolePolicy, Substitution
from calendar_app.selectors.people import active_on
from calendar_app.services.audit import HIDDEN, audit_record


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "person"
    extra = 0
    fields = ("role", "service", "organisation", "channels", "starts_on", "ends_on", "designated_by")
    autocomplete_fields = ("service", "organisation", "channels", "designated_by")


_WORK_FIELDS = ("job_title", "phone", "preferred_language")


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, UserAdmin):
    fieldsets = UserAdmin.fieldsets[:2] + ((_("Work"), {"fields": _WORK_FIELDS}),) + UserAdmin.fieldsets[2:]
    add_fieldsets = UserAdmin.add_fieldsets + (
        (_("Personal info"), {"classes": ("wide",), "fields": ("first_name", "last_name", "email", *_WORK_FIELDS)}),
    )
    list_display = ("username", "first_name", "last_name", "email", "job_title", "is_staff", "is_active")
    list_filter = (*UserAdmin.list_filter, "role_assignments__role", "preferred_language")
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    ordering = ("last_name", "first_name", "username")
    inlines = (RoleAssignmentInline,)

    def has_delete_permission(self, request, obj=None):
        # Deleting oneself would leave the audit entry of that very deletion naming nobody.
        return obj != request.user and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """The password view saves its own form, outside ``save_model``; audit it here, without the hash."""
        with transaction.atomic():
            person = self.get_object(request, unquote(id))
            response = super().user_change_password(request, id, form_url)
            if (
                person is not None
                and type(person).objects.filter(pk=person.pk).exclude(password=person.password).exists()
            ):
                audit_record(
                    actor=request.user,
                    action="changed",
                    target=person,
                    before={"password": HIDDEN},
                    after={"password": HIDDEN},
                    message=str(_("Password changed.")),
                )
        return response


class ActiveOnFilter(admin.SimpleListFilter):
    """Rows whose window (``starts_on`` … ``ends_on``, open-ended when empty) covers today."""

    title = _("in effect")
    parameter_name = "in_effect"

    def lookups(self, request, model_admin):
        return (("today", _("Today")), ("past", _("Ended")), ("future", _("Not started yet")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "today":
            return queryset.filter(active_on(today))
        if self.value() == "past":
            return queryset.filter(ends_on__lt=today)
        if self.value() == "future":
            return queryset.filter(starts_on__gt=today)
        return queryset


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("person", "role", "service", "organisation", "starts_on", "ends_on", "designated_by")
    list_filter = (
        "role",
        ActiveOnFilter,
        ("service", admin.RelatedOnlyFieldListFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "person__username",
        "person__first_name",
        "person__last_name",
        "service__name",
        "organisation__name",
    )
    date_hierarchy = "starts_on"
    list_select_related = ("person", "service", "organisation", "designated_by")
    autocomplete_fields = ("person", "service", "organisation", "channels", "designated_by")
    fields = (
        "person",
        "role",
        "service",
        "organisation",
        "channels",
        "starts_on",
        "ends_on",
        "designated_by",
        "created_at",
    )
    readonly_fields = ("created_at",)

    def get_changeform_initial_data(self, request):
        return {"designated_by": request.user.pk, **super().get_changeform_initial_data(request)}


@admin.register(Substitution)
class SubstitutionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("absent", "substitute", "role", "starts_on", "ends_on", "reason")
    list_filter = ("role", ActiveOnFilter)
    search_fields = (
        "absent__username",
        "absent__first_name",
        "absent__last_name",
        "substitute__username",
        "substitute__first_name",
        "substitute__last_name",
        "reason",
    )
    date_hierarchy = "starts_on"
    list_select_related = ("absent", "substitute")
    autocomplete_fields = ("absent", "substitute", "designated_by")
    fields = ("absent", "substitute", "role", "starts_on", "ends_on", "reason", "designated_by", "created_at")
    readonly_fields = ("created_at",)

    def get_changeform_initial_data(self, request):
        return {"designated_by": request.user.pk, **super().get_changeform_initial_data(request)}


@admin.register(RolePolicy)
class RolePolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("role", "internal_posts_need_review")
    list_editable = ("internal_posts_need_review",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "on_behalf_of", "read_at")
    list_filter = ("kind",)
    search_fields = ("subject", "recipient__username", "recipient__last_name")
    list_select_related = ("recipient", "on_behalf_of")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Who has a calendar subscription address, since when; deleting one revokes it at once. The token is never
    shown here: its owner gets it from their profile."""

    list_display = ("person", "created_at")
    search_fields = ("person__username", "person__last_name")
    fields = ("person", "created_at")
    readonly_fields = ("person", "created_at")

    def has_add_permission(self, request):
        return False
