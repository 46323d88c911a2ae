"""Everything the Charte reads from the database, in one place; the rules themselves stay pure.

The rules read only a ``CharteData`` and a ``CheckContext`` (``calendar_app/charte/data.py`` and
``base.py``). This module builds them:

- the rule data: ``data_from_database()`` (the tables the communications team edits in the admin)
  and ``data_from_defaults()`` (Montmagny's defaults files, without a database: benchmarks, the
  tests of a rule), both with the code's labels for categories and networks;
- ``install_defaults()``: the defaults files into the Charte's tables (a migration calls it);
- ``get_ruleset()``: the rule set for the data in the database now, kept while its revision holds
  (one small query per call tells; any edit of the data bumps the revision, so the next call
  builds the rules anew and the version it reports changes, art. 10);
- ``context_for_post()`` and ``context_for_draft()`` (a post the composer has not saved yet), and their
  parts (``election_at``, ``recent_texts``, ``requested_moment``…): what the rules read about one post,
  in a few queries; ``contexts_for_posts()``: the same for a batch of posts in a few queries in all
  (the publishing worker's checks right before the network call).
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from calendar_app.charte.base import CheckContext, ElectionInfo, LinkInfo, MediaInfo
from calendar_app.charte.data import (
    SETTING_DEFAULTS,
    CharteData,
    NetworkLimitData,
    OfficialContactData,
    file_documents,
)
from calendar_app.charte.registry import RuleSet, build_ruleset
from calendar_app.models import (
    AllowedLinkDomain,
    Candidate,
    ChannelVersion,
    CharteLexicon,
    CharteParameter,
    CharteSettings,
    CharteTerm,
    ElectionPeriod,
    Municipality,
    NetworkLimit,
    OfficialContact,
    Post,
    PostLink,
    PostMedia,
    PressReleaseAuthorisation,
    Role,
)
from calendar_app.permissions import Abilities
from calendar_app.selectors import has_role
from calendar_app.workflow import Status
from kernel.networks import NETWORKS

# The rule data -------------------------------------------------------------------------------

MONTMAGNY_WEBSITE_DOMAIN = "ville.montmagny.qc.ca"
MONTMAGNY_CONTACTS = (
    OfficialContactData("email", "info@ville.montmagny.qc.ca"),
    OfficialContactData("phone", "418 248-3361"),
    OfficialContactData("address", "143, rue Saint-Jean-Baptiste Est, Montmagny (Québec) G5V 1K4"),
    OfficialContactData("website", "https://www.ville.montmagny.qc.ca"),
)


def code_labels() -> dict[str, dict[str, str]]:
    """The labels the rules print for a post's category and a channel's network (lazy translations)."""
    return {
        "category_labels": dict(Post.Category.choices),
        "network_labels": {code: network.label for code, network in NETWORKS.items()},
    }


def data_from_defaults(
    *, website_domain: str = MONTMAGNY_WEBSITE_DOMAIN, official_contacts: list[OfficialContactData] | None = None
) -> CharteData:
    """Montmagny's defaults from the files, without a database."""
    data = CharteData(website_domain=website_domain, **code_labels())
    for document in file_documents():
        data.add_document(document)
    data.official_contacts = list(MONTMAGNY_CONTACTS if official_contacts is None else official_contacts)
    return data


