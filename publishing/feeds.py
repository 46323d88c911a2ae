"""The city's website feed (policy art. 2): what was published on the "feed" channels, as RSS 2.0 and Atom.

Vitrine serves the feed itself from the database: a channel version of an active "feed" channel
appears once the worker marks it published (see ``publishing.adapters.feed``) and leaves when it
is removed. Both feeds answer conditional requests (``ETag``, ``Last-Modified``) with 304.

A version's text is plain text: it is escaped into HTML paragraphs (the RSS ``description`` and
the Atom ``summary type="html"`` are HTML), then the feed generator escapes that HTML into XML,
so a ``<script>`` in a text reaches a feed reader as text, never as markup.

Whatever is stored, the feeds answer: a character that XML 1.0 cannot carry (a control character
other than tab and line breaks, a lone surrogate, U+FFFE, U+FFFF) is removed from every value at
the feed's boundary (``get_feed``), where Django's XML writer would otherwise refuse the whole feed
with a 500. Forms refuse such characters (``calendar_app.text_input``); rows written another way
(the admin, an import, older data) may still hold them.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Count, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from calendar_app.models import ChannelVersion, Municipality, PostLink
from calendar_app.workflow import Status

FEED_NETWORK = "feed"
FEED_LENGTH = 50

# Every character outside XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value):
    """``value`` with what XML cannot carry removed: a string, or a list or tuple of them (categories);
    anything else as it is."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(map(xml_safe, value))
    return value


def published_versions():
    """The versions the feed shows: published, on an active channel of the "feed" network."""
    return ChannelVersion.objects.filter(
        status=Status.PUBLISHED, channel__network=FEED_NETWORK, channel__is_active=True
    )


def website_url(municipality: Municipality | None) -> str:
    """The municipality's website as an absolute address (its domain may be stored without a scheme)."""
    if municipality is None or not municipality.website_domain:
        return settings.SITE_URL + "/"
    domain = municipality.website_domain.strip()
    return domain if domain.startswith(("http://", "https://")) else f"https://{domain}/"


def _freshness(request) -> dict:
    """What the feed's validators depend on, read with one query and kept for the rest of the request."""
    if not hasattr(request, "_vitrine_feed_freshness"):
        request._vitrine_feed_freshness = published_versions().aggregate(
            count=Count("pk"),
            published=Max("published_at"),
            version_updated=Max("updated_at"),
            post_updated=Max("post__updated_at"),
        )
    return request._vitrine_feed_freshness


def _last_modified(request, *args, **kwargs):
    return _freshness(request)["published"]


def _etag(request, *args, **kwargs) -> str:
    """Changes with any item's arrival, departure or edit, and with the municipality's name or website."""
    municipality = Municipality.current()
    state = {**_freshness(request), "municipality": municipality and (municipality.name, municipality.website_domain)}
    return hashlib.sha256(repr(sorted(state.items())).encode()).hexdigest()[:32]


class _PublishedFeed(Feed):
    """What the RSS and Atom feeds share; the feed object is the municipality (or None before it is set up)."""

    language = "fr-ca"
    item_guid_is_permalink = False
    # Whether a feed reader takes the item title as HTML (RSS readers do; an Atom title is text).
    title_is_html = True

    def __call__(self, request, *args, **kwargs):
        view = condition(etag_func=_etag, last_modified_func=_last_modified)(super().__call__)
        with translation.override(self.language):
            return view(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return Municipality.current()

    def get_feed(self, obj, request):
        """The feed with every value made XML-safe (``xml_safe``): the one boundary all text crosses."""
        feed = super().get_feed(obj, request)
        feed.feed = {key: xml_safe(value) for key, value in feed.feed.items()}
        feed.items = [{key: xml_safe(value) for key, value in item.items()} for item in feed.items]
        return feed

    def title(self, municipality):
        return municipality.name if municipality else "Vitrine"

    def link(self, municipality):
        return website_url(municipality)

    def feed_guid(self, municipality):
        """The Atom feed's id: its own address, not the website's (which may have a feed of its own)."""
        return settings.SITE_URL + reverse("feed_atom")

    def description(self, municipality):
        return _("What %(name)s published.") % {"name": self.title(municipality)}

    def items(self, municipality):
        first_link = PostLink.objects.filter(post=OuterRef("post")).order_by("position", "pk").values("url")[:1]
        versions = list(
            published_versions()
            .select_related("post")
            .annotate(first_link=Subquery(first_link))
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )
        website = website_url(municipality)
        for version in versions:
            version.feed_link = version.first_link or website
        return versions

    def item_title(self, version):
        return escape(version.post.title) if self.title_is_html else version.post.title

    def item_description(self, version):
        return linebreaks(version.text, autoescape=True)

    def item_link(self, version):
        return version.feed_link

    def item_guid(self, version):
        """A tag URI (RFC 4151) minted by this Vitrine, stable for the version's whole life."""
        authority = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"tag:{authority},{version.post.created_at:%Y-%m-%d}:vitrine/versions/{version.pk}"

    def item_pubdate(self, version):
        return version.published_at


class RssFeed(_PublishedFeed):
    """RSS 2.0: ``/flux/rss/``."""


class AtomFeed(_PublishedFeed):
    """Atom 1.0: ``/flux/atom/``."""

    feed_type = Atom1Feed
    title_is_html = False

    def subtitle(self, municipality):
        return self.description(municipality)
