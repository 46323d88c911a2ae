"""A person resolves a publication "to verify" (issue 14): it went out (with its address), or it is sent again.

The services ``version_confirm_published`` and ``version_send_again``: each move, what the post becomes, who is
told, what is refused (another status, a stale page, a bad address, a person who may not schedule the post),
and the audit trail.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import AuditEntry, ChannelVersion, Notification, Post, Role
from calendar_app.services.scheduling import version_confirm_published, version_send_again
from calendar_app.services.workflow import post_transition, version_transition
from calendar_app.workflow import IllegalTransition, Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"
FOUND = "https://mastodon.example/@ville/113245"


@pytest.fixture
def city():
    """Two channels, a service that asked for a post, and one person per role the rules name."""
    facebook, mastodon = factories.channel("facebook"), factories.channel("mastodon")
    service = factories.service(name="Service des loisirs")
    organisation = factories.organisation()
    adviser = factories.reviewer(email="conseillere@example.org")
    member = factories.holder(Role.SERVICE_MEMBER, service=service)
    member.email = "membre@example.org"
    member.save()
    publisher = factories.holder(Role.PUBLISHER, channels=[facebook, mastodon])
    representative = factories.holder(Role.ORGANISATION_REPRESENTATIVE, organisation=organisation)
    direction = factories.holder(Role.DIRECTION_GENERALE)
    return type("City", (), locals())


def _request(city, *, published=(), since=None) -> Post:
    """The service's request, gone out on ``published`` and to verify on its other channels."""
    return factories.post_to_verify(
        city.member,
        [city.facebook, city.mastodon],
        published=published,
        since=since,
        body=CLEAN,
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=city.service,
    )


def _version(post: Post, channel) -> ChannelVersion:
    return ChannelVersion.objects.get(post=post, channel=channel)


def _status(instance) -> Status:
    return Status(type(instance).objects.values_list("status", flat=True).get(pk=instance.pk))


# --- It went out ----------------------------------------------------------------------------------------


def test_a_version_found_on_the_network_is_published_as_of_the_call_whose_outcome_was_unknown(city):
    since = timezone.now() - datetime.timedelta(hours=2)
    post = _request(city, published=[city.facebook], since=since)
    version = _version(post, city.mastodon)

    version_confirm_published(version=version, actor=city.adviser, url=f"  {FOUND} ")

    version.refresh_from_db()
    assert version.status == Status.PUBLISHED
    assert version.external_url == FOUND
    assert version.published_at == since
    assert version.unverified_since is None and version.last_error == ""
    assert _status(post) == Status.PUBLISHED


def test_without_a_time_of_the_unknown_call_it_is_published_now(city):
    post = _request(city, published=[city.facebook])
    version = _version(post, city.mastodon)
    ChannelVersion.objects.filter(pk=version.pk).update(unverified_since=None)
    before = timezone.now()

    version_confirm_published(version=version, actor=city.adviser, url=FOUND)

    version.refresh_from_db()
    assert before <= version.published_at <= timezone.now()


def test_the_post_is_partially_published_when_its_other_channel_had_failed(city):
    post = _request(city)
    failed = _version(post, city.facebook)
    ChannelVersion.objects.filter(pk=failed.pk).update(status=Status.FAILED, unverified_since=None)

    version_confirm_published(version=_version(post, city.mastodon), actor=city.adviser, url=FOUND)

    assert _status(post) == Status.PARTIALLY_PUBLISHED


def test_the_post_stays_to_verify_while_another_of_its_channels_is(city):
    post = _request(city)

    version_confirm_published(version=_version(post, city.mastodon), actor=city.adviser, url=FOUND)

    assert _status(_version(post, city.mastodon)) == Status.PUBLISHED
    assert _status(post) == Status.TO_VERIFY
    assert not Notification.objects.filter(post=post, recipient=city.member).exists()


def test_the_requesters_are_told_where_it_went_out_once_the_post_is_published(city, django_capture_on_commit_callbacks):
    post = _request(city, published=[city.facebook])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        version_confirm_published(version=_version(post, city.mastodon), actor=city.adviser, url=FOUND)

    [notice] = Notification.objects.filter(post=post, recipient=city.member)
    assert post.title in notice.subject
    assert FOUND in notice.body and _version(post, city.facebook).external_url in notice.body
    assert notice.url == reverse("calendar_app:post_detail", args=[post.pk])
    assert [message.to for message in mail.outbox] == [["membre@example.org"]]
    assert FOUND in mail.outbox[0].body


