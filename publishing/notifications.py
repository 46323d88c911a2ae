"""Never silently: who is told when a publication fails or a channel must be reconnected."""

from __future__ import annotations

from django.urls import reverse

from calendar_app.models import Channel, ChannelVersion, Notification
from calendar_app.models.people import Role
from calendar_app.selectors.people import people_with_roles
from calendar_app.services.notifications import notify


def channel_to_reconnect(channel: Channel, message: str) -> None:
    """Stop every attempt on ``channel`` until it is reconnected, and tell the communications team."""
    if Channel.objects.filter(pk=channel.pk, connection=Channel.Connection.CONNECTED).update(
        connection=Channel.Connection.TO_RECONNECT
    ):
        notify(
            recipients=people_with_roles(Role.COMMUNICATIONS),
            kind=Notification.Kind.CHANNEL,
            template="channel_to_reconnect",
            context={"channel": channel, "message": message},
            url=reverse("publishing:status"),
        )


def notify_publication_problem(version: ChannelVersion, message: str, *, blocked: bool) -> None:
    """Tell the post's author and the communications team that ``version`` failed or was blocked, and why."""
    recipients = {person.pk: person for person in people_with_roles(Role.COMMUNICATIONS)}
    recipients[version.post.author_id] = version.post.author
    notify(
        recipients=recipients.values(),
        kind=Notification.Kind.CHANNEL,
        template="publication_problem",
        context={"version": version, "message": message, "blocked": blocked},
        post=version.post,
        url=reverse("publishing:status"),
    )
