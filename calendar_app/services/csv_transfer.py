"""Posts from a spreadsheet: a plan imported from a CSV file (issue 13, item 6).

The file's columns are ``csv_format``'s (one row per post; titre/title, categorie/category, canaux/channels,
date, heure/time, texte/text, liens/links, sante_securite/health_and_safety, texte_<network>/text_<network>;
``,`` or ``;`` between cells; UTF-8); ``csv_reading`` reads and checks its rows. The import page and the
template file show the format.

``posts_import`` guarantees:
1. All rows or none: the whole file is read and every row checked before anything is written, and the
   writes share one transaction; any problem leaves the database as it was.
2. Every problem is reported with its line, numbered as a spreadsheet numbers its rows (the header is
   line 1), and its column as the file names it, in the person's language.
3. Each row becomes a draft internal post through ``post_create``, which checks the author's right to
   write on each channel (art. 8.4), with the row's time proposed on each of its channels. With
   ``schedule``, every post is then approved and scheduled through ``post_approve_and_schedule`` (the Charte
   at its time), for an author whose role needs no review.
4. A row is imported once: the fingerprint of what it says is its post's ``source_uid``, so a row repeated
   in the file, or imported before, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from calendar_app.models import Post
from calendar_app.permissions import Abilities, Action, PermissionRefused, require
from calendar_app.services.audit import audit_record
from calendar_app.services.charte import WarningsNotAcknowledged
from calendar_app.services.csv_reading import ImportRefused, PlannedPost, Problem, import_limits, read_plan
from calendar_app.services.posts import post_create, require_may_write
from calendar_app.services.scheduling import Timing, post_approve_and_schedule

__all__ = ["ImportOutcome", "ImportRefused", "may_schedule_imports", "posts_import"]


def may_schedule_imports(abilities: Abilities) -> bool:
    """Whether imported posts may be approved and scheduled at once: an author whose role needs no review
    approves their own posts (art. 8.4), as ``posts.require_may_approve`` then decides for each."""
    return abilities.can_write_internal() and not abilities.internal_posts_need_review()


@dataclass(frozen=True)
class ImportOutcome:
    posts: list[Post]
    scheduled: bool


def posts_import(*, author, data: bytes, schedule: bool = False, acknowledge_warnings: bool = False) -> ImportOutcome:
    """Create one draft internal post per row of ``data`` (a CSV file) as ``author``; with ``schedule``,
    approve and schedule them all at their times.

    Raises ``ImportRefused`` with every problem found (nothing written), and ``PermissionRefused`` when
    ``author`` may write no internal post, or may not schedule what they import.
    """
    can = require_may_write(author, origin=Post.Origin.INTERNAL, channels=())
    if schedule:
        require(may_schedule_imports(can), actor=author, action=Action.SCHEDULE, target=author)
    planned = read_plan(data, can)
    limit = import_limits().max_scheduled_rows
    if schedule and len(planned) > limit:
        message = _(
            "At most %(limit)d posts are scheduled at once (the Charte checks each at its time): import these as "
            "drafts, or split the file."
        )
        raise ImportRefused([Problem(None, "", message % {"limit": limit})])
    refusals: list[PermissionRefused] = []
    try:
        with transaction.atomic():
            posts = [_create(row, author=author) for row in planned]
            if schedule:
                problems = []
                for row, post in zip(planned, posts, strict=True):
                    problems += _schedule(row, post, author=author, acknowledge=acknowledge_warnings, refusals=refusals)
                if problems:
                    raise ImportRefused(problems)  # and every row is rolled back
    finally:
        for refusal in refusals:  # the rollback took their audit entries with it
            refusal.record_again_if_lost()
    return ImportOutcome(posts=posts, scheduled=schedule)


def _create(row: PlannedPost, *, author) -> Post:
    post = post_create(
        author=author,
        title=row.title,
        category=row.category,
        body=row.body,
        channels=row.channels,
        version_texts=row.version_texts(),
        links=row.links,
        health_and_safety=row.health_and_safety,
        source_uid=row.fingerprint(),
        due_times=dict.fromkeys(row.channels, row.due_at),
    )
    audit_record(
        actor=author, action="imported", target=post, after={"line": row.line, "due_at": row.due_at.isoformat()}
    )
    return post


def _schedule(row: PlannedPost, post: Post, *, author, acknowledge: bool, refusals: list) -> list[Problem]:
    """Approve and schedule one imported post; what went wrong, as problems of its line."""
    try:
        post_approve_and_schedule(
            post=post, actor=author, timing=Timing(default=row.due_at), acknowledge_warnings=acknowledge
        )
    except PermissionRefused as refusal:
        refusals.append(refusal)
        return [Problem(row.line, "", str(refusal))]
    except WarningsNotAcknowledged as warnings:
        listed = [str(result.message) for result, _key in warnings.report.unacknowledged_warnings()]
        hint = _("Tick “I have read the Charte's warnings” to schedule anyway, or import without scheduling.")
        return [Problem(row.line, "", " ".join([*listed, hint]))]
    except ValidationError as error:  # the Charte blocks, a channel without authorisation (art. 8.1)...
        return [Problem(row.line, "", " ".join(error.messages))]
    return []