def test_a_post_announced_when_partially_published_is_not_announced_again(city):
    """It went out on Facebook and failed on Mastodon (announced then); Mastodon, retried, never answered."""
    post = _request(city, published=[city.facebook])
    mastodon = _version(post, city.mastodon)
    # Through the workflow's audited moves, as the worker and a retry took it (the test's shortcut: it failed
    # from to verify, where the worker fails it from publishing).
    for version_status, post_status in (
        (Status.FAILED, Status.PARTIALLY_PUBLISHED),
        (Status.SCHEDULED, Status.PUBLISHING),  # retried, and taken by the worker
        (Status.PUBLISHING, None),
        (Status.TO_VERIFY, Status.TO_VERIFY),
    ):
        version_transition(version=mastodon, target=version_status, actor=None)
        if post_status is not None:
            post_transition(post=post, target=post_status, actor=None)

    version_confirm_published(version=mastodon, actor=city.adviser, url=FOUND)

    assert _status(post) == Status.PUBLISHED
    assert not Notification.objects.filter(post=post, recipient=city.member).exists()


# --- It is not there: send it again ---------------------------------------------------------------------


def test_sending_again_schedules_the_version_now_with_fresh_tries(city):
    post = _request(city, published=[city.facebook])
    version = _version(post, city.mastodon)
    key = version.idempotency_key
    before = timezone.now()

    version_send_again(version=version, actor=city.adviser)

    version.refresh_from_db()
    assert version.status == Status.SCHEDULED
    assert before <= version.next_attempt_at <= timezone.now()
    assert version.attempts == 0 and version.unverified_since is None and version.last_error == ""
    assert version.idempotency_key == key  # a network that remembers the first call answers with it
    assert _status(post) == Status.TO_VERIFY  # until the worker takes the version


# --- Refusals -------------------------------------------------------------------------------------------

OTHER_STATUSES = [status for status in Status if status != Status.TO_VERIFY]


def _put_in(version: ChannelVersion, status: Status) -> None:
    """Test data: the version stored in ``status`` (with the times a timed or published status needs)."""
    ChannelVersion.objects.filter(pk=version.pk).update(status=status, published_at=timezone.now())


@pytest.mark.parametrize("status", OTHER_STATUSES, ids=str)
def test_only_a_version_to_verify_is_confirmed_or_sent_again(city, status):
    post = _request(city)
    version = _version(post, city.mastodon)
    _put_in(version, status)
    stored = ChannelVersion.objects.values().get(pk=version.pk)

    with pytest.raises(IllegalTransition):
        version_confirm_published(version=version, actor=city.adviser, url=FOUND)
    with pytest.raises(IllegalTransition):
        version_send_again(version=version, actor=city.adviser)

    assert ChannelVersion.objects.values().get(pk=version.pk) == stored
    assert _status(post) == Status.TO_VERIFY


def test_a_second_person_acting_on_the_same_page_changes_nothing_more(city):
    """Both had the page open with the version to verify; the first said it went out, the second acts later."""
    post = _request(city, published=[city.facebook])
    first_look, second_look = _version(post, city.mastodon), _version(post, city.mastodon)
    other = factories.reviewer()
    version_confirm_published(version=first_look, actor=city.adviser, url=FOUND)
    stored = ChannelVersion.objects.values().get(pk=first_look.pk)
    moves = AuditEntry.objects.filter(action="status_changed").count()

    assert second_look.status == Status.TO_VERIFY  # what the second page showed
    with pytest.raises(IllegalTransition):
        version_send_again(version=second_look, actor=other)
    with pytest.raises(IllegalTransition):
        version_confirm_published(version=second_look, actor=other, url="https://mastodon.example/@ville/1")

    assert ChannelVersion.objects.values().get(pk=first_look.pk) == stored
    assert AuditEntry.objects.filter(action="status_changed").count() == moves
    assert Notification.objects.filter(post=post, recipient=city.member).count() == 1


