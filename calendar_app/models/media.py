"""Images and other media attached to posts, with their rights (art. 5.9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calendar_app.validators import validate_image_upload


class MediaAsset(models.Model):
    file = models.ImageField(
        _("image"),
        upload_to="media/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    alt_text = models.TextField(
        _("alternative text"), blank=True, help_text=_("Describes the image for screen readers.")
    )
    credit = models.CharField(_("credit or source"), max_length=300, blank=True)
    rights_statement = models.TextField(
        _("rights statement"), blank=True, help_text=_("Who authorised its use, and how (art. 5.9).")
    )
    shows_identifiable_persons = models.BooleanField(_("shows identifiable persons"), default=False)
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    consent_document = models.FileField(_("consent document"), upload_to="consents/%Y/", blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploaded_media", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        ordering = ["-created_at"]
        constraints = [
            # A consent records both who and when, or neither.
            models.CheckConstraint(
                condition=Q(consent_recorded_at__isnull=True, consent_recorded_by__isnull=True)
                | Q(consent_recorded_at__isnull=False, consent_recorded_by__isnull=False),
                name="media_consent_who_and_when",
            ),
        ]

    def __str__(self):
        return self.title or self.file.name

    @property
    def has_consent(self) -> bool:
        return self.consent_recorded_at is not None
