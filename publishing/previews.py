"""Previews of a post as each network will show it: the exact text sent, its links, card, images and counter.

What a network receives is its adapter's to say (``NetworkAdapter.sent_text``, ``link_card``,
``refusal``: the same class methods ``publish`` uses), so a preview cannot differ from what goes
out. The counter counts that text as the Charte's ``network_limits`` rule counts it
(``count_for_network``, with the rule set's data); the images are shown with the crop and size
``publishing.renditions`` will give them (``planned_rendition``).

Everything starts from plain data (``PreviewChannel``, the version's text, the post's links,
``PreviewImage``), so the composer can preview a post that is not saved; ``previews_for_post``
reads a saved post's versions, links and images in a constant number of queries.

Templates: ``publishing/previews/_previews.html`` shows a list (context: ``previews``, a list of
``ChannelPreview``); each preview names its own card template (``template_name``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import regex
from django.utils.text import slugify

from calendar_app.charte.addresses import LinkScanner
from calendar_app.charte.data import CharteData
from calendar_app.charte.loader import get_ruleset
from calendar_app.charte.rules.limits import NetworkCount, count_for_network
from kernel.networks import NETWORKS
from publishing.adapters import adapter_class
from publishing.adapters.base import LinkCard, MediaFile, Outgoing
from publishing.adapters.bluesky import facets
from publishing.rendition_profiles import config as rendition_config
from publishing.renditions import planned_rendition


@dataclass(frozen=True)
class LinkDisplay:
    """How a network shows the addresses, hashtags and mentions of a text.

    ``link_kinds``: the addresses it turns into links, as the Charte's link scanner names them
    (``scheme``: https://…, ``www``: www.…, ``bare``: a domain with a known top-level domain);
    ``shown_length``: how many characters of a link it displays, its scheme and "www." left out,
    before an ellipsis (None: as written).
    """

    link_kinds: frozenset[str] = frozenset()
    hashtags: bool = False
    mentions: bool = False
    shown_length: int | None = None


_WEB = frozenset({"scheme", "www", "bare"})
# What each network's apps show. Bluesky shows exactly the facets its adapter sends (``facets``).
# X replaces an address with a t.co link shown shortened (its display_url, about 23 characters);
# Mastodon shows 30 characters; LinkedIn's API escapes "@" (no mention) and keeps #words as hashtags;
# Instagram links no address in a caption; the feed, the webhook and YouTube receive plain text.
LINK_DISPLAY = {
    "facebook": LinkDisplay(_WEB, hashtags=True),
    "instagram": LinkDisplay(hashtags=True, mentions=True),
    "linkedin": LinkDisplay(_WEB, hashtags=True),
    "x": LinkDisplay(_WEB, hashtags=True, mentions=True, shown_length=23),
    "mastodon": LinkDisplay(frozenset({"scheme"}), hashtags=True, mentions=True, shown_length=30),
}
# Networks with a look-alike card of their own; the others use the generic one.
CARD_TEMPLATES = frozenset({"facebook", "instagram", "linkedin", "x", "mastodon", "bluesky", "feed"})

_HASHTAG = regex.compile(r"(?<![\w#&])[#＃]\w*[^\W\d_]\w*")
_MENTION = regex.compile(r"(?<![\w@])@\w+(?:@[\w\-]+(?:\.[\w\-]+)+)?")


# What a preview is made from ---------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewChannel:
    """The channel a version goes out on: its network and how the account is shown."""

    network: str
    name: str
    handle: str = ""
    url: str = ""

    @classmethod
    def of(cls, channel) -> PreviewChannel:
        """From a ``Channel`` (or anything with its ``network``, ``name``, ``handle`` and ``url``)."""
        return cls(channel.network, channel.name, channel.handle, channel.url)


@dataclass(frozen=True)
class PreviewImage:
    """An attached image: where the browser reads it, its description, its upright size if known."""

    url: str
    alt_text: str = ""
    width: int | None = None
    height: int | None = None
    slot: str = ""  # an image not stored yet: where the page's script shows the file chosen (``data-image-slot``)


# What a preview is ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of the text as shown: ``kind`` is "text", "link", "hashtag" or "mention"; a link has the
    address it follows (``href``) and the characters shown (``shown``, shortened on some networks)."""

    kind: str
    text: str
    href: str = ""
    shown: str = ""

    @property
    def display(self) -> str:
        return self.shown or self.text


@dataclass(frozen=True)
class PreviewedImage:
    """An image as the network receives it: the part of the source kept (``crop``: left, top, width,
    height in the source's pixels) and the rendition's size; no size known: shown as it is."""

    url: str
    alt_text: str
    crop: tuple[int, int, int, int] | None = None
    width: int | None = None
    height: int | None = None
    source_width: int | None = None
    source_height: int | None = None
    slot: str = ""

    @property
    def cropped(self) -> bool:
        return self.crop is not None and self.crop[2:] != (self.source_width, self.source_height)

    @property
    def view_box(self) -> str:
        """The crop as an SVG ``viewBox`` over the source drawn at its own size."""
        return " ".join(str(value) for value in self.crop) if self.crop else ""


@dataclass(frozen=True)
class ChannelPreview:
    """One channel version as its network will show it."""

    channel: PreviewChannel
    text: str  # exactly what the adapter sends (before a wire format: LinkedIn's little text)
    segments: tuple[Segment, ...]
    link_card: LinkCard | None
    links_not_sent: tuple[str, ...]  # the post's links that this network will not show
    images: tuple[PreviewedImage, ...]
    images_not_sent: bool  # the post has images and this network receives none
    count: NetworkCount | None  # None: the rule data set no limit for this network
    refusal: str  # why the adapter will refuse this publication, or ""
    when: datetime.datetime | None = None
    title: str = ""  # the post's title (the website feed's item title)

    @property
    def network(self) -> str:
        return self.channel.network

    @property
    def network_label(self) -> str:
        network = NETWORKS.get(self.channel.network)
        return str(network.label) if network else self.channel.network

    @property
    def avatar(self) -> str:
        """The initial shown in the avatar: the account name's last word's (« Ville de Montmagny » → M)."""
        words = self.channel.name.split()
        return words[-1][0].upper() if words else "?"

    @property
    def dom_id(self) -> str:
        """A page-unique id for the card (a channel's network and handle are unique)."""
        return f"preview-{self.channel.network}-{slugify(self.channel.handle or self.channel.name)}"

    @property
    def card_host(self) -> str:
        return _host(self.link_card.url) if self.link_card else ""

    @property
    def template_name(self) -> str:
        name = self.channel.network if self.channel.network in CARD_TEMPLATES else "generic"
        return f"publishing/previews/{name}.html"


# Building previews -------------------------------------------------------------------------------


def channel_preview(
    channel: PreviewChannel,
    text: str,
    *,
    links: Sequence[str] = (),
    images: Sequence[PreviewImage] = (),
    when: datetime.datetime | None = None,
    title: str = "",
    data: CharteData | None = None,
) -> ChannelPreview:
    """``text`` on ``channel``, with the post's ``links`` (the first is the one the adapter sends, as
    the worker does) and ``images``. ``data`` is the Charte's rule data (read from the database when
    not given: one small query)."""
    data = data if data is not None else get_ruleset().data
    network = channel.network
    adapter = adapter_class(network)
    with_images = adapter.sends_images and network in rendition_config()["networks"]
    sent_images = images if with_images else ()
    # Stand-ins for the renditions: the text and the card depend on whether there are images, never on their bytes.
    media = tuple(MediaFile(Path(urlsplit(image.url).path), "image/*", image.alt_text) for image in sent_images)
    outgoing = Outgoing(text=text, idempotency_key="preview", media=media, link=links[0] if links else "")
    sent = adapter.sent_text(outgoing)
    card = adapter.link_card(outgoing)
    return ChannelPreview(
        channel=channel,
        text=sent,
        segments=tuple(segments(sent, network, data)),
        link_card=card,
        links_not_sent=tuple(
            link for link in dict.fromkeys(links) if link not in sent and (not card or card.url != link)
        ),
        images=tuple(_previewed(image, network) for image in sent_images),
        images_not_sent=bool(images) and not with_images,
        count=count_for_network(data, network, sent),
        refusal=str(adapter.refusal(outgoing)),
        when=when,
        title=title,
    )


def channel_previews(
    versions: Iterable[tuple[PreviewChannel, str]],
    *,
    links: Sequence[str] = (),
    images: Sequence[PreviewImage] = (),
    when: datetime.datetime | None = None,
    title: str = "",
) -> list[ChannelPreview]:
    """One preview per (channel, text) of an unsaved post (the composer), the rule data read once."""
    data = get_ruleset().data
    return [
        channel_preview(channel, text, links=links, images=images, when=when, title=title, data=data)
        for channel, text in versions
    ]


def previews_for_composition(composition) -> list[ChannelPreview]:
    """One preview per channel of the composer's unsaved post (``calendar_app.services.composing.Composition``).

    Its images have no address yet (the live check sends no file): each is named by its position among
    the composition's images (``PreviewImage.slot``), where the page's script puts the chosen file;
    with no size known, it is shown uncropped.
    """
    links = [url for url, _kind in composition.all_links()]
    images = [
        PreviewImage("", image.alt_text, *_upload_size(image.file), slot=str(position))
        for position, image in enumerate(composition.images)
    ]
    data = get_ruleset().data
    return [
        channel_preview(
            PreviewChannel.of(channel),
            composition.version_texts.get(channel.pk) or composition.body,
            links=links,
            images=images,
            when=composition.version_times.get(channel.pk) or composition.due_at,
            title=composition.title,
            data=data,
        )
        for channel in composition.channels
    ]


def _upload_size(file) -> tuple[int | None, int | None]:
    """The size of an uploaded image if the form's validation measured it (Django's ``ImageField`` sets
    ``file.image``), else unknown."""
    image = getattr(file, "image", None)
    return (image.width, image.height) if image is not None else (None, None)


def previews_for_post(post, *, versions=None, texts=None) -> list[ChannelPreview]:
    """One preview per channel version of a saved post, each at its own time, in four queries
    (versions with their channels unless given, links, images, the rule set's revision). ``texts``: the
    texts being typed instead of the stored ones (``editing.PostTexts``: the body, the versions' own)."""
    body = texts.body if texts is not None and texts.body is not None else post.body
    own = texts.versions if texts is not None else {}
    if versions is None:
        versions = post.versions.select_related("channel").order_by("channel__network", "pk")
    links = [link.url for link in post.links.order_by("position", "pk")]
    images = [
        PreviewImage(attached.asset.file.url, attached.asset.alt_text, attached.asset.width, attached.asset.height)
        for attached in post.post_media.select_related("asset").order_by("position", "pk")
    ]
    data = get_ruleset().data
    return [
        channel_preview(
            PreviewChannel.of(version.channel),
            own.get(version.pk, version.text_override) or body,
            links=links,
            images=images,
            when=version.due_at,
            title=post.title,
            data=data,
        )
        for version in versions
    ]


# The parts ------------------------------------------------------------------------------------------


def segments(text: str, network: str, data: CharteData) -> list[Segment]:
    """``text`` cut into plain text, links, hashtags and mentions as ``network`` shows them."""
    if network == "bluesky":
        spans = _bluesky_spans(text)
    else:
        spans = _spans(text, LINK_DISPLAY.get(network, LinkDisplay()), data)
    pieces, position = [], 0
    for start, end, segment in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start < position:
            continue  # inside a longer span (a "#" in an address)
        if start > position:
            pieces.append(Segment("text", text[position:start]))
        pieces.append(segment)
        position = end
    if position < len(text):
        pieces.append(Segment("text", text[position:]))
    return pieces


def _spans(text: str, display: LinkDisplay, data: CharteData) -> list[tuple[int, int, Segment]]:
    spans = []
    if display.link_kinds:
        for found in LinkScanner.for_data(data).scan(text):
            if found.ok and found.kind in display.link_kinds and not found.short_domain:
                href = found.url if found.kind == "scheme" else f"https://{found.url}"
                shown = _shortened(found.url, display.shown_length)
                spans.append((found.start, found.end, Segment("link", found.url, href, shown)))
    if display.hashtags and ("#" in text or "＃" in text):
        spans += [(m.start(), m.end(), Segment("hashtag", m.group())) for m in _HASHTAG.finditer(text)]
    if display.mentions and "@" in text:
        spans += [(m.start(), m.end(), Segment("mention", m.group())) for m in _MENTION.finditer(text)]
    return spans


def _bluesky_spans(text: str) -> list[tuple[int, int, Segment]]:
    """The facets the Bluesky adapter sends, from UTF-8 byte positions back to characters."""
    encoded = text.encode()
    spans = []
    for facet in facets(text):
        start = len(encoded[: facet["index"]["byteStart"]].decode())
        end = len(encoded[: facet["index"]["byteEnd"]].decode())
        feature = facet["features"][0]
        if feature["$type"].endswith("#link"):
            spans.append((start, end, Segment("link", text[start:end], feature["uri"])))
        else:
            spans.append((start, end, Segment("hashtag", text[start:end])))
    return spans


def _shortened(url: str, length: int | None) -> str:
    """``url`` as a network shortens it: no scheme, no "www.", cut at ``length`` with an ellipsis."""
    if length is None:
        return ""
    shown = url.split("://", 1)[-1]
    shown = shown[4:] if shown.lower().startswith("www.") else shown
    return shown if len(shown) <= length else shown[: length - 1] + "…"


def _previewed(image: PreviewImage, network: str) -> PreviewedImage:
    if not image.width or not image.height:
        return PreviewedImage(image.url, image.alt_text, slot=image.slot)
    planned = planned_rendition(image.width, image.height, network)
    return PreviewedImage(
        image.url, image.alt_text, planned.crop, planned.width, planned.height, image.width, image.height, image.slot
    )


def _host(url: str) -> str:
    try:
        host = urlsplit(url if "://" in url else f"https://{url}").hostname or url
    except ValueError:
        return url
    return host.removeprefix("www.")
