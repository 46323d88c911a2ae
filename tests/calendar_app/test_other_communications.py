"""The calendar's other communications (website news, newsletters, print, events, display screens): created,
changed, moved by drag and drop and deleted by those who plan, each change audited; shown on the calendar in
their own style."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import AuditEntry, OtherCommunication, Role
from calendar_app.permissions import PermissionRefused
from calendar_app.services.other_communications import (
    ConcurrentEdit,
    OtherCommunicationInput,
    other_communication_create,
    other_communication_delete,
    other_communication_update,
)
from tests import factories
from tests.calendar_app.test_permissions import ROLES

pytestmark = pytest.mark.django_db
WALL_CLOCK = "%Y-%m-%dT%H:%M:%S"
PLANNERS = {Role.COMMUNICATIONS, Role.PUBLISHER, Role.DIRECTION_GENERALE}


def _local(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _input(**fields) -> OtherCommunicationInput:
    return OtherCommunicationInput(
        **{"title": "Infolettre de décembre", "kind": "newsletter", "starts_at": _local(3), **fields}
    )


def _entries(item: OtherCommunication, action: str):
    return AuditEntry.objects.filter(action=action, target_id=str(item.pk), target_repr=item.title)


@pytest.fixture
def adviser():
    return factories.reviewer()


@pytest.fixture
def newsletter(adviser):
    return other_communication_create(actor=adviser, data=_input(ends_at=_local(3, 12), notes="Abonnés : 1 200"))


class TestTheServices:
    def test_creating_one_records_who_and_audits_it(self, adviser):
        item = other_communication_create(actor=adviser, data=_input(title=" Infolettre\r\n "))
        assert (item.title, item.author, item.revision) == ("Infolettre", adviser, 0)
        assert _entries(item, "created").get().actor == adviser

    @pytest.mark.parametrize("role", ROLES, ids=str)
    def test_only_those_who_plan_may_create_one(self, role):
        scope = {"service": factories.service(), "organisation": factories.organisation()}
        person = factories.holder(role, channels=[factories.channel()], **scope)
        if role in PLANNERS:
            assert other_communication_create(actor=person, data=_input()).pk
        else:
            with pytest.raises(PermissionRefused):
                other_communication_create(actor=person, data=_input())
            assert not OtherCommunication.objects.exists()
            assert AuditEntry.objects.filter(action="permission_refused", actor=person).exists()

    def test_a_change_is_audited_with_what_changed_and_raises_the_revision(self, adviser, newsletter):
        item = other_communication_update(
            item=newsletter, actor=adviser, data=_input(title="Infolettre", starts_at=_local(4)), seen_revision=0
        )
        assert (item.title, item.starts_at, item.ends_at, item.notes, item.revision) == (
            "Infolettre",
            _local(4),
            None,
            "",
            1,
        )
        entry = _entries(item, "changed").get()
        assert entry.before["title"] == "Infolettre de décembre" and entry.after["revision"] == 1
        assert "updated_at" not in entry.after

    def test_a_change_made_since_the_page_was_shown_is_refused_not_overwritten(self, adviser, newsletter):
        other_communication_update(item=newsletter, actor=adviser, data=_input(title="Première"), seen_revision=0)
        with pytest.raises(ConcurrentEdit):
            other_communication_update(item=newsletter, actor=adviser, data=_input(title="Seconde"), seen_revision=0)
        assert OtherCommunication.objects.get().title == "Première"

    def test_it_must_end_after_it_starts_and_hidden_characters_are_refused(self, adviser, newsletter):
        with pytest.raises(ValidationError) as refused:
            other_communication_update(item=newsletter, actor=adviser, data=_input(ends_at=_local(2)))
        assert "ends_at" in refused.value.error_dict
        with pytest.raises(ValidationError):
            other_communication_create(actor=adviser, data=_input(title="Votez\u202e pour"))
        assert OtherCommunication.objects.get().ends_at == _local(3, 12)

    def test_a_move_keeps_its_length(self, newsletter):
        moved = OtherCommunicationInput.of(newsletter).moved_to(_local(5, 14))
        assert (moved.starts_at, moved.ends_at, moved.notes) == (_local(5, 14), _local(5, 16), "Abonnés : 1 200")

    def test_deleting_one_keeps_what_it_was_in_the_audit_log(self, adviser, newsletter):
        other_communication_delete(item=newsletter, actor=adviser, seen_revision=0)
        assert not OtherCommunication.objects.exists()
        assert AuditEntry.objects.get(action="deleted").before["title"] == "Infolettre de décembre"

    def test_someone_who_does_not_plan_may_neither_change_nor_delete_one(self, newsletter):
        member = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
        with pytest.raises(PermissionRefused):
            other_communication_update(item=newsletter, actor=member, data=_input(title="Non"))
        with pytest.raises(PermissionRefused):
            other_communication_delete(item=newsletter, actor=member)
        assert OtherCommunication.objects.get().title == "Infolettre de décembre"


class TestThePages:
    def test_added_from_a_day_of_the_calendar_it_starts_that_day_at_nine(self, client, adviser):
        client.force_login(adviser)
        day = timezone.localdate() + datetime.timedelta(days=6)
        form = client.get(reverse("calendar_app:other_communication_new"), {"start": day.isoformat()}).context["form"]
        assert form.initial["starts_at"] == timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))

    def test_the_form_adds_one_for_a_service_and_goes_back_to_the_calendar(self, client, adviser):
        service = factories.service()
        client.force_login(adviser)
        response = client.post(
            reverse("calendar_app:other_communication_new"),
            {
                "title": "Affiche du marché de Noël",
                "kind": "print",
                "starts_at": _local(2).strftime("%Y-%m-%dT%H:%M"),
                "category": "event",
                "requester": f"service-{service.pk}",
            },
        )
        assert response["Location"] == reverse("calendar_app:calendar")
        item = OtherCommunication.objects.get()
        assert (item.kind, item.category, item.requesting_service, item.author) == ("print", "event", service, adviser)

    def test_an_end_before_the_start_is_said_on_its_field_and_nothing_is_saved(self, client, adviser):
        client.force_login(adviser)
        response = client.post(
            reverse("calendar_app:other_communication_new"),
            {
                "title": "Écran",
                "kind": "display_screen",
                "starts_at": _local(2).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": _local(1).strftime("%Y-%m-%dT%H:%M"),
            },
        )
        assert response.status_code == 200 and response.context["form"].errors["ends_at"]
        assert not OtherCommunication.objects.exists()

    def test_editing_shows_it_as_stored_and_a_stale_form_saves_nothing(self, client, adviser, newsletter):
        client.force_login(adviser)
        url = reverse("calendar_app:other_communication_edit", args=[newsletter.pk])
        form = client.get(url).context["form"]
        assert (form.initial["title"], form.initial["revision"]) == ("Infolettre de décembre", 0)
        other_communication_update(item=newsletter, actor=adviser, data=_input(title="Changée"), seen_revision=0)
        response = client.post(
            url, {"title": "Mienne", "kind": "newsletter", "starts_at": "2031-01-01T09:00", "revision": 0}
        )
        assert response.status_code == 200 and response.context["form"].non_field_errors()
        assert OtherCommunication.objects.get().title == "Changée"

    def test_delete_asks_first_then_deletes(self, client, adviser, newsletter):
        client.force_login(adviser)
        url = reverse("calendar_app:other_communication_delete", args=[newsletter.pk])
        assert "Infolettre de décembre" in client.get(url).content.decode()
        assert OtherCommunication.objects.exists()
        assert client.post(url, {"revision": 0})["Location"] == reverse("calendar_app:calendar")
        assert not OtherCommunication.objects.exists()

    def test_someone_who_does_not_plan_is_refused_the_pages(self, client, newsletter):
        client.force_login(factories.holder(Role.SERVICE_MEMBER, service=factories.service()))
        assert client.get(reverse("calendar_app:other_communication_new")).status_code == 403
        assert client.get(reverse("calendar_app:other_communication_edit", args=[newsletter.pk])).status_code == 403


class TestOnTheCalendar:
    def _events(self, client):
        window = {"start": _local(-1, 0).strftime(WALL_CLOCK), "end": _local(30, 0).strftime(WALL_CLOCK)}
        return client.get(reverse("calendar_app:calendar_events"), window).json()

    def test_it_is_shown_in_its_own_style_with_its_kinds_icon_and_span(self, client, adviser, newsletter):
        client.force_login(adviser)
        [event] = [event for event in self._events(client) if event.get("id") == f"other-{newsletter.pk}"]
        assert event["classNames"] == ["item-other", "kind-newsletter"]
        assert (event["start"], event["end"]) == (
            _local(3).strftime(WALL_CLOCK),
            _local(3, 12).strftime(WALL_CLOCK),
        )
        assert event["editable"] and event["extendedProps"]["icon"] == "envelope"
        assert event["url"] == reverse("calendar_app:other_communication_edit", args=[newsletter.pk])

    def test_one_begun_before_the_window_and_still_running_is_shown(self, client, adviser):
        item = other_communication_create(actor=adviser, data=_input(starts_at=_local(-5), ends_at=_local(2)))
        client.force_login(adviser)
        assert f"other-{item.pk}" in {event.get("id") for event in self._events(client)}

    def _move(self, client, item, to: datetime.datetime, revision=0):
        return client.post(
            reverse("calendar_app:other_communication_move", args=[item.pk]),
            {"starts_at": timezone.localtime(to).strftime(WALL_CLOCK), "revision": revision},
        )

    def test_a_drag_moves_it_through_the_update_service_keeping_its_length(self, client, adviser, newsletter):
        client.force_login(adviser)
        response = self._move(client, newsletter, _local(8, 15))
        assert response.status_code == 200, response.content
        newsletter.refresh_from_db()
        assert (newsletter.starts_at, newsletter.ends_at, newsletter.revision) == (_local(8, 15), _local(8, 17), 1)
        assert _entries(newsletter, "changed").exists()

    def test_a_drag_from_a_stale_page_snaps_back_with_the_reason(self, client, adviser, newsletter):
        client.force_login(adviser)
        response = self._move(client, newsletter, _local(8), revision=7)
        assert response.status_code == 409 and response.json()["message"]
        assert OtherCommunication.objects.get().starts_at == _local(3)

    def test_a_drag_by_someone_who_does_not_plan_is_refused_and_recorded(self, client, newsletter):
        member = factories.holder(Role.SERVICE_MEMBER, service=factories.service())
        client.force_login(member)
        assert self._move(client, newsletter, _local(8)).status_code == 403
        assert OtherCommunication.objects.get().starts_at == _local(3)
        assert AuditEntry.objects.filter(action="permission_refused", actor=member).exists()

    def test_a_drag_that_is_not_understood_changes_nothing(self, client, adviser, newsletter):
        client.force_login(adviser)
        url = reverse("calendar_app:other_communication_move", args=[newsletter.pk])
        assert client.post(url, {"starts_at": "demain", "revision": 0}).status_code == 400
        assert client.post(url, {"starts_at": _local(8).strftime(WALL_CLOCK)}).status_code == 400
        assert OtherCommunication.objects.get().starts_at == _local(3)
