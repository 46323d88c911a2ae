"""Run the Charte on a post, record acknowledged warnings, and refuse what it blocks."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import CheckContext, CheckResult
from calendar_app.charte.loader import Draft, context_for_draft, context_for_post, contexts_for_posts, get_ruleset
from calendar_app.charte.registry import RuleSet
from calendar_app.models import Post, WarningAcknowledgement
from calendar_app.services.audit import audit_record


def fingerprint(result: CheckResult, excerpt: str) -> str:
    """What identifies a finding across checks: the rule, where, and the words it is about.

    Positions move when a text is edited elsewhere; the excerpt does not, so an acknowledged
    warning stays acknowledged until its words change.
    """
    about = excerpt or result.message_en
    key = "|".join(str(part) for part in (result.code, result.target, result.channel_id, result.media_id, about))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclasses.dataclass(frozen=True)
class CharteReport:
    """The results of one check of a post, and which warnings someone has acknowledged."""

    version: str
    results: tuple[CheckResult, ...]
    excerpts: tuple[str, ...]  # the words each result is about ("" for a whole text or a media file)
    fingerprints: tuple[str, ...]
    acknowledged: frozenset[str]
    at: datetime.datetime | None = None  # the moment the post was judged at (an election period, a closure day)

    @property
    def blocks(self) -> list[CheckResult]:
        return [result for result in self.results if result.blocks]

    @property
    def warnings(self) -> list[CheckResult]:
        return [result for result in self.results if not result.blocks]

    def unacknowledged_warnings(self) -> list[tuple[CheckResult, str]]:
        return [
            (result, key)
            for result, key in zip(self.results, self.fingerprints, strict=True)
            if not result.blocks and key not in self.acknowledged
        ]

    def as_json(self) -> list[dict]:
        """The results as stored with an approval or a publication (art. 10)."""
        return [
            {**result.as_dict(), "fingerprint": key, "acknowledged": key in self.acknowledged}
            for result, key in zip(self.results, self.fingerprints, strict=True)
        ]


class CharteBlocked(ValidationError):
    def __init__(self, report: CharteReport):
        self.report = report
        super().__init__(
            [ValidationError(result.message, code=result.code) for result in report.blocks]
            or [ValidationError(_("The Charte blocks this post."), code="charte_blocked")]
        )


class WarningsNotAcknowledged(ValidationError):
    def __init__(self, report: CharteReport):
        self.report = report
        super().__init__(
            _(
                "The Charte has %(count)d warning(s) that nobody has acknowledged yet: "
                "read them and acknowledge them first."
            ),
            code="warnings_not_acknowledged",
            params={"count": len(report.unacknowledged_warnings())},
        )


def _excerpt(context: CheckContext, result: CheckResult) -> str:
    if result.start is None:
        return ""
    if result.target == "version":
        text = next((text for channel_id, _n, text in context.versions if channel_id == result.channel_id), "")
    else:
        text = context.body
    return text[result.start : result.end]


def _report(ruleset: RuleSet, context: CheckContext, *, post: Post | None) -> CharteReport:
    results = tuple(ruleset.check(context))
    excerpts = tuple(_excerpt(context, result) for result in results)
    fingerprints = tuple(fingerprint(result, excerpt) for result, excerpt in zip(results, excerpts, strict=True))
    acknowledged = frozenset()
    if post is not None:
        acknowledged = frozenset(
            WarningAcknowledgement.objects.filter(post=post, fingerprint__in=fingerprints).values_list(
                "fingerprint", flat=True
            )
        )
    return CharteReport(
        version=ruleset.version,
        results=results,
        excerpts=excerpts,
        fingerprints=fingerprints,
        acknowledged=acknowledged,
        at=context.at,
    )


def charte_check(*, post: Post, at: datetime.datetime | None = None, ruleset: RuleSet | None = None) -> CharteReport:
    """Check ``post`` against the current rule set (or ``ruleset``, read once for a batch) as if published at ``at``."""
    ruleset = ruleset or get_ruleset()
    return _report(ruleset, context_for_post(post, data=ruleset.data, at=at), post=post)


def charte_checks(batch: list[tuple[Post, datetime.datetime]], *, ruleset: RuleSet | None = None) -> list[CharteReport]:
    """``charte_check(post=post, at=at)`` for each (post, at) of ``batch``, its contexts read together
    (``contexts_for_posts``): the publishing worker's checks of a burst."""
    ruleset = ruleset or get_ruleset()
    contexts = contexts_for_posts(batch, data=ruleset.data)
    return [_report(ruleset, context, post=post) for (post, _at), context in zip(batch, contexts, strict=True)]


def charte_check_draft(*, draft: Draft, at: datetime.datetime | None = None) -> CharteReport:
    """Check a post not saved yet (the composer, as one types) as if published at ``at`` (now by default)."""
    ruleset = get_ruleset()
    return _report(ruleset, context_for_draft(draft, data=ruleset.data, at=at), post=None)


def charte_check_texts(*, post: Post, body: str, channel_texts: dict[int, str]) -> CharteReport:
    """Check ``post`` as if its texts were ``body`` and ``channel_texts`` (its versions' own texts, by channel
    id): the review page as one types, nothing saved. Judged when ``charte_check`` would judge it."""
    ruleset = get_ruleset()
    stored = context_for_post(post, data=ruleset.data)
    context = dataclasses.replace(
        stored,
        body=body,
        versions=[(channel, network, channel_texts.get(channel, text)) for channel, network, text in stored.versions],
    )
    return _report(ruleset, context, post=post)


def charte_acknowledge_warnings(*, post: Post, actor, report: CharteReport) -> int:
    """Record that ``actor`` read each warning of ``report`` not yet acknowledged; returns how many."""
    pending = report.unacknowledged_warnings()
    with transaction.atomic():
        for result, key in pending:
            WarningAcknowledgement.objects.get_or_create(
                post=post,
                fingerprint=key,
                defaults={
                    "code": result.code,
                    "message": result.message_fr,
                    "ruleset_version": report.version,
                    "acknowledged_by": actor,
                },
            )
        if pending:
            audit_record(
                actor=actor,
                action="warnings_acknowledged",
                target=post,
                after={"codes": sorted({result.code for result, _key in pending}), "ruleset_version": report.version},
            )
    return len(pending)


def charte_require_passing(
    *, post: Post, actor, at: datetime.datetime | None = None, acknowledge_warnings: bool = False
) -> CharteReport:
    """Check ``post``; refuse (``CharteBlocked``) on any block, and on unacknowledged warnings unless
    ``acknowledge_warnings`` says ``actor`` acknowledges them now. Returns the report, acknowledgements included."""
    report = charte_check(post=post, at=at)
    if report.blocks:
        raise CharteBlocked(report)
    if report.unacknowledged_warnings():
        if not acknowledge_warnings:
            raise WarningsNotAcknowledged(report)
        charte_acknowledge_warnings(post=post, actor=actor, report=report)
        report = dataclasses.replace(report, acknowledged=frozenset(report.fingerprints))
    return report
