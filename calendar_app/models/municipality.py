"""The municipality that runs this Vitrine, and the data its rules read (art. 5.12, 5.13, 8.6)."""

from __future__ import annotations

import holidays
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from calendar_app.validators import validate_time_zone

_CACHE_KEY = "vitrine:municipality"

# The policy's own words (art. 5.10), the text each official account's bio carries (the profile checklist).
MONTMAGNY_PROFILE_DISCLAIMER = (
    "La Ville de Montmagny n'est pas responsable des commentaires et des opinions des usagers. En aucun cas, "
    "il doit être interprété que la Ville de Montmagny soutient ou endosse les propos partagés par les "
    "personnes abonnées à ses médias sociaux, ni par les comptes de médias sociaux qu'elle suit dans le cadre "
    "de son mandat."
)


class Municipality(models.Model):
    """The settings of the one municipality this installation serves (a single row)."""

    # A constant column under a unique constraint keeps the table to a single row.
    singleton = models.BooleanField(default=True, editable=False, unique=True)
    name = models.CharField(_("name"), max_length=200)
    website_domain = models.CharField(
        _("website domain"),
        max_length=253,
        help_text=_("The city's website, the main reference (art. 2), e.g. ville.montmagny.qc.ca."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/Toronto",
        validators=[validate_time_zone],
        help_text=_("An IANA time zone, e.g. America/Toronto."),
    )
    main_email = models.EmailField(_("main e-mail address"))
    main_phone = models.CharField(_("main phone number"), max_length=40)
    address = models.CharField(_("civic address"), max_length=300)
    profile_disclaimer = models.TextField(
        _("disclaimer of the accounts' bios"),
        default=MONTMAGNY_PROFILE_DISCLAIMER,
        help_text=_(
            "Art. 5.10: the city does not endorse its followers' words nor the accounts it follows. "
            "Each official account's bio carries this text (the channel's profile checklist)."
        ),
    )
    election_period_days = models.PositiveSmallIntegerField(
        _("days in an election period"),
        default=44,
        help_text=_("The election period begins this many days before polling day."),
    )
    # Which statutory holidays apply (the ``holidays`` package's codes): the calendar shows them behind the
    # posts, and working days skip them (art. 8.6).
    holidays_country = models.CharField(
        _("country of the statutory holidays"),
        max_length=2,
        default="CA",
        help_text=_("The country's ISO 3166 code, e.g. CA."),
    )
    holidays_subdivision = models.CharField(
        _("province or state of the statutory holidays"),
        max_length=10,
        blank=True,
        default="QC",
        help_text=_("The province's or state's code, e.g. QC; empty: the country's holidays only."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipality")
        constraints = [
            # One row only: every installation serves one municipality.
            models.CheckConstraint(condition=Q(singleton=True), name="municipality_single_row"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(_CACHE_KEY)

    def clean(self):
        super().clean()
        try:
            statutory_holidays(self.holidays_country, self.holidays_subdivision, years=())
        except NotImplementedError:
            raise ValidationError(
                {
                    "holidays_subdivision": _(
                        "The holidays package knows no statutory holidays for %(country)s %(subdivision)s."
                    )
                    % {"country": self.holidays_country, "subdivision": self.holidays_subdivision}
                },
                code="unknown_holidays",
            ) from None

    @classmethod
    def current(cls) -> Municipality | None:
        """The municipality row, cached for a minute (it changes rarely and is read on every request)."""
        municipality = cache.get(_CACHE_KEY)
        if municipality is None:
            municipality = cls.objects.first()
            if municipality is not None:
                cache.set(_CACHE_KEY, municipality, 60)
        return municipality


def statutory_holidays(country: str, subdivision: str, *, years, language: str | None = None) -> holidays.HolidayBase:
    """The statutory holidays of ``country`` (and ``subdivision``, if any) in ``years``, named in ``language``
    (a Django language code: ``fr-ca``, ``en``) or the nearest the package has, else in its default;
    ``NotImplementedError`` for a country or subdivision the package does not know."""
    known = holidays.country_holidays(country, subdiv=subdivision or None)
    return holidays.country_holidays(
        country,
        subdiv=subdivision or None,
        years=years,
        language=_holiday_language(language, set(known.supported_languages or ())),
    )


def _holiday_language(language: str | None, supported: set[str]) -> str | None:
    """``fr-ca`` → ``fr_CA`` if the package has it, else ``fr``, else any ``fr_XX`` (``en`` → ``en_CA``)."""
    if not language:
        return None
    base, _separator, region = language.replace("-", "_").partition("_")
    candidates = [f"{base}_{region.upper()}"] if region else []
    candidates += [base, *sorted(code for code in supported if code.startswith(f"{base}_"))]
    return next((code for code in candidates if code in supported), None)


class OfficialContact(models.Model):
    """A contact of the city that may appear in posts (art. 4.3, 5.12, 5.13)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail address")
        PHONE = "phone", _("Phone number")
        ADDRESS = "address", _("Civic address")
        WEBSITE = "website", _("Web address")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="official_contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=300)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("official contact")
        verbose_name_plural = _("official contacts")
        ordering = ["kind", "value"]
        constraints = [
            # The personal-data check looks contacts up by value; a duplicate would be noise.
            models.UniqueConstraint(fields=["municipality", "kind", "value"], name="official_contact_unique_value"),
        ]

    def __str__(self):
        return f"{self.label or self.get_kind_display()} : {self.value}"


class OfficeHours(models.Model):
    """One opening interval of the municipal offices (art. 8.6); a day may have several."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="office_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("office hours slot")
        verbose_name_plural = _("office hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            # Response deadlines (art. 8.6) are computed from these intervals.
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="office_hours_close_after_open"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="office_hours_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ClosureDay(models.Model):
    """A day the municipal offices are closed beyond weekends and statutory holidays (art. 8.6)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField(_("date"))
    label = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["date"]
        constraints = [
            # Working-day arithmetic reads one row per date.
            models.UniqueConstraint(fields=["municipality", "date"], name="closure_day_unique_date"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} — {self.label}"
