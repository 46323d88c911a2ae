"""The rules the database itself enforces: each refuses bad rows whatever code writes them."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from calendar_app.models import (
    AccreditedOrganisation,
    AppendOnlyError,
    Approval,
    AuditEntry,
    Channel,
    ChannelVersion,
    ClosureDay,
    ElectionPeriod,
    EmergencySwitch,
    MediaAsset,
    Municipality,
    OfficeHours,
    Post,
    Role,
    RoleAssignment,
    Service,
    Substitution,
)
from calendar_app.services.audit import audit_record
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 24)


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def municipality(**fields) -> Municipality:
    values = dict(
        name="Ville de Montmagny",
        website_domain="ville.montmagny.qc.ca",
        main_email="info@ville.montmagny.qc.ca",
        main_phone="418 248-3361",
        address="143, rue Saint-Jean-Baptiste Est",
    )
    return Municipality.objects.create(**{**values, **fields})


def test_there_is_only_one_municipality():
    municipality()
    refused(lambda: municipality(name="Ville voisine"))


def test_office_hours_close_after_they_open():
    town = municipality()
    refused(lambda: OfficeHours.objects.create(municipality=town, weekday=0, opens_at="12:00", closes_at="08:30"))
    refused(lambda: OfficeHours.objects.create(municipality=town, weekday=7, opens_at="08:30", closes_at="12:00"))
    OfficeHours.objects.create(municipality=town, weekday=0, opens_at="08:30", closes_at="12:00")


def test_a_closure_day_is_listed_once():
    town = municipality()
    ClosureDay.objects.create(municipality=town, date=TODAY, label="Fermeture des fêtes")
    refused(lambda: ClosureDay.objects.create(municipality=town, date=TODAY, label="Doublon"))


def test_a_service_is_not_its_own_parent():
    service = factories.service()
    service.parent = service
    refused(service.save)


def test_an_accreditation_ends_after_it_begins():
    refused(
        lambda: AccreditedOrganisation.objects.create(
            name="Club", slug="club", accredited_from=TODAY, accredited_until=TODAY - datetime.timedelta(days=1)
        )
    )


def test_a_channel_authorisation_records_who_and_when():
    director = factories.person()
    refused(lambda: factories.channel(authorised_by=director))
    refused(lambda: factories.channel(authorised_at=timezone.now()))
    channel = factories.channel(authorised_by=director, authorised_at=timezone.now())
    assert channel.is_authorised


def test_a_channel_account_is_registered_once_per_network():
    factories.channel("x", handle="@VilleMontmagny")
    refused(lambda: factories.channel("x", handle="@VilleMontmagny"))
    factories.channel("mastodon", handle="@VilleMontmagny")


class TestRoles:
    def test_service_roles_name_their_service(self):
        person = factories.person()
        refused(lambda: RoleAssignment.objects.create(person=person, role=Role.SERVICE_MEMBER))
        refused(lambda: RoleAssignment.objects.create(person=person, role=Role.SERVICE_DIRECTOR))
        RoleAssignment.objects.create(person=person, role=Role.SERVICE_MEMBER, service=factories.service())

    def test_only_representatives_name_an_organisation_and_they_must(self):
        person, organisation = factories.person(), factories.organisation()
        refused(lambda: RoleAssignment.objects.create(person=person, role=Role.ORGANISATION_REPRESENTATIVE))
        refused(
            lambda: RoleAssignment.objects.create(person=person, role=Role.COMMUNICATIONS, organisation=organisation)
        )
        RoleAssignment.objects.create(person=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation)

    def test_a_role_ends_after_it_begins(self):
        person = factories.person()
        refused(
            lambda: RoleAssignment.objects.create(
                person=person, role=Role.PUBLISHER, starts_on=TODAY, ends_on=TODAY - datetime.timedelta(days=1)
            )
        )

    def test_a_substitution_has_a_window_and_two_people(self):
        absent, substitute = factories.person(), factories.person()
        window = {"starts_on": TODAY, "ends_on": TODAY - datetime.timedelta(days=1)}
        refused(
            lambda: Substitution.objects.create(
                absent=absent, substitute=substitute, role=Role.COMMUNICATIONS, **window
            )
        )
        refused(
            lambda: Substitution.objects.create(
                absent=absent, substitute=absent, role=Role.COMMUNICATIONS, starts_on=TODAY, ends_on=TODAY
            )
        )


class TestPosts:
    def test_a_request_names_its_requester_and_only_it(self):
        author, service, organisation = factories.person(), factories.service(), factories.organisation()
        base = {"title": "t", "category": "event", "author": author}
        refused(lambda: Post.objects.create(origin="service_request", **base))
        refused(lambda: Post.objects.create(origin="organisation_request", requesting_service=service, **base))
        refused(lambda: Post.objects.create(origin="internal", requesting_organisation=organisation, **base))
        Post.objects.create(origin="service_request", requesting_service=service, **base)
        Post.objects.create(origin="organisation_request", requesting_organisation=organisation, **base)

    def test_the_desired_window_is_in_order(self):
        refused(
            lambda: Post.objects.create(
                title="t",
                category="event",
                author=factories.person(),
                desired_from=TODAY,
                desired_until=TODAY - datetime.timedelta(days=1),
            )
        )

    def test_an_unknown_status_is_refused(self):
        post = factories.post()
        refused(lambda: Post.objects.filter(pk=post.pk).update(status="teleported"))

    def test_one_version_per_channel(self):
        channel = factories.channel()
        post = factories.post(channels=[channel])
        refused(lambda: ChannelVersion.objects.create(post=post, channel=channel))

    def test_timed_states_need_a_due_time_and_published_a_publication_time(self):
        post = factories.post(channels=[factories.channel()])
        version = post.versions.get()
        for status in (Status.SCHEDULED, Status.PUBLISHING, Status.PUBLISHED):
            refused(lambda status=status: ChannelVersion.objects.filter(pk=version.pk).update(status=status))
        refused(
            lambda: ChannelVersion.objects.filter(pk=version.pk).update(status=Status.PUBLISHED, due_at=timezone.now())
        )

    def test_a_channel_with_versions_cannot_be_deleted(self):
        from django.db.models import ProtectedError

        channel = factories.channel()
        factories.post(channels=[channel])
        with pytest.raises(ProtectedError):
            channel.delete()

    def test_a_refusal_gives_reasons(self):
        post, reviewer = factories.post(), factories.person()
        base = {"post": post, "reviewer": reviewer, "decided_at": timezone.now(), "ruleset_version": "v"}
        refused(lambda: Approval.objects.create(decision="refused", **base))
        refused(lambda: Approval.objects.create(decision="changes_requested", **base))
        Approval.objects.create(decision="approved", **base)


def test_a_consent_records_who_and_when():
    uploader = factories.person()
    refused(
        lambda: MediaAsset.objects.create(
            file=factories.image_upload(), uploaded_by=uploader, consent_recorded_at=timezone.now()
        )
    )
    refused(
        lambda: MediaAsset.objects.create(
            file=factories.image_upload(), uploaded_by=uploader, consent_recorded_by=uploader
        )
    )


def test_election_dates_are_in_order_and_a_polling_day_is_declared_once():
    polling = datetime.date(2029, 11, 4)
    refused(
        lambda: ElectionPeriod.objects.create(
            name="e", starts_on=polling, polling_day=polling - datetime.timedelta(days=1), ends_on=polling
        )
    )
    refused(
        lambda: ElectionPeriod.objects.create(
            name="e", starts_on=polling, polling_day=polling, ends_on=polling - datetime.timedelta(days=1)
        )
    )
    ElectionPeriod.objects.create(
        name="e", starts_on=ElectionPeriod.starts_on_for(polling, 44), polling_day=polling, ends_on=polling
    )
    refused(lambda: ElectionPeriod.objects.create(name="f", starts_on=polling, polling_day=polling, ends_on=polling))
    assert ElectionPeriod.objects.covering(datetime.date(2029, 9, 21)).exists()
    assert not ElectionPeriod.objects.covering(datetime.date(2029, 9, 20)).exists()


def test_switching_emergency_mode_on_needs_a_reason():
    person = factories.person()
    refused(lambda: EmergencySwitch.objects.create(active=True, reason="", switched_by=person))
    assert not EmergencySwitch.is_on()
    EmergencySwitch.objects.create(active=True, reason="Inondation rue du Bassin", switched_by=person)
    assert EmergencySwitch.is_on()
    EmergencySwitch.objects.create(active=False, switched_by=person)
    assert not EmergencySwitch.is_on()


class TestTheAuditLog:
    def test_it_is_append_only_in_the_application(self):
        entry = audit_record(actor=None, action="created", target=factories.service())
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()

    def test_the_database_refuses_to_rewrite_it(self):
        entry = audit_record(actor=None, action="created", target=factories.service())
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
        entry.refresh_from_db()
        assert entry.action == "created"

    def test_a_person_who_acted_is_kept(self):
        from django.db.models import ProtectedError

        actor = factories.person()
        audit_record(actor=actor, action="created", target=factories.service())
        with pytest.raises(ProtectedError):
            actor.delete()

    def test_it_never_copies_secrets(self):
        from calendar_app.services.audit import HIDDEN, field_values

        channel = factories.channel()
        channel.set_credentials({"access_token": "secret-token"})
        assert field_values(channel)["credentials_encrypted"] == HIDDEN
        assert field_values(factories.person(password="un-mot-de-passe"))["password"] == HIDDEN


def test_channel_credentials_are_encrypted_at_rest():
    channel = factories.channel()
    channel.set_credentials({"access_token": "EAAG-secret"})
    channel.save()
    stored = Channel.objects.values_list("credentials_encrypted", flat=True).get(pk=channel.pk)
    assert "EAAG-secret" not in stored
    assert Channel.objects.get(pk=channel.pk).get_credentials() == {"access_token": "EAAG-secret"}


def test_services_keep_their_names_unique():
    Service.objects.create(name="Travaux publics", slug="travaux-publics")
    refused(lambda: Service.objects.create(name="Travaux publics", slug="autre"))
