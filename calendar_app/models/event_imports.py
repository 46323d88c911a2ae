"""The city's events calendar, imported (art. 5.5): the addresses read again on a schedule, and each event
occurrence with the draft promotion post made for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calendar_app.fields import URLField


class EventSource(models.Model):
    """An iCalendar address of the city's events, imported again every ``ICAL_IMPORT["EVERY_MINUTES"]``."""

    name = models.CharField(_("name"), max_length=200)
    url = URLField(_("address"), max_length=1000, unique=True)
    channels = models.ManyToManyField(
        "calendar_app.Channel",
        blank=True,
        related_name="+",
        verbose_name=_("channels of the drafts"),
        help_text=_("The channels each draft promotion post is prepared for."),
    )
    is_active = models.BooleanField(_("imported on schedule"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("The drafts are written in this person's name."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_run_at = models.DateTimeField(_("last imported at"), null=True, blank=True, editable=False)
    last_ok = models.BooleanField(_("last import succeeded"), null=True, editable=False)
    last_result = models.TextField(_("last result"), blank=True, editable=False)

    class Meta:
        verbose_name = _("events calendar")
        verbose_name_plural = _("events calendars")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ImportedEvent(models.Model):
    """One occurrence of an imported event (its UID, and its RECURRENCE-ID for one of a series) and its draft.

    ``written_revision`` is the draft's revision when the import last wrote it: a higher one means a person
    has edited it since, and a change of the event then flags the draft instead of overwriting it."""

    class Attention(models.TextChoices):
        NONE = "", _("Nothing to check")
        CHANGED_AFTER_EDIT = "changed_after_edit", _("The event changed after the draft was edited")
        CANCELLED = "cancelled", _("The event was cancelled")

    uid = models.CharField(_("event UID"), max_length=500)
    recurrence_key = models.CharField(_("occurrence"), max_length=40, blank=True)
    source = models.ForeignKey(
        EventSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", verbose_name=_("from")
    )
    post = models.OneToOneField(
        "calendar_app.Post", on_delete=models.CASCADE, related_name="imported_event", verbose_name=_("draft")
    )
    summary = models.CharField(_("event"), max_length=500)
    starts_at = models.DateTimeField(_("starts at"))
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("place"), max_length=500, blank=True)
    fingerprint = models.CharField(max_length=64, editable=False)
    written_revision = models.PositiveIntegerField(default=0, editable=False)
    attention = models.CharField(_("to check"), max_length=30, choices=Attention.choices, blank=True)
    attention_detail = models.TextField(_("what changed"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("imported event")
        verbose_name_plural = _("imported events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["uid", "recurrence_key"], name="imported_event_once"),
        ]

    def __str__(self):
        return self.summary
