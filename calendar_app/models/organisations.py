"""Municipal services and committees (art. 9.4) and accredited organisations (art. 9.5)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from calendar_app.fields import URLField
from kernel.networks import network_choices


class Service(models.Model):
    """A municipal service, department or committee."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Municipal service")
        COMMITTEE = "committee", _("Municipal committee")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service or committee")
        verbose_name_plural = _("services and committees")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="service_not_its_own_parent"),
        ]

    def __str__(self):
        return self.name


class AccreditedOrganisation(models.Model):
    """An organisation accredited under the city's accreditation policy (art. 9.5)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    accredited_from = models.DateField(_("accredited from"))
    accredited_until = models.DateField(_("accredited until"))
    email = models.EmailField(_("e-mail address"), blank=True)
    website = URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("accredited organisation")
        verbose_name_plural = _("accredited organisations")
        ordering = ["name"]
        constraints = [
            # Visibility requests are accepted only inside this window (art. 9.5).
            models.CheckConstraint(
                condition=Q(accredited_until__gte=F("accredited_from")), name="organisation_accreditation_window"
            ),
        ]

    def __str__(self):
        return self.name

    def is_accredited_on(self, day: datetime.date) -> bool:
        return self.accredited_from <= day <= self.accredited_until


class OrganisationSocialAccount(models.Model):
    """An organisation's own account: the city relays what was posted there first (art. 9.5)."""

    organisation = models.ForeignKey(AccreditedOrganisation, on_delete=models.CASCADE, related_name="social_accounts")
    network = models.CharField(_("network"), max_length=20, choices=network_choices)
    url = URLField(_("address"), max_length=500)

    class Meta:
        verbose_name = _("organisation's social account")
        verbose_name_plural = _("organisations' social accounts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "url"], name="organisation_account_unique_url"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_network_display()}"
