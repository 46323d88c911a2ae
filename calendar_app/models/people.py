"""People, their roles (art. 8.4) and substitutions during absences (art. 8.3)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Person(AbstractUser):
    """Anyone who logs in to Vitrine: employees, organisation representatives, council members."""

    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    """The roles of art. 8.4, plus those who ask (art. 9.3–9.5) and those who act in emergencies (art. 6)."""

    COMMUNICATIONS = "communications", _("Communications department")
    PUBLISHER = "publisher", _("Authorised publisher")
    DIRECTION_GENERALE = "direction_generale", _("Direction générale")
    SERVICE_DIRECTOR = "service_director", _("Service director")
    SERVICE_MEMBER = "service_member", _("Service or committee member")
    ORGANISATION_REPRESENTATIVE = "organisation_representative", _("Organisation representative")
    MISSION_COMMUNICATION = "mission_communication", _("Mission Communication team")
    COUNCIL_MEMBER = "council_member", _("Council member")


# Roles that act for one service or committee, and the role that acts for one organisation.
SERVICE_ROLES = (Role.SERVICE_DIRECTOR, Role.SERVICE_MEMBER)


class RoleAssignment(models.Model):
    """A person holds a role from a date, until a date or for good."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    service = models.ForeignKey(
        "calendar_app.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("service or committee"),
    )
    organisation = models.ForeignKey(
        "calendar_app.AccreditedOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("organisation"),
    )
    channels = models.ManyToManyField(
        "calendar_app.Channel",
        blank=True,
        related_name="publisher_assignments",
        verbose_name=_("channels"),
        help_text=_("For an authorised publisher: the channels this person may publish on (art. 8.4)."),
    )
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: no end date."))
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("designated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["role", "person__last_name"]
        indexes = [
            # "Who holds this role today?" — reviewers' queues, notifications.
            models.Index(fields=["role", "starts_on", "ends_on"], name="role_assignment_active"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="role_assignment_window"
            ),
            # A service director or member acts for exactly one service or committee (art. 9.4).
            models.CheckConstraint(
                condition=~Q(role__in=SERVICE_ROLES) | Q(service__isnull=False), name="role_assignment_service_required"
            ),
            # A representative acts for exactly one organisation, and only representatives do (art. 9.5).
            models.CheckConstraint(
                condition=(Q(role=Role.ORGANISATION_REPRESENTATIVE) & Q(organisation__isnull=False))
                | (~Q(role=Role.ORGANISATION_REPRESENTATIVE) & Q(organisation__isnull=True)),
                name="role_assignment_organisation_iff_representative",
            ),
        ]

    def __str__(self):
        scope = self.service or self.organisation
        return f"{self.person} — {self.get_role_display()}" + (f" ({scope})" if scope else "")

    def is_active_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Substitution(models.Model):
    """While one person is away, another holds their role, inclusive of both dates (art. 8.3)."""

    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="substitutions_while_absent",
        verbose_name=_("absent person"),
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="substitutions_as_substitute",
        verbose_name=_("substitute"),
    )
    role = models.CharField(_("role delegated"), max_length=40, choices=Role.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("designated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        ordering = ["-starts_on"]
        indexes = [
            # "Whose roles does this person hold today?" — queues and notifications of substitutes.
            models.Index(fields=["substitute", "starts_on", "ends_on"], name="substitution_active"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="substitution_window"),
            models.CheckConstraint(condition=~Q(substitute=F("absent")), name="substitution_not_self"),
        ]

    def __str__(self):
        return f"{self.substitute} ↔ {self.absent} ({self.get_role_display()})"


# Montmagny's defaults (art. 8.4): the communications department publishes without review; every
# other publisher's internal posts are reviewed. Installed as rows by migration 0005, editable in the admin.
ROLE_POLICY_DEFAULTS = {Role.COMMUNICATIONS: False, Role.PUBLISHER: True}


class RolePolicy(models.Model):
    """Whether a role's internal posts go through review by the communications department (art. 8.4, 9.2).

    Montmagny's defaults are ``ROLE_POLICY_DEFAULTS``.
    """

    role = models.CharField(_("role"), max_length=40, choices=Role.choices, unique=True)
    internal_posts_need_review = models.BooleanField(_("internal posts need review"), default=True)

    class Meta:
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")
        ordering = ["role"]

    def __str__(self):
        return self.get_role_display()

    @classmethod
    def needs_review(cls, role: str) -> bool:
        """The role's row if the admin has one, else Montmagny's default; a role unknown to both needs review."""
        stored = cls.objects.filter(role=role).values_list("internal_posts_need_review", flat=True).first()
        return ROLE_POLICY_DEFAULTS.get(role, True) if stored is None else stored


class CalendarFeed(models.Model):
    """A person's secret address for their calendar application (Outlook, Google Calendar…): the token in
    it is the only key, so a new token replaces the old one at once and the old address answers 404."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("person")
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self):
        return str(self.person)
