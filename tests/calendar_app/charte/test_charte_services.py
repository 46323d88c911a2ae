"""The Charte where it runs: approvals, scheduling, acknowledgements, versions, the command line."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone

from calendar_app.charte.loader import get_ruleset
from calendar_app.models import (
    AuditEntry,
    Candidate,
    ChannelVersion,
    CharteLexicon,
    CharteSettings,
    CharteTerm,
    ElectionPeriod,
    Post,
    Role,
    WarningAcknowledgement,
)
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.charte import CharteBlocked, WarningsNotAcknowledged, charte_check
from calendar_app.workflow import Status
from tests import factories
from tests.live import PROJECT

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
PHONE = "Pour joindre Mme Tremblay, composez le 418 555-0142."


def _in_review(body: str, **fields) -> Post:
    post = factories.post(body=body, channels=[factories.channel("facebook")], **fields)
    post_services.post_submit(post=post, actor=post.author)
    post_services.post_start_review(post=post, reviewer=factories.reviewer())
    return post


def _election_covering(day: datetime.date) -> ElectionPeriod:
    election = ElectionPeriod.objects.create(
        name="Élections",
        starts_on=day - datetime.timedelta(days=10),
        polling_day=day + datetime.timedelta(days=5),
        ends_on=day + datetime.timedelta(days=5),
    )
    Candidate.objects.create(election=election, full_name="Gilles Boucher", position="Mairie")
    return election


def test_an_approval_records_the_rule_set_version_and_the_results():
    post = _in_review(CLEAN)
    approval = post_services.post_approve(post=post, reviewer=factories.reviewer(), acknowledge_warnings=True)
    assert approval.ruleset_version == get_ruleset().version
    assert approval.ruleset_version.startswith("montmagny-")
    assert isinstance(approval.check_results, list)
    assert all(
        {"code", "article", "severity", "message_fr", "message_en"} <= set(row) for row in approval.check_results
    )


def test_approval_is_refused_while_the_charte_blocks_and_nothing_changes():
    post = _in_review(PHONE)
    with pytest.raises(CharteBlocked) as raised:
        post_services.post_approve(post=post, reviewer=factories.reviewer(), acknowledge_warnings=True)
    assert "5.13" in " ".join(raised.value.messages)
    post.refresh_from_db()
    assert post.status == Status.IN_REVIEW and not post.approvals.exists()


def test_warnings_need_an_acknowledgement_which_is_recorded():
    post = _in_review("Le parti au pouvoir a raison sur ce dossier, bravo !")
    reviewer = factories.reviewer()
    report = charte_check(post=post)
    assert report.warnings and not report.blocks, report.results
    with pytest.raises(WarningsNotAcknowledged):
        post_services.post_approve(post=post, reviewer=reviewer)

    approval = post_services.post_approve(post=post, reviewer=reviewer, acknowledge_warnings=True)

    acknowledgement = WarningAcknowledgement.objects.filter(post=post).first()
    assert acknowledgement.acknowledged_by == reviewer and acknowledgement.ruleset_version == approval.ruleset_version
    assert all(row["acknowledged"] for row in approval.check_results if row["severity"] == "warn")
    assert AuditEntry.objects.filter(target_id=str(post.pk), action="warnings_acknowledged").exists()


def test_a_post_approved_before_an_election_period_cannot_be_scheduled_inside_it():
    post = _in_review("Votez pour Gilles Boucher, le meilleur candidat !")
    reviewer = factories.reviewer()
    post_services.post_approve(post=post, reviewer=reviewer, acknowledge_warnings=True)  # no period yet: a warning
    due = timezone.now() + datetime.timedelta(days=30)
    _election_covering(timezone.localdate(due))
    version = post.versions.get()

    with pytest.raises(CharteBlocked):
        scheduling.post_schedule(
            post=post, actor=reviewer, timing=scheduling.Timing(default=due), acknowledge_warnings=True
        )

    assert ChannelVersion.objects.get(pk=version.pk).status == Status.APPROVED


def test_a_council_member_cannot_post_during_an_election_period():
    member = factories.reviewer()
    factories.role(member, Role.COUNCIL_MEMBER, starts_on=timezone.localdate() - datetime.timedelta(days=1))
    post = factories.post(author=member, body=CLEAN)  # written before the period was declared
    _election_covering(timezone.localdate())
    report = charte_check(post=post)
    assert "election_author" in {result.code for result in report.blocks}


def test_editing_the_charte_data_changes_the_version_and_the_results():
    post = factories.post(body="Quelle journée patate au parc municipal.")
    before = charte_check(post=post)
    assert "netiquette" not in {result.code for result in before.results}

    CharteTerm.objects.create(lexicon=CharteLexicon.objects.get(code="netiquette_vulgar"), term="patate")
    CharteSettings.bump_revision()

    after = charte_check(post=post)
    assert after.version != before.version
    assert "netiquette" in {result.code for result in after.blocks}


def test_a_lexicon_the_database_does_not_know_yet_comes_from_the_defaults_files():
    from calendar_app.charte.loader import data_from_database

    CharteLexicon.objects.filter(code="netiquette_vulgar").delete()  # as if added by a newer release
    assert data_from_database().lexicon_terms["netiquette_vulgar"]
    CharteLexicon.objects.create(code="netiquette_vulgar", name="Vulgaire", kind="words")  # emptied by the team
    assert "netiquette_vulgar" not in data_from_database().lexicon_terms


def test_the_admin_saves_of_charte_data_revise_the_rule_set(admin_client):
    before = CharteSettings.current().revision
    response = admin_client.post(
        "/admin/calendar_app/allowedlinkdomain/add/", {"domain": "tourisme-cote-du-sud.example", "note": ""}
    )
    assert response.status_code == 302
    assert CharteSettings.current().revision == before + 1


class TestTheCommandLine:
    def _run(self, text: str, *args: str) -> subprocess.CompletedProcess:
        from tests.live import test_database_url

        return subprocess.run(
            [sys.executable, "manage.py", "charte_check", *args],
            input=text,
            text=True,
            capture_output=True,
            cwd=PROJECT,
            timeout=120,
            env={**__import__("os").environ, "DATABASE_URL": test_database_url()},
        )

    @pytest.mark.django_db(transaction=True)
    def test_it_exits_0_when_nothing_blocks_and_1_when_something_does(self):
        assert self._run(CLEAN).returncode == 0
        blocked = self._run(PHONE, "--json")
        assert blocked.returncode == 1
        results = json.loads(blocked.stdout)
        assert {"code", "article", "severity", "message", "start", "end"} == set(results[0])
        personal = next(result for result in results if result["code"] == "personal_data")
        assert PHONE[personal["start"] : personal["end"]] == "418 555-0142"

    @pytest.mark.django_db(transaction=True)
    def test_bad_arguments_exit_2(self):
        assert self._run(CLEAN, "--category", "gossip").returncode == 2
        assert self._run(CLEAN, "--at", "demain").returncode == 2
        assert self._run(CLEAN, "--author", "nobody").returncode == 2

    def test_the_election_period_in_the_database_decides(self):
        _election_covering(datetime.date(2029, 10, 30))
        out = io.StringIO()
        with pytest.raises(SystemExit) as raised:
            call_command(
                "charte_check",
                "--at",
                "2029-10-30",
                "--json",
                stdin=io.StringIO("Votez pour Gilles Boucher !"),
                stdout=out,
            )
        assert raised.value.code == 1
        assert any(r["code"] == "political" and r["severity"] == "block" for r in json.loads(out.getvalue()))


def test_the_command_line_says_a_text_is_an_outside_press_release():
    """Issue 16, item 3: blocked until the relay is authorised (art. 5.3)."""
    text = "Le Club de ski de fond annonce l'ouverture de ses pistes samedi."

    def codes(*extra) -> tuple[set[str], int]:
        out = io.StringIO()
        code = 0
        try:
            call_command("charte_check", "--json", *extra, stdin=io.StringIO(text), stdout=out)
        except SystemExit as exit_:
            code = exit_.code
        return {result["code"] for result in json.loads(out.getvalue())}, code

    blocked, exit_code = codes("--outside-press-release")
    assert "outside_press_release" in blocked and exit_code == 1
    assert "outside_press_release" not in codes("--outside-press-release", "--authorised")[0]
    assert "outside_press_release" not in codes()[0]
