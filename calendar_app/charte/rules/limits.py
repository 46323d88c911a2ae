"""Network limits (art. 2, 5): each channel version fits its network, counted as the network counts.

The limits are data (``network_limits``: ``max_length``, ``counts_graphemes``, ``url_length``,
``max_hashtags``, ``image_required``). How a network counts beyond that is data too, in the
``network_counting`` setting, one entry per network that needs it:

- ``weighted_ranges`` (X): code points in these ranges weigh 1, every other one ``heavy_weight``
  (2), and an emoji sequence (a family, a flag, a skin tone, a keycap) weighs ``heavy_weight``
  once — X's documented weighting (twitter-text configuration v3). Text is NFC-normalised first.
- ``links_without_scheme`` (X): addresses written without ``https://`` (``www.…``, ``seao.ca/avis``)
  count ``url_length`` too, except a one-label domain with a country code and no path (``seao.ca``).
  Elsewhere only ``http(s)://`` addresses do (Mastodon).
- ``mention_domains_free`` (Mastodon): ``@user@instance.social`` counts as ``@user``.
- ``unit`` = ``"bytes"`` (YouTube): the limit is in UTF-8 bytes (the Data API's video description).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import regex
from django.utils.translation import gettext_lazy as _

from calendar_app.charte.addresses import LinkScanner
from calendar_app.charte.base import TARGET_VERSION, Check, CheckContext, Finding, Severity, TextUnit
from calendar_app.charte.data import CharteData, NetworkLimitData

_GRAPHEME = regex.compile(r"\X")
# One emoji as a person sees it: flags, keycaps, modifiers, ZWJ sequences, tag sequences.
_EMOJI = regex.compile(
    r"\p{RI}\p{RI}"
    r"|(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|[#*0-9]\uFE0F?\u20E3)"
    r"(?:\p{Emoji_Modifier}|\uFE0F|\u20E3|[\U000E0020-\U000E007F])*"
    r"(?:\u200D(?:\p{Emoji_Presentation}|\p{Extended_Pictographic})(?:\p{Emoji_Modifier}|\uFE0F)*)*"
)
_HASHTAG = re.compile(r"(?<![\w#&])[#＃]\w*[^\W\d_]\w*")
_REMOTE_MENTION = re.compile(r"(?<![\w@])(@\w+)@[\w\-]+(?:\.[\w\-]+)+")


class _Counter:
    """Counts one text as one network does."""

    def __init__(self, limit: NetworkLimitData, counting: dict, scanner: LinkScanner):
        self.limit = limit
        self.scanner = scanner
        self.bytes = counting.get("unit") == "bytes"
        self.links_without_scheme = bool(counting.get("links_without_scheme"))
        self.mention_domains_free = bool(counting.get("mention_domains_free"))
        self.heavy_weight = int(counting.get("heavy_weight", 2))
        ranges = counting.get("weighted_ranges") or ()
        self.heavy = None
        if ranges:
            light = "".join(f"{re.escape(chr(int(low)))}-{re.escape(chr(int(high)))}" for low, high in ranges)
            self.heavy = re.compile(f"[^{light}]")

    def length_over_limit(self, text: str) -> int | None:
        """The length of ``text`` when it is over the limit, else None."""
        if self.heavy is None and not self.bytes and self.limit.url_length is None:
            if len(text) <= self.limit.max_length:  # a grapheme or a character never counts more than 1
                return None
        length = self.length(text)
        return length if length > self.limit.max_length else None

    def length(self, text: str) -> int:
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
        if self.mention_domains_free and "@" in text:
            text = _REMOTE_MENTION.sub(r"\1", text)
        if self.limit.url_length is None:
            return self._count(text)
        text, links = self._without_links(text)
        return self._count(text) + links * self.limit.url_length

    def _without_links(self, text: str) -> tuple[str, int]:
        pieces, position, links = [], 0, 0
        for found in self.scanner.scan(text):
            if not found.ok:
                continue  # the network does not link it: its characters count as written
            if found.kind != "scheme" and not (self.links_without_scheme and not found.short_domain):
                continue
            pieces.append(text[position : found.start])
            position = found.end
            links += 1
        if not links:
            return text, 0
        pieces.append(text[position:])
        return "".join(pieces), links

    def _count(self, text: str) -> int:
        if self.bytes:
            return len(text.encode("utf-8", "surrogatepass"))
        if self.heavy is not None:
            return self._weighted(text)
        if self.limit.counts_graphemes:
            if text.isascii():
                return len(text) - text.count("\r\n")
            return len(_GRAPHEME.findall(text))
        return len(text)

    def _weighted(self, text: str) -> int:
        if text.isascii() or not self.heavy.search(text):
            return len(text)
        text, emoji = _EMOJI.subn("", text)
        heavy = len(self.heavy.findall(text))
        return len(text) + heavy * (self.heavy_weight - 1) + emoji * self.heavy_weight


@dataclass(frozen=True)
class NetworkCount:
    """One text counted as its network counts it, beside the network's limits (``count_for_network``)."""

    length: int
    limit: int
    unit: str  # "characters" or "bytes"
    hashtags: int
    max_hashtags: int | None

    @property
    def over(self) -> bool:
        return self.length > self.limit

    @property
    def excess(self) -> int:
        """How many to remove to fit (0 when it fits)."""
        return max(0, self.length - self.limit)

    @property
    def too_many_hashtags(self) -> bool:
        return self.max_hashtags is not None and self.hashtags > self.max_hashtags


