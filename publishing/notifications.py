"""Never silently: who is told when a publication fails, when a channel must be reconnected, and when a post
went out (with its links)."""

from __future__ import annotations

from django.urls import reverse

from calendar_app.models import Channel, ChannelVersion, Notification
from calendar_app.models.people import Role
from calendar_app.selectors.people import people_with_roles
from calendar_app.services.notifications import notify

# The notice that a post went out lives with the calendar's services, since a person may also say that a post
# went out (``scheduling.version_confirm_published``); named here too for the worker (``outcomes``).
from calendar_app.services.notifications import notify_published as notify_published


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


def notify_publication_problem(
    version: ChannelVersion, message: str, *, blocked: bool = False, to_verify: bool = False
) -> None:
    """Tell the post's author and the communications team that ``version`` failed, was blocked, or must be
    verified by a person (its outcome is unknown), and why; the notice opens the post's page. Only the
    communications team answers a publication to verify: the author is told that it is being checked."""
    team = list(people_with_roles(Role.COMMUNICATIONS))
    context = {"version": version, "message": message, "blocked": blocked, "to_verify": to_verify}
    groups = [(team, True)]
    if version.post.author_id not in {person.pk for person in team}:
        groups.append(([version.post.author], False))
    for recipients, answering in groups:
        notify(
            recipients=recipients,
            kind=Notification.Kind.CHANNEL,
            template="publication_problem",
            context={**context, "answering": answering},
            post=version.post,
            url=reverse("calendar_app:post_detail", args=[version.post_id]),
        )
