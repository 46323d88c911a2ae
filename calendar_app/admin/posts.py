"""Posts, their channel versions and their review decisions.

Status never changes here except through the services (the actions below). Once a post has
left the editorial states where its author works on it, it and its parts are read-only: editing
a submitted, approved or scheduled text here would publish words nobody reviewed.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from calendar_app.admin.audit import AuditedAdminMixin, ReadOnlyAdminMixin
from calendar_app.models import Approval, ChannelVersion, Post, PostLink, PostMedia, PostMessage
from calendar_app.selectors.ical_feed import post_items, request_items
from calendar_app.services.charte import CharteReport, charte_acknowledge_warnings, charte_check
from calendar_app.services.posts import post_approve, post_start_review, post_submit, post_withdraw
from calendar_app.views.ical import ItemLinks, items_download
from calendar_app.workflow import Status

# The states in which the author may still edit what will be reviewed.
EDITABLE_STATES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})


def post_is_locked(post: Post | None) -> bool:
    return post is not None and post.pk is not None and post.status not in EDITABLE_STATES


def _without_bulk_delete(actions: dict) -> dict:
    # "Delete selected" does not ask about each object; deletion is allowed on some rows only.
    actions.pop("delete_selected", None)
    return actions


class PostChildInline(admin.TabularInline):
    """A part of a post's content: editable only while the post is."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return not post_is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not post_is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not post_is_locked(obj) and super().has_delete_permission(request, obj)


class ChannelVersionInline(PostChildInline):
    model = ChannelVersion
    fields = ("channel", "text_override", "due_at", "status", "external_url", "published_at")
    readonly_fields = ("status", "external_url", "published_at")
    autocomplete_fields = ("channel",)
    show_change_link = True


class PostLinkInline(PostChildInline):
    model = PostLink
    fields = ("url", "label", "kind", "position")


class PostMediaInline(PostChildInline):
    model = PostMedia
    fields = ("asset", "position")
    autocomplete_fields = ("asset",)


class PostMessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PostMessage
    extra = 0
    can_delete = False
    fields = ("created_at", "author", "body")
    readonly_fields = fields


class ApprovalInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Approval
    extra = 0
    can_delete = False
    fields = ("decided_at", "decision", "reviewer", "reasons", "ruleset_version")
    readonly_fields = fields
    show_change_link = True


