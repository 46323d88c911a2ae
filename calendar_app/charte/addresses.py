"""Web addresses in a text: the engine the link rules and the network limits share.

One ``LinkScanner`` finds the web addresses in a text — written with a scheme (``https://…``),
starting with ``www.``, or as a bare domain whose top-level domain is in the ``link_tlds``
lexicon (``seao.ca/avis``) — and tells for each whether it is well formed and which host it
names. It is shared by every rule built from the same data and remembers the texts it has
scanned, so the four link rules and the network limits read each text once.

Malformed shapes it recognises: a misspelt scheme (``htp://``, ``hxxps://``), a broken
separator (``https//``, ``http:/``, ``https:\\\\``, ``http;//``, ``https:ville…``), no host
(``https://``, ``https:///avis``), an invalid or incomplete host (``https://ville``,
``https://ville_montmagny.qc.ca``, ``www.ville``), a character an address cannot hold (``<``,
``"``, ``{``, ``|``, zero-width and direction marks, a ``%`` not followed by two hex digits),
and, in the post's attached links, spaces and a missing scheme.

Also here: how domains typed in the admin are compared with the host of an address
(``normalise_domain``, ``domains_of``, ``host_in``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# The schemes of a web address: structure of the web, not a municipality's choice.
WEB_SCHEMES = frozenset({"http", "https"})

# Candidates in a text. The look-behind keeps addresses from starting inside a word, an e-mail
# address (info@ville…) or another address; each candidate runs to the next space and is then
# trimmed of the punctuation that ends a sentence.
_CANDIDATE = re.compile(
    r"""
    (?<![\w@.\-/\\%])
    (?:
        (?P<scheme>[a-z][a-z0-9+\-]{0,15}:[/\\]\S*)                          # something:/… (https://, htp://, http:/)
      | (?P<broken>(?:h{1,2}t{1,3}p{1,2}s?|t{1,2}ps?)                        # http-like, separator broken:
            (?:;[/\\]+|[/\\]{2,}:?|:(?=[^\s/\\])|:\s+[/\\]+)\S*)             # https//, http;//, https:ville, https: //
      | (?P<www>www\d{0,3}\.\S*)
      | (?P<bare>(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?P<tld>[a-z]{2,63})(?![\w\-@])(?P<path>[/?#]\S*)?)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SCHEME = re.compile(r"(?P<scheme>[a-z][a-z0-9+\-]*)(?P<sep>\s*[:;]\s*[/\\]*|[/\\]{2,}:?)", re.IGNORECASE)
_WWW = re.compile(r"www\d{0,3}\.", re.IGNORECASE)
_BARE = re.compile(r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?:[/?#]\S*)?", re.IGNORECASE)
# Labels of letters, digits and hyphens (written [\w-] for speed: ``_judge`` refuses "_" first).
_HOST = re.compile(
    r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9\-]{1,59})|(?:\d{1,3}\.){3}\d{1,3}",
    re.IGNORECASE,
)
_PORT = re.compile(r"\d{1,5}")
_SPACE = re.compile(r"\s")
# Characters a web address cannot hold (RFC 3986/3987): delimiters, controls, invisible marks.
_BAD_CHAR = re.compile(
    r"[\x00-\x20\x7f<>\"{}|\\^`«»“”\u00a0\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff]|%(?![0-9a-f]{2})",
    re.IGNORECASE,
)
# Characters an address holds, and the whitespace that bounds it.
_ANCHOR = re.compile(r"[.:;/\\]")
_SPACES = (" ", "\n", "\t", "\r", "\u00a0", "\u202f", "\u2009")
_TAIL = re.compile(r"\S*(?:\s{1,3}[/\\]\S*)?")
_TRAILING = frozenset(".,;:!?…'\"»”’›*")
_CLOSING = {")": "(", "]": "[", "}": "{", ">": "<"}
_MAX_HOST_LENGTH = 253  # RFC 1035


@dataclass(frozen=True, slots=True)
class FoundUrl:
    """A web address found in a text (positions in that text) or attached to the post."""

    url: str
    start: int | None
    end: int | None
    kind: str  # "scheme", "www", "bare" (found in a text) or "link" (attached)
    host: str | None = None  # lower case, when the address is well formed
    problem: str | None = None  # why it is malformed (a key of rules.links.MalformedLinks.MESSAGES)
    detail: dict | None = None  # what the message quotes (the scheme, the host, the character)
    short_domain: bool = False  # a bare one-label domain with a country TLD and no path ("seao.ca")

    @property
    def ok(self) -> bool:
        return self.problem is None


class LinkScanner:
    """Finds and judges web addresses. Build it with ``LinkScanner.for_data(data)``."""

    def __init__(self, tlds: Iterable[str]):
        self.tlds = frozenset(tld.strip().lower().lstrip(".") for tld in tlds if tld.strip())
        self.scan = lru_cache(maxsize=4096)(self._scan)
        self.judge_link = lru_cache(maxsize=1024)(self._judge_link)

    @classmethod
    def for_data(cls, data) -> LinkScanner:
        return _scanner(tuple(sorted(data.lexicon("link_tlds").terms)))

    # Texts --------------------------------------------------------------------------------------

    def _scan(self, text: str) -> tuple[FoundUrl, ...]:
        """The web addresses written in ``text``, in order."""
        found = []
        window_end = 0
        # The full pattern is tried only on the run of non-space characters around a character every
        # address holds (a dot between letters, ":/", "//"…): a regex tried at every position of an
        # ordinary sentence costs ten times more.
        for anchor in _ANCHOR.finditer(text):
            position = anchor.start()
            if position < window_end or not _relevant(text, position):
                continue
            start = max(text.rfind(space, window_end, position) for space in _SPACES) + 1
            start = max(start, window_end)
            end = _TAIL.match(text, position).end()
            for match in _CANDIDATE.finditer(text, start, end):
                url = self._found(text, match)
                if url is not None:
                    found.append(url)
            window_end = end
        return tuple(found)

    def _found(self, text: str, match: re.Match) -> FoundUrl | None:
        start = match.start()
        end = start + _trimmed_length(match.group())
        url = text[start:end]
        if match.group("bare") is not None:
            if match.group("tld").lower() not in self.tlds:
                return None
            labels = url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].split(".")
            has_path = match.group("path") is not None and end > match.start("path") + 1
            short = len(labels) == 2 and len(labels[-1]) == 2 and not has_path
            return self._judge(url, start, end, "bare", short=short)
        if match.group("www") is not None:
            return self._judge(url, start, end, "www")
        return self._judge(url, start, end, "scheme")

    # Attached links ------------------------------------------------------------------------------

    def _judge_link(self, url: str) -> FoundUrl:
        """An address attached to the post (not in its text): the whole string must be an address."""
        url = url.strip()
        if not url:
            return FoundUrl(url, None, None, "link", problem="no_host", detail={})
        space = _SPACE.search(url)
        if space:
            return FoundUrl(url, None, None, "link", problem="space", detail={})
        if _SCHEME.match(url):
            judged = self._judge(url, None, None, "scheme")
        elif _WWW.match(url):
            judged = self._judge(url, None, None, "www")
        elif _BARE.fullmatch(url):
            judged = self._judge(url, None, None, "bare")
        else:
            return FoundUrl(url, None, None, "link", problem="no_scheme", detail={})
        return FoundUrl(url, None, None, "link", judged.host, judged.problem, judged.detail)

    # Judging -------------------------------------------------------------------------------------

    def _judge(self, url: str, start, end, kind: str, short: bool = False) -> FoundUrl:
        rest = url
        if kind == "scheme":
            match = _SCHEME.match(url)
            if match is None:  # cannot happen for a text candidate; an attached link without scheme
                return FoundUrl(url, start, end, kind, problem="no_scheme", detail={})
            scheme, separator = match.group("scheme"), match.group("sep")
            if scheme.lower() not in WEB_SCHEMES:
                return FoundUrl(url, start, end, kind, problem="bad_scheme", detail={"scheme": scheme})
            if separator != "://":
                return FoundUrl(url, start, end, kind, problem="bad_separator", detail={"scheme": scheme.lower()})
            rest = url[match.end() :]
        authority_end = len(rest)
        for delimiter in "/?#":
            position = rest.find(delimiter)
            if position != -1 and position < authority_end:
                authority_end = position
        authority, remainder = rest[:authority_end], rest[authority_end:]
        if "@" in authority:
            authority = authority.rsplit("@", 1)[1]
        host = authority
        if ":" in authority:
            host, _colon, port = authority.rpartition(":")
            if port and not _PORT.fullmatch(port):
                host = authority
        bad = _BAD_CHAR.search(host)
        if bad:
            return FoundUrl(url, start, end, kind, problem="bad_char", detail={"char": _show_char(bad.group())})
        host = host.rstrip(".").lower()
        if not host:
            return FoundUrl(url, start, end, kind, problem="no_host", detail={})
        if (
            len(host) > _MAX_HOST_LENGTH
            or "_" in host
            or not _HOST.fullmatch(host)
            or (kind == "www" and host.count(".") < 2)
        ):
            return FoundUrl(url, start, end, kind, problem="bad_host", detail={"host": host})
        bad = _BAD_CHAR.search(remainder)
        if bad:
            return FoundUrl(url, start, end, kind, problem="bad_char", detail={"char": _show_char(bad.group())})
        return FoundUrl(url, start, end, kind, host=host, short_domain=short)


@lru_cache(maxsize=8)
def _scanner(tlds: tuple[str, ...]) -> LinkScanner:
    return LinkScanner(tlds)


def _relevant(text: str, position: int) -> bool:
    """Whether the character at ``position`` may belong to a web address (worth the full pattern)."""
    following = text[position + 1 : position + 2]
    char = text[position]
    if char == ".":
        return position > 0 and text[position - 1].isalnum() and following.isalnum()
    if following in ("/", "\\"):
        return True  # "://", ":/", ";//", "//", "\\\\"
    if char == ":" and position > 0 and text[position - 1].isalpha():
        # "https:ville.ca", "https: //ville.ca"
        return not following.isspace() or text[position + 1 : position + 5].lstrip()[:1] in ("/", "\\")
    return False


def _trimmed_length(url: str) -> int:
    """The length of ``url`` without the punctuation that ends the sentence around it."""
    end = len(url)
    while end:
        char = url[end - 1]
        if char in _TRAILING:
            end -= 1
        elif char in _CLOSING and url.count(_CLOSING[char], 0, end) < url.count(char, 0, end):
            end -= 1  # an unbalanced closing bracket belongs to the text: (voir https://…)
        else:
            break
    return end


def _show_char(char: str) -> str:
    if char == "%":
        return "« % »"
    if char.isprintable() and not char.isspace():
        return f"« {char} »"
    return f"U+{ord(char):04X}"


def normalise_domain(domain: str) -> str:
    """``https://www.Ville.qc.ca/`` → ``ville.qc.ca``: how a person may type a domain in the admin."""
    domain = domain.strip().lower()
    if "://" in domain:
        domain = domain.split("://", 1)[1]
    domain = domain.split("/", 1)[0].rstrip(".")
    for prefix in ("*.", "www."):
        if domain.startswith(prefix):
            domain = domain[len(prefix) :]
    return domain


def host_in(host: str, domains: frozenset[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    if not domains:
        return False
    if host in domains:
        return True
    # Only the suffixes as long as the longest domain can match (a host may have many labels).
    labels = host.rsplit(".", _most_labels(domains))
    for index in range(1, len(labels)):
        if ".".join(labels[index:]) in domains:
            return True
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return False
        return ascii_host != host and host_in(ascii_host, domains)
    return False


@lru_cache(maxsize=64)
def _most_labels(domains: frozenset[str]) -> int:
    """How many labels the longest of ``domains`` has (worked out once per list of domains)."""
    return max(domain.count(".") for domain in domains) + 1


def domains_of(values) -> frozenset[str]:
    """The domains of a setting (one or a list), normalised, each also in its ASCII form (IDNA)."""
    if isinstance(values, str):
        values = [values]
    domains = set()
    for value in values or ():
        domain = normalise_domain(str(value))
        if domain:
            domains.add(domain)
            if not domain.isascii():
                try:
                    domains.add(domain.encode("idna").decode("ascii"))
                except UnicodeError:
                    pass
    return frozenset(domains)
