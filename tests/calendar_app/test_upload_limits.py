"""What a request form accepts of uploads: a bounded number of image forms, whatever the browser claims,
and images whose pixels decode."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from calendar_app.forms import ImageFormSet
from calendar_app.models import MediaAsset, Post, Role
from tests import factories
from tests.calendar_app.test_requests import request_form

pytestmark = pytest.mark.django_db


def post_request(client, **images):
    """A service member's request form, posted with ``images`` (the formset's fields)."""
    service = factories.service(name="Service des loisirs")
    member = factories.person(email="membre@example.org")
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    client.force_login(member)
    data = request_form(factories.channel("facebook"), requester=service.pk, **images)
    return client.post(reverse("calendar_app:service_request_new"), data)


@pytest.mark.parametrize("claimed", ["5", "100000"])
def test_a_forged_number_of_image_forms_builds_at_most_four_and_is_refused_in_french(client, claimed):
    response = post_request(client, **{"images-TOTAL_FORMS": claimed})

    assert response.status_code == 200
    assert "Veuillez soumettre au plus 4 formulaires." in response.content.decode()
    assert len(response.context["images"].forms) <= ImageFormSet.absolute_max == 4
    assert len(response.content) < 30_000  # about 11 kB with four image forms; a thousand made 1.4 MB
    assert not Post.objects.exists() and not MediaAsset.objects.exists()


def test_a_truncated_photo_is_refused_when_the_request_is_filed(client):
    buffer = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((300, 200), 120) for _ in range(3)]).save(buffer, "JPEG")
    cut = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    response = post_request(
        client,
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-file": SimpleUploadedFile("photo.jpg", cut, content_type="image/jpeg"),
            "images-0-alt_text": "Le parc",
            "images-0-credit": "Ville",
            "images-0-rights_statement": "Ville",
        },
    )
    assert response.status_code == 200
    assert "Cette image est incomplète" in response.content.decode()
    assert not Post.objects.exists() and not MediaAsset.objects.exists()
