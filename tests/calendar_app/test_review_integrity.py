"""The review loop cannot be bent (issue 11, defects 1–7): statuses come from the database, concurrent
changes are detected on the server, changes after approval are approved again or reviewed again,
and every refusal stays in the audit log."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from calendar_app.charte.loader import requested_moment
from calendar_app.models import (
    Approval,
    AuditEntry,
    Candidate,
    ChannelVersion,
    ElectionPeriod,
    Post,
    Role,
)
from calendar_app.models.audit import RefusalTally
from calendar_app.permissions import Action, PermissionRefused, require
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.charte import CharteBlocked, charte_check
from calendar_app.services.editing import Edited, PostTexts, post_edit
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


def _due(days: int = 2, hours: int = 0) -> datetime.datetime:
    return (timezone.localtime() + datetime.timedelta(days=days, hours=hours)).replace(second=0, microsecond=0)


def _field(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _stored(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)


def _request(channels, *, body: str = CLEAN, **fields) -> Post:
    """A service's request awaiting review."""
    service = factories.service()
    member = factories.person()
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    post = factories.post(
        author=member,
        body=body,
        channels=channels,
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=service,
        **fields,
    )
    post_services.post_submit(post=post, actor=member)
    return post


def _scheduled(channels, *, reviewer=None, due=None) -> Post:
    post = _request(channels)
    scheduling.post_approve_and_schedule(
        post=post,
        actor=reviewer or factories.reviewer(),
        timing=scheduling.Timing(default=due or _due()),
        acknowledge_warnings=True,
    )
    return post


class TestTheBrowserDoesNotDecideTheStatus:
    def test_a_forged_status_cannot_rewrite_a_published_post(self, client):
        channel = factories.channel("feed")
        post = _scheduled([channel])
        now = timezone.now()
        ChannelVersion.objects.filter(post=post).update(status=Status.PUBLISHED, published_at=now)
        Post.objects.filter(pk=post.pk).update(status=Status.PUBLISHED)
        client.force_login(factories.reviewer())

        response = client.post(
            reverse("calendar_app:review_detail", args=[post.pk]),
            {
                "action": "save",
                "seen_status": "in_review",
                "body": "Texte réécrit.",
                "revision": _stored(post).revision,
            },
        )

        assert response.status_code == 403
        assert (_stored(post).body, _stored(post).status) == (CLEAN, Status.PUBLISHED)

    def test_a_forged_status_cannot_approve_a_draft_nobody_submitted(self, client):
        draft = factories.post(body=CLEAN, channels=[factories.channel()], author=factories.reviewer())
        client.force_login(factories.reviewer())

        response = client.post(
            reverse("calendar_app:review_detail", args=[draft.pk]),
            {
                "action": "approve",
                "seen_status": "draft",
                "body": CLEAN,
                "due_at": _field(_due()),
                "acknowledge_warnings": "on",
                "revision": draft.revision,
            },
        )

        assert response.status_code in (200, 403)
        assert _stored(draft).status == Status.DRAFT
        assert not Approval.objects.exists()
        assert not draft.versions.exclude(status=Status.DRAFT).exists()