def data_from_database() -> CharteData:
    """The data in the Charte's tables; what a newer defaults file brings and the tables lack comes
    from the file."""
    data = CharteData(**code_labels())
    for code, kind, term in CharteTerm.objects.values_list("lexicon__code", "lexicon__kind", "term"):
        target = data.pattern_terms if kind == "patterns" else data.lexicon_terms
        target.setdefault(code, []).append(term)
    data.allowed_domains = list(AllowedLinkDomain.objects.values_list("domain", flat=True))
    for limit in NetworkLimit.objects.all():
        data.network_limits[limit.network] = NetworkLimitData(
            network=limit.network,
            max_length=limit.max_length,
            counts_graphemes=limit.counts_graphemes,
            url_length=limit.url_length,
            max_hashtags=limit.max_hashtags,
            image_required=limit.image_required,
        )
    data.settings.update(CharteParameter.objects.values_list("name", "value"))
    data.add_file_defaults_missing_from(
        lexicon_codes=set(CharteLexicon.objects.values_list("code", flat=True)),
        networks=set(data.network_limits),
    )
    municipality = Municipality.objects.first()
    if municipality is not None:
        data.website_domain = municipality.website_domain
        data.official_contacts = [
            OfficialContactData(kind, value)
            for kind, value in OfficialContact.objects.filter(municipality=municipality).values_list("kind", "value")
        ]
    return data


def install_defaults(apps=None) -> None:
    """Load the defaults files into the Charte tables, adding only what is missing.

    Takes the historical ``apps`` registry in a migration, the real models otherwise. Never
    changes or deletes a row: what the communications team edited stays as they left it.
    """
    if apps is None:
        from django.apps import apps
    get = lambda name: apps.get_model("calendar_app", name)  # noqa: E731
    lexicon_model, term_model = get("CharteLexicon"), get("CharteTerm")
    domain_model, limit_model = get("AllowedLinkDomain"), get("NetworkLimit")
    parameter_model = get("CharteParameter")
    get("CharteSettings").objects.get_or_create(singleton=True)
    for name, value in SETTING_DEFAULTS.items():
        parameter_model.objects.get_or_create(name=name, defaults={"value": value})
    for document in file_documents():
        for code, spec in document.get("lexicons", {}).items():
            _install_lexicon(lexicon_model, term_model, code, spec)
        for domain in document.get("allowed_domains", []):
            domain_model.objects.get_or_create(domain=domain)
        for network, limits in document.get("network_limits", {}).items():
            limit_model.objects.get_or_create(network=network, defaults=limits)
        for name, value in document.get("settings", {}).items():
            parameter_model.objects.get_or_create(name=name, defaults={"value": value})


def install_new_lexicon(apps, code: str) -> None:
    """Load one lexicon of the defaults files that a later version added, into a database loaded before it
    (a migration): the others are left as the communications team edited them — a term they deleted from
    an older lexicon does not come back."""
    get = lambda name: apps.get_model("calendar_app", name)  # noqa: E731
    for document in file_documents():
        spec = document.get("lexicons", {}).get(code)
        if spec is not None:
            _install_lexicon(get("CharteLexicon"), get("CharteTerm"), code, spec)
    settings_model = get("CharteSettings")
    settings_model.objects.filter(singleton=True).update(revision=models.F("revision") + 1)  # rules reload


def install_new_terms(apps, code: str, terms: list[str], *, dropped: tuple[str, ...] = ()) -> None:
    """Add ``terms`` that a later version added to the lexicon ``code`` of the defaults, and delete ``dropped``
    (terms found to do harm), in a database loaded before (a migration); the team's own edits stay."""
    get = lambda name: apps.get_model("calendar_app", name)  # noqa: E731
    lexicon = get("CharteLexicon").objects.filter(code=code).first()
    if lexicon is None:  # the team deleted the whole lexicon: it stays deleted
        return
    _install_lexicon(get("CharteLexicon"), get("CharteTerm"), code, {"terms": terms})
    get("CharteTerm").objects.filter(lexicon=lexicon, term__in=dropped).delete()
    get("CharteSettings").objects.filter(singleton=True).update(revision=models.F("revision") + 1)


