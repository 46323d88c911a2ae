"""Communications that are not social-media posts, placed on the editorial calendar beside them (art. 8.2:
the calendar "in complementarity with the other communication tools")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from calendar_app.models.posts import Post


class OtherCommunication(models.Model):
    """A website news item, a newsletter, a print run, an event, a display-screen message...: a note on the
    plan, so that the calendar shows every tool together. Vitrine publishes nothing of it."""

    class Kind(models.TextChoices):
        WEBSITE_NEWS = "website_news", _("Website news")
        NEWSLETTER = "newsletter", _("Newsletter")
        PRINT = "print", _("Print")
        EVENT = "event", _("Event")
        DISPLAY_SCREEN = "display_screen", _("Display screen")
        OTHER = "other", _("Other communication")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, help_text=_("Empty: a moment, not a span."))
    category = models.CharField(_("category"), max_length=20, choices=Post.Category.choices, blank=True)
    requesting_service = models.ForeignKey(
        "calendar_app.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="other_communications",
        verbose_name=_("requesting service or committee"),
    )
    requesting_organisation = models.ForeignKey(
        "calendar_app.AccreditedOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="other_communications",
        verbose_name=_("requesting organisation"),
    )
    notes = models.TextField(_("notes"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="other_communications",
        verbose_name=_("author"),
    )
    # Raised by every change (calendar_app.services.other_communications): a form or a drag sends back the
    # revision it showed, and a change made since then is refused instead of overwritten.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("other communication")
        verbose_name_plural = _("other communications")
        ordering = ["starts_at", "pk"]
        indexes = [
            # The calendar's window: the items that start before its end (calendar_other_communications).
            models.Index(fields=["starts_at"], name="other_communication_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="other_communication_ends_after"
            ),
            # Asked for by one service or one organisation at most, as a post is (art. 9.4, 9.5).
            models.CheckConstraint(
                condition=Q(requesting_service__isnull=True) | Q(requesting_organisation__isnull=True),
                name="other_communication_one_requester",
            ),
        ]

    def __str__(self):
        return self.title
