"""The append-only audit log: who changed what, when, from what to what."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An audit entry was asked to change or disappear."""


# How each recorded action reads in the interface; an unknown action shows its code.
ACTION_LABELS = {
    "created": _("created"),
    "changed": _("changed"),
    "deleted": _("deleted"),
    "status_changed": _("status changed"),
    "decided": _("decision recorded"),
    "text_edited": _("text edited"),
    "message_sent": _("message sent"),
    "warnings_acknowledged": _("Charte warnings acknowledged"),
    "permission_refused": _("action refused (permissions)"),
    "emergency_on": _("emergency mode switched on"),
    "emergency_off": _("emergency mode switched off"),
    "election_declared": _("election period declared"),
    "channel_authorised": _("channel authorised"),
    "rescheduled": _("rescheduled"),
    "duplicated": _("created as a copy of another post"),
    "recurring_posts_created": _("created with its recurring occurrences"),
    "channel_account_changed": _("channel account changed (authorisation withdrawn)"),
    "login_failed": _("log-in failed"),
    "login_locked_out": _("log-in locked after too many failures"),
    "login_refused_locked": _("log-in refused (locked)"),
    "calendar_feed_created": _("calendar subscription address created"),
    "calendar_feed_renewed": _("calendar subscription address renewed"),
    "calendar_feed_revoked": _("calendar subscription address revoked"),
    "event_imported": _("drafted from the city's events calendar"),
    "imported_event_updated": _("updated from the city's events calendar"),
    "imported_event_flagged": _("marked to check: its event changed or was cancelled"),
    "event_source_saved": _("events calendar address saved"),
    "press_release_authorised": _("relaying the press release authorised (art. 5.3)"),
}


class AuditEntry(models.Model):
    """One recorded change. Rows are never updated (a database trigger refuses it) nor deleted by Vitrine."""

    at = models.DateTimeField(_("date and time"), auto_now_add=True)
    # PROTECT: people who acted are deactivated, never deleted, so the log keeps naming them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    actor_repr = models.CharField(_("person (as named then)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind"))
    target_id = models.CharField(_("identifier"), max_length=64)
    target_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            # The history of one object (a post's page, a request's timeline).
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_history"),
            # The log by date in the admin.
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_repr or '—'} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are append-only.")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def status_label(self) -> str:
        """The status a move led to, as people read it; empty for other actions."""
        from calendar_app.workflow import Status

        status = (self.after or {}).get("status", "")
        return str(Status(status).label) if status in Status.values else status


class RefusalTally(models.Model):
    """How many identical refusals one person met since the last one written to the audit log.

    A refusal is written to the log once a minute at most for the same person, action, target and
    message (``calendar_app.services.audit.audit_refusal``), so that a flood of 403s cannot bloat the
    append-only log; the next entry says how many were not written. Unlike the log, this row changes.
    """

    key = models.CharField(max_length=64, unique=True)
    window_ends_at = models.DateTimeField()
    repeated = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("repeated refusal")
        verbose_name_plural = _("repeated refusals")

    def __str__(self):
        return f"{self.key[:12]} ×{self.repeated}"
