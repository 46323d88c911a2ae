"""Requests from services and organisations, their review, and what each requester sees (art. 9.4, 9.5)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import (
    Approval,
    AuditEntry,
    MediaAsset,
    Notification,
    OrganisationSocialAccount,
    Post,
    Role,
    Substitution,
)
from calendar_app.permissions import PermissionRefused
from calendar_app.services import posts as post_services
from calendar_app.services import scheduling
from calendar_app.services.revisions import ConcurrentChange
from calendar_app.workflow import IllegalTransition, Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


@pytest.fixture
def city():
    """A service with a member, an organisation with a representative, and the communications department."""
    service = factories.service(name="Service des loisirs")
    organisation = factories.organisation(name="Club de raquette")
    member = factories.person(email="membre@example.org")
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    representative = factories.person(email="club@example.org")
    factories.role(representative, Role.ORGANISATION_REPRESENTATIVE, organisation=organisation)
    reviewer = factories.reviewer(email="comm@example.org")
    facebook = factories.channel("facebook")
    return type("City", (), locals())


def request_form(channel, **overrides):
    data = {
        "title": "Fermeture de la bibliothèque",
        "body": CLEAN,
        "category": "public_interest",
        "desired_from": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "desired_until": "",
        "channels": [channel.pk],
        "links": "",
        "contact_name": "Camille Tremblay",
        "contact_email": "camille@example.org",
        "contact_phone": "",
        "submission_key": str(uuid.uuid4()),
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "4",
    }
    data.update(overrides)
    return data


def submit_service_request(client, city, **overrides):
    client.force_login(city.member)
    data = request_form(city.facebook, requester=city.service.pk, **overrides)
    return client.post(reverse("calendar_app:service_request_new"), data)


class TestAServiceRequest:
    def test_it_becomes_a_submitted_post_checked_confirmed_and_announced(
        self, client, city, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = submit_service_request(client, city)

        post = Post.objects.get()
        assert response.status_code == 302 and response.url == reverse("calendar_app:request_detail", args=[post.pk])
        assert (post.status, post.origin, post.requesting_service) == (
            Status.SUBMITTED,
            Post.Origin.SERVICE_REQUEST,
            city.service,
        )
        assert set(post.versions.values_list("status", flat=True)) == {Status.SUBMITTED}
        recipients = {message.to[0] for message in mail.outbox}
        assert {"membre@example.org", "comm@example.org"} <= recipients
        assert Notification.objects.filter(recipient=city.member, kind="request_received").exists()
        assert Notification.objects.filter(recipient=city.reviewer, kind="request_to_review").exists()
        page = client.get(response.url)
        assert page.status_code == 200 and "Charte" in page.content.decode()

    def test_sending_the_same_form_twice_creates_one_post(self, client, city):
        key = str(uuid.uuid4())
        submit_service_request(client, city, submission_key=key)
        again = submit_service_request(client, city, submission_key=key)
        assert again.status_code == 302
        assert Post.objects.count() == 1

    @pytest.mark.parametrize(
        "field, value, expected",
        [
            ("desired_from", "2020-01-01", "déjà passée"),
            ("title", "", "obligatoire"),
            ("channels", [], "obligatoire"),
            ("links", "pas une adresse", "adresse Web valide"),
        ],
    )
    def test_bad_input_redisplays_the_form_in_french_and_saves_nothing(self, client, city, field, value, expected):
        response = submit_service_request(client, city, **{field: value})
        assert response.status_code == 200
        assert expected in response.content.decode()
        assert not Post.objects.exists() and not AuditEntry.objects.filter(action="created").exists()

    def test_a_file_that_is_not_an_image_is_refused(self, client, city):
        fake = SimpleUploadedFile("affiche.png", b"not an image at all", content_type="image/png")
        response = submit_service_request(
            client,
            city,
            **{
                "images-TOTAL_FORMS": "1",
                "images-0-file": fake,
                "images-0-alt_text": "Affiche",
                "images-0-credit": "Ville",
                "images-0-rights_statement": "Ville",
            },
        )
        assert response.status_code == 200
        assert not Post.objects.exists() and not MediaAsset.objects.exists()

    def test_an_oversized_image_is_refused_with_its_limit(self, client, city, settings):
        settings.MEDIA_MAX_UPLOAD_BYTES = 50
        response = submit_service_request(
            client,
            city,
            **{
                "images-TOTAL_FORMS": "1",
                "images-0-file": factories.image_upload(size=(64, 64)),
                "images-0-alt_text": "Affiche",
                "images-0-credit": "Ville",
                "images-0-rights_statement": "Ville",
            },
        )
        assert response.status_code == 200 and "limite" in response.content.decode()
        assert not Post.objects.exists() and not MediaAsset.objects.exists()

    def test_an_image_with_identifiable_persons_needs_consent(self, client, city):
        response = submit_service_request(
            client,
            city,
            **{
                "images-TOTAL_FORMS": "1",
                "images-0-file": factories.image_upload(),
                "images-0-alt_text": "Des enfants au parc",
                "images-0-credit": "Ville",
                "images-0-rights_statement": "Photo de la Ville",
                "images-0-shows_identifiable_persons": "on",
            },
        )
        assert response.status_code == 200 and "5.9" in response.content.decode()
        assert not Post.objects.exists()

    def test_an_image_with_its_rights_is_attached(self, client, city):
        submit_service_request(
            client,
            city,
            **{
                "images-TOTAL_FORMS": "1",
                "images-0-file": factories.image_upload(),
                "images-0-alt_text": "L'affiche de la fête",
                "images-0-credit": "Ville de Montmagny",
                "images-0-rights_statement": "Propriété de la Ville",
            },
        )
        asset = Post.objects.get().post_media.get().asset
        assert (asset.credit, asset.uploaded_by) == ("Ville de Montmagny", city.member)

    def test_someone_outside_the_service_cannot_submit_for_it(self, client, city):
        client.force_login(city.representative)
        response = client.post(
            reverse("calendar_app:service_request_new"), request_form(city.facebook, requester=city.service.pk)
        )
        assert response.status_code == 403
        assert not Post.objects.exists()
        assert AuditEntry.objects.filter(action="permission_refused", actor=city.representative).exists()


def submit_organisation_request(client, city, **overrides):
    client.force_login(city.representative)
    overrides.setdefault("original_post_url", "")
    data = request_form(city.facebook, requester=city.organisation.pk, **overrides)
    return client.post(reverse("calendar_app:organisation_request_new"), data)


class TestAnOrganisationRequest:
    def test_it_is_submitted_for_review(self, client, city):
        assert submit_organisation_request(client, city).status_code == 302
        post = Post.objects.get()
        assert (post.origin, post.requesting_organisation) == (Post.Origin.ORGANISATION_REQUEST, city.organisation)

    def test_the_dates_must_fall_inside_the_accreditation(self, client, city):
        city.organisation.accredited_until = timezone.localdate() + datetime.timedelta(days=5)
        city.organisation.save()
        late = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
        response = submit_organisation_request(client, city, desired_from=late)
        assert response.status_code == 200 and "9.5" in response.content.decode()
        assert not Post.objects.exists()

    def test_an_organisation_with_its_own_social_media_gives_the_original_post(self, client, city):
        OrganisationSocialAccount.objects.create(
            organisation=city.organisation, network="facebook", url="https://facebook.com/club"
        )
        assert submit_organisation_request(client, city).status_code == 200
        assert not Post.objects.exists()
        response = submit_organisation_request(client, city, original_post_url="https://facebook.com/club/posts/1")
        assert response.status_code == 302 and Post.objects.get().original_post_url.endswith("/posts/1")

    def test_a_channel_closed_to_organisations_cannot_be_targeted(self, client, city):
        linkedin = factories.channel("linkedin", accepts_organisation_requests=False)
        response = submit_organisation_request(client, city, channels=[linkedin.pk])
        assert response.status_code == 200 and not Post.objects.exists()

    def test_an_organisation_sees_only_its_own_requests(self, client, city):
        submit_organisation_request(client, city)
        mine = Post.objects.get()
        other = factories.organisation()
        stranger = factories.person()
        factories.role(stranger, Role.ORGANISATION_REPRESENTATIVE, organisation=other)
        client.force_login(stranger)
        assert client.get(reverse("calendar_app:request_detail", args=[mine.pk])).status_code == 403
        assert mine.title not in client.get(reverse("calendar_app:request_list")).content.decode()


@pytest.fixture
def submitted(client, city):
    submit_service_request(client, city)
    client.logout()
    return Post.objects.get()


class TestTheReview:
    def test_the_queue_lists_what_awaits_review_oldest_first(self, client, city, submitted):
        newer = factories.post(channels=[city.facebook], title="Plus récente")
        post_services.post_submit(post=newer, actor=newer.author)
        client.force_login(city.reviewer)
        page = client.get(reverse("calendar_app:review_queue")).content.decode()
        assert page.index(submitted.title) < page.index("Plus récente")

    def test_approving_records_the_decision_and_schedules_every_channel(
        self, client, city, submitted, django_capture_on_commit_callbacks
    ):
        client.force_login(city.reviewer)
        due = timezone.localtime() + datetime.timedelta(days=2)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("calendar_app:review_detail", args=[submitted.pk]),
                {
                    "action": "approve",
                    "revision": submitted.revision,
                    "body": submitted.body,
                    "due_at": due.strftime("%Y-%m-%dT%H:%M"),
                    "acknowledge_warnings": "on",
                },
            )
        assert response.status_code == 302
        approval = Approval.objects.get(post=submitted)
        assert (approval.reviewer, approval.decision) == (city.reviewer, "approved")
        assert approval.ruleset_version and isinstance(approval.check_results, list)
        assert set(submitted.versions.values_list("status", flat=True)) == {Status.SCHEDULED}
        assert any(message.to == ["membre@example.org"] for message in mail.outbox)

    def test_a_refusal_needs_reasons_which_reach_the_requester(
        self, client, city, submitted, django_capture_on_commit_callbacks
    ):
        client.force_login(city.reviewer)
        url = reverse("calendar_app:review_detail", args=[submitted.pk])
        response = client.post(url, {"action": "refuse", "revision": submitted.revision, "reasons": ""})
        assert response.status_code == 200
        submitted.refresh_from_db()
        assert submitted.status == Status.SUBMITTED

        reasons = "Hors du mandat de la Ville (art. 9.5)."
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"action": "refuse", "revision": submitted.revision, "reasons": reasons})
        submitted.refresh_from_db()
        assert submitted.status == Status.REFUSED
        assert any(reasons in message.body for message in mail.outbox if message.to == ["membre@example.org"])
        client.force_login(city.member)
        assert reasons in client.get(reverse("calendar_app:request_detail", args=[submitted.pk])).content.decode()

    def test_asking_for_changes_then_the_requester_answers_and_resubmits(self, client, city, submitted):
        client.force_login(city.reviewer)
        client.post(
            reverse("calendar_app:review_detail", args=[submitted.pk]),
            {"action": "request_changes", "revision": submitted.revision, "reasons": "Ajoutez le lien (art. 5.4)."},
        )
        client.force_login(city.member)
        detail = reverse("calendar_app:request_detail", args=[submitted.pk])
        revision = Post.objects.get(pk=submitted.pk).revision
        client.post(
            detail,
            {"action": "edit", "body": CLEAN + " Détails : https://www.ville.montmagny.qc.ca", "revision": revision},
        )
        client.post(detail, {"body": "C'est fait, merci."})
        revision = Post.objects.get(pk=submitted.pk).revision
        client.post(reverse("calendar_app:request_resubmit", args=[submitted.pk]), {"revision": revision})
        submitted.refresh_from_db()
        assert submitted.status == Status.SUBMITTED and submitted.body.endswith("montmagny.qc.ca")
        assert submitted.messages.get().author == city.member
        assert AuditEntry.objects.filter(action="text_edited", actor=city.member).exists()
        assert Notification.objects.filter(recipient=city.reviewer, kind="message").exists()

    def test_nobody_approves_their_own_request(self, city):
        adviser = factories.reviewer()
        factories.role(adviser, Role.SERVICE_MEMBER, service=city.service)
        post = factories.post(
            author=adviser,
            channels=[city.facebook],
            origin=Post.Origin.SERVICE_REQUEST,
            requesting_service=city.service,
        )
        post_services.post_submit(post=post, actor=adviser)
        with pytest.raises(PermissionRefused) as raised:
            post_services.post_approve(post=post, reviewer=adviser, acknowledge_warnings=True)
        assert "propre demande" in str(raised.value)
        assert AuditEntry.objects.filter(action="permission_refused", actor=adviser).exists()
        assert not Approval.objects.exists()

    def test_of_two_reviewers_deciding_at_once_one_wins_and_the_other_is_told(self, city, submitted):
        second = factories.reviewer()
        seen = submitted.revision  # both read the same page
        post_services.post_approve(
            post=submitted, reviewer=city.reviewer, acknowledge_warnings=True, seen_revision=seen
        )
        with pytest.raises(ConcurrentChange) as raised:
            post_services.post_refuse(post=submitted, reviewer=second, reasons="Non.", seen_revision=seen)
        assert raised.value.code == "concurrent_change"
        assert str(city.reviewer) in raised.value.messages[0] and "Approuvée" in raised.value.messages[0]
        assert Approval.objects.filter(post=submitted).count() == 1

    def test_a_request_cannot_be_scheduled_without_an_approval(self, city, submitted):
        with pytest.raises(IllegalTransition):
            scheduling.post_schedule(
                post=submitted,
                actor=city.reviewer,
                timing=scheduling.Timing(default=timezone.now() + datetime.timedelta(days=1)),
            )


class TestSubstitutes:
    @pytest.fixture
    def away(self, city):
        substitute = factories.person()
        today = timezone.localdate()
        Substitution.objects.create(
            absent=city.reviewer,
            substitute=substitute,
            role=Role.COMMUNICATIONS,
            starts_on=today - datetime.timedelta(days=1),
            ends_on=today + datetime.timedelta(days=1),
        )
        return substitute

    def test_the_substitute_sees_and_acts_on_the_queue_and_is_notified(self, client, city, away):
        submit_service_request(client, city)
        post = Post.objects.get()
        notice = Notification.objects.get(recipient=away, kind="request_to_review")
        assert notice.on_behalf_of == city.reviewer
        client.force_login(away)
        assert client.get(reverse("calendar_app:review_queue")).status_code == 200
        post_services.post_approve(post=post, reviewer=away, acknowledge_warnings=True)

    def test_outside_the_window_the_substitute_does_not(self, client, city, away):
        Substitution.objects.update(
            starts_on=timezone.localdate() + datetime.timedelta(days=5),
            ends_on=timezone.localdate() + datetime.timedelta(days=9),
        )
        submit_service_request(client, city)
        assert not Notification.objects.filter(recipient=away).exists()
        client.force_login(away)
        assert client.get(reverse("calendar_app:review_queue")).status_code == 403


def test_notifications_are_in_the_recipients_language(client, city, django_capture_on_commit_callbacks):
    city.member.preferred_language = "en"
    city.member.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit_service_request(client, city)
    english = Notification.objects.get(recipient=city.member)
    french = Notification.objects.get(recipient=city.reviewer)
    assert english.subject.startswith("Request received")
    assert french.subject.startswith("À réviser") or "réviser" in french.subject.lower()


def test_a_requester_cannot_edit_a_request_in_review(client, city, submitted):
    client.force_login(city.member)
    client.post(reverse("calendar_app:request_detail", args=[submitted.pk]), {"action": "edit", "text": "Autre texte."})
    submitted.refresh_from_db()
    assert submitted.body == CLEAN


def test_the_notification_list_shows_and_marks_them_read(client, city, submitted):
    client.force_login(city.reviewer)
    url = reverse("calendar_app:notifications")
    assert submitted.title in client.get(url).content.decode()
    client.post(url)
    assert not Notification.objects.filter(recipient=city.reviewer, read_at__isnull=True).exists()


class TestInternalPosts:
    def _write(self, client, author, channel):
        client.force_login(author)
        return client.post(
            reverse("calendar_app:internal_post_new"),
            {"title": "Fête", "category": "event", "body": CLEAN, "channels": [channel.pk], "links": ""},
        )

    def test_a_publishers_post_goes_to_review(self, client, city):
        publisher = factories.person()
        factories.role(publisher, Role.PUBLISHER).channels.add(city.facebook)
        assert self._write(client, publisher, city.facebook).status_code == 302
        assert Post.objects.get().status == Status.SUBMITTED

    def test_a_publisher_writes_only_on_their_channels(self, client, city):
        publisher = factories.person()
        factories.role(publisher, Role.PUBLISHER).channels.add(city.facebook)
        other = factories.channel("mastodon")
        response = self._write(client, publisher, other)
        assert response.status_code == 200 and not Post.objects.exists()

    def test_the_advisers_post_needs_no_review_and_the_setting_changes_that(self, client, city):
        from calendar_app.models import RolePolicy

        self._write(client, city.reviewer, city.facebook)
        mine = Post.objects.get()
        assert mine.status == Status.DRAFT
        due = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        client.post(
            reverse("calendar_app:post_schedule", args=[mine.pk]),
            {"due_at": due, "acknowledge_warnings": "on", "revision": mine.revision},
        )
        mine.refresh_from_db()
        assert mine.status == Status.SCHEDULED and mine.approvals.get().reviewer == city.reviewer

        RolePolicy.objects.filter(role=Role.COMMUNICATIONS).update(internal_posts_need_review=True)
        self._write(client, city.reviewer, city.facebook)
        assert Post.objects.exclude(pk=mine.pk).get().status == Status.SUBMITTED


# Issue 16, item 5 (art. 5.6): a service files its own programme, fee or sale as the city's advertising; an
# organisation cannot, whatever its browser sends.


def test_a_service_may_file_its_own_offer_as_the_citys_advertising(client, city):
    client.force_login(city.member)
    form = client.get(reverse("calendar_app:service_request_new")).content.decode()
    assert 'value="city_advertising"' in form and "art. 5.6" in form
    camp = (
        "Camp de jour 2027 : inscriptions du 1er au 15 mars, 450 $ pour l'été, rabais de 10 % dès le deuxième enfant."
    )
    assert submit_service_request(client, city, category="city_advertising", body=camp).status_code == 302
    assert Post.objects.get().category == Post.Category.CITY_ADVERTISING


def test_an_organisation_is_not_offered_it_and_a_forged_one_is_refused(client, city):
    client.force_login(city.representative)
    assert (
        'value="city_advertising"' not in client.get(reverse("calendar_app:organisation_request_new")).content.decode()
    )
    response = submit_organisation_request(client, city, category="city_advertising")
    assert response.status_code == 200 and not Post.objects.exists()
    assert response.context["form"].errors["category"]
