"""The website feed: RSS and Atom of the published versions of feed channels, and its adapter."""

from __future__ import annotations

import datetime
import email.utils
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils.http import http_date

from calendar_app.models import ChannelVersion, Municipality
from publishing.adapters.base import Outgoing, PermanentError
from publishing.adapters.feed import FeedAdapter
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
START = datetime.datetime(2025, 11, 3, 14, 0, tzinfo=datetime.UTC)


def municipality() -> Municipality:
    return Municipality.objects.create(
        name="Ville de Montmagny",
        website_domain="ville.montmagny.qc.ca",
        main_email="info@ville.montmagny.qc.ca",
        main_phone="418 248-3361",
        address="143, rue Saint-Jean-Baptiste Est, Montmagny",
    )


def published(post, *, minutes: int = 0, status: str = "published"):
    """Mark the post's versions published ``minutes`` after START."""
    when = START + datetime.timedelta(minutes=minutes)
    ChannelVersion.objects.filter(post=post).update(status=status, due_at=when, published_at=when)
    return post


def rss_items(client, **headers):
    response = client.get(reverse("feed_rss"), **headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    return response, ET.fromstring(response.content).find("channel").findall("item")


def test_the_rss_feed_lists_published_versions_newest_first(client):
    municipality()
    feed = factories.channel("feed")
    older = published(factories.post(channels=[feed], title="Collecte", links=["https://ville.example/collecte"]))
    published(factories.post(channels=[feed], title="Fête", body="La fête a lieu samedi."), minutes=5)
    response, items = rss_items(client)
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Ville de Montmagny" and channel.findtext("language") == "fr-ca"
    assert channel.findtext("link") == "https://ville.montmagny.qc.ca/"
    assert [item.findtext("title") for item in items] == ["Fête", "Collecte"]
    assert items[0].findtext("description") == "<p>La fête a lieu samedi.</p>"
    assert items[0].findtext("link") == "https://ville.montmagny.qc.ca/"  # no link: the city's website
    assert items[1].findtext("link") == "https://ville.example/collecte"
    version = ChannelVersion.objects.get(post=older)
    assert items[1].findtext("guid") == f"tag:127.0.0.1,{older.created_at:%Y-%m-%d}:vitrine/versions/{version.pk}"
    assert items[1].find("guid").get("isPermaLink") == "false"
    assert email.utils.parsedate_to_datetime(items[1].findtext("pubDate")) == START


def test_the_atom_feed_has_the_same_entries(client, settings):
    municipality()
    post = published(factories.post(channels=[factories.channel("feed")], title="Travaux & détours"))
    response = client.get(reverse("feed_atom"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.findtext(f"{ATOM}title") == "Ville de Montmagny"
    assert root.findtext(f"{ATOM}id") == settings.SITE_URL + "/flux/atom/"
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Travaux & détours"  # an Atom title is text: escaped once
    version = ChannelVersion.objects.get(post=post)
    assert entry.findtext(f"{ATOM}id").endswith(f":vitrine/versions/{version.pk}")
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.findtext(f"{ATOM}published").startswith("2025-11-03")


def test_a_script_in_a_text_stays_text(client):
    text = "Attention <script>alert('x')</script> & bienvenue"
    post = factories.post(channels=[factories.channel("feed")], title="<b>Titre</b>")
    ChannelVersion.objects.filter(post=post).update(text_override=text)
    published(post)
    response, [item] = rss_items(client)
    assert b"<script>" not in response.content
    # The description is HTML whose markup is the paragraph only; the script is escaped text in it.
    assert (
        item.findtext("description")
        == "<p>Attention &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; bienvenue</p>"
    )
    assert item.findtext("title") == "&lt;b&gt;Titre&lt;/b&gt;"
    entry = ET.fromstring(client.get(reverse("feed_atom")).content).find(f"{ATOM}entry")
    assert "&lt;script&gt;" in entry.findtext(f"{ATOM}summary") and entry.findtext(f"{ATOM}title") == "<b>Titre</b>"


def test_only_published_versions_of_active_feed_channels_appear(client):
    feed, facebook = factories.channel("feed"), factories.channel("facebook")
    published(factories.post(channels=[feed], title="Publiée"))
    published(factories.post(channels=[facebook], title="Sur Facebook"))
    published(factories.post(channels=[feed], title="Retirée"), status="removed")
    factories.post(channels=[feed], title="Brouillon")
    closed = factories.channel("feed", is_active=False)
    published(factories.post(channels=[closed], title="Canal fermé"))
    _, items = rss_items(client)
    assert [item.findtext("title") for item in items] == ["Publiée"]


def test_the_feed_works_before_the_municipality_is_set_up(client, settings):
    published(factories.post(channels=[factories.channel("feed")]))
    response, [item] = rss_items(client)
    assert item.findtext("link") == settings.SITE_URL + "/"


def test_an_unchanged_feed_answers_304(client):
    published(factories.post(channels=[factories.channel("feed")]))
    for name in ("feed_rss", "feed_atom"):
        first = client.get(reverse(name))
        assert first["ETag"] and first["Last-Modified"] == http_date(START.timestamp())
        assert client.get(reverse(name), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert client.get(reverse(name), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
        earlier = http_date((START - datetime.timedelta(minutes=1)).timestamp())
        assert client.get(reverse(name), HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_a_new_or_removed_item_changes_the_etag(client):
    feed = factories.channel("feed")
    post = published(factories.post(channels=[feed]))
    etag = client.get(reverse("feed_rss"))["ETag"]
    published(factories.post(channels=[feed]), minutes=1)
    after_new = client.get(reverse("feed_rss"), HTTP_IF_NONE_MATCH=etag)
    assert after_new.status_code == 200
    ChannelVersion.objects.filter(post=post).update(status="removed")
    assert client.get(reverse("feed_rss"), HTTP_IF_NONE_MATCH=after_new["ETag"]).status_code == 200


def test_the_query_count_does_not_grow_with_the_items(client, django_assert_max_num_queries):
    municipality()
    feed = factories.channel("feed")
    published(factories.post(channels=[feed], links=["https://ville.example/a"]))
    with django_assert_max_num_queries(3) as few:
        client.get(reverse("feed_rss"))
    for minutes in range(1, 8):
        published(
            factories.post(channels=[feed], links=["https://ville.example/b", "https://ville.example/c"]),
            minutes=minutes,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        _, items = rss_items(client)
    assert len(items) == 8
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("feed_atom"))


def test_the_feed_shows_fifty_items_at_most(client):
    feed = factories.channel("feed")
    post = factories.post(channels=[feed])  # its version on ``feed`` stays a draft
    ChannelVersion.objects.bulk_create(
        ChannelVersion(
            post=post, channel=factories.channel("feed"), status="published", due_at=START, published_at=START
        )
        for _ in range(51)
    )
    _, items = rss_items(client)
    assert len(items) == 50


def test_the_feed_adapter_sends_nothing_and_points_to_the_feed(settings):
    settings.SITE_URL = "https://vitrine.montmagny.qc.ca"
    adapter = FeedAdapter(base_url="")
    item = Outgoing(text="Texte", idempotency_key="publication-1")
    published_item = adapter.publish(item)
    assert published_item.external_id == "feed-publication-1"
    assert published_item.url == "https://vitrine.montmagny.qc.ca/flux/atom/"
    assert adapter.lookup(item) == published_item
    assert adapter.delete("feed-publication-1") is None and adapter.fetch_comments("feed-publication-1") == []
    assert adapter.check_credentials() == "feed"
    with pytest.raises(PermanentError):
        adapter.hide_comment("1")
    with pytest.raises(PermanentError):
        adapter.reply("1", "Merci.")
