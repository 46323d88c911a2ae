"""The admin as the communications team uses it: every page answers, status moves only through
the services, and every write made here lands in the audit log."""

from __future__ import annotations

import datetime
import json
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone

import calendar_app.models as calendar_models
from calendar_app.models import (
    AccreditedOrganisation,
    Approval,
    AuditEntry,
    Candidate,
    Channel,
    ChannelVersion,
    ClosureDay,
    ElectionPeriod,
    EmergencySwitch,
    MediaAsset,
    Municipality,
    Notification,
    OfficeHours,
    OfficialContact,
    OrganisationSocialAccount,
    Party,
    Person,
    Post,
    PostMedia,
    PressReleaseAuthorisation,
    Role,
    RoleAssignment,
    Service,
    Substitution,
    WarningAcknowledgement,
)
from calendar_app.services.audit import HIDDEN
from calendar_app.services.posts import post_add_message, post_approve, post_start_review, post_submit
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def world(admin_user):
    """One row of every model, linked the way the team's daily data is."""
    today = timezone.localdate()
    service = factories.service(name="Service des loisirs", slug="loisirs")
    organisation = AccreditedOrganisation.objects.create(
        name="Club de patinage",
        slug="patinage",
        accredited_from=today - datetime.timedelta(days=30),
        accredited_until=today + datetime.timedelta(days=300),
    )
    OrganisationSocialAccount.objects.create(
        organisation=organisation, network="facebook", url="https://facebook.com/cpa"
    )
    channel = factories.channel()
    post = factories.post(author=admin_user, channels=[channel], links=["https://www.ville.montmagny.qc.ca/loisirs"])
    PostMedia.objects.create(post=post, asset=factories.media(admin_user, alt_text="Une affiche"))
    reviewed = factories.post(author=admin_user, title="Collecte des feuilles", channels=[channel])
    post_submit(post=reviewed, actor=admin_user)
    post_start_review(post=reviewed, reviewer=admin_user)
    post_add_message(post=reviewed, author=admin_user, body="Pouvez-vous préciser l'heure ?")
    post_approve(post=reviewed, reviewer=admin_user)
    Notification.objects.create(recipient=admin_user, kind=Notification.Kind.MESSAGE, subject="Nouveau message")
    agent = factories.person(job_title="Agente aux événements")
    assignment = RoleAssignment.objects.create(person=agent, role=Role.PUBLISHER, starts_on=today)
    assignment.channels.add(channel)
    Substitution.objects.create(
        absent=agent,
        substitute=admin_user,
        role=Role.PUBLISHER,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=14),
    )
    municipality = Municipality.objects.create(
        name="Ville de Montmagny",
        website_domain="ville.montmagny.qc.ca",
        main_email="info@ville.montmagny.qc.ca",
        main_phone="418 248-3361",
        address="143, rue Saint-Jean-Baptiste Est",
    )
    OfficialContact.objects.create(municipality=municipality, kind="phone", value="418 248-3361", label="Accueil")
    OfficeHours.objects.create(
        municipality=municipality, weekday=0, opens_at=datetime.time(8, 30), closes_at=datetime.time(12, 0)
    )
    ClosureDay.objects.create(municipality=municipality, date=datetime.date(2030, 12, 24), label="Veille de Noël")
    election = ElectionPeriod.objects.create(
        name="Élection générale",
        starts_on=datetime.date(2029, 9, 21),
        polling_day=datetime.date(2029, 11, 4),
        ends_on=datetime.date(2029, 11, 4),
    )
    party = Party.objects.create(election=election, name="Équipe Montmagny")
    Candidate.objects.create(election=election, full_name="Jeanne Tremblay", party=party, position="Mairie")
    calendar_models.FollowedAccountsCheck.objects.create(
        channel=channel,
        election=election,
        method="fetched",
        outcome="flagged",
        checked_by=admin_user,
        checked_at=timezone.now(),
        accounts_count=12,
        flagged=[{"handle": "@equipemontmagny", "display_name": "Équipe Montmagny", "url": "", "matches": ["Parti"]}],
    )
    EmergencySwitch.objects.create(active=True, reason="Inondation rue du Bassin", switched_by=admin_user)
    PressReleaseAuthorisation.objects.create(post=post, authorised_by=admin_user, note="Relais accepté")
    calendar_models.OtherCommunication.objects.create(
        title="Infolettre de décembre",
        kind="newsletter",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        requesting_service=service,
        author=admin_user,
    )
    WarningAcknowledgement.objects.create(
        post=post,
        code="link_domain",
        fingerprint="f" * 32,
        message="Lien externe",
        ruleset_version="v.1",
        acknowledged_by=admin_user,
    )
    calendar_models.CalendarFeed.objects.create(person=admin_user, token="t" * 43)
    source = calendar_models.EventSource.objects.create(
        name="Événements de la Ville", url="https://www.ville.montmagny.qc.ca/evenements.ics", created_by=admin_user
    )
    calendar_models.ImportedEvent.objects.create(
        uid="marche@ville.montmagny.qc.ca",
        source=source,
        post=reviewed,
        summary="Marché de Noël",
        starts_at=timezone.now() + datetime.timedelta(days=20),
        fingerprint="0" * 64,
    )
    return SimpleNamespace(
        service=service,
        organisation=organisation,
        channel=channel,
        post=post,
        reviewed=reviewed,
        agent=agent,
        assignment=assignment,
        municipality=municipality,
        election=election,
    )


