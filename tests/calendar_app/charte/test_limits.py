"""Network limits (art. 2, 5): each channel version fits its network, counted as the network counts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from calendar_app.charte.base import CheckContext, MediaInfo, Severity
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.limits import NetworkLimits

DATA = data_from_defaults()
RULE = NetworkLimits(DATA)
IMAGE = MediaInfo(id=1, alt_text="Le quai de Montmagny", credit="Ville", rights_statement="Ville")
LONG_URL = "https://www.ville.montmagny.qc.ca/services-aux-citoyens/avis-publics/2026/reglement-numero-1234"


def _check(network: str, text: str, media=(IMAGE,), channel_id=5):
    context = CheckContext(
        body="Texte de la publication.",
        category="event",
        at=timezone.now(),
        versions=[(channel_id, network, text)],
        media=list(media),
    )
    return RULE.results(context)


def _length(network: str, text: str) -> int:
    return RULE.counters[network].length(text)


def test_x_counts_every_link_as_23_so_a_300_character_text_with_long_links_fits():
    text = "Avis public : consultez le règlement ici " + LONG_URL + " et la carte ici " + LONG_URL + " "
    text += "x" * (300 - len(text))
    assert len(text) == 300
    assert _length("x", text) == 300 - 2 * len(LONG_URL) + 2 * 23
    assert _check("x", text) == []


def test_x_counts_addresses_without_https_as_links_but_not_a_bare_short_domain():
    assert _length("x", "www.ville.montmagny.qc.ca") == 23
    assert _length("x", "ville.montmagny.qc.ca/avis-publics/2026") == 23
    assert _length("x", "seao.ca") == len("seao.ca")


def test_x_weighs_accents_and_typographic_quotes_1_but_cjk_ellipsis_and_emoji_2():
    assert _length("x", "éàçœ«»’–") == 8
    assert _length("x", "…") == 2
    assert _length("x", "日本") == 4
    assert _length("x", "👍") == 2
    assert _length("x", "👨‍👩‍👧‍👦") == 2  # one emoji sequence
    assert _length("x", "🇨🇦") == 2


def test_x_blocks_281_characters_and_says_the_count_the_limit_and_the_network():
    [result] = _check("x", "a" * 281)
    assert (result.code, result.severity, result.article) == ("network_limits", Severity.BLOCK, "2, 5")
    assert (result.target, result.channel_id, result.network) == ("version", 5, "x")
    assert "281" in result.message_en and "280" in result.message_en and "X" in result.message_en
    assert "281" in result.message_fr and "280" in result.message_fr
    assert _check("x", "a" * 280) == []


def test_x_blocks_140_emoji_plus_one_character():
    assert _check("x", "🎉" * 140) == []
    assert len(_check("x", "🎉" * 140 + "a")) == 1


def test_bluesky_counts_graphemes_so_a_family_emoji_is_one():
    family = "👨‍👩‍👧‍👦"
    assert _length("bluesky", family) == 1
    assert _check("bluesky", family * 300) == []
    [result] = _check("bluesky", family * 301)
    assert "301" in result.message_en and "300" in result.message_en


def test_bluesky_counts_a_link_as_written():
    assert _length("bluesky", "Voir " + LONG_URL) == 5 + len(LONG_URL)


def test_mastodon_counts_links_with_https_as_23_and_remote_mentions_without_their_instance():
    assert _length("mastodon", LONG_URL) == 23
    assert _length("mastodon", "www.ville.montmagny.qc.ca/avis") == len("www.ville.montmagny.qc.ca/avis")
    assert _length("mastodon", "Merci @bibliotheque@mastodon.social !") == len("Merci @bibliotheque !")
    assert _check("mastodon", "é" * 500) == []
    assert len(_check("mastodon", "é" * 501)) == 1


@pytest.mark.parametrize(("network", "limit"), [("linkedin", 3000), ("instagram", 2200), ("facebook", 63206)])
def test_other_networks_count_characters_up_to_their_limit(network, limit):
    assert _check(network, "a" * limit) == []
    assert [result.code for result in _check(network, "a" * (limit + 1))] == ["network_limits"]


def test_youtube_counts_the_bytes_of_a_video_description():
    assert _length("youtube", "é") == 2
    assert _check("youtube", "a" * 5000) == []
    [result] = _check("youtube", "é" * 2501)
    assert "5002" in result.message_en and "bytes" in result.message_en


def test_instagram_blocks_31_hashtags_and_passes_30():
    thirty = " ".join(f"#montmagny{index}x" for index in range(30))
    assert _check("instagram", "Été à Montmagny " + thirty) == []
    [result] = _check("instagram", "Été à Montmagny " + thirty + " #fleuve")
    assert "31" in result.message_en and "30" in result.message_en


def test_instagram_does_not_count_numbers_or_anchors_as_hashtags():
    text = " ".join(["#1"] * 40) + " Voir https://ville.montmagny.qc.ca/page#section"
    assert _check("instagram", text) == []


def test_instagram_requires_an_image():
    [result] = _check("instagram", "Bonjour", media=())
    assert "image" in result.message_en and "Instagram" in result.message_fr
    assert _check("instagram", "Bonjour", media=(MediaInfo(id=2, is_image=False),)) != []
    assert _check("facebook", "Bonjour", media=()) == []


def test_a_version_without_its_own_text_is_counted_with_the_post_body():
    context = CheckContext(body="a" * 300, category="event", at=timezone.now(), versions=[(3, "x", "")])
    [result] = RULE.results(context)
    assert result.channel_id == 3


def test_a_network_without_limits_in_the_data_is_not_checked():
    data = data_from_defaults()
    data.network_limits.pop("x")
    context = CheckContext(body="a" * 1000, category="event", at=timezone.now(), versions=[(3, "x", "")])
    assert NetworkLimits(data).results(context) == []


ODD_TEXTS = [
    "",
    "a" * 100_000,
    "https://" * 5000,
    "\x00\x01\x02\x1b[31m\x7f texte https://ville.montmagny.qc.ca/\x00",
    "\u202eمرحبا بالعالم\u202c \u200f https://\u200bville.ca",
    "\u200b\u200c\u200d\ufeff" * 50,
    "😀🎉👨‍👩‍👧‍👦🇨🇦" * 100,
    "#" * 1000,
    "\ud800 lone surrogate",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
@pytest.mark.parametrize("network", ["x", "bluesky", "mastodon", "linkedin", "instagram", "facebook", "youtube"])
def test_odd_input_never_raises(network, text):
    results = _check(network, text)
    assert all(result.code == "network_limits" for result in results)
