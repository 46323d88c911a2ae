"""A person's calendar subscription (iCal): its secret token, given, renewed and revoked — each recorded in
the audit log. Whoever may see the editorial calendar may subscribe to it (``Abilities.can_plan``)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from calendar_app.models import CalendarFeed, Person
from calendar_app.services.audit import audit_record

# 32 random bytes, URL-safe: 43 characters no one guesses.
TOKEN_BYTES = 32


def feed_renew(*, person: Person, actor: Person) -> CalendarFeed:
    """Give ``person`` a new secret token: the address with the old one (if any) stops working at once."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            person=person, defaults={"token": secrets.token_urlsafe(TOKEN_BYTES)}
        )
        if not created:
            feed.token, feed.created_at = secrets.token_urlsafe(TOKEN_BYTES), timezone.now()
            feed.save(update_fields=["token", "created_at"])
        audit_record(actor=actor, action="calendar_feed_created" if created else "calendar_feed_renewed", target=feed)
    return feed


def feed_revoke(*, person: Person, actor: Person) -> bool:
    """Take ``person``'s subscription away; False if there was none."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
        if feed is None:
            return False
        audit_record(actor=actor, action="calendar_feed_revoked", target=feed)
        feed.delete()
    return True


def feed_owner(token: str) -> Person | None:
    """The active person whose subscription holds ``token``, if any."""
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.select_related("person").filter(token=token, person__is_active=True).first()
    return feed.person if feed is not None else None