class TestWhoChangesAText:
    def test_the_direction_generale_cannot_edit_someone_elses_request(self, client):
        post = _request([factories.channel()])
        post_services.post_request_changes(post=post, reviewer=factories.reviewer(), reasons="Ajoutez la date.")
        direction = factories.person()
        factories.role(direction, Role.DIRECTION_GENERALE)
        client.force_login(direction)

        response = client.post(
            reverse("calendar_app:request_detail", args=[post.pk]),
            {"action": "edit", "body": "Autre texte.", "revision": _stored(post).revision},
        )

        assert response.status_code == 403
        assert _stored(post).body == CLEAN
        assert AuditEntry.objects.filter(action="permission_refused", actor=direction).exists()

    def test_the_author_edits_while_changes_are_asked_for(self):
        post = _request([factories.channel()])
        post_services.post_request_changes(post=post, reviewer=factories.reviewer(), reasons="Ajoutez la date.")

        outcome = post_edit(post=post, actor=post.author, texts=PostTexts(body=CLEAN + " Dès 9 h."))

        assert outcome is Edited.SAVED and _stored(post).body.endswith("Dès 9 h.")

    def test_a_published_post_is_not_edited_in_place(self):
        post = _scheduled([factories.channel()])
        Post.objects.filter(pk=post.pk).update(status=Status.PUBLISHED)
        with pytest.raises(PermissionRefused):
            post_edit(post=post, actor=factories.reviewer(), texts=PostTexts(body="Autre."))
        assert _stored(post).body == CLEAN

    def test_a_text_with_a_nul_byte_or_a_million_characters_is_refused_and_nothing_is_saved(self, client):
        post = _request([factories.channel()])
        client.force_login(factories.reviewer())
        url = reverse("calendar_app:review_detail", args=[post.pk])
        for body in ("Texte\x00caché", "a" * 1_000_000):
            response = client.post(url, {"action": "save", "body": body, "revision": _stored(post).revision})
            assert response.status_code == 200
            assert _stored(post).body == CLEAN
        with pytest.raises(Exception) as raised:
            post_edit(post=post, actor=factories.reviewer(), texts=PostTexts(body="Texte\x0bcaché"))
        assert getattr(raised.value, "error_dict", {}).get("body")
        assert _stored(post).body == CLEAN

    def test_a_version_id_of_another_post_is_refused(self):
        post = _request([factories.channel()])
        other = _request([factories.channel()])
        foreign = other.versions.get()
        with pytest.raises(Exception, match="ne font pas partie|not part"):
            post_edit(post=post, actor=factories.reviewer(), texts=PostTexts(versions={foreign.pk: "Volé."}))
        assert ChannelVersion.objects.get(pk=foreign.pk).text_override == ""


class TestChangesAfterApproval:
    def test_an_edit_of_a_scheduled_post_sends_it_back_to_review(self):
        post = _scheduled([factories.channel(), factories.channel("mastodon")])
        reviewer = factories.reviewer()

        outcome = post_edit(post=post, actor=reviewer, texts=PostTexts(body=CLEAN + " Ouvert le 26."))

        assert outcome is Edited.BACK_TO_REVIEW
        assert _stored(post).status == Status.IN_REVIEW
        assert set(post.versions.values_list("status", flat=True)) == {Status.IN_REVIEW}

    def test_a_reviewer_approves_the_new_text_on_the_spot_and_the_approval_is_renewed(self):
        post = _scheduled([factories.channel()])
        reviewer = factories.reviewer()
        approvals = post.approvals.count()

        outcome = post_edit(
            post=post,
            actor=reviewer,
            texts=PostTexts(body=CLEAN + " Détails : https://www.example.com/fetes"),
            approve_again=True,
            acknowledge_warnings=True,
        )

        assert outcome is Edited.APPROVED_AGAIN
        assert _stored(post).status == Status.SCHEDULED
        latest = post.approvals.latest()
        assert post.approvals.count() == approvals + 1 and latest.reviewer == reviewer
        assert latest.ruleset_version and latest.check_results

    def test_a_new_text_the_charte_blocks_is_not_approved_again_and_nothing_is_saved(self):
        due = _due(days=20)
        post = _scheduled([factories.channel()], due=due)
        election = ElectionPeriod.objects.create(
            name="Élections",
            starts_on=timezone.localdate(due) - datetime.timedelta(days=5),
            polling_day=timezone.localdate(due) + datetime.timedelta(days=5),
            ends_on=timezone.localdate(due) + datetime.timedelta(days=5),
        )
        Candidate.objects.create(election=election, full_name="Gilles Boucher", position="Mairie")

        with pytest.raises(CharteBlocked):
            post_edit(
                post=post,
                actor=factories.reviewer(),
                texts=PostTexts(body="Votez pour Gilles Boucher, le meilleur candidat !"),
                approve_again=True,
                acknowledge_warnings=True,
            )

        assert (_stored(post).body, _stored(post).status) == (CLEAN, Status.SCHEDULED)

    def test_unacknowledged_new_warnings_keep_it_from_being_approved_again(self):
        post = _scheduled([factories.channel()])
        with pytest.raises(Exception, match="avertissement|warning"):
            post_edit(
                post=post,
                actor=factories.reviewer(),
                texts=PostTexts(body=CLEAN + " Détails : https://www.example.com/fetes"),
                approve_again=True,
            )
        assert _stored(post).body == CLEAN

    def test_a_reviewer_reschedules_and_the_approval_is_renewed_at_the_new_time(self):
        post = _scheduled([factories.channel()])
        later = _due(days=5)

        stays = scheduling.post_reschedule(
            post=post, actor=factories.reviewer(), timing=scheduling.Timing(default=later), acknowledge_warnings=True
        )

        assert stays and _stored(post).status == Status.SCHEDULED
        assert post.versions.get().due_at == later
        assert post.approvals.count() == 2

    def test_a_publisher_whose_posts_need_review_reschedules_and_it_returns_to_review(self):
        channel = factories.channel()
        publisher = factories.person()
        factories.role(publisher, Role.PUBLISHER).channels.add(channel)
        post = post_services.post_write(
            author=publisher, title="Avis", category="public_interest", body=CLEAN, channels=[channel]
        )
        reviewer = factories.reviewer()
        scheduling.post_approve_and_schedule(
            post=post, actor=reviewer, timing=scheduling.Timing(default=_due()), acknowledge_warnings=True
        )

        stays = scheduling.post_reschedule(post=post, actor=publisher, timing=scheduling.Timing(default=_due(days=4)))

        assert not stays and _stored(post).status == Status.IN_REVIEW


