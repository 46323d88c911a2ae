"""Every write made through the admin goes to the audit log, as the services' writes do.

Also the read-only admin of the log itself: entries are never added, changed or deleted here.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from calendar_app.models import AuditEntry
from calendar_app.services.audit import audit_record, changed_values, field_values


def stored_values(obj: models.Model) -> dict | None:
    """The row as the database holds it now, many-to-many as sorted primary keys; None if there is none."""
    if obj.pk is None:
        return None
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    if stored is None:
        return None
    values = field_values(stored)
    for field in stored._meta.many_to_many:
        values[field.name] = sorted(getattr(stored, field.name).values_list("pk", flat=True))
    return values


def submitted_values(obj: models.Model, form=None) -> dict:
    """The values ``obj`` carries, and the many-to-many values ``form`` is about to save."""
    values = field_values(obj)
    cleaned = getattr(form, "cleaned_data", None) or {}
    for field in obj._meta.many_to_many:
        if field.name in cleaned:
            values[field.name] = sorted(item.pk for item in cleaned[field.name])
    return values


class AuditedAdminMixin:
    """Audits each save and delete of a ModelAdmin, and of the rows of its inlines.

    Each entry keeps only the fields that changed. Many-to-many fields are compared by
    primary keys; secrets are masked by ``field_values``. Cascaded deletions are not audited
    row by row: the deleted parent is.
    """

    def audit_message(self, request, obj, form, change) -> str:
        """A sentence for the entry, for what the field values do not show (e.g. new credentials)."""
        return ""

    def audit_save(self, request, obj, before: dict | None, after: dict, message: str = "") -> None:
        if before is None:  # created: the whole row, as post_create records it
            action, before = "created", {}
        else:
            action = "changed"
            before, after = changed_values(before, after)
        audit_record(actor=request.user, action=action, target=obj, before=before, after=after, message=str(message))

    def audit_delete(self, request, obj) -> None:
        before = stored_values(obj) or field_values(obj)
        audit_record(actor=request.user, action="deleted", target=obj, before=before)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = stored_values(obj)
            super().save_model(request, obj, form, change)
            self.audit_save(
                request, obj, before, submitted_values(obj, form), self.audit_message(request, obj, form, change)
            )

    def delete_model(self, request, obj):
        # The entry is written first: once deleted, ``obj`` has no primary key left to name.
        with transaction.atomic():
            self.audit_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.audit_delete(request, obj)
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        """Save inline rows one by one, so that each row added, changed or deleted is audited."""
        with transaction.atomic():
            form_of = {id(inline_form.instance): inline_form for inline_form in formset.forms}
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                self.audit_delete(request, obj)
                obj.delete()
            for obj in instances:
                before = stored_values(obj)
                obj.save()
                self.audit_save(request, obj, before, submitted_values(obj, form_of.get(id(obj))))
            formset.save_m2m()


class ReadOnlyAdminMixin:
    """For records only services write: they can be viewed, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _json_block(values: dict) -> str:
    if not values:
        return "—"
    return format_html(
        "<pre>{}</pre>", json.dumps(values, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True)
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor_repr", "action_display", "target_type", "target_repr", "short_message")
    list_filter = ("action", ("target_type", admin.RelatedOnlyFieldListFilter), "at")
    search_fields = ("actor_repr", "target_repr", "message")
    date_hierarchy = "at"
    list_select_related = ("target_type",)
    # The log only grows; counting all of it on every page is wasted work.
    show_full_result_count = False
    fields = (
        "at",
        "actor",
        "actor_repr",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "message",
        "before_display",
        "after_display",
    )
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, entry):
        return entry.action_label

    @admin.display(description=_("message"))
    def short_message(self, entry):
        return Truncator(entry.message).chars(80)

    @admin.display(description=_("before"))
    def before_display(self, entry):
        return _json_block(entry.before)

    @admin.display(description=_("after"))
    def after_display(self, entry):
        return _json_block(entry.after)