def _install_lexicon(lexicon_model, term_model, code: str, spec: dict) -> None:
    """The lexicon ``code`` as ``spec`` describes it, with its missing terms (none changed or deleted)."""
    lexicon, _created = lexicon_model.objects.get_or_create(
        code=code,
        defaults={
            "name": spec.get("name", code),
            "article": spec.get("article", ""),
            "kind": spec.get("kind", "words"),
            "description": spec.get("description", ""),
        },
    )
    existing = set(term_model.objects.filter(lexicon=lexicon).values_list("term", flat=True))
    term_model.objects.bulk_create(
        term_model(lexicon=lexicon, term=term) for term in dict.fromkeys(spec.get("terms", [])) if term not in existing
    )


# The rule set in use ---------------------------------------------------------------------------

_lock = threading.Lock()
_cached: dict[str, RuleSet] = {}


def get_ruleset() -> RuleSet:
    """The rule set for the data in the database now."""
    revision = CharteSettings.current().revision
    key = f"{settings.CHARTE['VERSION']}.{revision}"
    ruleset = _cached.get(key)
    if ruleset is None:
        with _lock:
            ruleset = _cached.get(key)
            if ruleset is None:
                ruleset = build_ruleset(data_from_database(), revision=revision)
                _cached.clear()
                _cached[key] = ruleset
    return ruleset


def clear_cache() -> None:
    """Forget the rule set kept (tests start each from the data in their database)."""
    _cached.clear()


# What the rules read about one post ------------------------------------------------------------


def election_at(moment: datetime.datetime) -> ElectionPeriod | None:
    """The election period covering the local day of ``moment``, if any."""
    return ElectionPeriod.objects.covering(timezone.localdate(moment)).first()


def election_info(election: ElectionPeriod | None) -> ElectionInfo | None:
    """What names a side in ``election`` (its candidates, its parties and their aliases), as plain data."""
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


def is_outside_press_release(post: Post) -> bool:
    """Another organisation's press release (art. 5.3): said so on the post, or a press release an accredited
    organisation asks the city to relay."""
    return post.from_outside_organisation or (
        post.category == Post.Category.PRESS_RELEASE and post.origin == Post.Origin.ORGANISATION_REQUEST
    )


def press_release_authorised(post: Post) -> bool:
    """Whether someone who might authorise relaying the press release on the day they did authorised it
    (``Abilities.can_authorise_press_release``, the rule the page's button follows too)."""
    return any(
        Abilities(
            authorisation.authorised_by, on=timezone.localdate(authorisation.authorised_at)
        ).can_authorise_press_release(post)
        for authorisation in PressReleaseAuthorisation.objects.filter(post=post).select_related("authorised_by")
    )


# The versions whose texts count as "recent" on their channel (repetition, art. 5.11).
RECENT_STATUSES = (Status.SCHEDULED, Status.PUBLISHING, Status.PUBLISHED)


def recent_texts(
    post_id: int | None, channel_ids: list[int], at: datetime.datetime, *, days: int
) -> dict[int, list[str]]:
    """Texts of other posts than ``post_id`` scheduled or published on these channels within ``days`` of ``at``."""
    window = datetime.timedelta(days=days)
    rows = (
        ChannelVersion.objects.filter(
            channel_id__in=channel_ids,
            status__in=RECENT_STATUSES,
            due_at__gte=at - window,
            due_at__lte=at + window,
        )
        .exclude(post_id=post_id)
        .order_by("pk")
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


@dataclass(frozen=True)
class Draft:
    """A post as the composer holds it before it is saved: what the Charte reads of it, as plain data.

    ``versions`` holds one (channel id, network, own text) per channel; ``post_id`` names the stored post it
    stands for, if any (its own scheduled texts are not "repetitions" of it).
    """

    body: str
    category: str
    author: object = None
    origin: str = Post.Origin.INTERNAL
    versions: tuple[tuple[int, str, str], ...] = ()
    links: tuple[LinkInfo, ...] = ()
    media: tuple[MediaInfo, ...] = ()
    health_and_safety: bool = False
    has_contest_rules_document: bool = False
    outside_press_release: bool = False
    outside_press_release_authorised: bool = False
    post_id: int | None = None


def draft_of(
    post: Post,
    versions: list[ChannelVersion] | None = None,
    *,
    attached_media: list[PostMedia] | None = None,
    links: list[tuple[str, str]] | None = None,
) -> Draft:
    """The stored ``post`` as a ``Draft``; its channel versions, its attached media (with their asset) and its
    links (url, kind), if already read, in their order."""
    if versions is None:
        versions = list(post.versions.select_related("channel").order_by("pk"))
    if attached_media is None:
        attached_media = list(post.post_media.select_related("asset"))
    if links is None:
        links = list(post.links.values_list("url", "kind"))
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
        for attached in attached_media
    ]
    outside = is_outside_press_release(post)
    return Draft(
        body=post.body,
        category=post.category,
        author=post.author,
        origin=post.origin,
        versions=tuple((version.channel_id, version.channel.network, version.text_override) for version in versions),
        links=tuple(LinkInfo(url, kind) for url, kind in links),
        media=tuple(media),
        health_and_safety=post.health_and_safety,
        has_contest_rules_document=bool(post.contest_rules_document),
        outside_press_release=outside,
        outside_press_release_authorised=outside and press_release_authorised(post),
        post_id=post.pk,
    )