class TestSchedulingOnSeveralChannels:
    def test_the_adviser_schedules_her_own_post_on_two_channels_each_at_its_own_time(self, client):
        adviser = factories.reviewer()
        facebook, mastodon = factories.channel(), factories.channel("mastodon")
        post = post_services.post_write(
            author=adviser, title="Bibliothèque", category="public_interest", body=CLEAN, channels=[facebook, mastodon]
        )
        assert post.status == Status.DRAFT
        first, own = _due(days=1), _due(days=1, hours=3)
        mastodon_version = post.versions.get(channel=mastodon)
        client.force_login(adviser)

        response = client.post(
            reverse("calendar_app:post_schedule", args=[post.pk]),
            {
                "due_at": _field(first),
                f"due_at-{mastodon_version.pk}": _field(own),
                "acknowledge_warnings": "on",
                "revision": post.revision,
            },
        )

        assert response.status_code == 302, response.content.decode()[:2000]
        assert _stored(post).status == Status.SCHEDULED
        times = dict(post.versions.values_list("channel_id", "due_at"))
        assert times == {facebook.pk: first, mastodon.pk: own}
        assert post.approvals.get().reviewer == adviser

    def test_an_approved_post_is_scheduled_on_every_channel_or_none(self):
        authorised, unauthorised = (
            factories.channel(),
            factories.channel("mastodon", authorised_by=None, authorised_at=None),
        )
        post = _request([authorised, unauthorised])
        post_services.post_approve(post=post, reviewer=factories.reviewer(), acknowledge_warnings=True)

        with pytest.raises(Exception, match="8.1"):
            scheduling.post_schedule(post=post, actor=factories.reviewer(), timing=scheduling.Timing(default=_due()))

        assert set(post.versions.values_list("status", flat=True)) == {Status.APPROVED}

    def test_a_time_already_past_is_refused(self, client):
        post = _request([factories.channel()])
        client.force_login(factories.reviewer())
        past = timezone.now() - datetime.timedelta(hours=1)
        response = client.post(
            reverse("calendar_app:review_detail", args=[post.pk]),
            {"action": "approve", "body": CLEAN, "due_at": _field(past), "revision": _stored(post).revision},
        )
        assert response.status_code == 200
        assert _stored(post).status == Status.SUBMITTED


class TestTheLosingReviewerIsTold:
    def test_the_second_decision_shows_who_decided_first(self, client):
        post = _request([factories.channel()])
        first, second = factories.reviewer(first_name="Josée", last_name="Bérubé"), factories.reviewer()
        seen = _stored(post).revision  # both opened the page
        scheduling.post_approve_and_schedule(
            post=post,
            actor=first,
            timing=scheduling.Timing(default=_due()),
            acknowledge_warnings=True,
            seen_revision=seen,
        )
        client.force_login(second)

        response = client.post(
            reverse("calendar_app:review_detail", args=[post.pk]),
            {"action": "refuse", "reasons": "Hors mandat.", "revision": seen},
        )

        assert response.status_code == 200
        page = response.content.decode()
        assert str(first) in page and "Pendant que vous travailliez" in page
        assert _stored(post).status == Status.SCHEDULED
        assert not post.approvals.filter(decision=Approval.Decision.REFUSED).exists()


