"""Network previews (issue 13, items 3 and 5): each channel's preview shows exactly what its adapter sends,
counted as the Charte counts it, its images cropped as their renditions will be."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import linebreaks

from calendar_app.charte.base import CheckContext
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.limits import NetworkLimits
from calendar_app.models import ChannelVersion, Municipality, PostLink, PostMedia, Role
from calendar_app.services import posts as post_services
from publishing.adapters.base import Outgoing, PermanentError
from publishing.adapters.linkedin import little_text
from publishing.adapters.youtube import YouTubeAdapter
from publishing.previews import (
    PreviewChannel,
    PreviewImage,
    channel_preview,
    previews_for_post,
)
from publishing.rendition_profiles import profile
from tests import factories
from tests.publishing.test_adapter_contract import NETWORKS

DATA = data_from_defaults()
LIMITS = NetworkLimits(DATA)
LINK = "https://ville.montmagny.qc.ca/inscriptions"
TEXT = "Inscriptions aux activités d'hiver : dès le 3 novembre ! #Montmagny"
IMAGE = PreviewImage("/media/affiche.png", "L'affiche de la collecte", 8, 8)


def preview(network: str, text: str = TEXT, *, links=(LINK,), images=(), **fields):
    channel = PreviewChannel(network, "Ville de Montmagny", "@villemontmagny")
    return channel_preview(channel, text, links=list(links), images=list(images), data=DATA, **fields)


def outgoing(text: str = TEXT, *, link: str = LINK, media=()) -> Outgoing:
    return Outgoing(text=text, idempotency_key="publication-1", media=tuple(media), link=link)


def received(sandbox, network: str):
    [item] = sandbox.posts(network)
    return item


# What the network receives is what the preview shows ------------------------------------------------

# Each network once without an image (the link goes as its card or in the text) and once with one (photos
# take the link card's place); Instagram publishes only with an image.
CASES = [
    (network, with_image)
    for network in ("facebook", "instagram", "linkedin", "x", "mastodon", "bluesky", "webhook")
    for with_image in (False, True)
    if network != "instagram" or with_image
]


@pytest.mark.parametrize(("network", "with_image"), CASES, ids=[f"{n}-{'image' if i else 'text'}" for n, i in CASES])
def test_the_preview_shows_exactly_the_text_the_network_receives(sandbox, image, network, with_image):
    adapter = NETWORKS[network].adapter(sandbox)
    adapter.publish(outgoing(media=(image,) if with_image else ()))
    shown = preview(network, images=(IMAGE,) if with_image else ())
    got = received(sandbox, network)
    expected = little_text(shown.text) if network == "linkedin" else shown.text
    assert got.text == expected
    assert shown.refusal == ""


def test_facebook_previews_the_link_as_a_card_without_photos_and_in_the_message_with_them(sandbox, image):
    adapter = NETWORKS["facebook"].adapter(sandbox)
    adapter.publish(outgoing())
    shown = preview("facebook")
    assert shown.text == TEXT and shown.link_card.url == LINK == received(sandbox, "facebook").extra["link"]
    assert shown.links_not_sent == ()

    sandbox.state.reset()
    adapter.publish(outgoing(media=(image,)))
    shown = preview("facebook", images=(IMAGE,))
    assert shown.text == f"{TEXT}\n\n{LINK}" == received(sandbox, "facebook").text
    assert shown.link_card is None and received(sandbox, "facebook").extra["link"] == ""


@pytest.mark.parametrize("network", ["facebook", "linkedin"])
def test_a_link_is_appended_exactly_once(sandbox, image, network):
    media = (image,) if network == "facebook" else ()
    images = (IMAGE,) if media else ()
    in_text = f"Inscrivez-vous : {LINK}"
    for text in (TEXT, in_text):
        sandbox.state.reset()
        NETWORKS[network].adapter(sandbox).publish(outgoing(text, media=media))
        shown = preview(network, text, images=images)
        assert shown.text.count(LINK) == 1
        sent = received(sandbox, network).text
        assert sent.count(little_text(LINK) if network == "linkedin" else LINK) == 1


def test_bluesky_sends_its_card_and_its_links_as_the_preview_shows_them(sandbox):
    text = "Fête d'été : https://ville.montmagny.qc.ca/fete. #MontmagnyEnFête"
    NETWORKS["bluesky"].adapter(sandbox).publish(outgoing(text))
    record = received(sandbox, "bluesky").extra["record"]
    shown = preview("bluesky", text)
    assert record["embed"]["external"] == {"uri": LINK, "title": shown.link_card.title, "description": ""}
    assert shown.link_card.kind == "embed"
    links = [segment for segment in shown.segments if segment.kind == "link"]
    tags = [segment.text for segment in shown.segments if segment.kind == "hashtag"]
    uris = [f["features"][0].get("uri") for f in record["facets"] if f["features"][0].get("uri")]
    assert [link.href for link in links] == uris == ["https://ville.montmagny.qc.ca/fete"]
    assert tags == ["#MontmagnyEnFête"]


def test_x_and_mastodon_send_the_text_alone_and_say_the_link_is_not_sent(sandbox):
    for network in ("x", "mastodon"):
        NETWORKS[network].adapter(sandbox).publish(outgoing())
        shown = preview(network)
        assert received(sandbox, network).text == shown.text == TEXT
        assert shown.links_not_sent == (LINK,) and shown.link_card is None


def test_x_makes_a_card_of_the_last_address_and_mastodon_of_the_first():
    text = "Avis : https://ville.montmagny.qc.ca/avis et carte : https://ville.montmagny.qc.ca/carte"
    assert preview("x", text, links=()).link_card.url == "https://ville.montmagny.qc.ca/carte"
    assert preview("mastodon", text, links=()).link_card.url == "https://ville.montmagny.qc.ca/avis"
    assert preview("x", text, links=(), images=(IMAGE,)).link_card is None


def test_webhook_sends_the_link_beside_the_text(sandbox):
    NETWORKS["webhook"].adapter(sandbox).publish(outgoing())
    shown = preview("webhook")
    assert received(sandbox, "webhook").extra["link"] == shown.link_card.url == LINK
    assert shown.link_card.kind == "attached"


def test_youtube_shows_the_refusal_its_adapter_gives():
    with pytest.raises(PermanentError) as raised:
        YouTubeAdapter(base_url="https://youtube.invalid").publish(outgoing())
    shown = preview("youtube", images=(IMAGE,))
    assert shown.refusal == raised.value.message
    assert shown.images == () and shown.images_not_sent


def test_instagram_without_an_image_shows_the_refusal_its_adapter_gives(sandbox):
    with pytest.raises(PermanentError) as raised:
        NETWORKS["instagram"].adapter(sandbox).publish(outgoing())
    assert preview("instagram").refusal == raised.value.message
    assert not sandbox.posts("instagram")


@pytest.mark.django_db
def test_the_website_feed_serves_the_text_the_preview_shows(client):
    Municipality.objects.create(name="Ville de Montmagny", website_domain="ville.montmagny.qc.ca")
    text = "Collecte des feuilles\n\nLe 3 novembre, dès 7 h."
    post = factories.post(channels=[factories.channel("feed")], body=text, links=[LINK])
    moment = datetime.datetime(2025, 11, 3, 14, 0, tzinfo=datetime.UTC)
    ChannelVersion.objects.filter(post=post).update(status="published", due_at=moment, published_at=moment)
    [shown] = previews_for_post(post)
    atom = ET.fromstring(client.get(reverse("feed_atom")).content)
    [entry] = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert entry.findtext("{http://www.w3.org/2005/Atom}summary") == linebreaks(shown.text, autoescape=True)
    assert entry.find("{http://www.w3.org/2005/Atom}link").get("href") == shown.link_card.url == LINK
    assert entry.findtext("{http://www.w3.org/2005/Atom}title") == shown.title == post.title
    assert shown.images_not_sent is False  # the post has none


# The counter counts as the Charte does --------------------------------------------------------------

COUNTED = [
    # X: accents weigh 1, an ellipsis, a CJK character and an emoji 2, every address 23 (even without https).
    ("x", "Fête « été » … 日本 👨‍👩‍👧‍👦 https://ville.montmagny.qc.ca/une/tres/longue/adresse/de/page www.seao.ca/a"),
    # Bluesky counts graphemes, an address as written.
    ("bluesky", "👨‍👩‍👧‍👦 Fête https://ville.montmagny.qc.ca/une/tres/longue/adresse"),
    # Mastodon: an address counts 23, a remote mention its local part.
    ("mastodon", "@ami@mastodon.social voir https://ville.montmagny.qc.ca/une/tres/longue/adresse/de/page"),
    ("linkedin", "Texte (avec parenthèses) #Montmagny"),
    ("youtube", "Été 🎉"),
]


@pytest.mark.parametrize(("network", "text"), COUNTED, ids=[network for network, _text in COUNTED])
def test_the_counter_counts_as_the_charte_limit_rule(network, text):
    count = preview(network, text, links=()).count
    assert count.length == LIMITS.counters[network].length(text)
    assert count.limit == DATA.network_limits[network].max_length
    assert not count.over


def test_an_x_text_over_the_limit_has_the_count_the_rule_blocks_with():
    text = "Fête à Montmagny ! " * 14 + "https://ville.montmagny.qc.ca/fete"
    count = preview("x", text, links=()).count
    context = CheckContext(body=text, category="event", at=None, versions=[(1, "x", text)], media=[])
    [result] = LIMITS.results(context)
    assert count.over and count.excess == count.length - 280
    assert f"{count.length} " in result.message_en


def test_the_counter_counts_the_link_the_adapter_appends():
    assert preview("linkedin", images=()).count.length == len(f"{TEXT}\n\n{LINK}")
    assert preview("facebook", images=(IMAGE,)).count.length == len(f"{TEXT}\n\n{LINK}")


def test_instagram_counts_its_hashtags_against_its_limit():
    count = preview("instagram", " ".join(f"#tag{letter}" for letter in "abcdefghijklmnopqrstuvwxyzABCDEF")).count
    assert (count.hashtags, count.max_hashtags, count.too_many_hashtags) == (32, 30, True)


# Images are shown in their rendition's crop ---------------------------------------------------------


def test_a_panorama_is_cropped_for_instagram_to_its_widest_ratio_and_left_whole_elsewhere():
    panorama = PreviewImage("/media/quai.jpg", "Le quai au coucher du soleil", 4000, 1000)
    [instagram] = preview("instagram", images=(panorama,)).images
    widest = profile("instagram")["max_aspect"]
    left, top, width, height = instagram.crop
    assert instagram.cropped and height == 1000 and width == int(1000 * widest)
    assert left == (4000 - width) // 2 and top == 0  # the centre, as the rendition keeps it
    assert abs(instagram.width / instagram.height - widest) < 0.01
    assert instagram.width <= profile("instagram")["max_width"]
    [facebook] = preview("facebook", images=(panorama,)).images
    assert not facebook.cropped and (facebook.width, facebook.height) == (2048, 512)


def test_a_tall_poster_is_cropped_for_instagram_to_its_tallest_ratio():
    poster = PreviewImage("/media/affiche.jpg", "Affiche de la fête", 1000, 3000)
    [image] = preview("instagram", images=(poster,)).images
    assert image.crop[2:] == (1000, int(1000 / profile("instagram")["min_aspect"]))
    assert image.view_box == f"0 {(3000 - 1250) // 2} 1000 1250"


def test_the_crop_matches_the_rendition_really_made(tmp_path, settings):
    from PIL import Image

    from publishing.renditions import render

    settings.MEDIA_ROOT = tmp_path
    source = tmp_path / "panorama.png"
    Image.new("RGB", (1200, 300), (0, 85, 140)).save(source)
    rendition = render(source, "instagram")
    [image] = preview("instagram", images=(PreviewImage("/media/panorama.png", "Panorama", 1200, 300),)).images
    assert (image.width, image.height) == (rendition.width, rendition.height)


# The cards ----------------------------------------------------------------------------------------------


def test_text_is_escaped_and_only_web_addresses_become_links():
    from django.template.loader import render_to_string

    hostile = (
        '<script>alert("x")</script> <img src=x onerror=alert(1)> javascript:alert(1) https://ville.montmagny.qc.ca'
    )
    html = render_to_string("publishing/previews/_previews.html", {"previews": [preview("facebook", hostile)]})
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="https://ville.montmagny.qc.ca"' in html


def test_a_card_says_the_count_to_screen_readers_and_marks_an_excess():
    from django.template.loader import render_to_string

    html = render_to_string("publishing/previews/_previews.html", {"previews": [preview("x", "a" * 290, links=())]})
    assert "290 / 280" in html and "is-over" in html
    assert re.search(r'class="visually-hidden">[^<]*290[^<]*280', html)


def test_a_cropped_image_keeps_its_description_and_no_inline_style():
    from django.template.loader import render_to_string

    panorama = PreviewImage("/media/quai.jpg", "Le quai au coucher du soleil", 4000, 1000)
    html = render_to_string(
        "publishing/previews/_previews.html", {"previews": [preview("instagram", images=(panorama,))]}
    )
    assert 'role="img" aria-label="Le quai au coucher du soleil"' in html
    assert 'viewBox="1045 0 1910 1000"' in html
    assert "style=" not in html


# A saved post, and the review page ------------------------------------------------------------------


def _request_with_everything():
    service = factories.service()
    member = factories.person()
    factories.role(member, Role.SERVICE_MEMBER, service=service)
    channels = [factories.channel(network) for network in ("facebook", "instagram", "x", "linkedin", "bluesky")]
    post = factories.post(
        author=member,
        channels=channels,
        body="Collecte des feuilles le 3 novembre. <script>alert(1)</script>",
        origin="service_request",
        requesting_service=service,
    )
    PostLink.objects.create(post=post, url=LINK, position=0)
    asset = factories.media(member, alt_text="Des sacs de feuilles devant une maison")
    PostMedia.objects.create(post=post, asset=asset)
    x_version = ChannelVersion.objects.get(post=post, channel__network="x")
    x_version.text_override = "Collecte des feuilles le 3 novembre."
    x_version.save()
    post_services.post_submit(post=post, actor=member)
    return post


def _queries(post) -> tuple[int, list]:
    """The queries of ``previews_for_post``, the rule set already read (it is kept between requests)."""
    previews_for_post(post)
    with CaptureQueriesContext(connection) as queries:
        previews = previews_for_post(post)
    return len(queries), previews


@pytest.mark.django_db
def test_a_saved_posts_previews_take_a_constant_number_of_queries():
    post = _request_with_everything()
    few, _previews = _queries(post)
    for network in ("mastodon", "webhook", "feed"):
        ChannelVersion.objects.create(post=post, channel=factories.channel(network))
        PostLink.objects.create(post=post, url=f"https://ville.montmagny.qc.ca/{network}", position=1)
        PostMedia.objects.create(post=post, asset=factories.media(post.author, alt_text=network))
    many, previews = _queries(post)
    assert len(previews) == 8 and many == few == 4


@pytest.mark.django_db
def test_a_saved_posts_previews_use_each_versions_own_text_the_first_link_and_the_images():
    post = _request_with_everything()
    previews = {preview.network: preview for preview in previews_for_post(post)}
    assert previews["x"].text == "Collecte des feuilles le 3 novembre."
    assert previews["facebook"].text == f"{post.body}\n\n{LINK}"  # photos: the link in the message
    assert previews["bluesky"].link_card is None and previews["bluesky"].links_not_sent == (LINK,)
    [image] = previews["instagram"].images
    assert image.alt_text == "Des sacs de feuilles devant une maison" and image.url.endswith(".png")


@pytest.mark.django_db
def test_the_reviewer_sees_each_channels_exact_final_text(client):
    post = _request_with_everything()
    client.force_login(factories.reviewer())
    page = client.get(reverse("calendar_app:review_detail", args=[post.pk])).content.decode()
    assert page.count('class="preview preview--') == 5
    assert "css/previews.css" in page
    # Facebook's message, with the link its photo puts there, escaped; X's own text.
    escaped = "Collecte des feuilles le 3 novembre. &lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'{escaped}\n\n<a href="{LINK}"' in page
    assert ">Collecte des feuilles le 3 novembre.</p>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'alt="Des sacs de feuilles devant une maison"' in page  # 40 × 30: no network crops it
