"""Links (art. 2, 5.4, 5.7): well formed, to allowed sites, to the city's website, to the SEAO."""

from __future__ import annotations

import pytest
from django.utils import timezone

from calendar_app.charte.base import CheckContext, LinkInfo, Severity
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.links import LinkDomains, MalformedLinks, TenderLink, WebsiteLink

DATA = data_from_defaults()


def _context(body="", category="public_interest", **fields) -> CheckContext:
    return CheckContext(body=body, category=category, at=timezone.now(), **fields)


def _spans(results, text):
    return [text[result.start : result.end] for result in results]


# Malformed links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "htp://www.ville.montmagny.qc.ca/loisirs",
        "https//www.ville.montmagny.qc.ca/loisirs",
        "http:/www.ville.montmagny.qc.ca",
        "https:\\\\www.ville.montmagny.qc.ca",
        "http;//www.ville.montmagny.qc.ca",
        "https:www.ville.montmagny.qc.ca",
        "https://",
        "https://ville",
        "https://ville_montmagny.qc.ca/avis",
        "www.ville",
        "https://www.ville.montmagny.qc.ca/avis<b>",
        "https://www.ville.montmagny.qc.ca/a%zzb",
        "https://www.ville.montmagny.qc.ca/\u200bavis",
    ],
)
def test_it_blocks_a_malformed_address_in_the_text_and_points_at_it(url):
    text = f"Tous les détails : {url} (mis à jour)."
    results = MalformedLinks(DATA).results(_context(text))
    assert [result.code for result in results] == ["malformed_link"]
    assert results[0].severity == Severity.BLOCK
    assert results[0].article == "5.7"
    assert _spans(results, text) == [url]
    assert "(art. 5.7)" in results[0].message_fr


def test_the_message_quotes_the_link_and_says_how_to_write_it():
    text = "Inscription : https//www.ville.montmagny.qc.ca/camp"
    [result] = MalformedLinks(DATA).results(_context(text))
    assert "https//www.ville.montmagny.qc.ca/camp" in result.message_en
    assert "https://" in result.message_en
    assert "https//www.ville.montmagny.qc.ca/camp" in result.message_fr


@pytest.mark.parametrize(
    "text",
    [
        "Voir https://www.ville.montmagny.qc.ca/avis-publics.",
        "Détails (https://fr.wikipedia.org/wiki/Montmagny_(Québec)) ici.",
        "« https://www.quebec.ca/sante »",
        "Lien:https://seao.ca/index.aspx, merci !",
        "https://www.google.com/maps?q=montmagny&z=3#carte",
        "https://ville.montmagny.qc.ca/a%20b et www.ville.montmagny.qc.ca",
        "Écrivez à info@ville.montmagny.qc.ca. Version 1.5, M.Tremblay, p.ex. etc.",
        "La ville.Le maire a parlé.",
        "https://québec.ca/événements",
    ],
)
def test_it_passes_well_formed_addresses_and_text_that_only_looks_like_one(text):
    assert MalformedLinks(DATA).results(_context(text)) == []


def test_it_blocks_a_malformed_attached_link_without_a_span():
    context = _context("Bonjour", links=[LinkInfo("https://www.ville.montmagny.qc.ca/avis publics"), LinkInfo("ville")])
    results = MalformedLinks(DATA).results(context)
    assert len(results) == 2
    assert all(result.start is None for result in results)
    assert "space" in results[0].message_en


def test_it_checks_each_channel_version_with_its_own_text():
    context = _context("Rien à signaler.", versions=[(7, "x", "Voir htps://www.ville.montmagny.qc.ca")])
    [result] = MalformedLinks(DATA).results(context)
    assert (result.target, result.channel_id, result.network) == ("version", 7, "x")


# Allowed domains ---------------------------------------------------------------------------------


def test_it_warns_on_a_link_to_a_site_outside_the_allow_list():
    text = "Billets en vente sur https://www.billetterie-exemple.com/spectacle."
    [result] = LinkDomains(DATA).results(_context(text))
    assert result.code == "link_domain"
    assert result.severity == Severity.WARN
    assert _spans([result], text) == ["https://www.billetterie-exemple.com/spectacle"]
    assert "billetterie-exemple.com" in result.message_fr


@pytest.mark.parametrize(
    "url",
    [
        "https://www.ville.montmagny.qc.ca/loisirs",
        "https://loisirs.ville.montmagny.qc.ca",
        "https://www.quebec.ca/sante",
        "https://www.mamh.gouv.qc.ca/",
        "https://www.canada.ca/fr.html",
        "https://www.seao.ca/index.aspx",
        "https://www.hydroquebec.com/pannes",
        "seao.ca/avis",
    ],
)
def test_it_passes_links_to_the_city_and_its_allowed_partners_and_their_subdomains(url):
    assert LinkDomains(DATA).results(_context(f"Détails : {url}")) == []


