"""The website feed answers with well-formed XML whatever text is stored (issue 11, defect 8)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_app.models import ChannelVersion, Municipality, Post, PostLink
from publishing.feeds import xml_safe
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED_AT = datetime.datetime(2025, 11, 3, 14, 0, tzinfo=datetime.UTC)

# Any character a database can store (no lone surrogates), with the ones XML cannot carry often drawn.
AWKWARD = st.sampled_from(list("\x00\x01\x08\x0b\x0c\x1f\x7f\x85\ufffe\uffff\u202e\u200b<>&\"'\r\n\t]]>"))
STORED_TEXT = st.text(st.one_of(st.characters(exclude_categories=["Cs"]), AWKWARD), max_size=60)


@pytest.fixture
def published_version():
    Municipality.objects.create(name="Ville de Montmagny", website_domain="ville.montmagny.qc.ca")
    post = factories.post(channels=[factories.channel("feed")], links=["https://ville.example/avis"])
    ChannelVersion.objects.filter(post=post).update(status="published", due_at=PUBLISHED_AT, published_at=PUBLISHED_AT)
    return ChannelVersion.objects.get(post=post)


def store(version: ChannelVersion, *, title: str, body: str, text: str, name: str, link: str) -> None:
    """Write the texts as the admin or an import could, without any form's validation."""
    if connection.vendor == "postgresql":  # PostgreSQL cannot store a NUL at all: nothing to feed
        title, body, text, name, link = (value.replace("\x00", "") for value in (title, body, text, name, link))
    Post.objects.filter(pk=version.post_id).update(title=title, body=body)
    ChannelVersion.objects.filter(pk=version.pk).update(text_override=text)
    PostLink.objects.filter(post_id=version.post_id).update(url=link)
    Municipality.objects.update(name=name)
    cache.clear()  # Municipality.current() keeps the row for a minute


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=STORED_TEXT, body=STORED_TEXT, text=STORED_TEXT, name=STORED_TEXT, link=STORED_TEXT)
def test_both_feeds_answer_well_formed_xml_whatever_text_is_stored(
    client, published_version, title, body, text, name, link
):
    store(published_version, title=title, body=body, text=text, name=name, link="https://ville.example/" + link)
    for url in (reverse("feed_rss"), reverse("feed_atom")):
        response = client.get(url)
        assert response.status_code == 200
        ET.fromstring(response.content)  # raises on XML that is not well-formed


def test_a_vertical_tab_in_a_published_text_no_longer_breaks_the_feeds(client, published_version):
    store(
        published_version,
        title="Collecte\x0bdes feuilles",
        body="",
        text="La collecte\x1f aura lieu\x0b lundi.",
        name="Ville de Montmagny",
        link="https://ville.example/avis",
    )
    rss = ET.fromstring(client.get(reverse("feed_rss")).content)
    [item] = rss.find("channel").findall("item")
    assert item.findtext("title") == "Collectedes feuilles"
    assert item.findtext("description") == "<p>La collecte aura lieu lundi.</p>"
    atom = ET.fromstring(client.get(reverse("feed_atom")).content)
    assert atom.find(f"{ATOM}entry").findtext(f"{ATOM}title") == "Collectedes feuilles"


def test_xml_safe_keeps_every_character_xml_can_carry():
    text = "Fête «\u00a0été\u00a0» \t\n\r 👨\u200d👩 \u202e \x85 \ud7ff\ue000\ufffd\U0010ffff"
    assert xml_safe(text) == text
    assert xml_safe(("a\x00", "b\ufffe")) == ("a", "b")
    assert xml_safe(None) is None