def context_for_post(
    post: Post, *, data: CharteData, at: datetime.datetime | None = None, replies_to_english: bool = False
) -> CheckContext:
    """The context of ``post`` as if published at ``at`` (its first due time, else now), for rules built
    with ``data``."""
    versions = list(post.versions.select_related("channel").order_by("pk"))
    if at is None:
        due_times = [version.due_at for version in versions if version.due_at]
        at = min(due_times) if due_times else requested_moment(post) or timezone.now()
    return context_for_draft(draft_of(post, versions), data=data, at=at, replies_to_english=replies_to_english)


class Lookups:
    """What a context reads of the rest of the database — the election period of a moment, what names its
    sides, whether an author takes part, the texts recently on the same channels — one query each time.
    ``BatchLookups`` answers the same from a few queries for a whole batch."""

    def election_at(self, moment: datetime.datetime) -> ElectionPeriod | None:
        return election_at(moment)

    def election_info(self, election: ElectionPeriod | None) -> ElectionInfo | None:
        return election_info(election)

    def takes_part_in_election(self, person, election: ElectionPeriod | None, day: datetime.date) -> bool:
        return takes_part_in_election(person, election, day)

    def recent_texts(
        self, post_id: int | None, channel_ids: list[int], at: datetime.datetime, *, days: int
    ) -> dict[int, list[str]]:
        return recent_texts(post_id, channel_ids, at, days=days)


def context_for_draft(
    draft: Draft,
    *,
    data: CharteData,
    at: datetime.datetime | None = None,
    replies_to_english: bool = False,
    lookups: Lookups | None = None,
) -> CheckContext:
    """The context of ``draft`` as if published at ``at`` (now by default), for rules built with ``data``."""
    at = at or timezone.now()
    lookups = lookups or Lookups()
    election = lookups.election_at(at)
    channel_ids = [channel_id for channel_id, _network, _text in draft.versions]
    return CheckContext(
        body=draft.body,
        category=draft.category,
        at=at,
        origin=draft.origin,
        versions=list(draft.versions),
        links=list(draft.links),
        media=list(draft.media),
        health_and_safety=draft.health_and_safety,
        replies_to_english=replies_to_english,
        has_contest_rules_document=draft.has_contest_rules_document,
        outside_press_release=draft.outside_press_release,
        outside_press_release_authorised=draft.outside_press_release_authorised,
        election=lookups.election_info(election),
        author_takes_part_in_election=lookups.takes_part_in_election(draft.author, election, timezone.localdate(at)),
        recent_texts_by_channel=lookups.recent_texts(
            draft.post_id, channel_ids, at, days=data.setting("repetition_window_days")
        ),
    )