def test_the_city_website_passes_even_when_it_is_not_in_the_list():
    data = data_from_defaults(website_domain="www.ville.exemple.qc.ca")
    data.allowed_domains = []
    assert LinkDomains(data).results(_context("Voir https://ville.exemple.qc.ca/avis")) == []


def test_a_look_alike_domain_is_not_a_subdomain():
    results = LinkDomains(DATA).results(_context("Voir https://ville.montmagny.qc.ca.example.com/"))
    assert [result.code for result in results] == ["link_domain"]
    results = LinkDomains(DATA).results(_context("Voir https://fauxquebec.ca/"))
    assert [result.code for result in results] == ["link_domain"]


def test_an_attached_link_outside_the_list_warns_once_when_the_text_quotes_it_too():
    url = "https://www.exemple.com/page"
    results = LinkDomains(DATA).results(_context(f"Voir {url}", links=[LinkInfo(url)]))
    assert len(results) == 1
    results = LinkDomains(DATA).results(_context("Voir le lien.", links=[LinkInfo(url)]))
    assert len(results) == 1 and results[0].start is None


# Link to the website, link to the SEAO -----------------------------------------------------------


@pytest.mark.parametrize("category", ["press_release", "public_notice", "bylaw", "job_offer", "event"])
def test_it_warns_when_a_post_with_a_page_on_the_website_does_not_link_to_it(category):
    [result] = WebsiteLink(DATA).results(_context("Avis important à la population.", category))
    assert (result.code, result.severity, result.article) == ("website_link", Severity.WARN, "2, 5.4")
    assert "ville.montmagny.qc.ca" in result.message_fr


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "Détails : https://www.ville.montmagny.qc.ca/avis-publics"},
        {"body": "Détails : www.ville.montmagny.qc.ca/avis-publics"},
        {"body": "Détails : ville.montmagny.qc.ca/avis-publics"},
        {"body": "Avis.", "links": [LinkInfo("https://ville.montmagny.qc.ca/avis")]},
        {"body": "Avis.", "versions": [(1, "x", "Avis : https://www.ville.montmagny.qc.ca/avis")]},
    ],
)
def test_a_link_to_the_website_in_the_text_or_attached_satisfies_it(fields):
    assert WebsiteLink(DATA).results(_context(category="public_notice", **fields)) == []


def test_an_email_address_at_the_city_domain_is_not_a_link_to_the_website():
    results = WebsiteLink(DATA).results(_context("Écrivez à info@ville.montmagny.qc.ca.", "job_offer"))
    assert [result.code for result in results] == ["website_link"]


def test_other_categories_need_no_website_link():
    assert WebsiteLink(DATA).results(_context("Bonne fête nationale !", "public_interest")) == []
    assert WebsiteLink(DATA).results(_context("Appel d'offres.", "tender")) == []


def test_it_warns_when_a_tender_does_not_link_to_the_seao():
    [result] = TenderLink(DATA).results(_context("Appel d'offres pour le déneigement.", "tender"))
    assert (result.code, result.severity, result.article) == ("tender_link", Severity.WARN, "5.4")
    assert "seao.ca" in result.message_fr


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "Appel d'offres : https://www.seao.ca/OpportunityPublication/avis.aspx?ItemId=1"},
        {"body": "Appel d'offres sur seao.ca"},
        {"body": "Appel d'offres.", "links": [LinkInfo("https://seao.ca/avis")]},
    ],
)
def test_a_tender_linking_to_the_seao_passes(fields):
    assert TenderLink(DATA).results(_context(category="tender", **fields)) == []


def test_the_tender_site_is_data():
    data = data_from_defaults()
    data.settings["tender_site_domain"] = ["seao.ca", "seao.gouv.qc.ca"]
    assert TenderLink(data).results(_context("Voir https://seao.gouv.qc.ca/avis/1", "tender")) == []
    assert TenderLink(DATA).results(_context("Bonjour", "event")) == []


ODD_TEXTS = [
    "",
    "a" * 100_000,
    "https://" * 12_500,
    "www." * 25_000,
    "a.b " * 25_000,
    ("a" * 63 + ".") * 1_500 + "ca",
    "\x00\x01\x02\x1b[31m\x7f https://ville.montmagny.qc.ca/\x00 htp://\x00",
    "\u202eمرحبا بالعالم\u202c \u200f https://\u200bville.ca https://مثال.إختبار",
    "\u200b\u200c\u200d\ufeff" * 50,
    "😀🎉👨‍👩‍👧‍👦🇨🇦" * 100,
    "\ud800 lone surrogate https://x.ca/\udfff",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
@pytest.mark.parametrize("category", ["public_notice", "tender"])
def test_odd_input_never_raises(text, category):
    context = _context(
        text, category, versions=[(1, "x", text[:500])], links=[LinkInfo(text[:2_000]), LinkInfo(text[:5])]
    )
    for rule in (MalformedLinks, LinkDomains, WebsiteLink, TenderLink):
        for result in rule(DATA).results(context):
            assert result.message_en and result.message_fr
