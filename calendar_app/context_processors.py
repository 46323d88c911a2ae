"""What every page's frame needs: the emergency banner (art. 6), and the menu of the pages this person may open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calendar_app.models import EmergencySwitch
from calendar_app.permissions import Abilities
from calendar_app.selectors.posts import posts_awaiting_review_count
from calendar_app.views.base import abilities_of


@dataclass(frozen=True)
class MenuEntry:
    """One page of the menu: offered when ``offered`` says the page's view would let this person in.

    Each ``offered`` repeats the condition of the ``allow(...)`` call of its view, as asked of ``Abilities``;
    tests/calendar_app/test_navigation.py follows every link for every demo role and expects 200, so a view
    that grows stricter than its entry here is caught.
    """

    key: str
    label: str
    url_name: str
    offered: Callable[[Abilities, object], bool]


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("calendar", _("Calendar"), "calendar_app:calendar", lambda can, user: can.can_plan()),
    MenuEntry("write", _("Write"), "calendar_app:internal_post_new", lambda can, user: can.can_write_internal()),
    MenuEntry("review", _("Review queue"), "calendar_app:review_queue", lambda can, user: can.can_review()),
    MenuEntry(
        "requests",
        _("Requests"),
        "calendar_app:request_list",
        lambda can, user: can.can_submit_for_service() or can.can_submit_for_organisation() or can.can_write_internal(),
    ),
    MenuEntry(
        "emergency",
        _("Emergency"),
        "calendar_app:emergency",
        lambda can, user: can.can_switch_emergency() or can.holds_mission(),
    ),
    MenuEntry(
        "elections", _("Elections"), "calendar_app:election_list", lambda can, user: can.is_direction or can.is_reviewer
    ),
    MenuEntry(
        "channels", _("Channels"), "calendar_app:channel_list", lambda can, user: can.is_direction or can.is_reviewer
    ),
    MenuEntry(
        "status", _("Publishing status"), "publishing:status", lambda can, user: can.is_reviewer or can.is_direction
    ),
    MenuEntry("notifications", _("Notifications"), "calendar_app:notifications", lambda can, user: True),
    # The admin lets any staff member in, but one without a single permission finds nothing to do there.
    MenuEntry(
        "admin",
        _("Administration"),
        "admin:index",
        lambda can, user: user.is_staff and (user.is_superuser or bool(user.get_all_permissions())),
    ),
)


@dataclass(frozen=True)
class MenuLink:
    key: str
    label: str
    url: str
    # aria-current: "page" on the page itself, "true" on a page inside its section, None elsewhere.
    current: str | None
    count: int = 0
    count_label: str = ""


def _current(path: str, url: str) -> str | None:
    if path == url:
        return "page"
    return "true" if url != "/" and path.startswith(url) else None


def menu_links(request) -> list[MenuLink]:
    """The menu of ``request.user``: the pages their roles open, in a constant number of queries."""
    user = request.user
    can = abilities_of(request)
    links = []
    for entry in MENU:
        if not entry.offered(can, user):
            continue
        url = reverse(entry.url_name)
        count, count_label = 0, ""
        if entry.key == "review":
            count = posts_awaiting_review_count()
            count_label = ngettext("%(count)d awaiting review", "%(count)d awaiting review", count) % {"count": count}
        elif entry.key == "notifications":
            count = user.notifications.filter(read_at__isnull=True).count()
            count_label = ngettext("%(count)d unread", "%(count)d unread", count) % {"count": count}
        links.append(MenuLink(entry.key, str(entry.label), url, _current(request.path, url), count, count_label))
    return links


def vitrine(request):
    """The emergency banner on every page (art. 6), and the menu of a logged-in person with their unread count."""
    user = getattr(request, "user", None)
    menu = menu_links(request) if user is not None and user.is_authenticated else []
    unread = next((link.count for link in menu if link.key == "notifications"), 0)
    return {"emergency_on": EmergencySwitch.is_on(), "menu": menu, "unread_notifications": unread}
