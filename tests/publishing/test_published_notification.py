"""The requester and the author are told when their post went out, with each channel's link, once per post
(issue 13, item 5), by the worker against the sandbox's networks."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import ChannelVersion, Notification, Post, Role
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.workflow import Status
from tests import factories
from tests.publishing.test_worker import CLEAN, run_due, sandbox_channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """A service's member who asks, its director (who follows its requests too) and a reviewer."""
    service = factories.service(name="Service des loisirs")
    member = factories.person(email="membre@example.org", first_name="Sophie")
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    director = factories.person(email="direction@example.org")
    factories.role(director, Role.SERVICE_DIRECTOR, service=service)
    reviewer = factories.reviewer(email="comm@example.org")
    return type("People", (), {"service": service, "member": member, "director": director, "reviewer": reviewer})


def approved_request(people, channels, *, timing=None) -> Post:
    post = factories.post(
        author=people.member,
        body=CLEAN,
        channels=channels,
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=people.service,
    )
    post_services.post_submit(post=post, actor=people.member)
    scheduling.post_approve_and_schedule(
        post=post,
        actor=people.reviewer,
        timing=timing or scheduling.Timing(default=timezone.now() + datetime.timedelta(seconds=1)),
        acknowledge_warnings=True,
    )
    return post


def published_notices(post: Post):
    """The notices that ``post`` went out (those of a failure open the post's page too, but say « Échec »)."""
    on_the_post_page = Notification.objects.filter(post=post, url=reverse("calendar_app:post_detail", args=[post.pk]))
    return on_the_post_page.filter(subject__startswith="Publiée")


def test_the_requesters_are_told_once_with_each_channels_link_by_notification_and_e_mail(
    sandbox, people, django_capture_on_commit_callbacks
):
    post = approved_request(people, [sandbox_channel(sandbox), sandbox_channel(sandbox)])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(run_due()) == ["published", "published"]

    post.refresh_from_db()
    assert post.status == Status.PUBLISHED
    notices = published_notices(post)
    assert sorted(notice.recipient_id for notice in notices) == sorted([people.member.pk, people.director.pk])
    urls = [version.external_url for version in ChannelVersion.objects.filter(post=post)]
    assert all(urls)
    for notice in notices:
        assert post.title in notice.subject
        assert all(url in notice.body for url in urls)
    e_mails = [message for message in mail.outbox if post.title in message.subject]
    assert sorted(message.to[0] for message in e_mails) == ["direction@example.org", "membre@example.org"]
    assert all(url in e_mails[0].body for url in urls)
    assert reverse("calendar_app:post_detail", args=[post.pk]) in e_mails[0].body
    assert not published_notices(post).filter(recipient=people.reviewer).exists()


def test_the_notices_link_opens_the_post_page_for_the_requester(sandbox, people, client):
    post = approved_request(people, [sandbox_channel(sandbox)])
    run_due()
    notice = published_notices(post).get(recipient=people.member)
    client.force_login(people.member)

    page = client.get(notice.url)

    assert page.status_code == 200
    assert post.versions.get().external_url in page.content.decode()


def test_an_internal_post_tells_its_author(sandbox):
    adviser = factories.reviewer(email="comm@example.org")
    post = factories.post(author=adviser, body=CLEAN, channels=[sandbox_channel(sandbox)])
    post_services.post_approve(post=post, reviewer=adviser, acknowledge_warnings=True)
    scheduling.post_schedule(
        post=post,
        actor=adviser,
        timing=scheduling.Timing(default=timezone.now() + datetime.timedelta(seconds=1)),
        acknowledge_warnings=True,
    )

    run_due()

    assert [notice.recipient for notice in published_notices(post)] == [adviser]


def test_a_partial_publication_is_told_once_even_after_its_failed_channel_is_retried(sandbox, people):
    post = approved_request(people, [sandbox_channel(sandbox), sandbox_channel(sandbox)])
    sandbox.fault("mastodon", {"status": 422, "message": "Validation failed", "match": "POST"})

    assert sorted(run_due()) == ["permanent", "published"]

    post.refresh_from_db()
    assert post.status == Status.PARTIALLY_PUBLISHED
    good, bad = post.versions.get(status=Status.PUBLISHED), post.versions.get(status=Status.FAILED)
    [notice] = published_notices(post).filter(recipient=people.member)
    assert str(good.channel) in notice.body and good.external_url in notice.body
    assert str(bad.channel) not in notice.body

    scheduling.version_retry(version=bad, actor=people.reviewer)
    assert run_due() == ["published"]

    post.refresh_from_db()
    assert post.status == Status.PUBLISHED
    assert published_notices(post).filter(recipient=people.member).count() == 1


def test_channels_at_different_times_are_told_together_once_the_last_goes_out(sandbox, people):
    first, second = sandbox_channel(sandbox), sandbox_channel(sandbox)
    soon = timezone.now() + datetime.timedelta(seconds=1)
    later = soon + datetime.timedelta(hours=2)
    post = approved_request(people, [first, second], timing=scheduling.Timing(default=soon))
    scheduling.post_reschedule(
        post=post,
        actor=people.reviewer,
        timing=scheduling.Timing(default=soon, per_version={post.versions.get(channel=second).pk: later}),
        acknowledge_warnings=True,
        seen_revision=Post.objects.get(pk=post.pk).revision,
    )

    assert run_due() == ["published"]
    assert not published_notices(post).exists()

    assert run_due(now=later + datetime.timedelta(seconds=5)) == ["published"]
    [notice] = published_notices(post).filter(recipient=people.member)
    assert all(version.external_url in notice.body for version in post.versions.all())


def test_a_post_that_went_out_nowhere_is_not_announced_as_published(sandbox, people):
    post = approved_request(people, [sandbox_channel(sandbox)])
    sandbox.fault("mastodon", {"status": 422, "message": "Validation failed", "match": "POST"})

    assert run_due() == ["permanent"]

    assert Post.objects.get(pk=post.pk).status == Status.FAILED
    assert not published_notices(post).exists()
