"""The shape of a Charte rule and of what it finds, in the manner of Django's password validators.

A rule is a class with a ``code``, the ``article`` of the policy it applies, a ``severity``
(block or warn) and a ``help_text``. It is built once per rule set with the rule data (lexicons,
limits, contacts) and then checks many posts: ``check(context)`` yields ``Finding`` objects,
which the engine turns into ``CheckResult`` rows with the message in French and in English.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from calendar_app.charte.text.analysis import Analysed

if TYPE_CHECKING:
    from calendar_app.charte.data import CharteData


# Presentation, not policy: how much of a text a message quotes between « ».
QUOTE_LENGTH = 80


def quote(text: str, limit: int = QUOTE_LENGTH) -> str:
    """The excerpt shown between « » in a message: one line, cut with an ellipsis when long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Severity(models.TextChoices):
    BLOCK = "block", _("Blocks")
    WARN = "warn", _("Warning")


# What a result is about: the post's text, one channel version's text, or one media file.
TARGET_POST = "post"
TARGET_VERSION = "version"
TARGET_MEDIA = "media"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One thing a rule found, ready to be stored with an approval (art. 10) or shown in a form."""

    code: str
    article: str
    severity: str
    message_fr: str
    message_en: str
    target: str = TARGET_POST
    channel_id: int | None = None
    network: str | None = None
    media_id: int | None = None
    start: int | None = None
    end: int | None = None

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK

    @property
    def message(self) -> str:
        """The message in the active language (French unless English is active)."""
        return self.message_en if translation.get_language() == "en" else self.message_fr

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule reports: a lazy message with its parameters, and where."""

    message: Promise
    params: dict = field(default_factory=dict)
    start: int | None = None
    end: int | None = None
    media_id: int | None = None
    severity: str | None = None  # overrides the rule's severity (a warning that becomes a block)


@dataclass(frozen=True, slots=True)
class TextUnit:
    """One text the rules read: the post's body or one channel version's own text."""

    target: str
    text: Analysed | None  # None for a rule about a version as a whole (its length, its network)
    channel_id: int | None = None
    network: str | None = None


@dataclass(frozen=True, slots=True)
class LinkInfo:
    url: str
    kind: str = "link"


@dataclass(frozen=True, slots=True)
class MediaInfo:
    id: int | None
    is_image: bool = True
    alt_text: str = ""
    credit: str = ""
    rights_statement: str = ""
    shows_identifiable_persons: bool = False
    has_consent: bool = False


@dataclass(frozen=True, slots=True)
class ElectionInfo:
    """The election period covering the publication time, with what names a side in it."""

    name: str
    candidate_names: tuple[str, ...] = ()
    party_names: tuple[str, ...] = ()


@dataclass
class CheckContext:
    """Everything the rules may read about one post, as plain data (no database access in rules).

    Built from a post by ``calendar_app.charte.loader.context_for_post`` or from the command
    line by ``charte_check``; ``versions`` holds the channel versions that have a text of their own
    and, for network limits, every version with its network.
    """

    body: str
    category: str
    at: datetime.datetime
    origin: str = "internal"
    versions: list[tuple[int | None, str, str]] = field(default_factory=list)  # (channel id, network, text)
    links: list[LinkInfo] = field(default_factory=list)
    media: list[MediaInfo] = field(default_factory=list)
    health_and_safety: bool = False
    replies_to_english: bool = False
    has_contest_rules_document: bool = False
    outside_press_release: bool = False
    outside_press_release_authorised: bool = False
    election: ElectionInfo | None = None
    author_takes_part_in_election: bool = False  # a council member or a registered candidate
    # Texts already scheduled or published on each channel within the repetition window.
    recent_texts_by_channel: dict[int, list[str]] = field(default_factory=dict)
    _units: list[TextUnit] | None = field(default=None, init=False, repr=False)

    def units(self) -> list[TextUnit]:
        """The body and each version's own text, each analysed once (identical texts share one analysis)."""
        if self._units is None:
            body = Analysed(self.body)
            analyses: dict[str, Analysed] = {self.body: body}

            def analyse(text: str) -> Analysed:
                if text not in analyses:
                    analyses[text] = Analysed(text)
                return analyses[text]

            self._units = [TextUnit(TARGET_POST, body)]
            for channel_id, network, text in self.versions:
                if text and text != self.body:
                    self._units.append(TextUnit(TARGET_VERSION, analyse(text), channel_id, network))
        return self._units

    def version_texts(self) -> Iterator[tuple[int | None, str, str]]:
        """Each channel version with the text it will publish (its own, or the post's)."""
        for channel_id, network, text in self.versions:
            yield channel_id, network, text or self.body