# --- Helpers ----------------------------------------------------------------------------------


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _add_form_values(data: dict, form) -> None:
    for name, field in form.fields.items():
        if field.disabled or isinstance(field, forms.FileField):
            continue
        key, value, widget = form.add_prefix(name), form[name].value(), field.widget
        if isinstance(widget, forms.MultiWidget):  # the admin's split date and time
            for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
                data[key + suffix] = "" if part is None else part
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, (list, tuple)):
            data[key] = [getattr(item, "pk", item) for item in value]
        else:
            data[key] = "" if value is None else getattr(value, "pk", value)


def form_data(response) -> tuple[dict, dict]:
    """The POST data that submits the admin form in ``response`` as shown, and each inline's prefix by model."""
    data, prefixes = {}, {}
    _add_form_values(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefixes[formset.model] = formset.prefix
        _add_form_values(data, formset.management_form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()
        for inline_form in formset.initial_forms:
            _add_form_values(data, inline_form)
    return data, prefixes


def run_action(client, action: str, *posts: Post):
    return client.post(
        admin_url(Post, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [post.pk for post in posts]},
        follow=True,
    )


def shown_messages(response) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in response.context["messages"]]


def entries_for(obj) -> list[AuditEntry]:
    target_type = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(target_type=target_type, target_id=str(obj.pk)).order_by("pk"))


# --- Every page answers -----------------------------------------------------------------------


