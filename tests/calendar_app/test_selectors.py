"""The reads of ``calendar_app.selectors``: each list agrees with the permission that opens one of its rows,
"active on a day" means the same in queries and in Python, and each person is told once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from calendar_app.models import Post, Role, RoleAssignment, Substitution
from calendar_app.permissions import Abilities
from calendar_app.selectors import active_on, people_with_roles
from calendar_app.selectors.channels import channels_writable_by
from calendar_app.selectors.people import organisations_submittable_by, post_requesters, services_submittable_by
from calendar_app.selectors.posts import (
    posts_awaiting_review,
    posts_awaiting_review_count,
    posts_followed_by,
    posts_visible_to,
)
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _stored_post(author, *, service=None, organisation=None, status=Status.DRAFT) -> Post:
    """A post as stored, whoever wrote it: the reads must not care how it got there."""
    origin = Post.Origin.INTERNAL
    if service is not None:
        origin = Post.Origin.SERVICE_REQUEST
    elif organisation is not None:
        origin = Post.Origin.ORGANISATION_REQUEST
    return Post.objects.create(
        author=author,
        title="Collecte des feuilles",
        category="public_interest",
        body="La collecte des feuilles aura lieu le 3 novembre.",
        origin=origin,
        requesting_service=service,
        requesting_organisation=organisation,
        status=status,
    )


@pytest.fixture
def world():
    """Two services, two organisations, people holding every kind of role (one expired, one not yet begun, one
    substitute, one superuser, one without a role), and a post by each person for each requester."""
    today = timezone.localdate()
    loisirs, greffe = factories.service(), factories.service()
    club, choir = factories.organisation(), factories.organisation()
    people = [
        factories.reviewer(),
        factories.holder(Role.DIRECTION_GENERALE),
        factories.holder(Role.PUBLISHER, channels=[factories.channel()]),
        factories.holder(Role.SERVICE_MEMBER, service=loisirs),
        factories.holder(Role.SERVICE_DIRECTOR, service=greffe),
        factories.holder(Role.ORGANISATION_REPRESENTATIVE, organisation=club),
        factories.holder(Role.MISSION_COMMUNICATION),
        factories.holder(Role.COUNCIL_MEMBER),
        factories.person(),
        factories.person(is_superuser=True),
    ]
    expired, future = factories.person(), factories.person()
    factories.role(expired, Role.SERVICE_MEMBER, service=greffe, starts_on=today - 30 * DAY, ends_on=today - DAY)
    factories.role(future, Role.ORGANISATION_REPRESENTATIVE, organisation=choir, starts_on=today + DAY)
    substitute = factories.person()
    Substitution.objects.create(
        absent=people[3], substitute=substitute, role=Role.SERVICE_MEMBER, starts_on=today, ends_on=today
    )
    people += [expired, future, substitute]
    posts = [
        _stored_post(author, **scope)
        for author in people
        for scope in ({}, {"service": loisirs}, {"service": greffe}, {"organisation": club}, {"organisation": choir})
    ]
    return people, posts


def test_a_list_shows_exactly_the_posts_can_view_opens_for_everyone_in_a_varied_world(world):
    people, posts = world
    seen_counts = set()
    for person in people:
        can = Abilities(person)
        allowed = {post.pk for post in posts if can.can_view(post)}
        assert set(posts_visible_to(can).values_list("pk", flat=True)) == allowed, person
        seen_counts.add(len(allowed))
    # The world is varied: some see everything, others only part of it.
    assert len(posts) in seen_counts and len(seen_counts) > 2


def test_the_request_list_shows_what_a_person_follows_even_to_those_who_see_every_post(world):
    people, posts = world
    for person in people:
        can = Abilities(person)
        followed = {post.pk for post in posts if can.follows(post)}
        assert {post.pk for post in posts_followed_by(can)} == followed, person
        assert all(can.can_view(post) for post in posts if post.pk in followed)
    reviewer = Abilities(people[0])
    assert {post.author_id for post in posts_followed_by(reviewer)} == {people[0].pk}


def test_a_substitute_follows_the_requests_of_the_absent_persons_service_on_the_days_of_the_substitution(world):
    people, posts = world
    member, substitute = people[3], people[-1]
    today = timezone.localdate()
    for day, expected in ((today, True), (today + DAY, False)):
        can = Abilities(substitute, on=day)
        mine = set(posts_followed_by(can))
        assert any(post.author_id != substitute.pk for post in mine) is expected
        assert mine == {post for post in posts if can.can_view(post)}
    assert Abilities(member).service_ids == Abilities(substitute).service_ids


def test_the_request_list_is_newest_first_in_one_query(world, django_assert_num_queries):
    people, _posts = world
    can = Abilities(people[3])
    assert can.followed  # the person's roles are read once per request, before the list
    with django_assert_num_queries(1):
        rows = [
            (post.created_at, post.requesting_service, post.requesting_organisation) for post in posts_followed_by(can)
        ]
    assert [row[0] for row in rows] == sorted((row[0] for row in rows), reverse=True)


def test_active_on_in_a_query_agrees_with_is_active_on_in_python():
    person, today = factories.person(), timezone.localdate()
    windows = [(start, end) for start in (-2, 0, 2) for end in (None, -1, 0, 1, 3) if end is None or end >= start]
    for start, end in windows:
        factories.role(
            person,
            Role.PUBLISHER,
            starts_on=today + start * DAY,
            ends_on=None if end is None else today + end * DAY,
        )
    assignments = list(RoleAssignment.objects.filter(person=person))
    for offset in range(-3, 5):
        day = today + offset * DAY
        in_query = set(RoleAssignment.objects.filter(active_on(day), person=person).values_list("pk", flat=True))
        assert in_query == {assignment.pk for assignment in assignments if assignment.is_active_on(day)}, offset


def test_a_substitution_is_active_on_both_of_its_days_and_no_other():
    today = timezone.localdate()
    Substitution.objects.create(
        absent=factories.person(),
        substitute=factories.person(),
        role=Role.COMMUNICATIONS,
        starts_on=today,
        ends_on=today + DAY,
    )
    active = [
        offset for offset in range(-1, 3) if Substitution.objects.filter(active_on(today + offset * DAY)).exists()
    ]
    assert active == [0, 1]


def test_people_with_roles_names_each_active_holder_once_and_only_in_their_own_right():
    today = timezone.localdate()
    both = factories.reviewer()
    factories.role(both, Role.MISSION_COMMUNICATION)
    mission = factories.holder(Role.MISSION_COMMUNICATION)
    factories.reviewer(is_active=False)
    expired, future = factories.person(), factories.person()
    factories.role(expired, Role.COMMUNICATIONS, starts_on=today - 10 * DAY, ends_on=today - DAY)
    factories.role(future, Role.COMMUNICATIONS, starts_on=today + DAY)
    substitute = factories.person()
    Substitution.objects.create(
        absent=both, substitute=substitute, role=Role.COMMUNICATIONS, starts_on=today, ends_on=today
    )
    factories.holder(Role.PUBLISHER)

    assert people_with_roles(Role.COMMUNICATIONS, Role.MISSION_COMMUNICATION) == sorted(
        [both, mission], key=lambda person: person.pk
    )
    assert people_with_roles(Role.COMMUNICATIONS) == [both]


def test_people_with_roles_for_a_service_or_an_organisation_are_only_theirs():
    loisirs, greffe = factories.service(), factories.service()
    club = factories.organisation()
    director = factories.holder(Role.SERVICE_DIRECTOR, service=loisirs)
    member = factories.holder(Role.SERVICE_MEMBER, service=loisirs)
    factories.holder(Role.SERVICE_MEMBER, service=greffe)
    representative = factories.holder(Role.ORGANISATION_REPRESENTATIVE, organisation=club)
    factories.holder(Role.ORGANISATION_REPRESENTATIVE, organisation=factories.organisation())

    assert people_with_roles(Role.SERVICE_DIRECTOR, Role.SERVICE_MEMBER, service=loisirs) == [director, member]
    assert people_with_roles(Role.ORGANISATION_REPRESENTATIVE, organisation=club) == [representative]


def test_a_requests_followers_are_its_author_then_the_active_people_of_the_service_that_asked():
    loisirs = factories.service()
    author = factories.holder(Role.SERVICE_MEMBER, service=loisirs)
    director = factories.holder(Role.SERVICE_DIRECTOR, service=loisirs)
    inactive = factories.holder(Role.SERVICE_MEMBER, service=loisirs)
    inactive.is_active = False
    inactive.save()
    factories.holder(Role.SERVICE_MEMBER, service=factories.service())
    club = factories.organisation()
    representative = factories.holder(Role.ORGANISATION_REPRESENTATIVE, organisation=club)

    assert post_requesters(_stored_post(author, service=loisirs)) == [author, director]
    assert post_requesters(_stored_post(representative, organisation=club)) == [representative]
    assert post_requesters(_stored_post(factories.reviewer())) == [Post.objects.latest("pk").author]


def test_the_channels_one_may_write_on_are_those_can_write_internal_allows():
    facebook, x, retired = factories.channel("facebook"), factories.channel("x"), factories.channel("mastodon")
    retired.is_active = False
    retired.save()
    people = [
        factories.reviewer(),
        factories.holder(Role.PUBLISHER, channels=[facebook, retired]),
        factories.holder(Role.SERVICE_MEMBER, service=factories.service()),
    ]
    for person in people:
        can = Abilities(person)
        expected = [channel for channel in (facebook, x) if can.can_write_internal(channel)]
        assert sorted(channels_writable_by(can), key=lambda channel: channel.pk) == expected, person


def test_the_requesters_one_may_ask_for_are_those_can_submit_allows():
    loisirs, greffe, closed = factories.service(), factories.service(), factories.service(is_active=False)
    club, choir = factories.organisation(), factories.organisation()
    people = [
        factories.holder(Role.SERVICE_MEMBER, service=loisirs),
        factories.holder(Role.SERVICE_DIRECTOR, service=closed),
        factories.holder(Role.ORGANISATION_REPRESENTATIVE, organisation=choir),
        factories.person(is_superuser=True),
        factories.reviewer(),
    ]
    for person in people:
        can = Abilities(person)
        services = [service for service in (loisirs, greffe) if can.can_submit_for_service(service)]
        organisations = [
            organisation for organisation in (club, choir) if can.can_submit_for_organisation(organisation)
        ]
        assert sorted(services_submittable_by(can), key=lambda service: service.pk) == services, person
        assert sorted(organisations_submittable_by(can), key=lambda item: item.pk) == organisations, person


def test_the_review_queue_holds_what_awaits_a_decision_oldest_first_in_one_query(django_assert_num_queries):
    author = factories.person()
    waiting = [_stored_post(author, status=status) for status in (Status.SUBMITTED, Status.IN_REVIEW, Status.SUBMITTED)]
    for status in (Status.DRAFT, Status.APPROVED, Status.CHANGES_REQUESTED, Status.REFUSED):
        _stored_post(author, status=status)

    with django_assert_num_queries(1):
        rows = [
            (post.pk, post.author.username, post.requesting_service, post.channel_count, post.message_count)
            for post in posts_awaiting_review()
        ]
    assert [row[0] for row in rows] == [post.pk for post in waiting]
    assert posts_awaiting_review_count() == len(waiting)
