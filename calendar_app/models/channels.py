"""The city's official accounts (art. 3, Annexe 1), each authorised by the Direction générale (art. 8.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calendar_app.fields import URLField
from kernel.credentials import decrypt_credentials, encrypt_credentials
from kernel.networks import NETWORKS, network_choices


class Channel(models.Model):
    class Connection(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        TO_RECONNECT = "to_reconnect", _("To reconnect")

    name = models.CharField(_("name"), max_length=200)
    network = models.CharField(_("network"), max_length=20, choices=network_choices)
    handle = models.CharField(
        _("account"), max_length=200, help_text=_("The account's name on the network, e.g. @villemontmagny.")
    )
    url = URLField(_("public address"), max_length=500)
    owning_service = models.ForeignKey(
        "calendar_app.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("owning service"),
        help_text=_("Empty for the city's main accounts (art. 9.4)."),
    )
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("authorised by (Direction générale)"),
    )
    authorised_at = models.DateTimeField(_("authorised at"), null=True, blank=True)
    emergency_enabled = models.BooleanField(
        _("used in emergencies"),
        default=False,
        help_text=_("The Mission Communication team may publish here at once (art. 6)."),
    )
    accepts_organisation_requests = models.BooleanField(
        _("open to organisations' requests"),
        default=True,
        help_text=_("Accredited organisations may ask for visibility on this channel (art. 9.5)."),
    )
    api_base_url = URLField(
        _("API address"), max_length=500, blank=True, help_text=_("Empty: the network's documented API address.")
    )
    credentials_encrypted = models.TextField(editable=False, blank=True, default="")
    connection = models.CharField(
        _("connection"), max_length=20, choices=Connection.choices, default=Connection.CONNECTED
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["network", "handle"], name="channel_unique_account"),
            # An authorisation records both who and when (art. 8.1), or neither.
            models.CheckConstraint(
                condition=Q(authorised_by__isnull=True, authorised_at__isnull=True)
                | Q(authorised_by__isnull=False, authorised_at__isnull=False),
                name="channel_authorisation_who_and_when",
            ),
        ]

    def __str__(self):
        return f"{self.get_network_display()} — {self.handle}"

    @property
    def is_authorised(self) -> bool:
        return self.authorised_at is not None

    @property
    def effective_api_base_url(self) -> str:
        return self.api_base_url or NETWORKS[self.network].default_api_base_url

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_encrypted)

    def set_credentials(self, credentials: dict) -> None:
        self.credentials_encrypted = encrypt_credentials(credentials)

    def get_credentials(self) -> dict:
        return decrypt_credentials(self.credentials_encrypted)
