"""What Vitrine tells each person: an in-app list, mirrored by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        REQUEST_RECEIVED = "request_received", _("Request received")
        REQUEST_TO_REVIEW = "request_to_review", _("Request to review")
        MESSAGE = "message", _("New message")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REFUSED = "refused", _("Refused")
        EMERGENCY = "emergency", _("Emergency mode")
        ELECTION = "election", _("Election period")
        CHANNEL = "channel", _("Channel")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    post = models.ForeignKey(
        "calendar_app.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("post"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for (substitution)"),
        help_text=_("Set when the recipient receives it as an absent person's substitute (art. 8.3)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox")]

    def __str__(self):
        return self.subject
