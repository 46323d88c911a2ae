"""The city's official accounts (art. 3, Annexe 1): a channel is authorised once the Direction générale
authorised the account (art. 8.1) and its profile checklist is complete (art. 5.10, 9.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from calendar_app.fields import URLField
from kernel.credentials import decrypt_credentials, encrypt_credentials
from kernel.networks import NETWORKS, network_choices, social_networks


class ProfileItem(models.TextChoices):
    """What a social network account's profile must show before the city speaks there; the communications
    department confirms each item (the Direction générale's authorisation is ``Channel.authorised_at``)."""

    BIO = "bio", _("Bio with the city's disclaimer (art. 5.10)")
    LOGO = "logo", _("The city's official logo (art. 9.1)")
    WEBSITE_LINK = "website_link", _("Link to the city's website (art. 2)")
    OFFICIAL_LISTING = "official_listing", _("Entry checked for the page of official accounts (Annexe 1)")


class ChannelQuerySet(models.QuerySet):
    def authorised(self):
        """The channels ``Channel.is_authorised`` says are: the Direction générale's authorisation, and every
        profile item confirmed on a social network (the city's own outlets have no profile)."""
        confirmed = (
            ChannelProfileConfirmation.objects.filter(channel=OuterRef("pk"))
            .order_by()
            .values("channel")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            self.filter(authorised_at__isnull=False)
            .annotate(profile_confirmed=Coalesce(Subquery(confirmed, output_field=IntegerField()), Value(0)))
            .filter(~Q(network__in=social_networks()) | Q(profile_confirmed__gte=len(ProfileItem)))
        )


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

    objects = ChannelQuerySet.as_manager()

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
        """Whether the channel may publish: nothing is missing from its checklist (``missing_for_authorisation``)."""
        return not self.missing_for_authorisation()

    def profile_items(self) -> list[ProfileItem]:
        """The profile items this channel's checklist holds: all of them on a social network, none on the city's
        own outlets (its website's feed, a display screen's webhook)."""
        return list(ProfileItem) if NETWORKS[self.network].social else []

    def profile_checklist(self) -> list[tuple[ProfileItem, ChannelProfileConfirmation | None]]:
        """Each profile item with its confirmation or None (reads ``profile_confirmations`` prefetched, if they are)."""
        confirmations = {confirmation.item: confirmation for confirmation in self.profile_confirmations.all()}
        return [(item, confirmations.get(item)) for item in self.profile_items()]

    def missing_profile_items(self) -> list[ProfileItem]:
        """The profile items not confirmed yet (reads ``profile_confirmations`` prefetched, if they are)."""
        confirmed = {confirmation.item for confirmation in self.profile_confirmations.all()}
        return [item for item in self.profile_items() if item not in confirmed]

    def missing_for_authorisation(self) -> list[str]:
        """What the checklist still lacks, as people read it: the profile items, then the Direction générale's
        authorisation (art. 8.1)."""
        missing = [str(item.label) for item in self.missing_profile_items()]
        if self.authorised_at is None:
            missing.append(str(_("Authorisation by the Direction générale (art. 8.1)")))
        return missing

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


class ChannelProfileConfirmation(models.Model):
    """One profile item of a channel, confirmed by a person of the communications department (art. 5.10, 9.1).

    Withdrawing a confirmation deletes the row (audited): the channel then stops publishing until it is
    confirmed again. A change of account deletes them all (``channel_update``).
    """

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="profile_confirmations", verbose_name=_("channel")
    )
    item = models.CharField(_("item"), max_length=30, choices=ProfileItem.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("channel profile confirmation")
        verbose_name_plural = _("channel profile confirmations")
        ordering = ["channel", "item"]
        constraints = [
            # One confirmation per item: ``ChannelQuerySet.authorised`` counts them against the items.
            models.UniqueConstraint(fields=["channel", "item"], name="channel_profile_item_once"),
        ]

    def __str__(self):
        return f"{self.channel} — {self.get_item_display()}"
