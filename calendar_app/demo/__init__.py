"""Load a municipality's demo data — the Ville de Montmagny's by default — idempotently.

``load_demo`` guarantees, in one transaction:
- every row is looked up by its natural key (a slug, a username, a source_uid, a network and
  handle, a polling day...) and created only when absent; an existing row is never changed,
  so an administrator's edits survive a second load, and a demo password is set only when
  its user is created;
- posts are created and moved only through ``calendar_app.services.posts``, so their audit
  log is real; a post already present (same ``source_uid``) is left alone, with no new audit
  entry;
- dates are computed from today in the municipality's time zone, when a row is first created;
- one post falls due within the first minute after the load (``FIRST_MINUTE_POST``), so that whoever
  starts the demo sees a publication go out; a load while such a post is still waiting creates none.
It assumes the database is migrated. It refuses (``DemoDataConflict``) when the database
already serves another municipality.
"""

from __future__ import annotations

import datetime
import io
import re
import textwrap
import types
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import icalendar
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import dateformat, timezone, translation
from PIL import Image, ImageDraw, ImageFont

from calendar_app.demo import montmagny
from calendar_app.models import (
    AccreditedOrganisation,
    Approval,
    AuditEntry,
    CalendarFeed,
    Candidate,
    Channel,
    ChannelProfileConfirmation,
    ChannelVersion,
    ClosureDay,
    ElectionPeriod,
    EventSource,
    FollowedAccountsCheck,
    ImportedEvent,
    MediaAsset,
    Municipality,
    NetworkLimit,
    OfficeHours,
    OfficialContact,
    OrganisationSocialAccount,
    OtherCommunication,
    Party,
    Person,
    Post,
    PostLink,
    PostMedia,
    Role,
    RoleAssignment,
    Service,
    Substitution,
    WarningAcknowledgement,
)
from calendar_app.permissions import Abilities
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.calendar_feeds import feed_renew
from calendar_app.services.ical_import import events_import
from calendar_app.services.other_communications import OtherCommunicationInput, other_communication_create
from calendar_app.workflow import Status

# The local stand-ins that `make run` starts: the sandbox that plays every network, and the site.
SANDBOX_API_BASE_URL = "http://127.0.0.1:8700/{network}"
# Where the demo is used (make run): the interface, the admin, and what the networks received.
SITE_URL = "http://127.0.0.1:8000/"
ADMIN_URL = f"{SITE_URL}admin/"

# Rows the post services create along with the posts; the report counts them too.
_SERVICE_MADE = (
    Post,
    ChannelVersion,
    PostLink,
    Approval,
    AuditEntry,
    WarningAcknowledgement,
    OtherCommunication,
    ImportedEvent,
    CalendarFeed,
)
_REVIEWED = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.REFUSED})
_LOADABLE = _REVIEWED | {Status.DRAFT, Status.APPROVED, Status.SCHEDULED, Status.PUBLISHED}


class DemoDataConflict(Exception):
    """The database already holds data the demo must not mix with."""


@dataclass
class DemoReport:
    """How many rows of each kind a load created, in the order it created them."""

    created: Counter = field(default_factory=Counter)
    # The post due within the first minute, when this load created it, and its due time (local).
    first_minute_post: Post | None = None
    first_minute_at: datetime.datetime | None = None

    def __bool__(self) -> bool:
        return any(self.created.values())

    def summary(self) -> str:
        if not self:
            return "Nothing to do: the demo data is already loaded."
        lines = [f"  {model._meta.verbose_name_plural}: {count}" for model, count in self.created.items() if count]
        if self.first_minute_post is not None:
            lines.append(
                f"A demo post goes out at {self.first_minute_at:%H:%M:%S} on the networks' sandbox: "
                f"“{self.first_minute_post.title}”."
            )
        return "\n".join(["Created:", *lines])


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def demo_logins(data: types.ModuleType = montmagny) -> list[DemoLogin]:
    return [DemoLogin(spec["username"], data.DEMO_PASSWORD, str(Role(spec["role"]).label)) for spec in data.PEOPLE]


