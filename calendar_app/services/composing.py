"""The composer: a post written once, adjusted per channel, then saved, submitted, scheduled or sent now.

``post_compose`` is the composer's one service. It refuses before saving anything when the author
may not write on a channel (art. 8.4) or may not approve their own post (scheduling and "publish
now" are for the roles whose posts need no review); everything it creates is created in one
transaction, so a Charte block or an unacknowledged warning leaves nothing behind. A recurring
post becomes one post per occurrence (``Recurrence``), each scheduled or submitted like the first.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dateutil import rrule
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendar_app.charte.base import LinkInfo, MediaInfo
from calendar_app.charte.loader import Draft
from calendar_app.models import Channel, Post, PostLink
from calendar_app.permissions import Abilities, Action, require
from calendar_app.services.audit import audit_record
from calendar_app.services.media import ImageInput, attach_assets, attach_images
from calendar_app.services.posts import post_create, post_submit, require_may_write
from calendar_app.services.scheduling import Timing, post_approve_and_schedule


class Intent(models.TextChoices):
    """What the person asks the composer to do with the post, one button each."""

    DRAFT = "draft", gettext_lazy("Save as draft")
    SUBMIT = "submit", gettext_lazy("Submit for review")
    SCHEDULE = "schedule", gettext_lazy("Schedule")
    PUBLISH_NOW = "publish_now", gettext_lazy("Publish now")


# The intents that approve the post on the spot: for roles whose own posts need no review (art. 8.4).
APPROVING_INTENTS = frozenset({Intent.SCHEDULE, Intent.PUBLISH_NOW})


@dataclass(frozen=True)
class Composition:
    """What the composer holds: the post's text, each channel's own text and time, its links and images."""

    title: str
    category: str
    body: str
    channels: Sequence[Channel]
    version_texts: Mapping[int, str] = field(default_factory=dict)  # by channel id; empty: the post's text
    due_at: datetime.datetime | None = None
    version_times: Mapping[int, datetime.datetime] = field(default_factory=dict)  # by channel id
    links: Sequence[str] = ()
    contest_rules_url: str = ""
    contest_rules_document: File | None = None  # a contest's rules as a PDF (art. 5.8)
    contest_rules_chosen: bool = False  # the page says one is chosen (the live check sees no file)
    images: Sequence[ImageInput] = ()
    health_and_safety: bool = False

    def all_links(self) -> list[tuple[str, str]]:
        links = [(url, PostLink.Kind.LINK) for url in self.links]
        if self.contest_rules_url:
            links.append((self.contest_rules_url, PostLink.Kind.CONTEST_RULES))
        return links

    def draft(self, author) -> Draft:
        """The composition as the Charte reads a post (the composer's live check)."""
        return Draft(
            body=self.body,
            category=self.category,
            author=author,
            versions=tuple(
                (channel.pk, channel.network, self.version_texts.get(channel.pk, "")) for channel in self.channels
            ),
            links=tuple(LinkInfo(url, kind) for url, kind in self.all_links()),
            media=tuple(
                MediaInfo(
                    id=None,
                    alt_text=image.alt_text,
                    credit=image.credit,
                    rights_statement=image.rights_statement,
                    shows_identifiable_persons=image.shows_identifiable_persons,
                    has_consent=image.shows_identifiable_persons and image.consent_obtained,
                )
                for image in self.images
            ),
            health_and_safety=self.health_and_safety,
            has_contest_rules_document=bool(self.contest_rules_document) or self.contest_rules_chosen,
        )

    def first_time(self) -> datetime.datetime | None:
        """When the post first goes out (the Charte judges it then)."""
        times = [at for at in (self.due_at, *self.version_times.values()) if at is not None]
        return min(times) if times else None


class Frequency(models.TextChoices):
    WEEKLY = "weekly", gettext_lazy("Every week")
    FORTNIGHTLY = "fortnightly", gettext_lazy("Every two weeks")
    MONTHLY_DAY = "monthly_day", gettext_lazy("Every month, on the same day")
    MONTHLY_WEEKDAY = "monthly_weekday", gettext_lazy("Every month, on the same weekday (e.g. the first Monday)")


@dataclass(frozen=True)
class Recurrence:
    """A post repeated: ``frequency`` from the first time until ``until`` (a date, included)."""

    frequency: Frequency
    until: datetime.date

    def rule(self, first: datetime.datetime) -> rrule.rrule:
        # Wall-clock times in the municipality's zone: 9 h stays 9 h across the daylight-saving change.
        start = timezone.localtime(first).replace(tzinfo=None)
        until = datetime.datetime.combine(self.until, datetime.time.max)
        if self.frequency == Frequency.MONTHLY_WEEKDAY:
            nth = (start.day - 1) // 7 + 1  # the 1st … 5th such weekday of its month
            weekday = rrule.weekday(start.weekday())(nth if nth < 5 else -1)
            return rrule.rrule(rrule.MONTHLY, dtstart=start, byweekday=weekday, until=until)
        frequency, interval = {
            Frequency.WEEKLY: (rrule.WEEKLY, 1),
            Frequency.FORTNIGHTLY: (rrule.WEEKLY, 2),
            Frequency.MONTHLY_DAY: (rrule.MONTHLY, 1),
        }[self.frequency]
        return rrule.rrule(frequency, dtstart=start, interval=interval, until=until)

    def occurrences(self, first: datetime.datetime) -> list[datetime.datetime]:
        """The times of every occurrence, ``first`` included; ``ValidationError`` past the configured maximum."""
        limit = settings.RECURRENCE_MAX_OCCURRENCES
        times = []
        for local in self.rule(first):
            if len(times) == limit:
                raise ValidationError(
                    {"repeat_until": _("At most %(limit)d occurrences at once; choose an earlier end.")},
                    code="too_many_occurrences",
                    params={"limit": limit},
                )
            times.append(timezone.make_aware(local))
        return times


def _require_may_approve_own(author, intent: Intent) -> None:
    """Scheduling at once is approving one's own post: only for roles whose posts need no review (art. 8.4)."""
    if intent in APPROVING_INTENTS:
        require(
            not Abilities(author).internal_posts_need_review(),
            actor=author,
            action=Action.SCHEDULE,
            target=author,
            message=_(
                "Your posts go to the communications department for review before they are scheduled (art. 8.4)."
            ),
        )


def post_compose(
    *,
    author,
    composition: Composition,
    intent: Intent,
    recurrence: Recurrence | None = None,
    acknowledge_warnings: bool = False,
) -> list[Post]:
    """Create the composed post (one per occurrence of ``recurrence``) and do ``intent`` with it: keep it a
    draft, submit it for review, or approve and schedule it (at its times, or now). All or nothing."""
    intent = Intent(intent)
    channels = list(composition.channels)
    require_may_write(author, origin=Post.Origin.INTERNAL, channels=channels)
    _require_may_approve_own(author, intent)
    if not channels:
        raise ValidationError({"channels": _("Choose at least one channel.")}, code="no_channel")
    first = timezone.now() if intent == Intent.PUBLISH_NOW else composition.first_time()
    if intent == Intent.SCHEDULE and composition.due_at is None and len(composition.version_times) < len(channels):
        raise ValidationError({"due_at": _("Give a publication time to schedule the post.")}, code="due_at_missing")
    if recurrence is not None and (first is None or intent == Intent.PUBLISH_NOW):
        raise ValidationError(
            {"repeat": _("A recurring post needs a publication time for its first occurrence.")},
            code="recurrence_needs_time",
        )
    starts = recurrence.occurrences(first) if recurrence is not None else [first]
    posts = []
    with transaction.atomic():
        assets, document = None, composition.contest_rules_document
        for start in starts:
            shift = start - first if start is not None and first is not None else datetime.timedelta(0)
            now = intent == Intent.PUBLISH_NOW
            post = _create(author, composition, channels, shift=shift, now=now, document=document)
            document = post.contest_rules_document.name or None
            if assets is None:
                assets = attach_images(post, composition.images, uploader=author)
            else:
                attach_assets(post, assets)
            _carry_out(post, intent, author=author, acknowledge_warnings=acknowledge_warnings)
            posts.append(post)
        if len(posts) > 1:
            audit_record(
                actor=author,
                action="recurring_posts_created",
                target=posts[0],
                after={"frequency": recurrence.frequency, "posts": [post.pk for post in posts]},
            )
    return posts


def _create(author, composition: Composition, channels: list[Channel], *, shift, now: bool, document) -> Post:
    """One post of the composition; ``document``: its contest rules (the upload, then the stored file's name
    for the next occurrences of a recurring post, which share it)."""
    if now:
        due_times = dict.fromkeys(channels, timezone.now())
    else:
        due_times = {
            channel: at + shift
            for channel in channels
            if (at := composition.version_times.get(channel.pk) or composition.due_at) is not None
        }
    return post_create(
        author=author,
        title=composition.title,
        category=composition.category,
        body=composition.body,
        channels=channels,
        version_texts={channel: composition.version_texts.get(channel.pk, "") for channel in channels},
        links=composition.all_links(),
        health_and_safety=composition.health_and_safety,
        due_times=due_times,
        contest_rules_document=document or "",
    )


def _carry_out(post: Post, intent: Intent, *, author, acknowledge_warnings: bool) -> None:
    if intent == Intent.SUBMIT:
        post_submit(post=post, actor=author)
    elif intent in APPROVING_INTENTS:
        times = {version.pk: version.due_at for version in post.versions.all()}
        post_approve_and_schedule(
            post=post,
            actor=author,
            timing=Timing(per_version=times),
            acknowledge_warnings=acknowledge_warnings,
        )


def post_duplicate(*, post: Post, actor) -> Post:
    """A new draft like ``post`` (its texts, links and images) on the channels ``actor`` may write on, for
    another occasion: nothing of its decisions, times or publications is copied."""
    can = Abilities(actor)
    require(can.can_view(post) and can.can_write_internal(), actor=actor, action=Action.SUBMIT, target=post)
    versions = [
        version for version in post.versions.select_related("channel") if can.can_write_internal(version.channel)
    ]
    if not versions:
        raise ValidationError(_("You may write on none of this post's channels."), code="no_channel")
    with transaction.atomic():
        copy = post_create(
            author=actor,
            title=_("%(title)s (copy)") % {"title": post.title[: Post._meta.get_field("title").max_length - 10]},
            category=post.category,
            body=post.body,
            channels=[version.channel for version in versions],
            version_texts={version.channel: version.text_override for version in versions},
            links=[(link.url, link.kind) for link in post.links.all()],
            health_and_safety=post.health_and_safety,
        )
        attach_assets(copy, [attached.asset for attached in post.post_media.select_related("asset")])
        audit_record(actor=actor, action="duplicated", target=copy, after={"from_post": post.pk})
    return copy


__all__ = ["Composition", "Frequency", "Intent", "Recurrence", "post_compose", "post_duplicate"]
