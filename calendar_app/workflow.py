"""The one state machine shared by a post and each of its channel versions.

A post moves through the editorial states (draft → submitted → in review → approved, changes
requested or refused); each channel version follows it there, then is scheduled, published and
possibly removed on its own. The table below is the only place that says which move is legal;
``calendar_app.services.workflow`` is the only code that applies a move.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REFUSED = "refused", _("Refused")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    # A post only: some of its channels are published, the others failed or were blocked.
    PARTIALLY_PUBLISHED = "partially_published", _("Partially published")
    FAILED = "failed", _("Failed")
    # The network was asked and never said whether it published (a timeout, a cut connection), and
    # looking it up did not settle it within the tries allowed: a person checks and says.
    TO_VERIFY = "to_verify", _("To verify")
    BLOCKED = "blocked", _("Blocked")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed after publication")


S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    # Straight to approved: an authorised publisher whose posts need no review (art. 8.4),
    # or the Mission Communication team during an emergency (art. 6).
    S.DRAFT: frozenset({S.SUBMITTED, S.APPROVED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.CHANGES_REQUESTED, S.REFUSED, S.WITHDRAWN}),
    S.CHANGES_REQUESTED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    # Back to review when an approved or scheduled text is edited; back to approved when a scheduled post
    # is unscheduled (its approval stands; it goes out once scheduled again).
    S.APPROVED: frozenset({S.SCHEDULED, S.IN_REVIEW, S.WITHDRAWN}),
    S.SCHEDULED: frozenset({S.PUBLISHING, S.APPROVED, S.IN_REVIEW, S.WITHDRAWN}),
    # Back to scheduled when a temporary network error or an unknown outcome leaves a later attempt to make.
    S.PUBLISHING: frozenset({S.PUBLISHED, S.PARTIALLY_PUBLISHED, S.FAILED, S.BLOCKED, S.SCHEDULED, S.TO_VERIFY}),
    # One channel retried alone: the post is publishing again while that channel goes out.
    S.PARTIALLY_PUBLISHED: frozenset({S.PUBLISHING, S.REMOVED}),
    S.FAILED: frozenset({S.SCHEDULED, S.PUBLISHING, S.WITHDRAWN}),
    # A person resolves it: it went out (a version is published; its post settles), or it is sent again
    # (a version is scheduled; its post is publishing once the worker takes it).
    S.TO_VERIFY: frozenset({S.PUBLISHED, S.PARTIALLY_PUBLISHED, S.FAILED, S.BLOCKED, S.SCHEDULED, S.PUBLISHING}),
    S.BLOCKED: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    # Removal after publication (art. 7, ``publishing.removals``): a version once its network took it off, a
    # post once none of its versions is published any more.
    S.PUBLISHED: frozenset({S.REMOVED}),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.REMOVED: frozenset(),
}

# States whose channel versions must carry a due time.
TIMED_STATES = frozenset({S.SCHEDULED, S.PUBLISHING, S.PUBLISHED})
# States in which nothing changes any more.
FINAL_STATES = frozenset(state for state, targets in TRANSITIONS.items() if not targets)
# A channel version in one of these is still to go out: its post has not settled yet.
STILL_TO_GO = frozenset({S.SCHEDULED, S.PUBLISHING})


def settled_status(statuses: Iterable[str]) -> Status | None:
    """The status a post's channel versions add up to once none is left to go out; None while one is.

    One left to verify → to verify (a person says what happened first). Else published (or removed
    since) on every channel that was not withdrawn → published; on some only → partially published;
    on none → failed if one failed, else blocked if one was blocked.
    The one rule of "publish outcome → post status", for the worker and the services alike.
    """
    statuses = set(statuses)
    if statuses & STILL_TO_GO:
        return None
    if S.TO_VERIFY in statuses:
        return S.TO_VERIFY
    published = statuses & {S.PUBLISHED, S.REMOVED}
    if published and statuses - {S.PUBLISHED, S.REMOVED, S.WITHDRAWN}:
        return S.PARTIALLY_PUBLISHED
    if published:
        return S.PUBLISHED
    if S.FAILED in statuses:
        return S.FAILED
    if S.BLOCKED in statuses:
        return S.BLOCKED
    return None


def can_transition(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


class IllegalTransition(ValidationError):
    """A move the state machine does not allow, or that another person made first."""

    def __init__(self, *, subject, current: str, target: str, concurrent: bool = False):
        self.current, self.target = Status(current), Status(target)
        if concurrent:
            message = _("“%(subject)s” changed status while you were working on it; reload and try again.")
        else:
            message = _("“%(subject)s” cannot go from “%(current)s” to “%(target)s”.")
        super().__init__(
            message,
            code="concurrent_transition" if concurrent else "illegal_transition",
            params={"subject": str(subject), "current": self.current.label, "target": self.target.label},
        )
