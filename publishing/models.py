"""Every attempt to publish one channel version, with what was sent and what came back."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationAttempt(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Under way")
        PUBLISHED = "published", _("Published")
        TEMPORARY = "temporary", _("Temporary error")
        PERMANENT = "permanent", _("Refused by the network")
        AUTH = "auth", _("Account to reconnect")
        UNKNOWN = "unknown", _("Outcome unknown")
        FOUND = "found", _("Found on the network (reconciled)")
        ABSENT = "absent", _("Absent from the network (reconciled)")
        BLOCKED = "blocked", _("Blocked before sending")

    version = models.ForeignKey(
        "calendar_app.ChannelVersion",
        on_delete=models.CASCADE,
        related_name="attempts_log",
        verbose_name=_("publication"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    # The claim this attempt belongs to: one attempt per claim, whatever django-q2 delivers twice.
    claim_token = models.UUIDField(editable=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    call_started_at = models.DateTimeField(_("network call at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    request_summary = models.TextField(_("request"), blank=True)
    response_summary = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    # The Charte's run right before the call (art. 10): what was checked when it went out. Empty for a
    # look-up, which sends nothing.
    ruleset_version = models.CharField(_("rule set version"), max_length=40, blank=True)
    check_results = models.JSONField(_("check results"), default=list, blank=True)

    class Meta:
        verbose_name = _("publication attempt")
        verbose_name_plural = _("publication attempts")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "claim_token"], name="attempt_one_per_claim"),
        ]
        indexes = [models.Index(fields=["outcome", "finished_at"], name="attempt_outcome_finished")]

    def __str__(self):
        return f"{self.version} — {self.number} — {self.get_outcome_display()}"