def logins_table(logins: list[DemoLogin]) -> str:
    """One line per log-in: username, password, role, in aligned columns."""
    width = max(len(login.username) for login in logins)
    return "\n".join(f"  {login.username:<{width}}  {login.password}  {login.role}" for login in logins)


def email_destination() -> str:
    """Where the e-mails Vitrine sends go with the current settings, said plainly (for the demo's commands)."""
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "filebased":
        return f"written as files in {Path(settings.EMAIL_FILE_PATH).resolve()}/ (not sent)"
    if backend == "console":
        return "printed on this console"
    if backend == "smtp":
        return f"sent through the SMTP server {settings.EMAIL_HOST}"
    if backend == "locmem":
        return "kept in memory (tests)"
    return f"handed to {settings.EMAIL_BACKEND}"


def load_demo(*, data: types.ModuleType = montmagny) -> DemoReport:
    """Load ``data``: ``calendar_app.demo.montmagny``, or a module of the same shape for another municipality."""
    with transaction.atomic():
        return _Loader(data, timezone.now()).run()


def next_general_polling_day(today: datetime.date, rule: dict) -> datetime.date:
    """The polling day of the first general election on or after ``today`` under ``rule``.

    ``rule`` names the first election year, the years between two elections, the month, the
    weekday (0 = Monday) and its occurrence in the month (1 = the first).
    """
    year = rule["first_year"]
    while (polling_day := _nth_weekday(year, rule["month"], rule["weekday"], rule["occurrence"])) < today:
        year += rule["every_years"]
    return polling_day


@dataclass(frozen=True)
class HolidayClosure:
    first: datetime.date
    last: datetime.date
    closed_days: list[datetime.date]
    reopens_on: datetime.date


def holiday_closure(today: datetime.date, closure: dict, open_weekdays: set[int]) -> HolidayClosure:
    """The holiday closure window nearest ``today``: its working days that are not statutory
    holidays (the closure days to record), and the first working day after it."""
    first, last = _nearest_window(today, closure["first"], closure["last"])
    statutory = holidays.country_holidays(**closure["statutory_holidays"], years={first.year, last.year})

    def is_working_day(day: datetime.date) -> bool:
        return day.weekday() in open_weekdays and day not in statutory

    window = (first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1))
    reopens_on = last + datetime.timedelta(days=1)
    while not is_working_day(reopens_on):
        reopens_on += datetime.timedelta(days=1)
    return HolidayClosure(first, last, [day for day in window if is_working_day(day)], reopens_on)


def _nth_weekday(year: int, month: int, weekday: int, occurrence: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (occurrence - 1))


def _nearest_window(today: datetime.date, first: tuple[int, int], last: tuple[int, int]):
    """The yearly window from ``first`` to ``last`` (month, day), possibly across New Year, nearest ``today``."""
    windows = []
    for year in (today.year - 1, today.year, today.year + 1):
        starts = datetime.date(year, *first)
        ends = datetime.date(year + (last < first), *last)
        distance = 0 if starts <= today <= ends else min(abs((starts - today).days), abs((ends - today).days))
        windows.append((distance, starts, ends))
    _, starts, ends = min(windows)
    return starts, ends


# Plain spaces and apostrophes of the data, set in French typography. Phone numbers keep their
# plain space: the personal-data check recognises the official contacts by their exact value.
_FRENCH_TYPOGRAPHY = [
    (re.compile(r"'"), "\u2019"),
    (re.compile(r" ([;!?])"), "\u202f\\1"),
    (re.compile(r" ([:%»])"), "\u00a0\\1"),
    (re.compile(r"« "), "«\u00a0"),
    (re.compile(r"(\d) (h|km)\b"), "\\1\u00a0\\2"),
]


