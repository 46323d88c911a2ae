"""Images and their rights (art. 5.9)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from calendar_app.admin.audit import AuditedAdminMixin
from calendar_app.models import MediaAsset


def _image_tag(asset: MediaAsset, max_pixels: int) -> str:
    if not asset.file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" style="max-width:{}px;max-height:{}px" loading="lazy">',
        asset.file.url,
        asset.alt_text or asset.title,
        max_pixels,
        max_pixels,
    )


@admin.register(MediaAsset)
class MediaAssetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "thumbnail",
        "__str__",
        "credit",
        "dimensions",
        "shows_identifiable_persons",
        "has_consent",
        "uploaded_by",
        "created_at",
    )
    list_display_links = ("thumbnail", "__str__")
    list_filter = ("shows_identifiable_persons", "created_at")
    search_fields = ("title", "alt_text", "credit", "file")
    date_hierarchy = "created_at"
    list_select_related = ("uploaded_by",)
    autocomplete_fields = ("consent_recorded_by",)
    fieldsets = (
        (None, {"fields": ("file", "preview", "width", "height", "title", "alt_text")}),
        (
            _("Rights (art. 5.9)"),
            {
                "fields": (
                    "credit",
                    "rights_statement",
                    "shows_identifiable_persons",
                    "consent_recorded_at",
                    "consent_recorded_by",
                    "consent_document",
                ),
                "description": _(
                    "An image needs a credit and a rights statement; "
                    "one that shows identifiable persons also needs their recorded consent."
                ),
            },
        ),
        (_("Record"), {"fields": ("uploaded_by", "created_at")}),
    )
    readonly_fields = ("preview", "width", "height", "uploaded_by", "created_at")

    @admin.display(description=_("preview"))
    def thumbnail(self, asset):
        return _image_tag(asset, 64)

    @admin.display(description=_("preview"))
    def preview(self, asset):
        return _image_tag(asset, 320)

    @admin.display(description=_("size in pixels"))
    def dimensions(self, asset):
        return f"{asset.width} × {asset.height}" if asset.width and asset.height else "—"

    @admin.display(description=_("consent recorded"), boolean=True)
    def has_consent(self, asset):
        return asset.has_consent

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
