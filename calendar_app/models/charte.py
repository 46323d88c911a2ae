"""The Charte éditoriale's data, edited by the communications team (art. 5, Annexe 2, art. 10).

Every change to these tables bumps ``CharteSettings.revision``, which is part of the rule-set
version that approvals and publications record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kernel.networks import network_choices


class CharteSettings(models.Model):
    """The revision of the Charte's data (a single row), part of the rule-set version (art. 10)."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    revision = models.PositiveIntegerField(_("data revision"), default=1, editable=False)

    class Meta:
        verbose_name = _("Charte revision")
        verbose_name_plural = _("Charte revision")
        constraints = [
            # One row only.
            models.CheckConstraint(condition=Q(singleton=True), name="charte_settings_single_row"),
        ]

    def __str__(self):
        return str(_("Charte data, revision %(revision)s") % {"revision": self.revision})

    @classmethod
    def current(cls) -> CharteSettings:
        row, _created = cls.objects.get_or_create(singleton=True)
        return row

    @classmethod
    def bump_revision(cls) -> None:
        """Record that the rule data changed: the next check uses a new rule-set version."""
        cls.current()
        cls.objects.filter(singleton=True).update(revision=F("revision") + 1)


class CharteParameter(models.Model):
    """A threshold or setting of a rule: a window in days, a similarity, a list of categories."""

    name = models.SlugField(_("name"), max_length=80, unique=True)
    value = models.JSONField(_("value"), help_text=_("A number, a text, or a list in JSON."))
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Charte parameter")
        verbose_name_plural = _("Charte parameters")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CharteLexicon(models.Model):
    """A list of words and phrases, or of patterns, that one rule reads."""

    class Kind(models.TextChoices):
        WORDS = "words", _("Words and phrases")
        PATTERNS = "patterns", _("Patterns (regular expressions)")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    article = models.CharField(_("article"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORDS)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("Charte lexicon")
        verbose_name_plural = _("Charte lexicons")
        ordering = ["code"]

    def __str__(self):
        return self.name


class CharteTerm(models.Model):
    lexicon = models.ForeignKey(
        CharteLexicon, on_delete=models.CASCADE, related_name="terms", verbose_name=_("lexicon")
    )
    term = models.CharField(_("term"), max_length=300)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["lexicon", "term"], name="charte_term_unique"),
        ]

    def __str__(self):
        return self.term


class AllowedLinkDomain(models.Model):
    """A domain that links may point to without a warning (art. 5.7)."""

    domain = models.CharField(_("domain"), max_length=253, unique=True, help_text=_("Subdomains are allowed too."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("allowed link domain")
        verbose_name_plural = _("allowed link domains")
        ordering = ["domain"]

    def __str__(self):
        return self.domain


class NetworkLimit(models.Model):
    """How long a post may be on a network, counted as the network counts."""

    network = models.CharField(_("network"), max_length=20, choices=network_choices, unique=True)
    max_length = models.PositiveIntegerField(_("maximum length"))
    counts_graphemes = models.BooleanField(_("counts graphemes"), default=False)
    url_length = models.PositiveSmallIntegerField(
        _("length of a link"), null=True, blank=True, help_text=_("Every link counts this many characters (X: 23).")
    )
    max_hashtags = models.PositiveSmallIntegerField(_("maximum hashtags"), null=True, blank=True)
    image_required = models.BooleanField(_("image required"), default=False)

    class Meta:
        verbose_name = _("network limit")
        verbose_name_plural = _("network limits")
        ordering = ["network"]
        constraints = [
            models.CheckConstraint(condition=Q(max_length__gt=0), name="network_limit_positive"),
        ]

    def __str__(self):
        return self.get_network_display()


class WarningAcknowledgement(models.Model):
    """A person read a Charte warning and chose to go on (art. 10)."""

    post = models.ForeignKey(
        "calendar_app.Post", on_delete=models.CASCADE, related_name="acknowledgements", verbose_name=_("post")
    )
    code = models.CharField(_("rule"), max_length=60)
    fingerprint = models.CharField(_("what was acknowledged"), max_length=64, editable=False)
    message = models.TextField(_("message"))
    ruleset_version = models.CharField(_("rule set version"), max_length=60)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("acknowledged by")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledged warning")
        verbose_name_plural = _("acknowledged warnings")
        ordering = ["-acknowledged_at"]
        constraints = [
            # A warning is acknowledged once; the same finding on a later check stays acknowledged.
            models.UniqueConstraint(fields=["post", "fingerprint"], name="acknowledgement_once"),
        ]

    def __str__(self):
        return f"{self.post} — {self.code}"


class PressReleaseAuthorisation(models.Model):
    """The administration's decision to relay an outside organisation's press release (art. 5.3)."""

    post = models.ForeignKey(
        "calendar_app.Post",
        on_delete=models.CASCADE,
        related_name="press_release_authorisations",
        verbose_name=_("post"),
    )
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("authorised by")
    )
    authorised_at = models.DateTimeField(_("authorised at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("press release authorisation")
        verbose_name_plural = _("press release authorisations")
        ordering = ["-authorised_at"]

    def __str__(self):
        return f"{self.post} — {self.authorised_by}"
