"""The public page of the city's official accounts (art. 3, Annexe 1): its social accounts, for anyone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_it_lists_the_authorised_social_accounts_only_to_anyone(client):
    facebook = factories.channel("facebook", handle="@villemontmagny")
    mastodon = factories.channel("mastodon", handle="@ville@mastodon.social")
    feed = factories.channel("feed", handle="Fil du site Web")
    screen = factories.channel("webhook", handle="Écran de l'hôtel de ville")
    pending = factories.channel("instagram", handle="@pas-encore", authorised_by=None, authorised_at=None)
    closed = factories.channel("x", handle="@fermé", is_active=False)

    page = client.get(reverse("calendar_app:official_accounts"))

    assert page.status_code == 200
    shown = page.content.decode()
    assert facebook.handle in shown and mastodon.handle in shown
    for absent in (feed, screen, pending, closed):
        assert absent.handle not in shown
