"""Whom the city's accounts follow during an election period (art. 7): each check of a channel, kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowedAccountsCheck(models.Model):
    """One check of the accounts a channel follows, for one election period (art. 7): either the network's list
    fetched and matched against the period's parties and candidates, or a person's confirmation on a network
    whose API does not list them. The latest check of a channel in a period is its state; a failed fetch is
    recorded too, and checks nothing."""

    class Method(models.TextChoices):
        FETCHED = "fetched", _("Listed through the network's API")
        CONFIRMED = "confirmed", _("Checked by a person")

    class Outcome(models.TextChoices):
        CLEAR = "clear", _("Follows no party or candidate")
        FLAGGED = "flagged", _("Follows a party or a candidate")
        FAILED = "failed", _("The list could not be read")

    channel = models.ForeignKey(
        "calendar_app.Channel",
        on_delete=models.CASCADE,
        related_name="followed_accounts_checks",
        verbose_name=_("channel"),
    )
    election = models.ForeignKey(
        "calendar_app.ElectionPeriod",
        on_delete=models.CASCADE,
        related_name="followed_accounts_checks",
        verbose_name=_("election period"),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked at"))
    accounts_count = models.PositiveIntegerField(
        _("accounts followed"), null=True, blank=True, help_text=_("How many accounts the network listed.")
    )
    # [{"handle", "display_name", "url", "matches": ["Candidate: …", …]}, …]
    flagged = models.JSONField(_("accounts flagged"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("followed accounts check")
        verbose_name_plural = _("followed accounts checks")
        ordering = ["-checked_at", "-pk"]
        indexes = [
            # The latest check of each channel in a period (``followed_accounts_status``).
            models.Index(fields=["election", "channel", "-checked_at"], name="followed_check_latest"),
        ]
        constraints = [
            # A person confirms a clear list; flags and failures come from a fetch.
            models.CheckConstraint(
                condition=Q(method="fetched") | Q(outcome="clear"), name="followed_check_confirmed_is_clear"
            ),
            # A failure says why, and is the only outcome that does.
            models.CheckConstraint(
                condition=Q(outcome="failed", error__gt="") | (~Q(outcome="failed") & Q(error="")),
                name="followed_check_failure_has_reason",
            ),
            # Flagged accounts go with a flagged outcome, and only with it.
            models.CheckConstraint(
                condition=Q(outcome="flagged") & ~Q(flagged=[]) | ~Q(outcome="flagged") & Q(flagged=[]),
                name="followed_check_flags_match_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.channel} — {self.election} — {self.get_outcome_display()}"

    @property
    def is_checked(self) -> bool:
        """Whether this check shows the channel follows no party or candidate (a failure checks nothing)."""
        return self.outcome == self.Outcome.CLEAR
