"""Review decisions (art. 9.4, 9.5), with the rule set they were checked against (art. 10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Approval(models.Model):
    REASONS_MAX_LENGTH = 5000

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REFUSED = "refused", _("Refused")

    post = models.ForeignKey(
        "calendar_app.Post", on_delete=models.CASCADE, related_name="approvals", verbose_name=_("post")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("reviewer")
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    ruleset_version = models.CharField(_("rule set version"), max_length=40)
    check_results = models.JSONField(_("check results"), default=list, blank=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["-decided_at"]
        get_latest_by = "decided_at"
        indexes = [
            # "Is there a recorded approval for this post?" — the worker asks right before publishing.
            models.Index(fields=["post", "decision"], name="approval_post_decision"),
        ]
        constraints = [
            # A refusal gives its reasons to the requester (art. 9.5); a request for changes says which.
            models.CheckConstraint(
                condition=Q(decision="approved") | ~Q(reasons=""), name="approval_reasons_unless_approved"
            ),
        ]

    def __str__(self):
        return f"{self.post} — {self.get_decision_display()}"
