"""Build a ``CheckContext`` from a post in the database: what the rules read, in a few queries."""

from __future__ import annotations

import datetime

from django.utils import timezone

from calendar_app.charte.base import CheckContext, ElectionInfo, LinkInfo, MediaInfo
from calendar_app.charte.data import CharteData
from calendar_app.models import (
    Candidate,
    ChannelVersion,
    ElectionPeriod,
    Post,
    PressReleaseAuthorisation,
    Role,
)
from calendar_app.selectors import has_role
from calendar_app.workflow import Status

# Roles whose holders may authorise relaying an outside press release (art. 5.3).
PRESS_RELEASE_AUTHORISERS = (Role.DIRECTION_GENERALE, Role.SERVICE_DIRECTOR)


def election_at(moment: datetime.datetime) -> ElectionPeriod | None:
    return ElectionPeriod.objects.covering(timezone.localdate(moment)).first()


def election_info(election: ElectionPeriod | None) -> ElectionInfo | None:
    if election is None:
        return None
    parties = []
    for name, aliases in election.parties.values_list("name", "aliases"):
        parties.append(name)
        parties.extend(alias.strip() for alias in aliases.splitlines() if alias.strip())
    return ElectionInfo(
        name=election.name,
        candidate_names=tuple(election.candidates.values_list("full_name", flat=True)),
        party_names=tuple(parties),
    )


def takes_part_in_election(person, election: ElectionPeriod | None, day: datetime.date) -> bool:
    """A council member, or a registered candidate of ``election``, on ``day`` (art. 7, 9.3)."""
    if election is None or person is None:
        return False
    if Candidate.objects.filter(election=election, person=person).exists():
        return True
    return has_role(person, Role.COUNCIL_MEMBER, on=day)


def press_release_authorised(post: Post) -> bool:
    """Whether someone who held an authorising role on that day authorised relaying the press release."""
    for authorisation in PressReleaseAuthorisation.objects.filter(post=post).select_related("authorised_by"):
        day = timezone.localdate(authorisation.authorised_at)
        if any(has_role(authorisation.authorised_by, role, on=day) for role in PRESS_RELEASE_AUTHORISERS):
            return True
    return False


def recent_texts(post: Post, channel_ids: list[int], at: datetime.datetime, *, days: int) -> dict[int, list[str]]:
    """Texts scheduled or published on these channels within ``days`` of ``at``."""
    window = datetime.timedelta(days=days)
    rows = (
        ChannelVersion.objects.filter(
            channel_id__in=channel_ids,
            status__in=[Status.SCHEDULED, Status.PUBLISHING, Status.PUBLISHED],
            due_at__gte=at - window,
            due_at__lte=at + window,
        )
        .exclude(post=post)
        .values_list("channel_id", "text_override", "post__body")
    )
    texts: dict[int, list[str]] = {}
    for channel_id, override, body in rows:
        texts.setdefault(channel_id, []).append(override or body)
    return texts


def requested_moment(post: Post) -> datetime.datetime | None:
    """When a request not yet scheduled is judged: inside an election period if one overlaps the dates asked
    for (the strictest moment of the window, art. 7), else on its first day; None without dates."""
    if post.desired_from is None:
        return None
    last_day = post.desired_until or post.desired_from
    period = (
        ElectionPeriod.objects.filter(starts_on__lte=last_day, ends_on__gte=post.desired_from)
        .order_by("starts_on")
        .first()
    )
    day = max(post.desired_from, period.starts_on) if period is not None else post.desired_from
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def context_for_post(
    post: Post, *, data: CharteData, at: datetime.datetime | None = None, replies_to_english: bool = False
) -> CheckContext:
    """The context of ``post`` as if published at ``at`` (its first due time, else now), for rules built
    with ``data``."""
    versions = list(post.versions.select_related("channel").order_by("pk"))
    if at is None:
        due_times = [version.due_at for version in versions if version.due_at]
        at = min(due_times) if due_times else requested_moment(post) or timezone.now()
    election = election_at(at)
    media = [
        MediaInfo(
            id=attached.asset_id,
            is_image=True,
            alt_text=attached.asset.alt_text,
            credit=attached.asset.credit,
            rights_statement=attached.asset.rights_statement,
            shows_identifiable_persons=attached.asset.shows_identifiable_persons,
            has_consent=attached.asset.has_consent,
        )
        for attached in post.post_media.select_related("asset")
    ]
    outside = post.from_outside_organisation or (
        post.category == Post.Category.PRESS_RELEASE and post.origin == Post.Origin.ORGANISATION_REQUEST
    )
    return CheckContext(
        body=post.body,
        category=post.category,
        at=at,
        origin=post.origin,
        versions=[(version.channel_id, version.channel.network, version.text_override) for version in versions],
        links=[LinkInfo(url, kind) for url, kind in post.links.values_list("url", "kind")],
        media=media,
        health_and_safety=post.health_and_safety,
        replies_to_english=replies_to_english,
        has_contest_rules_document=bool(post.contest_rules_document),
        outside_press_release=outside,
        outside_press_release_authorised=outside and press_release_authorised(post),
        election=election_info(election),
        author_takes_part_in_election=takes_part_in_election(post.author, election, timezone.localdate(at)),
        recent_texts_by_channel=recent_texts(
            post, [version.channel_id for version in versions], at, days=data.setting("repetition_window_days")
        ),
    )
