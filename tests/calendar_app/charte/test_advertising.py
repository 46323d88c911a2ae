"""No advertising except the city's own (art. 5.6)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from calendar_app.charte.base import CheckContext, Severity
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.advertising import Advertising


@pytest.fixture(scope="module")
def data():
    return data_from_defaults()


@pytest.fixture(scope="module")
def rule(data):
    return Advertising(data)


def check(rule, body, category="public_interest", versions=()):
    return rule.results(CheckContext(body=body, category=category, at=timezone.now(), versions=list(versions)))


def found(results, text):
    return [(text[result.start : result.end], result.severity) for result in results]


@pytest.mark.parametrize(
    ("text", "solicitation"),
    [
        ("Achetez vos billets chez Dépanneur Chez Ginette.", "Achetez"),
        ("En vente chez Sports Côte-du-Sud dès lundi.", "En vente chez"),
        ("Merci à notre commanditaire, Garage Lemieux et Fils.", "commanditaire"),
        ("Cette publication est commanditée par la Microbrasserie La Bernache.", "commanditée par"),
        ("Profitez de 20 % de rabais chez Quincaillerie Dubé.", "20 % de rabais"),
        ("Spécial de la semaine à l'Épicerie Lachance.", "Spécial de la semaine"),
        ("Pneus en spécial chez Pneus Côte-Sud.", "en spécial"),
        ("Utilisez le code promo à la caisse.", "code promo"),
        ("CODE: NOEL20 à la caisse", "CODE: NOEL20"),
        ("Premier mois gratuit avec le code MONTMAGNY.", "Premier mois gratuit"),
        ("Shop now at Meubles Fournier!", "Shop now"),
        ("Sponsored by Garage Lemieux et Fils.", "Sponsored by"),
    ],
)
def test_it_blocks_third_party_commercial_solicitation(rule, text, solicitation):
    results = check(rule, text)
    assert (solicitation, Severity.BLOCK) in found(results, text)
    assert {(result.code, result.article) for result in results} == {("advertising", "5.6")}


def test_a_price_in_a_solicitation_blocks_too(rule):
    text = "Achetez vos billets à 19,99 $ chez Dépanneur Roy ! CODE : NOEL20"
    assert found(check(rule, text), text) == [
        ("Achetez", Severity.BLOCK),
        ("CODE : NOEL20", Severity.BLOCK),
        ("19,99 $", Severity.BLOCK),
    ]


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("Croissants à l'érable, 3,50 $ chacun.", "3,50 $"),
        ("Poutine à 8 $ au quai samedi !", "8 $"),
        ("Vélos à 1 299 $ ce mois-ci.", "1 299 $"),
        ("Pizza: $20 at the counter.", "$20"),
        ("Fraises à 6 dollars le casseau.", "6 dollars"),
        ("Budget de 2,5 M$ pour l'aréna.", None),
    ],
)
def test_a_price_alone_is_a_warning_unless_the_text_says_it_is_a_civic_amount(rule, text, price):
    expected = [] if price is None else [(price, Severity.WARN)]
    assert found(check(rule, text), text) == expected


@pytest.mark.parametrize("category", ["public_notice", "bylaw", "tender", "job_offer"])
def test_a_price_alone_in_a_civic_category_is_nothing_to_report(rule, category):
    assert check(rule, "Le montant est de 50 $ par semaine.", category=category) == []


@pytest.mark.parametrize(
    "text",
    [
        "Le permis coûte 50 $.",
        "Inscription au camp de jour : 25 $ par semaine.",
        "Offre d'emploi : salaire de 22,50 $ à 27,80 $ l'heure.",
        "Taux de la taxe foncière : 0,8912 $ par 100 $ d'évaluation.",
        "Une aide de 1 500 000 $ du gouvernement du Québec pour l'aréna.",
        "Le nouveau camion autopompe a coûté 555 000 $.",
        "The tournament raised $12,000 for the food bank.",
        "Achetez local : encouragez nos commerçants cet hiver !",
        "Séance spéciale du conseil lundi. Le solde de votre compte de taxes est dû le 30 juin.",
        "Les ventes-débarras sont permises sans permis les 17 et 18 mai.",
        "Plus de 10 000 citoyens ont participé à la Fête nationale en 2025.",
    ],
)
def test_civic_amounts_and_civic_wording_pass(rule, text):
    assert check(rule, text) == []


def test_a_price_with_solicitation_wording_blocks_even_in_a_civic_category(rule):
    text = "Avis : rabais de 20 $ chez Garage Lemieux."
    assert {result.severity for result in check(rule, text, category="public_notice")} == {Severity.BLOCK}


def test_the_citys_own_advertising_category_is_exempt(rule):
    text = "Achetez vos billets pour le spectacle de la Fête nationale : 20 $, rabais pour les résidents !"
    assert check(rule, text, category="city_advertising") == []
    assert check(rule, text, category="event") != []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4ch3tez vos billets", "4ch3tez"),
        ("#CodePromo pour tous", "CodePromo"),
        ("R.A.B.A.I.S monstre", "R.A.B.A.I.S"),
        ("ACHETEZ MAINTENANT", "ACHETEZ MAINTENANT"),
    ],
)
def test_it_sees_through_disguised_solicitation(rule, text, expected):
    assert (expected, Severity.BLOCK) in found(check(rule, text), text)


def test_it_checks_each_channel_version(rule):
    results = check(rule, "Collecte lundi.", versions=[(5, "instagram", "Achetez vos pneus chez Garage Roy !")])
    assert [(result.target, result.channel_id, result.severity) for result in results] == [
        ("version", 5, Severity.BLOCK)
    ]


def test_the_message_quotes_what_was_found_and_says_what_to_do(rule):
    [result] = check(rule, "Merci à notre commanditaire.")
    assert "« commanditaire »" in result.message_en
    assert "city advertising" in result.message_en
    assert result.message_en.endswith("(art. 5.6)")


# Bad input -------------------------------------------------------------------------------------------

ODD_TEXTS = [
    "",
    "  ",
    "💸💸💸",
    "$$$$$$",
    "\x00\x01 achetez\x07 20 $\x1b",
    "\u202eعرض خاص 20 $\u202c",
    "ache\u200btez 5\u200b$",
    "1" * 100_000,
    "1 " * 50_000,
    "$" * 100_000,
    "1,1" * 33_000,
    ("Rabais de 20 $ ! " * 6_000)[:100_000],
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_odd_and_huge_texts_never_raise(rule, text):
    results = check(rule, text)
    assert all(0 <= result.start <= result.end <= len(text) for result in results)


# The city's own fees and discounts (issue 16, item 5) --------------------------------------------------

CITY_DISCOUNTS = [
    "Camp de jour 2027 : inscriptions du 1er au 15 mars. 450 $ pour l'été, rabais de 10 % dès le deuxième enfant.",
    "Abonnement à la piscine : tarif résident 60 $, rabais familial de 20 %.",
    "Inscription aux cours de natation : 85 $, rabais pour les résidents.",
    "Day camp registration: $450 for the summer, family discount for a second child.",
]


@pytest.mark.parametrize("text", CITY_DISCOUNTS)
def test_the_citys_discount_on_its_own_fee_is_no_advertising(rule, text):
    assert check(rule, text, category="event") == []


@pytest.mark.parametrize(
    "text",
    [
        "Chez Sports Plus : rabais de 15 % dès le deuxième article acheté !",
        "Boulangerie Roy : rabais sur les croissants, code promo NOEL.",
    ],
)
def test_a_merchants_discount_still_blocks(rule, text):
    assert "rabais" in [span.lower() for span, severity in found(check(rule, text, category="event"), text)]


def test_the_citys_own_sale_passes_when_filed_as_the_citys_advertising(rule):
    text = "Arbustes à bas prix, 15 $ : vente annuelle de la pépinière municipale samedi."
    assert {severity for _span, severity in found(check(rule, text, category="event"), text)} == {Severity.BLOCK}
    assert check(rule, text, category="city_advertising") == []
