"""Small builders for test data; each test asks only for what it needs."""

from __future__ import annotations

import itertools

from django.utils import timezone

from calendar_app.models import (
    AccreditedOrganisation,
    Channel,
    ChannelProfileConfirmation,
    Person,
    Role,
    RoleAssignment,
    Service,
)
from calendar_app.services.posts import post_create

_numbers = itertools.count(1)


def person(**fields) -> Person:
    number = next(_numbers)
    fields.setdefault("username", f"person{number}")
    fields.setdefault("first_name", "Camille")
    fields.setdefault("last_name", f"Tremblay{number}")
    return Person.objects.create_user(**fields)


def service(**fields) -> Service:
    number = next(_numbers)
    fields.setdefault("name", f"Service {number}")
    fields.setdefault("slug", f"service-{number}")
    return Service.objects.create(**fields)


def organisation(**fields) -> AccreditedOrganisation:
    number = next(_numbers)
    today = timezone.localdate()
    fields.setdefault("name", f"Organisme {number}")
    fields.setdefault("slug", f"organisme-{number}")
    fields.setdefault("accredited_from", today.replace(month=1, day=1))
    fields.setdefault("accredited_until", today.replace(year=today.year + 1, month=12, day=31))
    return AccreditedOrganisation.objects.create(**fields)


def channel(network: str = "facebook", *, profile_checked: bool = True, **fields) -> Channel:
    """A channel, authorised by the Direction générale unless ``authorised_by``/``authorised_at`` say otherwise,
    its profile checklist complete (art. 5.10, 9.1) unless ``profile_checked`` is False."""
    number = next(_numbers)
    if "authorised_by" not in fields and "authorised_at" not in fields:
        fields["authorised_by"], fields["authorised_at"] = person(), timezone.now()
    fields.setdefault("name", f"Ville — {network}")
    fields.setdefault("handle", f"@ville{number}")
    fields.setdefault("url", f"https://example.org/ville{number}")
    created = Channel.objects.create(network=network, **fields)
    if profile_checked and created.profile_items():
        checker = person()
        ChannelProfileConfirmation.objects.bulk_create(
            ChannelProfileConfirmation(channel=created, item=item, confirmed_by=checker, confirmed_at=timezone.now())
            for item in created.profile_items()
        )
    return created


def role(person_: Person, role_: Role, **fields) -> RoleAssignment:
    return RoleAssignment.objects.create(person=person_, role=role_, **fields)


def holder(role_: Role, *, service=None, organisation=None, channels=()) -> Person:
    """A new person holding ``role_``, scoped as the role needs: a service, an organisation, or channels."""
    someone = person()
    scope = {}
    if role_ in (Role.SERVICE_DIRECTOR, Role.SERVICE_MEMBER):
        scope = {"service": service}
    elif role_ == Role.ORGANISATION_REPRESENTATIVE:
        scope = {"organisation": organisation}
    assignment = role(someone, role_, **scope)
    if role_ == Role.PUBLISHER:
        assignment.channels.add(*channels)
    return someone


def reviewer(**fields) -> Person:
    """A member of the communications department, who reviews, schedules and writes without review."""
    someone = person(**fields)
    role(someone, Role.COMMUNICATIONS)
    return someone


def post(author: Person | None = None, channels=(), **fields):
    """A post in draft; its author is a member of the communications department unless given."""
    fields.setdefault("title", "Collecte des feuilles")
    fields.setdefault("category", "public_interest")
    fields.setdefault("body", "La collecte des feuilles aura lieu le 3 novembre.")
    return post_create(author=author or reviewer(), channels=channels, **fields)


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 85, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def image_upload(name: str = "image.png", size: tuple[int, int] = (8, 8)):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def media(uploaded_by: Person, **fields):
    from calendar_app.models import MediaAsset

    fields.setdefault("title", "Affiche de la fête")
    return MediaAsset.objects.create(file=image_upload("affiche.png", (40, 30)), uploaded_by=uploaded_by, **fields)


def post_to_verify(author: Person | None = None, channels=(), *, published=(), error: str = "", since=None, **fields):
    """A post that went out on the channels of ``published`` and whose outcome is unknown on its other channels
    (issue 14), taken there through the workflow's own moves as the publishing worker takes it: approved,
    scheduled half an hour ago, publishing, then each version published or to verify (``unverified_since``
    ``since``, its ``last_error`` ``error``, its tries used up), and the post to verify."""
    import datetime

    from calendar_app.services.workflow import post_transition, version_transition
    from calendar_app.workflow import Status

    made = post(author, channels, **fields)
    due = timezone.now() - datetime.timedelta(minutes=30)
    for target in (Status.APPROVED, Status.SCHEDULED, Status.PUBLISHING):
        for version in made.versions.order_by("pk"):
            version_transition(
                version=version, target=target, actor=None, **({"due_at": due} if target == Status.SCHEDULED else {})
            )
        post_transition(post=made, target=target, actor=None)
    published_ids = {channel.pk for channel in published}
    for version in made.versions.order_by("pk"):
        if version.channel_id in published_ids:
            version_transition(
                version=version,
                target=Status.PUBLISHED,
                actor=None,
                published_at=due,
                external_id=f"found-{version.pk}",
                external_url=f"https://example.org/publication/{version.pk}",
            )
        else:
            version_transition(
                version=version,
                target=Status.TO_VERIFY,
                actor=None,
                unverified_since=since or due,
                last_error=error or "Le réseau n'a pas répondu (délai dépassé) ; la recherche ne l'a pas trouvée.",
                attempts=6,
            )
    post_transition(post=made, target=Status.TO_VERIFY, actor=None)
    made.refresh_from_db()
    return made
