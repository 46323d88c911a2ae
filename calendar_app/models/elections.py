"""Election periods (art. 7) and emergency mode (art. 6)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The accounts that the city's accounts may not follow during the period (art. 7).
SOCIAL_ACCOUNTS_HELP = _(
    "One per line: a handle (@name, @name@server, name.bsky.social) or a profile's address. "
    "The city's accounts may not follow them during the period (art. 7)."
)


class ElectionPeriodQuerySet(models.QuerySet):
    def covering(self, day: datetime.date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class ElectionPeriod(models.Model):
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    polling_day = models.DateField(_("polling day"))
    ends_on = models.DateField(_("ends on"), help_text=_("Usually polling day."))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared by"),
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    objects = ElectionPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("election period")
        verbose_name_plural = _("election periods")
        ordering = ["-polling_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("polling_day"), polling_day__lte=F("ends_on")),
                name="election_dates_in_order",
            ),
            models.UniqueConstraint(fields=["polling_day"], name="election_unique_polling_day"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def starts_on_for(cls, polling_day: datetime.date, days: int) -> datetime.date:
        """The first day of the period that begins ``days`` days before polling day."""
        return polling_day - datetime.timedelta(days=days)


class Party(models.Model):
    election = models.ForeignKey(
        ElectionPeriod, on_delete=models.CASCADE, related_name="parties", verbose_name=_("election")
    )
    name = models.CharField(_("name"), max_length=200)
    aliases = models.TextField(
        _("other names"), blank=True, help_text=_("One per line: abbreviations, slogans, hashtags.")
    )
    social_accounts = models.TextField(_("social media accounts"), blank=True, help_text=SOCIAL_ACCOUNTS_HELP)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["election", "name"], name="party_unique_name")]

    def __str__(self):
        return self.name


class Candidate(models.Model):
    election = models.ForeignKey(
        ElectionPeriod, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("election")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    party = models.ForeignKey(
        Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="candidates", verbose_name=_("party")
    )
    position = models.CharField(
        _("position sought"), max_length=200, help_text=_("Mayor, or councillor of a district.")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidacies",
        verbose_name=_("Vitrine account"),
        help_text=_("If the candidate has an account, their posts are blocked during the period."),
    )
    social_accounts = models.TextField(_("social media accounts"), blank=True, help_text=SOCIAL_ACCOUNTS_HELP)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(fields=["election", "full_name"], name="candidate_unique_name")]

    def __str__(self):
        return self.full_name


class EmergencySwitch(models.Model):
    """Each switch of emergency mode, on or off; the latest row is the current state (art. 6)."""

    active = models.BooleanField(_("switched on"))
    reason = models.TextField(_("reason"), blank=True)
    switched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("switched by")
    )
    switched_at = models.DateTimeField(_("switched at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("emergency mode switch")
        verbose_name_plural = _("emergency mode switches")
        ordering = ["-switched_at", "-pk"]
        get_latest_by = ["switched_at", "pk"]
        constraints = [
            # Switching it on says why (art. 6).
            models.CheckConstraint(condition=Q(active=False) | ~Q(reason=""), name="emergency_on_has_reason"),
        ]

    def __str__(self):
        return str(_("Emergency mode on") if self.active else _("Emergency mode off"))

    @classmethod
    def is_on(cls) -> bool:
        latest = cls.objects.order_by("-switched_at", "-pk").values_list("active", flat=True).first()
        return bool(latest)