def _poster_png(title: str, colour: str) -> bytes:
    """A 1080 × 1080 poster: the title in white on the city's colour."""
    image = Image.new("RGB", (1080, 1080), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=64)
    # Pillow's built-in font has no em dash: a hyphen stands in for it on the poster (its alt text keeps it).
    lines = textwrap.wrap(title.replace("\u2014", "-"), width=24)[:6]
    top = 540 - 40 * len(lines)
    for number, line in enumerate(lines):
        draw.text((540, top + 80 * number), line, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _french_typography(text: str) -> str:
    for pattern, replacement in _FRENCH_TYPOGRAPHY:
        text = pattern.sub(replacement, text)
    return text


class _Loader:
    def __init__(self, data: types.ModuleType, now: datetime.datetime):
        self.data = data
        self.now = now
        self.report = DemoReport()
        self.services: dict[str, Service] = {}
        self.organisations: dict[str, AccreditedOrganisation] = {}
        self.people: dict[str, Person] = {}
        self.channels: dict[str, Channel] = {}

    def run(self) -> DemoReport:
        before = {model: model.objects.count() for model in _SERVICE_MADE}
        self.municipality = self._load_municipality()
        self.zone = ZoneInfo(self.municipality.time_zone)
        self.today = timezone.localdate(self.now, timezone=self.zone)
        # Networks that publish only with an image (the Charte's data): their posts get a poster.
        self.image_networks = set(NetworkLimit.objects.filter(image_required=True).values_list("network", flat=True))
        self._load_office_hours_and_closures()
        self._load_services()
        self._load_organisations()
        self._load_people()
        self._load_channels()
        self._load_role_assignments()
        self._load_substitution()
        self._load_election()
        self._load_posts()
        self._load_other_communications()
        self._load_events_calendar()
        self._load_calendar_subscription()
        self._load_first_minute_post()
        for model, count in before.items():
            self.report.created[model] += model.objects.count() - count
        return self.report

    # Rows ------------------------------------------------------------------------------------

    def _ensure(self, model: type[models.Model], lookup: dict, **defaults) -> tuple[models.Model, bool]:
        instance = model.objects.filter(**lookup).first()
        if instance is not None:
            return instance, False
        return self._create(model(**lookup, **defaults)), True

    def _create(self, instance: models.Model) -> models.Model:
        instance.full_clean()
        instance.save()
        self.report.created[type(instance)] += 1
        return instance

    def _day(self, days_from_today: int) -> datetime.date:
        return self.today + datetime.timedelta(days=days_from_today)

    # Municipality ----------------------------------------------------------------------------

    def _load_municipality(self) -> Municipality:
        fields = self.data.MUNICIPALITY
        existing = Municipality.objects.first()
        if existing is not None and existing.name != fields["name"]:
            raise DemoDataConflict(
                f"This database already serves {existing.name}; the demo data of {fields['name']} is not loaded."
            )
        municipality, _ = self._ensure(Municipality, {"singleton": True}, **fields)
        for kind, value, label in self.data.OFFICIAL_CONTACTS:
            self._ensure(OfficialContact, {"municipality": municipality, "kind": kind, "value": value}, label=label)
        return municipality

    def _load_office_hours_and_closures(self) -> None:
        for weekday, opens_at, closes_at in self.data.OFFICE_HOURS:
            self._ensure(
                OfficeHours,
                {
                    "municipality": self.municipality,
                    "weekday": weekday,
                    "opens_at": datetime.time.fromisoformat(opens_at),
                },
                closes_at=datetime.time.fromisoformat(closes_at),
            )
        open_weekdays = {weekday for weekday, _, _ in self.data.OFFICE_HOURS}
        self.closure = holiday_closure(self.today, self.data.HOLIDAY_CLOSURE, open_weekdays)
        for day in self.closure.closed_days:
            self._ensure(
                ClosureDay, {"municipality": self.municipality, "date": day}, label=self.data.HOLIDAY_CLOSURE["label"]
            )

    # Services, organisations, people, channels ------------------------------------------------

    def _load_services(self) -> None:
        for spec in self.data.SERVICES:
            self.services[spec["slug"]], _ = self._ensure(
                Service,
                {"slug": spec["slug"]},
                name=spec["name"],
                kind=spec.get("kind", Service.Kind.SERVICE),
                parent=self.services[spec["parent"]] if spec.get("parent") else None,
            )

    def _load_organisations(self) -> None:
        for spec in self.data.ORGANISATIONS:
            organisation, _ = self._ensure(
                AccreditedOrganisation,
                {"slug": spec["slug"]},
                name=spec["name"],
                email=spec.get("email", ""),
                website=spec.get("website", ""),
                accredited_from=datetime.date(self.today.year - spec["accredited_years_before"], 1, 1),
                accredited_until=datetime.date(self.today.year + spec["accredited_years_after"], 12, 31),
            )
            for network, url in spec.get("social_accounts", ()):
                self._ensure(OrganisationSocialAccount, {"organisation": organisation, "url": url}, network=network)
            self.organisations[spec["slug"]] = organisation

    def _load_people(self) -> None:
        for spec in self.data.PEOPLE:
            person = Person.objects.filter(username=spec["username"]).first()
            if person is None:
                person = Person(
                    username=spec["username"],
                    first_name=spec["first_name"],
                    last_name=spec["last_name"],
                    email=f"{spec['username']}@{self.data.DEMO_EMAIL_DOMAIN}",
                    job_title=spec.get("job_title", ""),
                    is_staff=spec.get("is_staff", False),
                    is_superuser=spec.get("is_superuser", False),
                )
                person.set_password(self.data.DEMO_PASSWORD)
                self._create(person)
            self.people[spec["username"]] = person
        self.by_role = {Role(spec["role"]): self.people[spec["username"]] for spec in self.data.PEOPLE}
        self.direction_generale = self.by_role[Role.DIRECTION_GENERALE]
        self.reviewer = self.by_role[Role.COMMUNICATIONS]

    def _load_channels(self) -> None:
        for spec in self.data.CHANNELS:
            network = spec["network"]
            self.channels[network], created = self._ensure(
                Channel,
                {"network": network, "handle": spec["handle"]},
                name=spec.get("name", self.data.CHANNEL_NAME),
                url=spec["url"],
                authorised_by=self.direction_generale,
                authorised_at=self.now,
                emergency_enabled=spec.get("emergency_enabled", False),
                api_base_url=SANDBOX_API_BASE_URL.format(network=network),
            )
            if created:
                self.channels[network].set_credentials(self.data.SANDBOX_CREDENTIALS[network])
                self.channels[network].save(update_fields=["credentials_encrypted"])
            # The communications department checked each profile (art. 5.10, 9.1).
            for item in self.channels[network].profile_items():
                self._ensure(
                    ChannelProfileConfirmation,
                    {"channel": self.channels[network], "item": item},
                    confirmed_by=self.reviewer,
                    confirmed_at=self.now,
                )

    def _load_role_assignments(self) -> None:
        for spec in self.data.PEOPLE:
            person = self.people[spec["username"]]
            assignment, created = self._ensure(
                RoleAssignment,
                {
                    "person": person,
                    "role": spec["role"],
                    "service": self.services.get(spec.get("service")),
                    "organisation": self.organisations.get(spec.get("organisation")),
                },
                starts_on=self._day(-self.data.ROLES_SINCE_DAYS),
                designated_by=None if person == self.direction_generale else self.direction_generale,
            )
            if created:
                assignment.channels.set([self.channels[network] for network in spec.get("channels", ())])

    def _load_substitution(self) -> None:
        spec = self.data.SUBSTITUTION
        starts_on = self._day(spec["starts_in_days"])
        self._ensure(
            Substitution,
            {
                "absent": self.people[spec["absent"]],
                "substitute": self.people[spec["substitute"]],
                "role": spec["role"],
            },
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=spec["lasts_days"] - 1),
            reason=spec.get("reason", ""),
            designated_by=self.direction_generale,
        )

    def _load_election(self) -> None:
        rule = self.data.GENERAL_ELECTIONS
        polling_day = next_general_polling_day(self.today, rule)
        election, _ = self._ensure(
            ElectionPeriod,
            {"polling_day": polling_day},
            name=rule["name"].format(year=polling_day.year),
            starts_on=ElectionPeriod.starts_on_for(polling_day, self.municipality.election_period_days),
            ends_on=polling_day,
            declared_by=self.direction_generale,
        )
        parties = {}
        for spec in self.data.PARTIES:
            parties[spec["name"]], _ = self._ensure(
                Party,
                {"election": election, "name": spec["name"]},
                aliases=spec.get("aliases", ""),
                social_accounts=spec.get("social_accounts", ""),
            )
        for spec in self.data.CANDIDATES:
            self._ensure(
                Candidate,
                {"election": election, "full_name": spec["full_name"]},
                party=parties.get(spec.get("party")),
                position=spec["position"],
                person=self.people.get(spec.get("person")),
                social_accounts=spec.get("social_accounts", ""),
            )
        self._load_followed_accounts_checks(election)

    def _load_followed_accounts_checks(self, election: ElectionPeriod) -> None:
        """Whom the channels follow (art. 7), checked by the communications department."""
        for spec in getattr(self.data, "FOLLOWED_ACCOUNTS_CHECKS", ()):
            flagged = spec.get("flagged", [])
            outcome = FollowedAccountsCheck.Outcome.FLAGGED if flagged else FollowedAccountsCheck.Outcome.CLEAR
            by_hand = "accounts_count" not in spec
            self._ensure(
                FollowedAccountsCheck,
                {"channel": self.channels[spec["network"]], "election": election},
                method=FollowedAccountsCheck.Method.CONFIRMED if by_hand else FollowedAccountsCheck.Method.FETCHED,
                outcome=outcome,
                checked_by=self.reviewer,
                checked_at=self.now,
                accounts_count=spec.get("accounts_count"),
                flagged=flagged,
                note=spec.get("note", ""),
            )

    # Posts -----------------------------------------------------------------------------------

    def _load_posts(self) -> None:
        existing = set(Post.objects.filter(source_uid__startswith="demo:").values_list("source_uid", flat=True))
        for spec in self.data.POSTS:
            source_uid = f"demo:{spec['key']}"
            if source_uid not in existing:
                self._create_post(spec, source_uid)

    def _load_other_communications(self) -> None:
        """The plan's other tools (newsletter, website, print, screens), through their service (audited)."""
        existing = set(OtherCommunication.objects.values_list("title", flat=True))
        for spec in getattr(self.data, "OTHER_COMMUNICATIONS", ()):
            title = _french_typography(spec["title"])
            if title in existing:
                continue
            until = spec.get("until")
            other_communication_create(
                actor=self.reviewer,
                data=OtherCommunicationInput(
                    title=title,
                    kind=spec["kind"],
                    starts_at=self._moment(spec["day"], spec["at"]),
                    ends_at=self._moment(*until) if until else None,
                    category=spec.get("category", ""),
                    requesting_service=self.services.get(spec.get("service")),
                    notes=_french_typography(spec.get("notes", "")),
                ),
            )

    def _load_events_calendar(self) -> None:
        """The city's events calendar (art. 5.5) imported as drafts through its service; a second load finds
        every occurrence imported already and changes nothing."""
        spec = getattr(self.data, "EVENTS_CALENDAR", None)
        if spec is None:
            return
        channels = [self.channels[network] for network in spec["channels"]]
        source, created = self._ensure(
            EventSource,
            {"url": spec["url"]},
            name=spec["name"],
            is_active=False,
            created_by=self.reviewer,
        )
        if created:
            source.channels.set(channels)
        events_import(data=self._events_ics(spec["events"]), actor=self.reviewer, channels=channels, source=source)

    def _events_ics(self, events: list[dict]) -> bytes:
        """The events as the website's calendar would publish them (written by ``icalendar``)."""
        calendar = icalendar.Calendar()
        calendar.add("version", "2.0")
        calendar.add("prodid", "-//Ville de Montmagny//Evenements//FR")
        for spec in events:
            event = icalendar.Event()
            event.add("uid", spec["uid"])
            event.add("dtstart", self._moment(spec["day"], spec["at"]) if "at" in spec else self._day(spec["day"]))
            if "weekly" in spec:
                event.add("rrule", {"freq": "weekly", "count": spec["weekly"]})
            for name in ("summary", "location", "description", "url"):
                if name in spec:
                    event.add(name, spec[name])
            calendar.add_component(event)
        calendar.add_missing_timezones()
        return calendar.to_ical()

    def _load_calendar_subscription(self) -> None:
        """The communications adviser's calendar subscription address (their profile shows it)."""
        if not CalendarFeed.objects.filter(person=self.reviewer).exists():
            feed_renew(person=self.reviewer, actor=self.reviewer)

    def _moment(self, days_from_today: int, local_time: str) -> datetime.datetime:
        return datetime.datetime.combine(
            self._day(days_from_today), datetime.time.fromisoformat(local_time), tzinfo=self.zone
        )

    def _load_first_minute_post(self) -> None:
        """A post due ``in_seconds`` from now, unless one made by an earlier load is still waiting to go out
        (then a second load in a row changes nothing)."""
        spec = getattr(self.data, "FIRST_MINUTE_POST", None)
        if spec is None:
            return
        prefix = f"demo:{spec['key']}:"
        waiting = ChannelVersion.objects.filter(
            post__source_uid__startswith=prefix, status=Status.SCHEDULED, due_at__gt=self.now
        )
        if waiting.exists():
            return
        post = self._create_post({**spec, "status": Status.SCHEDULED}, f"{prefix}{self.now:%Y%m%dT%H%M%S}")
        self.report.first_minute_post = post
        due_at = post.versions.values_list("due_at", flat=True).first()
        self.report.first_minute_at = timezone.localtime(due_at, self.zone)

    def _create_post(self, spec: dict, source_uid: str) -> Post:
        """Create one post through the services and move it to ``spec["status"]`` as people would."""
        target = Status(spec["status"])
        if target not in _LOADABLE:
            raise ValueError(f"Demo post {spec['key']!r}: the loader cannot bring a post to {target!r}.")
        author = self.people[spec["author"]]
        requester = {}
        origin = Post.Origin.INTERNAL
        if spec.get("service"):
            origin, requester = Post.Origin.SERVICE_REQUEST, {"requesting_service": self.services[spec["service"]]}
        elif spec.get("organisation"):
            origin = Post.Origin.ORGANISATION_REQUEST
            requester = {"requesting_organisation": self.organisations[spec["organisation"]]}
        desired_from, desired_until = spec.get("desired", (None, None))
        post = post_services.post_create(
            author=author,
            title=_french_typography(spec["title"]),
            category=spec["category"],
            body=_french_typography(spec["body"].format(**self._dates_for(spec))),
            channels=[self.channels[network] for network in spec.get("channels", ())],
            version_texts={
                self.channels[network]: _french_typography(text.format(**self._dates_for(spec)))
                for network, text in spec.get("versions", {}).items()
            },
            origin=origin,
            links=spec.get("links", ()),
            source_uid=source_uid,
            health_and_safety=spec.get("health_and_safety", False),
            desired_from=None if desired_from is None else self._day(desired_from),
            desired_until=None if desired_until is None else self._day(desired_until),
            original_post_url=spec.get("original_post_url", ""),
            **requester,
        )
        if spec.get("poster") or self.image_networks & set(spec.get("channels", ())):
            self._attach_poster(post, author)
        if target == Status.DRAFT:
            return post
        # 1. Requests, posts of publishers whose role needs review (art. 8.4), and anything meant to
        # stop in review, go through the communications department.
        reviewed = origin != Post.Origin.INTERNAL or Abilities(author).internal_posts_need_review()
        if reviewed or target in _REVIEWED:
            post_services.post_submit(post=post, actor=author)
            if target == Status.SUBMITTED:
                return post
            post_services.post_start_review(post=post, reviewer=self.reviewer)
            if target == Status.IN_REVIEW:
                return post
            if target == Status.CHANGES_REQUESTED:
                post_services.post_request_changes(post=post, reviewer=self.reviewer, reasons=spec["reasons"])
                for username, body in spec.get("messages", ()):
                    post_services.post_add_message(post=post, author=self.people[username], body=body)
                return post
            if target == Status.REFUSED:
                post_services.post_refuse(post=post, reviewer=self.reviewer, reasons=spec["reasons"])
                return post
        # 2. A post of a role that needs no review (art. 8.4) is approved by its author.
        scheduler = self.reviewer if reviewed else author
        post_services.post_approve(post=post, reviewer=scheduler, acknowledge_warnings=True)
        if target == Status.APPROVED:
            return post
        # 3. Every channel version goes out at the same time.
        due_at = self._due_at(spec)
        scheduling.post_schedule(
            post=post, actor=scheduler, timing=scheduling.Timing(default=due_at), acknowledge_warnings=True
        )
        versions = list(post.versions.select_related("channel").order_by("pk"))
        if target == Status.SCHEDULED:
            return post
        # 4. What the publishing worker does when the sandbox answers.
        for version in versions:
            external_id = f"demo-{version.pk}"
            post_services.version_start_publishing(version=version)
            post_services.version_record_published(
                version=version,
                external_id=external_id,
                external_url=f"{version.channel.effective_api_base_url.rstrip('/')}/posts/{external_id}",
                published_at=due_at,
            )
        return post

    def _attach_poster(self, post: Post, author: Person) -> None:
        """A poster for networks that publish only with an image, credited as art. 5.9 asks."""
        poster = self.data.POSTER
        name = f"{post.source_uid.replace(':', '-')}.png"
        asset = self._create(
            MediaAsset(
                file=ContentFile(_poster_png(post.title, poster["colour"]), name=name),
                title=post.title,
                alt_text=poster["alt_text"].format(title=post.title),
                credit=poster["credit"],
                rights_statement=poster["rights_statement"],
                uploaded_by=author,
            )
        )
        self._create(PostMedia(post=post, asset=asset))

    def _due_at(self, spec: dict) -> datetime.datetime:
        if "in_seconds" in spec:  # from the moment it is scheduled: a long load does not make it late
            return timezone.now() + datetime.timedelta(seconds=spec["in_seconds"])
        if "in_minutes" in spec:
            return self.now + datetime.timedelta(minutes=spec["in_minutes"])
        local_time = datetime.time.fromisoformat(spec["at"])
        return datetime.datetime.combine(self._day(spec["day"]), local_time, tzinfo=self.zone)

    def _dates_for(self, spec: dict) -> dict[str, str]:
        dates = {"closure_first": self.closure.first, "reopening": self.closure.reopens_on}
        for name, when in spec.get("dates", {}).items():
            if isinstance(when, int):
                dates[name] = self._day(when)
            else:
                day = self._day(when["in_days"])
                dates[name] = day + datetime.timedelta(days=(when["weekday"] - day.weekday()) % 7)
        return {name: self._spell_date(day) for name, day in dates.items()}

    def _spell_date(self, day: datetime.date) -> str:
        """« samedi 5 décembre », « mardi 1er décembre »: in the language of the posts."""
        with translation.override(self.data.LANGUAGE_CODE):
            weekday, month = dateformat.format(day, "l"), dateformat.format(day, "F")
        return f"{weekday} {'1er' if day.day == 1 else day.day} {month}"