@admin.register(Post)
class PostAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "category", "status", "origin", "author", "first_due_at", "created_at")
    list_filter = (
        "status",
        "category",
        "origin",
        "health_and_safety",
        ("requesting_service", admin.RelatedOnlyFieldListFilter),
        ("requesting_organisation", admin.RelatedOnlyFieldListFilter),
        ("versions__channel", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "body", "author__username", "author__last_name")
    date_hierarchy = "created_at"
    list_select_related = ("author",)
    autocomplete_fields = ("author", "requesting_service", "requesting_organisation")
    fieldsets = (
        (None, {"fields": ("title", "category", "body", "health_and_safety", "author")}),
        (
            _("Request"),
            {
                "fields": (
                    "origin",
                    "requesting_service",
                    "requesting_organisation",
                    "original_post_url",
                    "desired_from",
                    "desired_until",
                ),
                "description": _("Who asked for this post (art. 9.4, 9.5) and when they would like it published."),
            },
        ),
        (_("Charte éditoriale"), {"fields": ("charte_results",)}),
        (_("Record"), {"fields": ("status", "source_uid", "created_at", "updated_at")}),
    )
    readonly_fields = ("status", "source_uid", "created_at", "updated_at", "charte_results")
    inlines = (ChannelVersionInline, PostLinkInline, PostMediaInline, ApprovalInline, PostMessageInline)
    actions = (
        "submit_posts",
        "start_review_of_posts",
        "acknowledge_warnings",
        "approve_posts",
        "withdraw_posts",
        "export_ical",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(first_due_at=Min("versions__due_at"))

    @admin.action(description=_("Export the selected posts as iCal (.ics)"))
    def export_ical(self, request, queryset):
        """The selected posts as the calendar feeds write them: those with times, and the requests still
        without one over their desired dates (a post with neither is left out)."""
        chosen = queryset.values("pk")
        links = ItemLinks(request)
        timed = ChannelVersion.objects.filter(post__in=chosen, due_at__isnull=False)
        untimed = Post.objects.filter(pk__in=chosen, desired_from__isnull=False).exclude(versions__due_at__isnull=False)
        items = [*post_items(timed, link=links), *request_items(untimed, link=links)]
        return items_download(request, items, filename="vitrine-selection.ics")

    @admin.display(description=_("first due at"), ordering="first_due_at")
    def first_due_at(self, post):
        return post.first_due_at

    @admin.display(description=_("results"))
    def charte_results(self, post):
        if post is None or post.pk is None:
            return _("Saved posts are checked against the Charte.")
        return render_report(charte_check(post=post))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report = charte_check(post=form.instance)
        for result in report.blocks:
            self.message_user(request, result.message, level=messages.ERROR)
        for result, _key in report.unacknowledged_warnings():
            self.message_user(request, result.message, level=messages.WARNING)

    def has_change_permission(self, request, obj=None):
        # A locked post is shown read-only; saving it would only touch ``updated_at``.
        return not post_is_locked(obj) and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        # Only a draft disappears; anything reviewed is withdrawn instead, and stays on record.
        return (obj is None or obj.status == Status.DRAFT) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        return _without_bulk_delete(super().get_actions(request))

    def _move_each(self, request, queryset, move, done) -> None:
        """Apply ``move`` to each post on its own; report what moved (``done``, a lazy plural message
        counting with ``count``) and why the others did not."""
        moved = 0
        for post in queryset:
            try:
                move(post)
            except ValidationError as error:  # IllegalTransition included
                self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            except PermissionDenied as error:
                self.message_user(request, str(error), level=messages.ERROR)
            else:
                moved += 1
        if moved:
            self.message_user(request, done % {"count": moved}, level=messages.SUCCESS)

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_posts(self, request, queryset):
        self._move_each(
            request,
            queryset,
            lambda post: post_submit(post=post, actor=request.user),
            ngettext_lazy("%(count)d post submitted for review.", "%(count)d posts submitted for review.", "count"),
        )

    @admin.action(description=_("Start the review"), permissions=["change"])
    def start_review_of_posts(self, request, queryset):
        self._move_each(
            request,
            queryset,
            lambda post: post_start_review(post=post, reviewer=request.user),
            ngettext_lazy("%(count)d post is now in review.", "%(count)d posts are now in review.", "count"),
        )

    @admin.action(description=_("Acknowledge the Charte's warnings"), permissions=["change"])
    def acknowledge_warnings(self, request, queryset):
        self._move_each(
            request,
            queryset,
            lambda post: charte_acknowledge_warnings(post=post, actor=request.user, report=charte_check(post=post)),
            ngettext_lazy(
                "The warnings of %(count)d post are acknowledged.",
                "The warnings of %(count)d posts are acknowledged.",
                "count",
            ),
        )

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve_posts(self, request, queryset):
        self._move_each(
            request,
            queryset,
            lambda post: post_approve(post=post, reviewer=request.user),
            ngettext_lazy("%(count)d post approved.", "%(count)d posts approved.", "count"),
        )

    @admin.action(description=_("Withdraw"), permissions=["change"])
    def withdraw_posts(self, request, queryset):
        self._move_each(
            request,
            queryset,
            lambda post: post_withdraw(post=post, actor=request.user),
            ngettext_lazy("%(count)d post withdrawn.", "%(count)d posts withdrawn.", "count"),
        )


def render_report(report: CharteReport):
    """The results as a list: what blocks first, the excerpt each is about, acknowledged or not."""
    if not report.results:
        return format_html("<p>{}</p>", _("Nothing to report (rule set %(version)s).") % {"version": report.version})
    rows = []
    for result, excerpt, key in sorted(
        zip(report.results, report.excerpts, report.fingerprints, strict=True), key=lambda row: not row[0].blocks
    ):
        if result.blocks:
            state = _("blocks")
        elif key in report.acknowledged:
            state = _("warning, acknowledged")
        else:
            state = _("warning")
        rows.append((state, result.message, excerpt))
    return format_html(
        "<p>{}</p><ul>{}</ul>",
        _("Rule set %(version)s") % {"version": report.version},
        format_html_join("", "<li><strong>{}</strong> — {} <mark>{}</mark></li>", rows),
    )


@admin.register(ChannelVersion)
class ChannelVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The queue of what goes out where and when; versions are added from their post."""

    list_display = ("post", "channel", "status", "due_at", "published_at")
    list_filter = ("status", "channel__network", ("channel", admin.RelatedOnlyFieldListFilter))
    search_fields = ("post__title", "text_override", "channel__handle", "external_id")
    date_hierarchy = "due_at"
    list_select_related = ("post", "channel")
    fields = (
        "post",
        "channel",
        "text_override",
        "due_at",
        "status",
        "external_id",
        "external_url",
        "published_at",
        "updated_at",
    )
    readonly_fields = ("post", "channel", "status", "external_id", "external_url", "published_at", "updated_at")

    @staticmethod
    def _is_locked(version: ChannelVersion | None) -> bool:
        return version is not None and (version.status not in EDITABLE_STATES or post_is_locked(version.post))

    def has_change_permission(self, request, obj=None):
        return not self._is_locked(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return not self._is_locked(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        return _without_bulk_delete(super().get_actions(request))


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Review decisions are recorded by the review services only (art. 9.4, 9.5, 10)."""

    list_display = ("post", "decision", "reviewer", "decided_at", "ruleset_version")
    list_filter = ("decision", "ruleset_version", "decided_at")
    search_fields = ("post__title", "reasons", "reviewer__username", "reviewer__last_name")
    date_hierarchy = "decided_at"
    list_select_related = ("post", "reviewer")
    fields = ("post", "decision", "reviewer", "decided_at", "reasons", "ruleset_version", "check_results")
    readonly_fields = fields
