"""Reads about posts: who sees which, the review queue, a post's channel versions, decisions, messages and
history, and the emergency page's recent posts and switches.

``abilities`` is a ``calendar_app.permissions.Abilities``: the selectors read its facts, never a rule
of their own, so that a list shows exactly the posts ``Abilities.can_view`` lets a person open.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet

from calendar_app.models import Approval, AuditEntry, ChannelVersion, EmergencySwitch, Post, PostMessage
from calendar_app.workflow import Status

if TYPE_CHECKING:
    from calendar_app.permissions import Abilities

# The states in which a post waits for the communications department's decision (art. 9.4, 9.5).
AWAITING_DECISION = frozenset({Status.SUBMITTED, Status.IN_REVIEW})


def _followed(abilities: Abilities) -> Q:
    """``Abilities.follows`` as a query: a post any of whose fields holds one of the ids it lists."""
    followed = Q()
    for field, ids in abilities.followed.items():
        followed |= Q(**{f"{field}__in": ids})
    return followed


def posts_visible_to(abilities: Abilities) -> QuerySet[Post]:
    """Every post ``abilities.can_view`` allows: all of them for those who see every post, else the followed."""
    return Post.objects.all() if abilities.sees_every_post else Post.objects.filter(_followed(abilities))


def posts_followed_by(abilities: Abilities) -> QuerySet[Post]:
    """The person's own posts and the requests of their services and organisations, newest first, with their
    requesters: the request list (which shows a reviewer their own, not the whole city's)."""
    return (
        Post.objects.filter(_followed(abilities))
        .select_related("author", "requesting_service", "requesting_organisation")
        .order_by("-created_at")
    )


def post_for_page(pk: int) -> Post:
    """Post ``pk`` with its author and requesters; ``Post.DoesNotExist`` if there is none."""
    return Post.objects.select_related("author", "requesting_service", "requesting_organisation").get(pk=pk)


def posts_awaiting_review() -> QuerySet[Post]:
    """What awaits review, oldest first, with its author, requesters and counts of channels and messages."""
    return (
        Post.objects.filter(status__in=AWAITING_DECISION)
        .select_related("author", "requesting_service", "requesting_organisation")
        .annotate(channel_count=Count("versions", distinct=True), message_count=Count("messages", distinct=True))
        .order_by("created_at", "pk")
    )


def posts_awaiting_review_count() -> int:
    return Post.objects.filter(status__in=AWAITING_DECISION).count()


def post_versions(post: Post) -> list[ChannelVersion]:
    """The post's channel versions with their channels, in the order of the networks."""
    return list(post.versions.select_related("channel").order_by("channel__network", "pk"))


def post_history(post: Post) -> QuerySet[AuditEntry]:
    """The post's audit trail, oldest first, for the requester and the reviewer."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Post), target_id=str(post.pk)
    ).order_by("at", "pk")


def recent_emergency_posts(limit: int = 10) -> QuerySet[Post]:
    return Post.objects.filter(is_emergency=True).order_by("-created_at")[:limit]


def recent_emergency_switches(limit: int = 10) -> QuerySet[EmergencySwitch]:
    return EmergencySwitch.objects.select_related("switched_by")[:limit]


def post_decisions(post: Post) -> QuerySet[Approval]:
    """The reviewers' decisions on ``post``, oldest first, with who decided."""
    return post.approvals.select_related("reviewer").order_by("decided_at")


def post_thread(post: Post) -> QuerySet[PostMessage]:
    """The messages between the requester and the reviewers, with their authors, in the model's order."""
    return post.messages.select_related("author")


def posts_once_partially_published(post_ids: Iterable[int]) -> set[int]:
    """Of ``post_ids``, the posts that have been partially published before (their audit trail says so): their
    publication was announced then, and a channel retried since is not announced again."""
    ids = [str(pk) for pk in post_ids]
    if not ids:
        return set()
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Post),
        target_id__in=ids,
        action="status_changed",
        after__status=Status.PARTIALLY_PUBLISHED.value,
    )
    return {int(pk) for pk in entries.values_list("target_id", flat=True)}


def posts_published_with_links(post_ids: Iterable[int]) -> QuerySet[Post]:
    """The posts ``post_ids`` with their author, requesters and published channel versions (``published``, with
    their channels), for the notice that tells their people where each went out."""
    published = ChannelVersion.objects.filter(status=Status.PUBLISHED).select_related("channel").order_by("pk")
    return (
        Post.objects.filter(pk__in=list(post_ids))
        .select_related("author", "requesting_service", "requesting_organisation")
        .prefetch_related(Prefetch("versions", queryset=published, to_attr="published"))
    )