def count_for_network(data: CharteData, network: str, text: str) -> NetworkCount | None:
    """``text`` counted exactly as the ``network_limits`` rule counts it for ``network``, with the rule
    data's limits (``get_ruleset().data``); None when the data set no limit for that network.

    For the counters people watch while they write (the previews): the same figures as the rule's
    messages, for any length, under the limit too.
    """
    limit = data.network_limits.get(network)
    if limit is None:
        return None
    counter = _Counter(limit, (data.setting("network_counting") or {}).get(network) or {}, LinkScanner.for_data(data))
    return NetworkCount(
        length=counter.length(text),
        limit=limit.max_length,
        unit="bytes" if counter.bytes else "characters",
        hashtags=len(_HASHTAG.findall(text)),
        max_hashtags=limit.max_hashtags,
    )


class NetworkLimits(Check):
    code = "network_limits"
    article = "2, 5"
    severity = Severity.BLOCK
    help_text = _("Each channel version fits its network's limits: length, hashtags, required image.")

    TOO_LONG = _(
        "The %(network)s version has %(count)s characters as %(network)s counts them; the limit is %(limit)s: "
        "remove %(over)s."
    )
    TOO_MANY_BYTES = _(
        "The %(network)s version takes %(count)s bytes (an accented letter takes 2, an emoji 4); the limit is "
        "%(limit)s: remove %(over)s."
    )
    TOO_MANY_HASHTAGS = _(
        "The %(network)s version has %(count)s hashtags; %(network)s accepts at most %(limit)s: remove %(over)s."
    )
    IMAGE_REQUIRED = _("%(network)s publishes only posts with an image: attach an image to this post.")

    def __init__(self, data, **options):
        super().__init__(data, **options)
        scanner = LinkScanner.for_data(data)
        counting = data.setting("network_counting") or {}
        self.counters = {
            network: _Counter(limit, counting.get(network) or {}, scanner)
            for network, limit in data.network_limits.items()
        }

    def check(self, context: CheckContext):
        has_image = None
        for channel_id, network, text in context.version_texts():
            counter = self.counters.get(network)
            if counter is None:
                continue
            limit = counter.limit
            text = text or ""
            findings = []
            count = counter.length_over_limit(text)
            if count is not None:
                message = self.TOO_MANY_BYTES if counter.bytes else self.TOO_LONG
                params = {"count": count, "limit": limit.max_length, "over": count - limit.max_length}
                findings.append((message, params))
            if limit.max_hashtags is not None and ("#" in text or "＃" in text):
                hashtags = len(_HASHTAG.findall(text))
                if hashtags > limit.max_hashtags:
                    params = {"count": hashtags, "limit": limit.max_hashtags, "over": hashtags - limit.max_hashtags}
                    findings.append((self.TOO_MANY_HASHTAGS, params))
            if limit.image_required:
                if has_image is None:
                    has_image = any(media.is_image for media in context.media)
                if not has_image:
                    findings.append((self.IMAGE_REQUIRED, {}))
            if findings:
                unit = TextUnit(target=TARGET_VERSION, text=None, channel_id=channel_id, network=network)
                label = self.data.network_label(network)
                for message, params in findings:
                    yield unit, Finding(message=message, params={"network": label, **params})
