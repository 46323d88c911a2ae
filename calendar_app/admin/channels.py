"""The city's official accounts (art. 3, Annexe 1) and their authorisation (art. 8.1).

Credentials are write-only here: the stored value is never shown, only replaced.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from calendar_app.admin.audit import AuditedAdminMixin
from calendar_app.models import Channel, ChannelProfileConfirmation
from calendar_app.services.channels import AUTHORISATION_WITHDRAWN, channel_update


class SecretTextarea(forms.Textarea):
    """A textarea that, like ``PasswordInput(render_value=False)``, never sends its value back to the page."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


_AUTHORISATION_HELP = _(
    "Art. 8.1: an account is used only with the authorisation of the Direction générale. "
    "A channel cannot publish until both who authorised it and when are recorded."
)


class ChannelAdminForm(forms.ModelForm):
    new_credentials = forms.CharField(
        label=_("New credentials (JSON)"),
        required=False,
        strip=True,
        widget=SecretTextarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            'A JSON object such as {"access_token": "…"}. Leave empty to keep the stored credentials; '
            "enter {} to erase them. Stored credentials are encrypted and never shown."
        ),
    )

    class Meta:
        model = Channel
        fields = "__all__"  # noqa: DJ007 -- the ModelAdmin's fieldsets choose the fields
        help_texts = {
            "authorised_by": _("The member of the Direction générale who authorised this account (art. 8.1)."),
            "authorised_at": _AUTHORISATION_HELP,
        }

    def clean_new_credentials(self) -> dict | None:
        raw = self.cleaned_data["new_credentials"]
        if not raw:
            return None
        try:
            credentials = json.loads(raw)
        except ValueError:
            raise ValidationError(
                _('These credentials are not valid JSON. Enter a JSON object, e.g. {"access_token": "…"}.'),
                code="invalid_json",
            ) from None
        if not isinstance(credentials, dict):
            raise ValidationError(
                _(
                    'The credentials must be a JSON object, e.g. {"access_token": "…"}, '
                    "not a list, plain text or a number."
                ),
                code="not_an_object",
            )
        return credentials


class ChannelProfileConfirmationInline(admin.TabularInline):
    """The profile checklist (art. 5.10, 9.1), read only: the communications department confirms and withdraws
    items on the channels page, through the service that audits each decision."""

    model = ChannelProfileConfirmation
    fields = ("item", "confirmed_by", "confirmed_at", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Channel)
class ChannelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ChannelAdminForm
    inlines = (ChannelProfileConfirmationInline,)
    list_display = (
        "__str__",
        "name",
        "owning_service",
        "is_authorised",
        "has_credentials",
        "connection",
        "emergency_enabled",
        "is_active",
    )
    list_filter = (
        "network",
        "connection",
        "is_active",
        "emergency_enabled",
        ("owning_service", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "handle", "url")
    list_select_related = ("owning_service",)
    autocomplete_fields = ("owning_service", "authorised_by")
    fieldsets = (
        (None, {"fields": ("name", "network", "handle", "url", "owning_service", "is_active")}),
        (_("Authorisation (art. 8.1)"), {"fields": ("authorised_by", "authorised_at")}),
        (
            _("Connection to the network"),
            {"fields": ("emergency_enabled", "connection", "api_base_url", "has_credentials", "new_credentials")},
        ),
    )
    readonly_fields = ("has_credentials",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("profile_confirmations")

    @admin.display(description=_("authorised"), boolean=True)
    def is_authorised(self, channel):
        return channel.is_authorised

    @admin.display(description=_("credentials stored"), boolean=True)
    def has_credentials(self, channel):
        return channel.has_credentials

    def save_model(self, request, obj, form, change):
        credentials = form.cleaned_data.get("new_credentials")
        if not change:  # a new channel: saved and audited as created by AuditedAdminMixin
            if credentials is not None:
                obj.set_credentials(credentials)
            super().save_model(request, obj, form, change)
            return
        # A change goes through the service, which withdraws the authorisation and the credentials when
        # the account or its API address changed, and writes the audit entry.
        fields = {model_field.name for model_field in Channel._meta.concrete_fields}
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
        if channel_update(channel=obj, actor=request.user, changes=changes, credentials=credentials):
            messages.warning(request, AUTHORISATION_WITHDRAWN)

    def audit_message(self, request, obj, form, change) -> str:
        # The encrypted value never enters the log; the entry says that it changed.
        credentials = form.cleaned_data.get("new_credentials")
        if credentials is None:
            return ""
        return str(_("New credentials recorded.") if credentials else _("Stored credentials erased."))
