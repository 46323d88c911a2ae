"""Requests from services and committees (art. 9.4) and accredited organisations (art. 9.5).

A request becomes a post in "submitted", checked against the Charte, confirmed by e-mail to
the requester and announced to the communications department. Nothing in it is scheduled or
published before an approval (``calendar_app.services.posts.post_approve``).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from calendar_app.models import AccreditedOrganisation, Channel, Notification, Post, PostLink, Service
from calendar_app.selectors.people import post_requesters
from calendar_app.services.charte import CharteReport, charte_check
from calendar_app.services.media import ImageInput, attach_images
from calendar_app.services.notifications import notify
from calendar_app.services.posts import post_create, post_follow_url, post_submit


@dataclass(frozen=True)
class RequestInput:
    """What a requester fills in; the same for services, committees and organisations."""

    title: str
    body: str
    category: str
    desired_from: datetime.date
    desired_until: datetime.date | None
    channels: Sequence[Channel]
    links: Sequence[str] = ()
    contest_rules_url: str = ""  # a contest's rules (art. 5.8): their address, or
    contest_rules_document: File | None = None  # their PDF document (``validators.validate_contest_rules_pdf``)
    images: Sequence[ImageInput] = ()
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    original_post_url: str = ""
    submission_key: uuid.UUID | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Submitted:
    post: Post
    report: CharteReport
    created: bool


# What a request may never be: an emergency is the Mission Communication's (art. 6); the city's own advertising
# (a municipal programme, fee or sale, art. 5.6) is asked for by the city's services, never by an organisation.
REQUEST_REFUSED_CATEGORIES = frozenset({Post.Category.EMERGENCY})
ORGANISATION_REFUSED_CATEGORIES = REQUEST_REFUSED_CATEGORIES | {Post.Category.CITY_ADVERTISING}


def _validate(data: RequestInput, *, organisation: AccreditedOrganisation | None) -> None:
    """Every problem with the request at once, keyed by form field, in the requester's language."""
    errors: dict[str, list[str]] = {}
    if data.category in REQUEST_REFUSED_CATEGORIES:
        errors.setdefault("category", []).append(_("This kind of information cannot be requested."))
    today = timezone.localdate()
    if data.desired_from < today:
        errors.setdefault("desired_from", []).append(_("This date is already past."))
    if data.desired_until is not None and data.desired_until < data.desired_from:
        errors.setdefault("desired_until", []).append(_("The end comes before the start."))
    if not data.channels:
        errors.setdefault("channels", []).append(_("Choose at least one channel."))
    unusable = [channel for channel in data.channels if not channel.is_active]
    if organisation is not None:
        unusable += [channel for channel in data.channels if not channel.accepts_organisation_requests]
        last_day = data.desired_until or data.desired_from
        if not (organisation.is_accredited_on(data.desired_from) and organisation.is_accredited_on(last_day)):
            errors.setdefault("desired_from", []).append(
                _(
                    "%(organisation)s is accredited from %(start)s to %(end)s; the requested dates must fall inside "
                    "(art. 9.5)."
                )
                % {
                    "organisation": organisation,
                    "start": date_format(organisation.accredited_from),
                    "end": date_format(organisation.accredited_until),
                }
            )
        if data.category in ORGANISATION_REFUSED_CATEGORIES:
            errors.setdefault("category", []).append(
                _(
                    "An organisation's request cannot be the city's own advertising: the city carries no "
                    "advertising but its own (art. 5.6)."
                )
            )
        if organisation.social_accounts.exists() and not data.original_post_url:
            errors.setdefault("original_post_url", []).append(
                _(
                    "Your organisation has its own social media: publish there first and give the link of that post; "
                    "the city relays it (art. 9.5)."
                )
            )
    if unusable:
        names = ", ".join(sorted({str(channel) for channel in unusable}))
        errors.setdefault("channels", []).append(
            _("Requests cannot target these channels: %(channels)s.") % {"channels": names}
        )
    for position, image in enumerate(data.images, start=1):
        if image.shows_identifiable_persons and not image.consent_obtained:
            errors.setdefault("images", []).append(
                _("Image %(position)d shows identifiable persons: their consent is required (art. 5.9).")
                % {"position": position}
            )
    if errors:
        raise ValidationError(errors)


def _contest_rules_link(data: RequestInput) -> list[tuple[str, str]]:
    return [(data.contest_rules_url, PostLink.Kind.CONTEST_RULES)] if data.contest_rules_url else []


def request_submit(
    *,
    requester,
    data: RequestInput,
    service: Service | None = None,
    organisation: AccreditedOrganisation | None = None,
) -> Submitted:
    """Create, check and submit one request for ``service`` or ``organisation`` (exactly one of them).

    Sending the same form twice (same ``submission_key``) returns the post of the first sending,
    with ``created`` false. Raises ``ValidationError`` (keyed by field) or ``PermissionRefused``;
    in either case nothing is saved.
    """
    if (service is None) == (organisation is None):
        raise ValueError("A request comes from exactly one service or one organisation.")
    if data.submission_key is not None:
        existing = Post.objects.filter(submission_key=data.submission_key).first()
        if existing is not None:
            return Submitted(existing, charte_check(post=existing), created=False)
    _validate(data, organisation=organisation)
    origin = Post.Origin.SERVICE_REQUEST if service is not None else Post.Origin.ORGANISATION_REQUEST
    try:
        with transaction.atomic():
            post = post_create(
                author=requester,
                title=data.title,
                category=data.category,
                body=data.body,
                channels=data.channels,
                origin=origin,
                links=[
                    *data.links,
                    *([(data.contest_rules_url, PostLink.Kind.CONTEST_RULES)] if data.contest_rules_url else []),
                ],
                requesting_service=service,
                requesting_organisation=organisation,
                desired_from=data.desired_from,
                desired_until=data.desired_until,
                contact_name=data.contact_name,
                contact_email=data.contact_email,
                contact_phone=data.contact_phone,
                original_post_url=data.original_post_url,
                submission_key=data.submission_key,
                contest_rules_document=data.contest_rules_document or "",
                **data.extra,
            )
            attach_images(post, data.images, uploader=requester)
            post_submit(post=post, actor=requester)
            report = charte_check(post=post)
            notify(
                recipients=post_requesters(post),
                kind=Notification.Kind.REQUEST_RECEIVED,
                template="request_received",
                context={"blocks": report.blocks},
                post=post,
                url=post_follow_url(post),
            )
    except IntegrityError:
        # The same form, sent twice at once: the other sending won.
        existing = Post.objects.filter(submission_key=data.submission_key).first() if data.submission_key else None
        if existing is None:
            raise
        return Submitted(existing, charte_check(post=existing), created=False)
    return Submitted(post, report, created=True)
