"""Tell people what happened: one in-app notification each, and an e-mail sent once the change is committed.

Each recipient reads it in their own language (French unless they chose English). A person away
on an active substitution (art. 8.3) has their substitute notified too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from calendar_app.models import Notification, Person, Post, Substitution
from calendar_app.selectors.people import active_on, post_requesters
from calendar_app.selectors.posts import posts_published_with_links
from calendar_app.workflow import Status

logger = logging.getLogger(__name__)


def _with_substitutes(recipients: Iterable[Person]) -> list[tuple[Person, Person | None]]:
    """Each recipient, then each active substitute of a recipient (with whom they stand in for), once."""
    day = timezone.localdate()
    chosen: dict[int, tuple[Person, Person | None]] = {}
    for person in recipients:
        chosen.setdefault(person.pk, (person, None))
    substitutions = Substitution.objects.filter(
        active_on(day), absent_id__in=list(chosen), substitute__is_active=True
    ).select_related("substitute", "absent")
    for substitution in substitutions:
        chosen.setdefault(substitution.substitute_id, (substitution.substitute, substitution.absent))
    return list(chosen.values())


def notify(
    *,
    recipients: Iterable[Person],
    kind: Notification.Kind,
    template: str,
    context: dict | None = None,
    post: Post | None = None,
    url: str = "",
) -> list[Notification]:
    """Notify ``recipients`` (and their substitutes) with ``template``'s subject and body, each in their language.

    ``template`` names a pair ``calendar_app/notifications/<template>_subject.txt`` and ``_body.txt``.
    The e-mails leave after the surrounding transaction commits; nothing is sent if it rolls back.
    """
    notifications, emails = [], []
    for person, on_behalf_of in _with_substitutes(recipients):
        values = {
            "recipient": person,
            "on_behalf_of": on_behalf_of,
            "post": post,
            "link": f"{settings.SITE_URL}{url}" if url else "",
            **(context or {}),
        }
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string(f"calendar_app/notifications/{template}_subject.txt", values).split())
            body = render_to_string(f"calendar_app/notifications/{template}_body.txt", values).strip()
        notifications.append(
            Notification(
                recipient=person,
                kind=kind,
                subject=subject[:300],
                body=body,
                url=url,
                post=post,
                on_behalf_of=on_behalf_of,
            )
        )
        if person.email:
            emails.append(EmailMessage(subject=subject, body=body, to=[person.email]))
    Notification.objects.bulk_create(notifications)
    if emails:
        transaction.on_commit(lambda: _send(emails))
    return notifications


def _send(emails: list[EmailMessage]) -> None:
    try:
        get_connection().send_messages(emails)
    except Exception:
        # The in-app notification is already recorded; a mail server outage must not undo a decision.
        logger.exception("Could not send %d notification e-mail(s)", len(emails))


def notification_mark_read(*, person: Person, notification_ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def notify_published(post_ids: Iterable[int]) -> None:
    """Tell the author and the requesters of each post (``post_requesters``) that it went out, with the link
    of each channel it was published on; the link of the notice opens the post's page.

    Called once per post, when its channel versions have all gone out: by the publishing worker
    (``publishing.outcomes.record_outcomes``, once its outcomes are committed) and by a person who says
    that a publication whose outcome was unknown did go out (``scheduling.version_confirm_published``,
    inside its transaction); the e-mails leave once the notices are committed.
    """
    for post in posts_published_with_links(post_ids):
        notify(
            recipients=post_requesters(post),
            # A kind of its own would need a migration of Notification.Kind; "channel" is where publication
            # notices (problems included) are filed.
            kind=Notification.Kind.CHANNEL,
            template="published",
            context={"versions": post.published, "partial": post.status == Status.PARTIALLY_PUBLISHED},
            post=post,
            url=reverse("calendar_app:post_detail", args=[post.pk]),
        )
