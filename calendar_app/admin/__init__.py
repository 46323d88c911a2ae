"""Vitrine's admin, one module per aggregate; each ModelAdmin audits the writes made through it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from calendar_app.admin import (  # noqa: F401  (each module registers its ModelAdmins)
    audit,
    channels,
    charte,
    elections,
    event_imports,
    media,
    municipality,
    organisations,
    other_communications,
    people,
    posts,
)

admin.site.site_header = _("Vitrine — editorial calendar")
admin.site.site_title = _("Vitrine")
admin.site.index_title = _("Editorial calendar administration")
