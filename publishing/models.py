"""Every attempt to publish one channel version, with what was sent and what came back; and the removals of
published versions (art. 7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kernel.networks import NETWORKS


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


class Removal(models.Model):
    """Taking one published channel version off its network (art. 7: campaign content in an election period):
    who asked and why, each try and the network's answer. One per version, so a second request doubles nothing.

    The dispatcher claims the removals due (``publishing.removals``), a django-q2 task makes the one call; a
    temporary failure is retried with the publishing backoff, a worker that stops mid-call leaves its claim
    to lapse and the removal is tried again (deleting twice is harmless: the network answers "gone").
    Where the network's API cannot delete (``Network.deletes``), a person removes it and says so.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("To remove")
        REMOVING = "removing", _("Removal under way")
        REMOVED = "removed", _("Removed from the network")
        GONE = "gone", _("Already gone from the network")
        FAILED = "failed", _("Removal failed")
        BY_HAND = "by_hand", _("To remove by hand")
        REMOVED_BY_HAND = "removed_by_hand", _("Removed by hand")

    version = models.OneToOneField(
        "calendar_app.ChannelVersion", on_delete=models.CASCADE, related_name="removal", verbose_name=_("publication")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REQUESTED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # When this claim's one call started: a task delivered twice by django-q2 (after its worker was killed)
    # finds it set and calls nothing.
    call_started_at = models.DateTimeField(_("network call at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last answer; ``log`` keeps every try's: [{"number", "at", "state", "http_status", "answer", "error"}].
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_summary = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)
    log = models.JSONField(_("tries"), default=list, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by hand by"),
    )
    confirmed_at = models.DateTimeField(_("removed by hand at"), null=True, blank=True)

    class Meta:
        verbose_name = _("removal")
        verbose_name_plural = _("removals")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="removal_state_next")]

    def __str__(self):
        return f"{self.version} — {self.get_state_display()}"

    @property
    def done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def explanation(self) -> str:
        """What a person reads of it, in their language: why it waits for a person, or the network's refusal."""
        if self.state == self.State.BY_HAND:
            network = NETWORKS[self.version.channel.network].label
            return gettext(
                "%(network)s's API cannot delete a publication: remove it on the network, then say so here."
            ) % {"network": network}
        return self.error


DONE_STATES = frozenset({Removal.State.REMOVED, Removal.State.GONE, Removal.State.REMOVED_BY_HAND})
