"""Posts, their links and media, and one version per channel."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from calendar_app.fields import URLField
from calendar_app.workflow import TIMED_STATES, Status


class Post(models.Model):
    # The longest text any network takes (Facebook's 63,206 characters); each network's own limit is a
    # Charte rule (calendar_app.charte.rules.limits).
    TEXT_MAX_LENGTH = 63_206

    class Category(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        PUBLIC_NOTICE = "public_notice", _("Public notice")
        TENDER = "tender", _("Call for tenders")
        BYLAW = "bylaw", _("By-law")
        JOB_OFFER = "job_offer", _("Job offer")
        EVENT = "event", _("Event or activity")
        CAMPAIGN = "campaign", _("Awareness or consultation campaign")
        CITY_ADVERTISING = "city_advertising", _("City's own advertising")
        CONTEST = "contest", _("Contest")
        EMERGENCY = "emergency", _("Emergency")
        PUBLIC_INTEREST = "public_interest", _("Public-interest information")

    class Origin(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        SERVICE_REQUEST = "service_request", _("Service or committee request")
        ORGANISATION_REQUEST = "organisation_request", _("Accredited organisation's request")

    title = models.CharField(_("title"), max_length=200, help_text=_("For the calendar; not published."))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    origin = models.CharField(_("origin"), max_length=24, choices=Origin.choices, default=Origin.INTERNAL)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    # Raised by every change to the post or its channel versions (calendar_app.services.revisions): a page
    # sends back the revision it showed, and a change made since then is refused instead of overwritten.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts", verbose_name=_("author")
    )
    requesting_service = models.ForeignKey(
        "calendar_app.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_posts",
        verbose_name=_("requesting service or committee"),
    )
    requesting_organisation = models.ForeignKey(
        "calendar_app.AccreditedOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_posts",
        verbose_name=_("requesting organisation"),
    )
    health_and_safety = models.BooleanField(
        _("health and safety"),
        default=False,
        help_text=_("English is allowed for health and safety matters (art. 5.2)."),
    )
    desired_from = models.DateField(_("desired from"), null=True, blank=True)
    desired_until = models.DateField(_("desired until"), null=True, blank=True)
    original_post_url = URLField(
        _("original post"),
        max_length=500,
        blank=True,
        help_text=_(
            "For an organisation with its own social media: the address of its original post, which the city relays "
            "(art. 9.5)."
        ),
    )
    from_outside_organisation = models.BooleanField(
        _("from an outside organisation"),
        default=False,
        help_text=_(
            "A press release of another organisation or business: relayed only with the administration's "
            "authorisation (art. 5.3)."
        ),
    )
    contest_rules_document = models.FileField(
        _("contest rules document"),
        upload_to="contest-rules/%Y/",
        blank=True,
        help_text=_("A contest needs clear rules: attach them here or add a link of kind “contest rules” (art. 5.8)."),
    )
    is_emergency = models.BooleanField(
        _("emergency"),
        default=False,
        editable=False,
        help_text=_("Published at once by the Mission Communication team, on the priority path (art. 6)."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(_("contact phone number"), max_length=40, blank=True)
    submission_key = models.UUIDField(
        _("submission key"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Sent with a request form, so that submitting it twice creates one post."),
    )
    source_uid = models.CharField(
        _("source identifier"),
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_(
            "Where an imported post came from (an iCal event, the demo data), so that it is never imported twice."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at"]
        indexes = [
            # The review queue: what awaits review, oldest first.
            models.Index(fields=["status", "created_at"], name="post_status_created"),
        ]
        constraints = [
            # A request names who asked (art. 9.4, 9.5); an internal post names no requester.
            models.CheckConstraint(
                condition=(
                    Q(origin="internal", requesting_service__isnull=True, requesting_organisation__isnull=True)
                    | Q(
                        origin="service_request", requesting_service__isnull=False, requesting_organisation__isnull=True
                    )
                    | Q(
                        origin="organisation_request",
                        requesting_service__isnull=True,
                        requesting_organisation__isnull=False,
                    )
                ),
                name="post_requester_matches_origin",
            ),
            models.CheckConstraint(
                condition=Q(desired_from__isnull=True)
                | Q(desired_until__isnull=True)
                | Q(desired_until__gte=F("desired_from")),
                name="post_desired_window",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="post_status_known"),
        ]

    def __str__(self):
        return self.title


class PostLink(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", _("Link")
        CONTEST_RULES = "contest_rules", _("Contest rules")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links")
    url = URLField(_("address"), max_length=2000)
    label = models.CharField(_("label"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LINK)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label or self.url


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_media")
    asset = models.ForeignKey(
        "calendar_app.MediaAsset", on_delete=models.PROTECT, related_name="post_media", verbose_name=_("media")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attached media file")
        verbose_name_plural = _("attached media files")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "asset"], name="post_media_unique_asset"),
        ]

    def __str__(self):
        return str(self.asset)


class ChannelVersion(models.Model):
    """A post as it goes out on one channel: its own text if needed, its own time and status."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="versions", verbose_name=_("post"))
    channel = models.ForeignKey(
        "calendar_app.Channel", on_delete=models.PROTECT, related_name="versions", verbose_name=_("channel")
    )
    text_override = models.TextField(_("text for this channel"), blank=True, help_text=_("Empty: the post's text."))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    # The publishing worker's bookkeeping (publishing.claims, .task): one row per post and channel is the publication.
    idempotency_key = models.UUIDField(
        _("idempotency key"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Sent with every attempt, so that the network never publishes it twice."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, editable=False)
    # When a call whose outcome is unknown (a timeout, a cut connection) was made: until it is settled,
    # the worker only looks the publication up on the network, never sends it again.
    unverified_since = models.DateTimeField(_("outcome unknown since"), null=True, blank=True, editable=False)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # While publishing: the process holding the claim (publishing.liveness.identity), the dispatcher that
    # claimed it, then the worker whose heartbeat renews it. Once it is certainly gone (killed), the
    # claim is the reaper's at once, without waiting for ``claimed_until``.
    claimed_by = models.CharField(max_length=200, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    external_id = models.CharField(_("identifier on the network"), max_length=255, blank=True, editable=False)
    external_url = URLField(_("address on the network"), max_length=1000, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("channel version")
        verbose_name_plural = _("channel versions")
        ordering = ["due_at", "pk"]
        indexes = [
            # The worker's "what is due next?" and the status page's queue depth.
            models.Index(fields=["status", "due_at"], name="version_status_due"),
            # The calendar's month and week views.
            models.Index(fields=["due_at"], name="version_due"),
            # The worker's retries, and the reaper's "what is stuck in publishing?".
            models.Index(fields=["status", "next_attempt_at"], name="version_status_next_attempt"),
            models.Index(fields=["status", "claimed_until"], name="version_status_claimed"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="version_one_per_channel"),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(TIMED_STATES)) | Q(due_at__isnull=False),
                name="version_timed_states_have_due_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False), name="version_published_has_time"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="version_status_known"),
        ]

    def __str__(self):
        return f"{self.post} — {self.channel}"

    @property
    def text(self) -> str:
        return self.text_override or self.post.body


class PostMessage(models.Model):
    """The conversation between a requester and the communications department about one post (art. 9.4, 9.5)."""

    MAX_LENGTH = 5000

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="messages", verbose_name=_("post"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="post_message_not_empty")]

    def __str__(self):
        return f"{self.author} — {self.post}"