def test_a_version_the_worker_took_again_is_not_confirmed(city):
    """Sent again by one person, taken by the worker: another person's « it went out » is refused."""
    post = _request(city)
    version = _version(post, city.mastodon)
    version_send_again(version=version, actor=city.adviser)
    version_transition(version=_version(post, city.mastodon), target=Status.PUBLISHING, actor=None)

    with pytest.raises(IllegalTransition):
        version_confirm_published(version=version, actor=city.adviser, url=FOUND)

    assert _status(version) == Status.PUBLISHING


@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "mastodon.example/@ville/1",
        "ftp://mastodon.example/@ville/1",
        "javascript:alert(1)",
        "https://mastodon example/@ville",
        "https://mastodon.example/\u202e@ville",
        "https://mastodon.example/" + "a" * 1000,
    ],
    ids=["empty", "blank", "no-scheme", "ftp", "javascript", "space", "bidi", "too-long"],
)
def test_an_address_that_is_not_a_web_address_is_refused_on_its_field(city, address):
    post = _request(city)
    version = _version(post, city.mastodon)

    with pytest.raises(ValidationError) as refused:
        version_confirm_published(version=version, actor=city.adviser, url=address)

    assert list(refused.value.error_dict) == ["url"]
    assert _status(version) == Status.TO_VERIFY


# --- Who may ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["confirm", "send_again"])
@pytest.mark.parametrize(
    "who,allowed",
    [
        ("adviser", True),
        ("member", False),  # the requester (its author) follows the post, does not publish it
        ("representative", False),
        ("direction", False),  # the Direction générale reads every post and acts on none
        ("publisher", False),  # not their post
    ],
)
def test_who_may_schedule_the_post_may_resolve_it_and_nobody_else(city, action, who, allowed):
    post = _request(city)
    version = _version(post, city.mastodon)
    person = getattr(city, who)

    def act():
        if action == "confirm":
            version_confirm_published(version=version, actor=person, url=FOUND)
        else:
            version_send_again(version=version, actor=person)

    if allowed:
        act()
        assert _status(version) != Status.TO_VERIFY
    else:
        with pytest.raises(PermissionDenied):
            act()
        assert _status(version) == Status.TO_VERIFY
        assert AuditEntry.objects.filter(action="permission_refused", actor=person).exists()


def test_a_publisher_resolves_their_own_post_on_their_own_channels(city):
    post = factories.post_to_verify(city.publisher, [city.facebook, city.mastodon], body=CLEAN)

    version_confirm_published(version=_version(post, city.facebook), actor=city.publisher, url=FOUND)
    version_send_again(version=_version(post, city.mastodon), actor=city.publisher)

    assert _status(_version(post, city.facebook)) == Status.PUBLISHED
    assert _status(_version(post, city.mastodon)) == Status.SCHEDULED


def test_a_publisher_may_not_resolve_their_post_on_a_channel_that_is_no_longer_theirs(city):
    post = factories.post_to_verify(city.publisher, [city.facebook, city.mastodon], body=CLEAN)
    city.publisher.role_assignments.get(role=Role.PUBLISHER).channels.remove(city.mastodon)

    with pytest.raises(PermissionDenied):
        version_send_again(version=_version(post, city.mastodon), actor=city.publisher)
    with pytest.raises(PermissionDenied):
        version_confirm_published(version=_version(post, city.mastodon), actor=city.publisher, url=FOUND)

    assert _status(_version(post, city.mastodon)) == Status.TO_VERIFY


# --- The audit trail ------------------------------------------------------------------------------------


def test_each_resolution_is_audited_with_the_person_and_what_they_said(city):
    post = _request(city)
    found, missing = _version(post, city.mastodon), _version(post, city.facebook)

    version_confirm_published(version=found, actor=city.adviser, url=FOUND)
    version_send_again(version=missing, actor=city.adviser)

    moves = AuditEntry.objects.filter(
        action="status_changed", actor=city.adviser, target_type=ContentType.objects.get_for_model(ChannelVersion)
    )
    entries = {int(entry.target_id): entry for entry in moves}
    assert entries[found.pk].before == {"status": "to_verify"}
    assert entries[found.pk].after["status"] == "published" and entries[found.pk].after["external_url"] == FOUND
    assert FOUND in entries[found.pk].message
    assert entries[missing.pk].before == {"status": "to_verify"}
    assert entries[missing.pk].after["status"] == "scheduled" and entries[missing.pk].after["attempts"] == 0
