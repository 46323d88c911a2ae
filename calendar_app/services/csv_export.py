"""The plan as a CSV file (issue 13, item 6), and the template file that the import page offers.

The file is UTF-8 with a byte order mark, its cells separated by ``;``: what Excel opens as it is, in French
as in English. Its columns are the import's (``csv_format.COLUMNS``, one for each network's own text) and
then the status, each channel's status and time, and the published posts' addresses; so an exported file
imports again as it is. Every cell that a spreadsheet would run as a formula is neutralised.

What one row cannot say: a post whose channels go out at different times is written at its first time (each
channel's own is in the channel statuses), and two channels of one network share their network's text.
"""

from __future__ import annotations

import csv
import datetime
import itertools
from collections.abc import Iterator

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from calendar_app.models import Channel, ChannelVersion, Post
from calendar_app.selectors.calendar import NO_FILTERS, CalendarFilters
from calendar_app.selectors.plan_export import in_post_order, plan_links, plan_versions
from calendar_app.services.csv_format import COLUMNS, EXPORTED_COLUMNS, channel_reference, network_column, neutralise
from calendar_app.workflow import Status
from kernel.networks import NETWORKS

DELIMITER = ";"
BYTE_ORDER_MARK = "\ufeff"


class _Echo:
    """A file that hands back what is written to it: ``csv.writer`` formats a line, the response streams it."""

    def write(self, value: str) -> str:
        return value


class PlanExport:
    """The plan that ``abilities`` may see between ``start`` and ``end``, filtered as the calendar is
    (``selectors.calendar.CalendarFilters``): one line per post, in the order of its first time, to stream.
    Other communications are not posts, and are left out.

    What depends on the request (the language of the labels, the municipality's time zone) is read when it is
    built: the lines are produced after the view has returned, when neither is active any more.
    """

    def __init__(
        self, abilities, *, start: datetime.datetime, end: datetime.datetime, filters: CalendarFilters = NO_FILTERS
    ):
        self.language = translation.get_language() or settings.LANGUAGE_CODE
        self.zone = timezone.get_current_timezone()
        self.versions = plan_versions(abilities, start=start, end=end, filters=filters)
        in_use = set(Channel.objects.values_list("network", flat=True).distinct())
        self.networks = [code for code in NETWORKS if code in in_use]
        self.columns = [*COLUMNS, *(network_column(code) for code in self.networks), *EXPORTED_COLUMNS]
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.categories = {value: str(label) for value, label in Post.Category.choices}
        self.yes = _("yes")

    def lines(self) -> Iterator[str]:
        """The file: the byte order mark and the header, then a line per post."""
        writer = csv.writer(_Echo(), delimiter=DELIMITER)
        yield BYTE_ORDER_MARK + writer.writerow([column.name(self.language) for column in self.columns])
        links = plan_links(self.versions)
        versions = in_post_order(self.versions).iterator(chunk_size=500)
        for _post_id, group in itertools.groupby(versions, key=lambda version: version.post_id):
            yield writer.writerow([neutralise(value) for value in self.row(list(group), links)])

    def row(self, versions: list[ChannelVersion], links: dict[int, list[str]]) -> list[str]:
        post = versions[0].post
        first = self.local(min(version.due_at for version in versions))
        values = {
            "title": post.title,
            "category": self.categories.get(post.category, post.category),
            "channels": " | ".join(channel_reference(version.channel) for version in versions),
            "date": first.date().isoformat(),
            "time": first.strftime("%H:%M"),
            "text": post.body,
            "links": " | ".join(links.get(post.pk, ())),
            "health_and_safety": self.yes if post.health_and_safety else "",
            "status": self.statuses.get(post.status, post.status),
            "channel_statuses": " | ".join(
                f"{channel_reference(version.channel)} : {self.statuses.get(version.status, version.status)}, "
                f"{self.local(version.due_at):%Y-%m-%d %H:%M}"
                for version in versions
            ),
            "published_links": " | ".join(version.external_url for version in versions if version.external_url),
        }
        for network in self.networks:
            texts = (version.text_override for version in versions if version.channel.network == network)
            values[f"text_{network}"] = next((text for text in texts if text), "")
        return [values[column.key] for column in self.columns]

    def local(self, moment: datetime.datetime) -> datetime.datetime:
        return timezone.localtime(moment, self.zone)


def template_lines(*, channels: list[Channel]) -> Iterator[str]:
    """A file to fill in: the header, in the person's language, and an example row on (up to two of)
    ``channels``."""
    writer = csv.writer(_Echo(), delimiter=DELIMITER)
    day = timezone.localdate() + datetime.timedelta(days=7)
    example = {
        "title": _("Leaf collection"),
        "category": str(Post.Category.PUBLIC_INTEREST.label),
        "channels": " | ".join(channel_reference(channel) for channel in channels[:2]),
        "date": day.isoformat(),
        "time": "10:00",
        "text": _("The leaf collection takes place on %(date)s. Put your bags at the curb before 7 a.m.")
        % {"date": formats.date_format(day, "DATE_FORMAT")},
        "links": "",
        "health_and_safety": "",
    }
    yield BYTE_ORDER_MARK + writer.writerow([column.name() for column in COLUMNS])
    yield writer.writerow([neutralise(example[column.key]) for column in COLUMNS])
