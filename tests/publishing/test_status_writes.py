"""One writer of statuses: every status the publishing code writes goes through the workflow
(``calendar_app.services.workflow``), whose bulk form refuses any move the table does not allow."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import timezone

from calendar_app.models import AuditEntry, ChannelVersion, Post
from calendar_app.services.workflow import Move, bulk_transition
from calendar_app.workflow import IllegalTransition, Status
from tests import factories

PUBLISHING = Path(__file__).resolve().parents[2] / "publishing"
RAW_STATUS_UPDATE = re.compile(r"\bUPDATE\b.*\bSET\b.*\bstatus\b", re.IGNORECASE | re.DOTALL)


def _strings(node) -> list[str]:
    return [each.value for each in ast.walk(node) if isinstance(each, ast.Constant) and isinstance(each.value, str)]


def status_writes(source: str) -> list[tuple[int, str]]:
    """Where ``source`` writes a status itself: ``.update(status=…)``, ``bulk_update(…, ["status", …])``,
    ``save(update_fields=[…"status"…])``, ``obj.status = …`` (saved or bulk-updated later), raw SQL;
    sorted by line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name, keywords = node.func.attr, {keyword.arg: keyword.value for keyword in node.keywords}
            if name == "update" and "status" in keywords:
                found.append((node.lineno, ".update(status=…)"))
            elif name == "bulk_update" and "status" in _strings(node):
                found.append((node.lineno, "bulk_update of status"))
            elif name == "save" and "status" in _strings(keywords.get("update_fields", ast.Constant(None))):
                found.append((node.lineno, "save(update_fields=[status])"))
            elif name in ("execute", "executemany", "raw") and any(map(RAW_STATUS_UPDATE.search, _strings(node))):
                found.append((node.lineno, "raw SQL UPDATE of status"))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for each in ast.walk(target):
                    if _is_status_store(each):
                        found.append((node.lineno, "….status = …"))
    return sorted(found)


def _is_status_store(node) -> bool:
    """``obj.status = …`` on a model instance; ``self.status`` is an object's own field (an HTTP status)."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "status"
        and isinstance(node.ctx, ast.Store)
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    )


def test_the_detector_finds_each_way_of_writing_a_status():
    source = """
ChannelVersion.objects.filter(pk=1).update(status="published", claim_token=None)
ChannelVersion.objects.bulk_update(versions, ["status", "updated_at"])
version.save(update_fields=["status"])
version.status, version.updated_at = "failed", now
cursor.execute("UPDATE calendar_app_channelversion SET status = %s WHERE id = %s", ["failed", 1])
ChannelVersion.objects.filter(status="scheduled").update(claimed_until=None)  # reads a status: fine
"""
    assert [line for line, _what in status_writes(source)] == [2, 3, 4, 5, 6]


def test_no_publishing_code_writes_a_status_outside_the_workflow():
    writes = {
        f"{path.relative_to(PUBLISHING.parent)}:{line} {what}"
        for path in sorted(PUBLISHING.rglob("*.py"))
        if "migrations" not in path.parts
        for line, what in status_writes(path.read_text())
    }
    assert not writes, "status written outside calendar_app.services.workflow: " + ", ".join(sorted(writes))


@pytest.mark.django_db
class TestBulkTransition:
    def versions(self, count: int, status: Status) -> list[ChannelVersion]:
        post = factories.post(channels=[factories.channel() for _number in range(count)])
        now = timezone.now()
        published_at = now if status == Status.PUBLISHED else None
        ChannelVersion.objects.filter(post=post).update(status=status, due_at=now, published_at=published_at)
        return list(post.versions.order_by("pk"))

    @pytest.mark.parametrize(
        ("source", "target"),
        [(Status.PUBLISHED, Status.SCHEDULED), (Status.DRAFT, Status.PUBLISHING), (Status.WITHDRAWN, Status.APPROVED)],
    )
    def test_it_refuses_a_move_the_table_does_not_allow_and_changes_nothing(self, source, target):
        versions = self.versions(2, source)
        entries = AuditEntry.objects.count()
        with pytest.raises(IllegalTransition) as refusal:
            bulk_transition(model=ChannelVersion, moves=[v.pk for v in versions], source=source, target=target)
        assert refusal.value.code == "illegal_transition"
        assert set(ChannelVersion.objects.values_list("status", flat=True)) == {source}
        assert AuditEntry.objects.count() == entries

    def test_one_illegal_source_among_several_refuses_the_whole_move(self):
        versions = self.versions(1, Status.SCHEDULED)
        with pytest.raises(IllegalTransition):
            bulk_transition(
                model=ChannelVersion,
                moves=[versions[0].pk],
                source=[Status.SCHEDULED, Status.PUBLISHED],
                target=Status.PUBLISHING,
            )
        assert ChannelVersion.objects.get().status == Status.SCHEDULED

    def test_it_moves_only_the_rows_still_in_the_source_and_returns_them_audited(self):
        versions = self.versions(3, Status.PUBLISHING)
        # Moved by someone else meanwhile.
        ChannelVersion.objects.filter(pk=versions[1].pk).update(status=Status.PUBLISHED, published_at=timezone.now())
        moved = bulk_transition(
            model=ChannelVersion,
            moves=[
                Move(v.pk, fields={"last_error": f"erreur {n}"}, reason=f"raison {n}") for n, v in enumerate(versions)
            ],
            source=Status.PUBLISHING,
            target=Status.FAILED,
            claim_token=None,
        )
        assert moved == [versions[0].pk, versions[2].pk]
        stored = {v.pk: (v.status, v.last_error) for v in ChannelVersion.objects.all()}
        assert stored[versions[0].pk] == (Status.FAILED, "erreur 0")
        assert stored[versions[1].pk] == (Status.PUBLISHED, "")
        assert stored[versions[2].pk] == (Status.FAILED, "erreur 2")
        entries = sorted(AuditEntry.objects.filter(action="status_changed"), key=lambda e: int(e.target_id))
        assert [(e.target_id, e.before, e.after, e.message) for e in entries] == [
            (str(versions[0].pk), {"status": "publishing"}, {"status": "failed"}, "raison 0"),
            (str(versions[2].pk), {"status": "publishing"}, {"status": "failed"}, "raison 2"),
        ]

    def test_a_post_moved_in_bulk_gets_a_new_revision(self):
        post = factories.post()
        Post.objects.filter(pk=post.pk).update(status=Status.SCHEDULED)
        revision = Post.objects.values_list("revision", flat=True).get(pk=post.pk)
        assert bulk_transition(model=Post, moves=[post.pk], source=Status.SCHEDULED, target=Status.PUBLISHING)
        post.refresh_from_db()
        assert (post.status, post.revision) == (Status.PUBLISHING, revision + 1)
