"""« "Save texts" works without a date » (issue 13, item 5): on the review page, the texts of a post that has no
time yet are saved, whatever the approval's fields below them hold.

The report came from the browser: the page's one form held the approval's time, which the browser required
before sending anything, so « Enregistrer les textes » did nothing until a date was chosen (reproduced on
the code before issue 11 in Chromium). The button now says ``formnovalidate`` itself, and the server reads
only the texts for this action."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from calendar_app.models import Post, Role
from calendar_app.services import posts as post_services
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
CLEAN = "La bibliothèque municipale sera fermée le 25 décembre. Bonnes fêtes à toutes et à tous !"


def _request_in_review(reviewer) -> Post:
    service = factories.service()
    member = factories.person()
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    post = factories.post(
        author=member,
        body=CLEAN,
        channels=[factories.channel("facebook"), factories.channel("mastodon")],
        origin=Post.Origin.SERVICE_REQUEST,
        requesting_service=service,
    )
    post_services.post_submit(post=post, actor=member)
    post_services.post_start_review(post=post, reviewer=reviewer)
    return post


def _as_the_browser_sends(page: str) -> dict:
    """Every field of the page's texts-and-approval form, as Chromium sends it with nothing chosen."""
    forms = re.findall(r"<form[^>]*>(.*?)</form>", page, re.S)
    form = next(form for form in forms if 'value="save"' in form)
    data = {}
    for match in re.finditer(r"<input([^>]*)>|<textarea([^>]*)>(.*?)</textarea>", form, re.S):
        attributes = match.group(1) or match.group(2)
        name = re.search(r'name="([^"]+)"', attributes)
        if name is None or 'type="checkbox"' in attributes:
            continue
        value = re.search(r'value="([^"]*)"', attributes)
        data[name.group(1)] = match.group(3).lstrip("\n") if match.group(2) else (value.group(1) if value else "")
    return data


def test_the_texts_of_a_request_without_a_time_are_saved_with_the_approvals_fields_left_empty(client):
    reviewer = factories.reviewer()
    post = _request_in_review(reviewer)
    client.force_login(reviewer)
    url = reverse("calendar_app:review_detail", args=[post.pk])
    page = client.get(url).content.decode()
    assert re.search(r'<button[^>]*value="save"[^>]*formnovalidate', page)
    data = _as_the_browser_sends(page)
    assert data["due_at"] == "" and all(data[f"due_at-{version.pk}"] == "" for version in post.versions.all())

    response = client.post(url, {**data, "body": CLEAN + " Merci.", "action": "save"})

    assert response.status_code == 302
    stored = Post.objects.get(pk=post.pk)
    assert stored.body.endswith("Merci.") and stored.status == Status.IN_REVIEW
    assert not stored.versions.filter(due_at__isnull=False).exists()


def test_an_approved_post_without_a_time_approved_again_is_said_to_stay_approved_not_scheduled(client):
    reviewer, other = factories.reviewer(), factories.reviewer()
    post = _request_in_review(other)
    post_services.post_approve(post=post, reviewer=other, acknowledge_warnings=True)
    client.force_login(reviewer)
    url = reverse("calendar_app:review_detail", args=[post.pk])
    data = _as_the_browser_sends(client.get(url).content.decode())

    response = client.post(url, {**data, "body": CLEAN + " Merci.", "approve_again": "on", "action": "save"})

    assert response.status_code == 302 and Post.objects.get(pk=post.pk).status == Status.APPROVED
    with translation.override("fr-ca"):
        said = [str(message) for message in get_messages(response.wsgi_request)]
        assert said == [gettext("The texts were saved and approved again; the post stays approved.")]