class TestRequestsAreJudgedAtTheirDates:
    def test_partisan_words_in_a_request_for_election_dates_are_blocked_when_filed(self):
        start = timezone.localdate() + datetime.timedelta(days=40)
        election = ElectionPeriod.objects.create(
            name="Élections 2027",
            starts_on=start,
            polling_day=start + datetime.timedelta(days=20),
            ends_on=start + datetime.timedelta(days=20),
        )
        Candidate.objects.create(election=election, full_name="Gilles Boucher", position="Mairie")
        post = _request(
            [factories.channel()],
            body="Votez pour Gilles Boucher, le meilleur candidat !",
            desired_from=start - datetime.timedelta(days=3),
            desired_until=start + datetime.timedelta(days=3),
        )

        assert timezone.localdate(requested_moment(post)) == start
        assert charte_check(post=post).blocks

    def test_a_request_outside_any_election_is_judged_on_its_first_day(self):
        day = timezone.localdate() + datetime.timedelta(days=10)
        post = _request([factories.channel()], desired_from=day)
        assert timezone.localdate(requested_moment(post)) == day


class TestRefusalsStayInTheAuditLog:
    def test_the_scheduling_page_refuses_a_requester_and_the_refusal_is_recorded(self, client):
        post = _request([factories.channel()])
        post_services.post_approve(post=post, reviewer=factories.reviewer(), acknowledge_warnings=True)
        client.force_login(post.author)
        url = reverse("calendar_app:post_schedule", args=[post.pk])

        assert client.get(url).status_code == 403
        response = client.post(url, {"due_at": _field(_due()), "revision": _stored(post).revision})

        assert response.status_code == 403
        assert _stored(post).status == Status.APPROVED
        assert AuditEntry.objects.filter(action="permission_refused", actor=post.author).exists()

    def test_a_refusal_inside_a_rolled_back_transaction_is_written_again(self):
        person = factories.person()
        with pytest.raises(PermissionRefused) as raised:
            with transaction.atomic():
                require(False, actor=person, action=Action.SCHEDULE, target=person)
        assert not AuditEntry.objects.filter(action="permission_refused", actor=person).exists()

        raised.value.record_again_if_lost()

        assert AuditEntry.objects.filter(action="permission_refused", actor=person).count() == 1

    def test_a_flood_of_identical_refusals_is_written_once_then_counted(self):
        person = factories.person()
        for _attempt in range(5):
            with pytest.raises(PermissionRefused):
                require(False, actor=person, action=Action.SCHEDULE, target=person)
        assert AuditEntry.objects.filter(action="permission_refused", actor=person).count() == 1

        RefusalTally.objects.update(window_ends_at=timezone.now() - datetime.timedelta(seconds=1))
        with pytest.raises(PermissionRefused):
            require(False, actor=person, action=Action.SCHEDULE, target=person)

        entries = AuditEntry.objects.filter(action="permission_refused", actor=person).order_by("pk")
        assert [entry.after.get("repeated") for entry in entries] == [None, 4]

    def test_different_refusals_are_each_written(self):
        person = factories.person()
        for action in (Action.SCHEDULE, Action.APPROVE):
            with pytest.raises(PermissionRefused):
                require(False, actor=person, action=action, target=person)
        assert AuditEntry.objects.filter(action="permission_refused", actor=person).count() == 2


class TestTheSchedulingPageSpeaksThePersonsLanguage:
    def test_its_button_is_translated_when_shown_not_when_loaded(self, client):
        adviser = factories.reviewer()
        post = post_services.post_write(
            author=adviser, title="Avis", category="public_interest", body=CLEAN, channels=[factories.channel()]
        )
        client.force_login(adviser)
        url = reverse("calendar_app:post_schedule", args=[post.pk])
        assert "Approuver et programmer</button>" in client.get(url, HTTP_ACCEPT_LANGUAGE="fr-ca").content.decode()
        client.cookies["django_language"] = "en"
        assert "Approve and schedule</button>" in client.get(url).content.decode()