class Check:
    """One rule of the Charte éditoriale. Subclasses set the class attributes and ``check``."""

    code: ClassVar[str]
    article: ClassVar[str]
    severity: ClassVar[str] = Severity.WARN
    help_text: ClassVar[Promise]

    def __init__(self, data: CharteData, **options):
        self.data = data
        self.findings_limit = data.setting("max_findings_per_rule")

    def check(self, context: CheckContext) -> Iterable[Finding | tuple[TextUnit, Finding]]:
        """Yield findings; a finding about one text unit comes with that unit."""
        raise NotImplementedError

    def results(self, context: CheckContext) -> list[CheckResult]:
        """The rule's results, at most ``max_findings_per_rule`` of them: past a few dozen, more of
        the same helps nobody, and a hostile 100,000-character text must not take seconds."""
        limit = self.findings_limit
        results = []
        for item in self.check(context):
            unit, finding = item if isinstance(item, tuple) else (None, item)
            results.append(self._result(unit, finding))
            if len(results) >= limit:
                break
        return results

    def _result(self, unit: TextUnit | None, finding: Finding) -> CheckResult:
        message_fr, message_en = _render(finding.message, finding.params)
        if finding.media_id is not None:
            target, channel_id, network = TARGET_MEDIA, None, None
        elif unit is not None:
            target, channel_id, network = unit.target, unit.channel_id, unit.network
        else:
            target, channel_id, network = TARGET_POST, None, None
        return CheckResult(
            code=self.code,
            article=self.article,
            severity=finding.severity or self.severity,
            message_fr=f"{message_fr} (art. {self.article})",
            message_en=f"{message_en} (art. {self.article})",
            target=target,
            channel_id=channel_id,
            network=network,
            media_id=finding.media_id,
            start=finding.start,
            end=finding.end,
        )


# The languages every result is written in: French first, then English.
RESULT_LANGUAGES = ("fr-ca", "en")
# How many messages keep their translations (memory, not policy): the rules' messages are a few
# dozen constants; a message built on each call only fills the cache until it is emptied.
_TEMPLATES_KEPT = 1024
_templates: dict[int, tuple[Promise, tuple[str, ...]]] = {}
_PLAIN_PARAMS = (str, int, float)


def _render(message: Promise, params: dict) -> tuple[str, ...]:
    """``message`` with its ``params`` in each of ``RESULT_LANGUAGES``.

    Activating a language costs more than the rest of a result: each message is translated once
    and kept (with the message itself, so that its id is not reused), and plain parameters are
    put in without activating anything. A parameter that translates itself (a language's name)
    is rendered with its language active."""
    entry = _templates.get(id(message))
    if entry is None:
        templates = []
        for language in RESULT_LANGUAGES:
            with translation.override(language):
                templates.append(str(message))
        if len(_templates) >= _TEMPLATES_KEPT:
            _templates.clear()
        entry = _templates[id(message)] = (message, tuple(templates))
    templates = entry[1]
    if not params:
        return templates
    if all(type(value) in _PLAIN_PARAMS for value in params.values()):
        return tuple(template % params for template in templates)
    rendered = []
    for language, template in zip(RESULT_LANGUAGES, templates, strict=True):
        with translation.override(language):
            rendered.append(template % params)
    return tuple(rendered)
