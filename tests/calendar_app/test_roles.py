"""Who holds which role on which day, in their own right or as a substitute (art. 8.3, 8.4)."""

from __future__ import annotations

import datetime

import pytest

from calendar_app.models import Role, Substitution
from calendar_app.selectors import has_role, role_grants
from tests import factories

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 11, 24)


def test_a_role_is_held_inside_its_window_only():
    person = factories.person()
    factories.role(person, Role.COMMUNICATIONS, starts_on=TODAY, ends_on=TODAY + 10 * DAY)

    assert not has_role(person, Role.COMMUNICATIONS, on=TODAY - DAY)
    assert has_role(person, Role.COMMUNICATIONS, on=TODAY)
    assert has_role(person, Role.COMMUNICATIONS, on=TODAY + 10 * DAY)
    assert not has_role(person, Role.COMMUNICATIONS, on=TODAY + 11 * DAY)


def test_a_role_without_end_date_lasts():
    person = factories.person()
    factories.role(person, Role.DIRECTION_GENERALE, starts_on=TODAY)
    assert has_role(person, Role.DIRECTION_GENERALE, on=TODAY + 3650 * DAY)


def test_a_publisher_is_authorised_on_their_channels_only():
    publisher = factories.person()
    facebook, x = factories.channel("facebook"), factories.channel("x")
    assignment = factories.role(publisher, Role.PUBLISHER, starts_on=TODAY)
    assignment.channels.set([facebook])

    assert has_role(publisher, Role.PUBLISHER, on=TODAY, channel=facebook)
    assert not has_role(publisher, Role.PUBLISHER, on=TODAY, channel=x)


def test_a_service_member_acts_for_their_service_only():
    member, loisirs, greffe = factories.person(), factories.service(), factories.service()
    factories.role(member, Role.SERVICE_MEMBER, service=loisirs, starts_on=TODAY)

    assert has_role(member, Role.SERVICE_MEMBER, on=TODAY, service=loisirs)
    assert not has_role(member, Role.SERVICE_MEMBER, on=TODAY, service=greffe)
    assert not has_role(member, Role.COMMUNICATIONS, on=TODAY)


class TestSubstitution:
    @pytest.fixture
    def adviser_away(self):
        adviser, substitute = factories.person(), factories.person()
        facebook = factories.channel()
        factories.role(adviser, Role.COMMUNICATIONS, starts_on=TODAY - 100 * DAY)
        factories.role(adviser, Role.PUBLISHER, starts_on=TODAY - 100 * DAY).channels.set([facebook])
        Substitution.objects.create(
            absent=adviser, substitute=substitute, role=Role.COMMUNICATIONS, starts_on=TODAY, ends_on=TODAY + 14 * DAY
        )
        return adviser, substitute, facebook

    def test_the_substitute_holds_the_role_inside_the_window(self, adviser_away):
        adviser, substitute, _ = adviser_away
        for day in (TODAY, TODAY + 7 * DAY, TODAY + 14 * DAY):
            assert has_role(substitute, Role.COMMUNICATIONS, on=day)
        [grant] = role_grants(substitute, on=TODAY)
        assert grant.substituting_for_id == adviser.pk

    def test_the_substitute_does_not_hold_it_outside(self, adviser_away):
        _, substitute, _ = adviser_away
        assert not has_role(substitute, Role.COMMUNICATIONS, on=TODAY - DAY)
        assert not has_role(substitute, Role.COMMUNICATIONS, on=TODAY + 15 * DAY)

    def test_only_the_delegated_role_passes(self, adviser_away):
        _, substitute, facebook = adviser_away
        assert not has_role(substitute, Role.PUBLISHER, on=TODAY, channel=facebook)

    def test_the_absent_person_keeps_their_role(self, adviser_away):
        adviser, _, _ = adviser_away
        assert has_role(adviser, Role.COMMUNICATIONS, on=TODAY + DAY)

    def test_a_delegated_role_that_has_ended_is_not_passed_on(self, adviser_away):
        adviser, substitute, _ = adviser_away
        adviser.role_assignments.filter(role=Role.COMMUNICATIONS).update(ends_on=TODAY + 2 * DAY)
        assert has_role(substitute, Role.COMMUNICATIONS, on=TODAY + 2 * DAY)
        assert not has_role(substitute, Role.COMMUNICATIONS, on=TODAY + 3 * DAY)

    def test_a_delegated_publisher_role_keeps_its_channels(self):
        publisher, substitute = factories.person(), factories.person()
        facebook, x = factories.channel("facebook"), factories.channel("x")
        factories.role(publisher, Role.PUBLISHER, starts_on=TODAY).channels.set([facebook])
        Substitution.objects.create(
            absent=publisher, substitute=substitute, role=Role.PUBLISHER, starts_on=TODAY, ends_on=TODAY
        )

        assert has_role(substitute, Role.PUBLISHER, on=TODAY, channel=facebook)
        assert not has_role(substitute, Role.PUBLISHER, on=TODAY, channel=x)