class BatchLookups(Lookups):
    """``Lookups`` for a batch of posts checked together (``contexts_for_posts``): each election period,
    its sides and each author's part read once, and the recent texts of every channel of the batch, over
    all its moments, in one query."""

    def __init__(self, batch: list[tuple[Post, list[ChannelVersion], datetime.datetime]], *, days: int):
        self.elections: dict[datetime.date, ElectionPeriod | None] = {}
        self.infos: dict[int, ElectionInfo | None] = {}
        self.parts: dict[tuple, bool] = {}
        self.window = datetime.timedelta(days=days)
        moments = [at for _post, _versions, at in batch]
        channel_ids = {version.channel_id for _post, versions, _at in batch for version in versions}
        rows = ChannelVersion.objects.filter(
            channel_id__in=channel_ids,
            status__in=RECENT_STATUSES,
            due_at__gte=min(moments, default=timezone.now()) - self.window,
            due_at__lte=max(moments, default=timezone.now()) + self.window,
        ).values_list("post_id", "channel_id", "due_at", "text_override", "post__body")
        self.by_channel: dict[int, list[tuple]] = {}
        for post_id, channel_id, due_at, override, body in rows.order_by("pk"):
            self.by_channel.setdefault(channel_id, []).append((post_id, due_at, override or body))

    def election_at(self, moment):
        day = timezone.localdate(moment)
        if day not in self.elections:
            self.elections[day] = election_at(moment)
        return self.elections[day]

    def election_info(self, election):
        if election is None:
            return None
        if election.pk not in self.infos:
            self.infos[election.pk] = election_info(election)
        return self.infos[election.pk]

    def takes_part_in_election(self, person, election, day):
        key = (getattr(person, "pk", None), getattr(election, "pk", None), day)
        if key not in self.parts:
            self.parts[key] = takes_part_in_election(person, election, day)
        return self.parts[key]

    def recent_texts(self, post_id, channel_ids, at, *, days):
        assert datetime.timedelta(days=days) == self.window, "the batch read the texts of another window"
        texts: dict[int, list[str]] = {}
        for channel_id in channel_ids:
            for other_post, due_at, text in self.by_channel.get(channel_id, ()):
                if other_post != post_id and at - self.window <= due_at <= at + self.window:
                    texts.setdefault(channel_id, []).append(text)
        return texts


def contexts_for_posts(batch: list[tuple[Post, datetime.datetime]], *, data: CharteData) -> list[CheckContext]:
    """``context_for_post(post, data=data, at=at)`` for each (post, at) of ``batch``, read with a handful of
    queries for the whole batch instead of five or more per post: the publishing worker checks a burst of
    hundreds this way, right before their second. (``tests/calendar_app/charte/test_batch_contexts.py``
    holds the two equal.)"""
    post_ids = [post.pk for post, _at in batch]
    versions = _by_post(ChannelVersion.objects.filter(post_id__in=post_ids).select_related("channel").order_by("pk"))
    attached = _by_post(PostMedia.objects.filter(post_id__in=post_ids).select_related("asset"))
    links: dict[int, list[tuple[str, str]]] = {}
    for post_id, url, kind in PostLink.objects.filter(post_id__in=post_ids).values_list("post_id", "url", "kind"):
        links.setdefault(post_id, []).append((url, kind))
    lookups = BatchLookups(
        [(post, versions.get(post.pk, []), at) for post, at in batch], days=data.setting("repetition_window_days")
    )
    posts = {post.pk: post for post, _at in batch}  # a post checked at several moments is read once
    drafts = {
        pk: draft_of(post, versions.get(pk, []), attached_media=attached.get(pk, []), links=links.get(pk, []))
        for pk, post in posts.items()
    }
    return [context_for_draft(drafts[post.pk], data=data, at=at, lookups=lookups) for post, at in batch]


def _by_post(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.post_id, []).append(row)
    return grouped