def test_every_model_of_the_domain_has_an_admin_or_an_inline():
    inline_models = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    exported = (getattr(calendar_models, name) for name in calendar_models.__all__)
    domain_models = {item for item in exported if isinstance(item, type) and issubclass(item, models.Model)}
    missing = {
        model.__name__ for model in domain_models if model not in admin.site._registry and model not in inline_models
    }
    assert not missing


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_changelist_answers_and_searches_for_a_superuser(admin_client, world, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    if admin.site._registry[model].search_fields:
        assert admin_client.get(admin_url(model, "changelist"), {"q": "Montmagny"}).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_add_page_answers_unless_adding_is_refused(admin_client, rf, admin_user, world, model):
    request = rf.get("/")
    request.user = admin_user
    expected = 200 if admin.site._registry[model].has_add_permission(request) else 403
    assert admin_client.get(admin_url(model, "add")).status_code == expected


@pytest.mark.parametrize(
    "model",
    [model for model in REGISTERED if model._meta.app_label == "calendar_app"],
    ids=lambda model: model._meta.label,
)
def test_every_change_page_answers_for_a_superuser(admin_client, world, model):
    obj = model._base_manager.order_by("pk").first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_the_site_names_vitrine(admin_client):
    assert "Vitrine" in admin_client.get(reverse("admin:index")).content.decode()


def test_a_staff_member_without_permissions_is_refused_the_changelists(client):
    client.force_login(factories.person(is_staff=True))
    assert client.get(admin_url(Post, "changelist")).status_code == 403
    assert client.get(admin_url(AuditEntry, "changelist")).status_code == 403


# --- Post actions call the services -----------------------------------------------------------


def test_the_submit_action_moves_the_post_and_its_versions_and_audits_each_move(admin_client, admin_user):
    post = factories.post(author=admin_user, channels=[factories.channel(), factories.channel()])
    response = run_action(admin_client, "submit_posts", post)
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED
    assert set(post.versions.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert [level for level, _text in shown_messages(response)] == [messages.SUCCESS]
    moves = AuditEntry.objects.filter(action="status_changed", actor=admin_user)
    assert moves.count() == 3  # the post and its two versions
    assert all(entry.before == {"status": "draft"} and entry.after == {"status": "submitted"} for entry in moves)


def test_review_then_approval_through_actions_records_the_decision(admin_client, admin_user):
    post = factories.post(author=admin_user, channels=[factories.channel()])
    for action in ("submit_posts", "start_review_of_posts", "approve_posts"):
        run_action(admin_client, action, post)
    post.refresh_from_db()
    assert post.status == Status.APPROVED
    approval = Approval.objects.get(post=post)
    assert (approval.decision, approval.reviewer) == (Approval.Decision.APPROVED, admin_user)
    assert entries_for(post)[-1].action == "decided"


def test_the_withdraw_action_withdraws_the_post(admin_client, admin_user):
    post = factories.post(author=admin_user, channels=[factories.channel()])
    run_action(admin_client, "withdraw_posts", post)
    post.refresh_from_db()
    assert post.status == Status.WITHDRAWN
    assert post.versions.get().status == Status.WITHDRAWN


def test_an_illegal_action_shows_an_error_and_changes_nothing(admin_client, admin_user):
    post = factories.post(author=admin_user, channels=[factories.channel()])
    entries_before = AuditEntry.objects.count()
    response = run_action(admin_client, "start_review_of_posts", post)  # a draft is not submitted yet
    assert response.status_code == 200
    [(level, text)] = shown_messages(response)
    assert level == messages.ERROR and post.title in text
    post.refresh_from_db()
    assert post.status == Status.DRAFT
    assert post.versions.get().status == Status.DRAFT
    assert AuditEntry.objects.count() == entries_before
    assert not Approval.objects.exists()


def test_an_action_on_several_posts_moves_those_it_can_and_names_the_others(admin_client, admin_user):
    draft, withdrawn = factories.post(author=admin_user), factories.post(author=admin_user)
    run_action(admin_client, "withdraw_posts", withdrawn)
    response = run_action(admin_client, "submit_posts", draft, withdrawn)
    levels = sorted(level for level, _text in shown_messages(response))
    assert levels == [messages.SUCCESS, messages.ERROR]
    draft.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (draft.status, withdrawn.status) == (Status.SUBMITTED, Status.WITHDRAWN)


# --- Status and content are protected ---------------------------------------------------------


def test_a_post_form_has_no_status_field(admin_client, admin_user):
    post = factories.post(author=admin_user)
    response = admin_client.get(admin_url(Post, "change", post.pk))
    assert "status" not in response.context["adminform"].form.fields
    assert "status" in response.context["adminform"].readonly_fields


def test_a_submitted_post_is_shown_read_only_and_cannot_be_edited(admin_client, admin_user):
    post = factories.post(author=admin_user, channels=[factories.channel()], body="Le texte relu.")
    post_submit(post=post, actor=admin_user)
    url = admin_url(Post, "change", post.pk)
    response = admin_client.get(url)
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert admin_client.post(url, {"body": "Un texte que personne n'a relu."}).status_code == 403
    post.refresh_from_db()
    assert post.body == "Le texte relu." and post.status == Status.SUBMITTED
    version = post.versions.get()
    assert (
        admin_client.post(admin_url(ChannelVersion, "change", version.pk), {"text_override": "Autre"}).status_code
        == 403
    )


def test_a_draft_post_can_be_edited_and_the_change_is_audited(admin_client, admin_user):
    post = factories.post(author=admin_user, channels=[factories.channel()])
    data, _prefixes = form_data(admin_client.get(admin_url(Post, "change", post.pk)))
    data["body"] = "Venez célébrer l'été au parc, beau temps mauvais temps."
    assert admin_client.post(admin_url(Post, "change", post.pk), data).status_code == 302
    entry = entries_for(post)[-1]
    assert (entry.action, entry.actor) == ("changed", admin_user)
    assert entry.after == {"body": data["body"], "updated_at": entry.after["updated_at"]}


def test_only_a_draft_post_can_be_deleted(admin_client, admin_user):
    draft, submitted = factories.post(author=admin_user), factories.post(author=admin_user)
    post_submit(post=submitted, actor=admin_user)
    assert admin_client.get(admin_url(Post, "delete", submitted.pk)).status_code == 403
    assert admin_client.post(admin_url(Post, "delete", draft.pk), {"post": "yes"}).status_code == 302
    assert not Post.objects.filter(pk=draft.pk).exists()
    assert entries_for(draft)[-1].action == "deleted"


def test_channel_versions_are_not_added_outside_their_post(admin_client):
    assert admin_client.get(admin_url(ChannelVersion, "add")).status_code == 403


# --- The audit log of admin writes ------------------------------------------------------------


def test_saving_a_service_writes_an_audit_entry_with_only_what_changed(admin_client, admin_user):
    service = factories.service(name="Service des travaux publics", slug="travaux")
    data, _prefixes = form_data(admin_client.get(admin_url(Service, "change", service.pk)))
    data["email"] = "travaux@ville.montmagny.qc.ca"
    assert admin_client.post(admin_url(Service, "change", service.pk), data).status_code == 302
    [entry] = entries_for(service)
    assert (entry.action, entry.actor, entry.actor_repr) == ("changed", admin_user, str(admin_user))
    assert entry.before == {"email": ""}
    assert entry.after == {"email": "travaux@ville.montmagny.qc.ca"}


def test_adding_a_service_writes_a_created_entry(admin_client):
    data, _prefixes = form_data(admin_client.get(admin_url(Service, "add")))
    data.update(name="Comité consultatif d'urbanisme", slug="ccu", kind="committee")
    assert admin_client.post(admin_url(Service, "add"), data).status_code == 302
    [entry] = entries_for(Service.objects.get(slug="ccu"))
    assert entry.action == "created" and entry.before == {}
    assert entry.after["name"] == "Comité consultatif d'urbanisme" and entry.after["kind"] == "committee"


def test_deleting_services_writes_one_entry_each(admin_client):
    alone, first, second = factories.service(), factories.service(), factories.service()
    assert admin_client.post(admin_url(Service, "delete", alone.pk), {"post": "yes"}).status_code == 302
    admin_client.post(
        admin_url(Service, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [first.pk, second.pk], "post": "yes"},
    )
    assert not Service.objects.exists()
    for service in (alone, first, second):
        [entry] = entries_for(service)
        assert entry.action == "deleted" and entry.before["name"] == service.name


def test_a_row_added_in_an_inline_is_audited(admin_client, world):
    url = admin_url(Municipality, "change", world.municipality.pk)
    data, prefixes = form_data(admin_client.get(url))
    prefix = prefixes[ClosureDay]
    count = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {f"{prefix}-TOTAL_FORMS": count + 1, f"{prefix}-{count}-date": "2030-07-02", f"{prefix}-{count}-label": "Pont"}
    )
    assert admin_client.post(url, data).status_code == 302
    closure = ClosureDay.objects.get(label="Pont")
    [entry] = entries_for(closure)
    assert entry.action == "created" and entry.after["date"] == "2030-07-02"


def test_a_many_to_many_change_is_audited_by_primary_keys(admin_client, world):
    other = factories.channel()
    url = admin_url(RoleAssignment, "change", world.assignment.pk)
    data, _prefixes = form_data(admin_client.get(url))
    data["channels"] = [world.channel.pk, other.pk]
    assert admin_client.post(url, data).status_code == 302
    [entry] = entries_for(world.assignment)
    assert entry.before == {"channels": [world.channel.pk]}
    assert entry.after == {"channels": sorted([world.channel.pk, other.pk])}


def test_a_new_persons_password_hash_never_reaches_the_log(admin_client):
    data, _prefixes = form_data(admin_client.get(admin_url(Person, "add")))
    data.update(
        username="nouvelle", usable_password="true", password1="Montmagny-2025-été", password2="Montmagny-2025-été"
    )
    assert admin_client.post(admin_url(Person, "add"), data).status_code == 302
    [entry] = entries_for(Person.objects.get(username="nouvelle"))
    assert entry.action == "created" and entry.after["password"] == HIDDEN


def test_a_password_change_is_audited_without_the_hash(admin_client):
    person = factories.person()
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = admin_client.post(url, {"password1": "Un-nouveau-mot-de-passe", "password2": "Un-nouveau-mot-de-passe"})
    assert response.status_code == 302
    [entry] = entries_for(person)
    assert entry.before == {"password": HIDDEN} and entry.after == {"password": HIDDEN}


# --- The audit log itself is read-only --------------------------------------------------------


def test_audit_entries_cannot_be_added_changed_or_deleted_through_the_admin(admin_client, admin_user):
    post = factories.post(author=admin_user)
    entry = entries_for(post)[0]
    assert admin_client.get(admin_url(AuditEntry, "add")).status_code == 403
    assert admin_client.post(admin_url(AuditEntry, "change", entry.pk), {"action": "forged"}).status_code == 403
    assert admin_client.get(admin_url(AuditEntry, "delete", entry.pk)).status_code == 403
    assert admin_client.post(admin_url(AuditEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    response = admin_client.post(
        admin_url(AuditEntry, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [entry.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).action == "created"


def test_the_audit_log_filters_by_action_and_kind(admin_client, admin_user):
    factories.post(author=admin_user)
    post_type = ContentType.objects.get_for_model(Post)
    response = admin_client.get(
        admin_url(AuditEntry, "changelist"), {"action": "created", "target_type__id__exact": post_type.pk}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


# --- Channels: credentials are write-only -----------------------------------------------------


def test_new_credentials_are_stored_encrypted_and_never_shown_again(admin_client):
    channel = factories.channel()
    url = admin_url(Channel, "change", channel.pk)
    data, _prefixes = form_data(admin_client.get(url))
    data["new_credentials"] = '{"access_token": "jeton-très-secret"}'
    assert admin_client.post(url, data).status_code == 302
    channel.refresh_from_db()
    assert channel.get_credentials() == {"access_token": "jeton-très-secret"}
    assert "jeton-très-secret" not in admin_client.get(url).content.decode()
    assert "jeton-très-secret" not in json.dumps([entry.after for entry in entries_for(channel)])
    assert entries_for(channel)[-1].message
    changelist = admin_client.get(admin_url(Channel, "changelist")).content.decode()
    assert "icon-yes.svg" in changelist  # the "credentials stored" column


@pytest.mark.parametrize("typed", ["{access_token: oops", '["a", "list"]', '"a text"'])
def test_credentials_that_are_not_a_json_object_are_refused_and_not_echoed(admin_client, typed):
    channel = factories.channel()
    url = admin_url(Channel, "change", channel.pk)
    data, _prefixes = form_data(admin_client.get(url))
    data["new_credentials"] = typed
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["new_credentials"]
    assert typed not in response.content.decode()
    channel.refresh_from_db()
    assert not channel.has_credentials


def test_the_authorisation_fields_cite_article_8_1(admin_client):
    response = admin_client.get(admin_url(Channel, "add"))
    form = response.context["adminform"].form
    assert "8.1" in str(form.fields["authorised_by"].help_text)
    assert "8.1" in str(form.fields["authorised_at"].help_text)
    assert "credentials_encrypted" not in form.fields


# --- Emergency switches, media, elections -----------------------------------------------------


def test_an_emergency_switch_is_signed_by_whoever_adds_it_and_never_edited(admin_client, admin_user):
    response = admin_client.post(admin_url(EmergencySwitch, "add"), {"active": "on", "reason": "Panne d'électricité"})
    assert response.status_code == 302
    switch = EmergencySwitch.objects.get()
    assert switch.switched_by == admin_user and EmergencySwitch.is_on()
    assert entries_for(switch)[0].action == "created"
    url = admin_url(EmergencySwitch, "change", switch.pk)
    assert admin_client.post(url, {"active": "", "reason": ""}).status_code == 403
    assert admin_client.post(admin_url(EmergencySwitch, "delete", switch.pk), {"post": "yes"}).status_code == 403


def test_switching_emergency_mode_on_without_a_reason_is_refused(admin_client):
    response = admin_client.post(admin_url(EmergencySwitch, "add"), {"active": "on", "reason": ""})
    assert response.status_code == 200
    assert not EmergencySwitch.objects.exists()


def test_the_media_list_shows_an_escaped_thumbnail(admin_client, admin_user):
    asset = factories.media(admin_user, alt_text='Affiche "été" <script>alert(1)</script>')
    content = admin_client.get(admin_url(MediaAsset, "changelist")).content.decode()
    assert f'src="{asset.file.url}"' in content
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_width_and_height_are_read_only(admin_client, admin_user):
    asset = factories.media(admin_user)
    response = admin_client.get(admin_url(MediaAsset, "change", asset.pk))
    assert {"width", "height", "uploaded_by"}.isdisjoint(response.context["adminform"].form.fields)
    assert (asset.width, asset.height) == (40, 30)


def test_a_candidate_can_only_be_given_a_party_of_the_same_election(admin_client, world):
    other = ElectionPeriod.objects.create(
        name="Élection partielle",
        starts_on=datetime.date(2031, 3, 1),
        polling_day=datetime.date(2031, 4, 1),
        ends_on=datetime.date(2031, 4, 1),
    )
    Party.objects.create(election=other, name="Parti d'ailleurs")
    response = admin_client.get(admin_url(ElectionPeriod, "change", world.election.pk))
    formset = next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.model is Candidate
    )
    assert [party.name for party in formset.forms[0].fields["party"].queryset] == ["Équipe Montmagny"]


def test_the_municipality_row_is_neither_duplicated_nor_deleted(admin_client, world):
    assert admin_client.get(admin_url(Municipality, "add")).status_code == 403
    assert admin_client.get(admin_url(Municipality, "delete", world.municipality.pk)).status_code == 403
