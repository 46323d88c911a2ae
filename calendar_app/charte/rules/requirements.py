"""What some kinds of post must carry before they go out: contest rules (art. 5.8), and the
administration's approval to relay another organisation's press release (art. 5.3)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity

# The kind of an attached link that holds a contest's rules (LinkInfo.kind).
CONTEST_RULES_LINK = "contest_rules"


class ContestRules(Check):
    code = "contest_rules"
    article = "5.8"
    severity = Severity.BLOCK
    help_text = _("A contest is published with its rules attached, as a link or a document.")

    CATEGORY = "contest"

    MESSAGE = _("A contest needs clear rules: attach the contest rules, as a link or a document, before publishing.")

    def check(self, context: CheckContext):
        if context.category != self.CATEGORY or context.has_contest_rules_document:
            return
        if any(link.kind == CONTEST_RULES_LINK and link.url.strip() for link in context.links):
            return
        yield Finding(message=self.MESSAGE)


class OutsidePressRelease(Check):
    code = "outside_press_release"
    article = "5.3"
    severity = Severity.BLOCK
    help_text = _(
        "Another organisation's press release is relayed only with the approval of the Direction générale or a "
        "service director."
    )

    MESSAGE = _(
        "This press release comes from another organisation: the city relays one only with the approval of the "
        "Direction générale or a service director; have that approval recorded before publishing."
    )

    def check(self, context: CheckContext):
        if context.outside_press_release and not context.outside_press_release_authorised:
            yield Finding(message=self.MESSAGE)
