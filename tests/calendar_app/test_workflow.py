"""Every legal and illegal move of the state machine, on a post and on a channel version."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from calendar_app.models import AuditEntry, ChannelVersion, Post
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.workflow import post_transition, version_transition
from calendar_app.workflow import FINAL_STATES, TRANSITIONS, IllegalTransition, Status
from tests import factories

pytestmark = pytest.mark.django_db

ALL_MOVES = list(itertools.product(Status, Status))
LEGAL = [(current, target) for current, target in ALL_MOVES if target in TRANSITIONS[current]]
ILLEGAL = [(current, target) for current, target in ALL_MOVES if target not in TRANSITIONS[current]]


def _version_in(status: Status) -> ChannelVersion:
    post = factories.post(channels=[factories.channel()])
    version = post.versions.get()
    due_at = timezone.now() + datetime.timedelta(hours=1)
    published_at = timezone.now() if status == Status.PUBLISHED else None
    ChannelVersion.objects.filter(pk=version.pk).update(status=status, due_at=due_at, published_at=published_at)
    version.refresh_from_db()
    return version


def _post_in(status: Status) -> Post:
    post = factories.post()
    Post.objects.filter(pk=post.pk).update(status=status)
    post.refresh_from_db()
    return post


def test_every_state_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(Status)
    assert FINAL_STATES == {Status.REFUSED, Status.WITHDRAWN, Status.REMOVED}


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_a_legal_move_changes_the_post_and_is_audited(current, target):
    post = _post_in(current)
    actor = factories.person()

    post_transition(post=post, target=target, actor=actor, reason="raison")

    post.refresh_from_db()
    assert post.status == target
    entry = AuditEntry.objects.filter(target_id=str(post.pk), action="status_changed").get()
    assert (entry.actor, entry.before, entry.after["status"], entry.message) == (
        actor,
        {"status": current},
        target,
        "raison",
    )


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_an_illegal_move_raises_and_changes_nothing_on_a_post(current, target):
    post = _post_in(current)
    audit_before = AuditEntry.objects.count()

    with pytest.raises(IllegalTransition) as raised:
        post_transition(post=post, target=target, actor=factories.person())

    assert raised.value.code == "illegal_transition"
    assert str(Status(current).label) in raised.value.messages[0]
    post.refresh_from_db()
    assert post.status == current
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_a_legal_move_changes_the_version_and_is_audited(current, target):
    version = _version_in(current)
    # The database requires a publication time on a published version.
    fields = {"published_at": timezone.now()} if target == Status.PUBLISHED else {}

    version_transition(version=version, target=target, actor=None, **fields)

    version.refresh_from_db()
    assert version.status == target
    assert AuditEntry.objects.filter(target_id=str(version.pk), action="status_changed", after__status=target).exists()


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_an_illegal_move_raises_and_changes_nothing_on_a_version(current, target):
    version = _version_in(current)

    with pytest.raises(IllegalTransition):
        version_transition(version=version, target=target, actor=None)

    version.refresh_from_db()
    assert version.status == current
    assert not AuditEntry.objects.filter(target_id=str(version.pk), action="status_changed").exists()


def test_the_move_is_checked_against_the_database_not_the_stale_object():
    post = _post_in(Status.SUBMITTED)
    stale = Post.objects.get(pk=post.pk)
    post_transition(post=post, target=Status.IN_REVIEW, actor=None)

    # The stale copy still says "submitted"; submitted → in review again must not pass.
    with pytest.raises(IllegalTransition):
        post_transition(post=stale, target=Status.IN_REVIEW, actor=None)
    assert AuditEntry.objects.filter(target_id=str(post.pk), action="status_changed").count() == 1


def test_scheduling_requires_a_due_time_in_the_database():
    from django.db import IntegrityError, transaction

    version = _version_in(Status.APPROVED)
    ChannelVersion.objects.filter(pk=version.pk).update(due_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        version_transition(version=version, target=Status.SCHEDULED, actor=None)
    version.refresh_from_db()
    assert version.status == Status.APPROVED


class TestThePostLifecycle:
    def test_a_request_goes_from_draft_to_published_on_every_channel(self):
        facebook, mastodon = factories.channel("facebook"), factories.channel("mastodon")
        author, reviewer = factories.reviewer(), factories.reviewer()
        post = factories.post(author=author, channels=[facebook, mastodon])

        post_services.post_submit(post=post, actor=author)
        post_services.post_start_review(post=post, reviewer=reviewer)
        approval = post_services.post_approve(post=post, reviewer=reviewer)
        due = timezone.now() + datetime.timedelta(minutes=5)
        scheduling.post_schedule(post=post, actor=reviewer, timing=scheduling.Timing(default=due))
        versions = list(post.versions.order_by("pk"))
        post.refresh_from_db()
        assert post.status == Status.SCHEDULED
        assert approval.reviewer == reviewer and approval.ruleset_version

        for number, version in enumerate(versions):
            post_services.version_start_publishing(version=version)
            post.refresh_from_db()
            assert post.status == Status.PUBLISHING
            post_services.version_record_published(
                version=version,
                external_id=f"id-{number}",
                external_url="https://example.org/p",
                published_at=timezone.now(),
            )
            post.refresh_from_db()
            assert post.status == (Status.PUBLISHED if number == 1 else Status.PUBLISHING)

    def test_a_channel_without_the_direction_generales_authorisation_cannot_be_scheduled(self):
        from django.core.exceptions import ValidationError

        post = factories.post(channels=[factories.channel(authorised_by=None, authorised_at=None)])
        version = post.versions.get()
        ChannelVersion.objects.filter(pk=version.pk).update(status=Status.APPROVED)
        version.refresh_from_db()

        with pytest.raises(ValidationError) as raised:
            scheduling.post_schedule(post=post, actor=post.author, timing=scheduling.Timing(default=timezone.now()))

        assert raised.value.code == "channel_not_authorised" and "art. 8.1" in raised.value.messages[0]
        version.refresh_from_db()
        assert version.status == Status.APPROVED

    def test_a_refusal_records_its_reasons_and_moves_every_version(self):
        post = factories.post(channels=[factories.channel()])
        reviewer = factories.reviewer()
        post_services.post_submit(post=post, actor=post.author)
        post_services.post_start_review(post=post, reviewer=reviewer)

        approval = post_services.post_refuse(
            post=post, reviewer=reviewer, reasons="Hors du mandat de la Ville (art. 9.5)."
        )

        assert approval.decision == "refused"
        assert set(post.versions.values_list("status", flat=True)) == {Status.REFUSED}

    def test_withdrawing_leaves_published_versions_alone(self):
        post = factories.post(channels=[factories.channel("x"), factories.channel("bluesky")])
        published, pending = post.versions.order_by("pk")
        Post.objects.filter(pk=post.pk).update(status=Status.PUBLISHING)
        ChannelVersion.objects.filter(pk=published.pk).update(
            status=Status.PUBLISHED, due_at=timezone.now(), published_at=timezone.now()
        )
        ChannelVersion.objects.filter(pk=pending.pk).update(status=Status.FAILED, due_at=timezone.now())

        with pytest.raises(IllegalTransition):  # a post being published is not withdrawn
            post_services.post_withdraw(post=post, actor=post.author)

        assert set(post.versions.values_list("status", flat=True)) == {Status.PUBLISHED, Status.FAILED}

    def test_a_failed_move_midway_rolls_back_the_post_and_its_versions(self):
        post = factories.post(channels=[factories.channel("x"), factories.channel("bluesky")])
        first, second = post.versions.order_by("pk")
        ChannelVersion.objects.filter(pk=second.pk).update(status=Status.IN_REVIEW)

        with pytest.raises(IllegalTransition):
            post_services.post_submit(post=post, actor=post.author)

        post.refresh_from_db()
        assert post.status == Status.DRAFT
        assert list(post.versions.order_by("pk").values_list("status", flat=True)) == [Status.DRAFT, Status.IN_REVIEW]
        assert not AuditEntry.objects.filter(action="status_changed").exists()
