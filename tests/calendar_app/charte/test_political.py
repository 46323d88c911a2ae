"""Political neutrality (art. 4.3, 7) and election authors (art. 7, 9.3)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from calendar_app.charte.base import CheckContext, ElectionInfo, Severity
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.political import ElectionAuthor, PoliticalContent

ELECTION = ElectionInfo(
    name="Élections municipales 2029",
    candidate_names=("Hélène Morin", "Gilles Boucher", "Marie-Ève Roy"),
    party_names=("Équipe Montmagny Avenir", "EMA", "Rassemblement citoyen de Montmagny"),
)


@pytest.fixture(scope="module")
def data():
    return data_from_defaults()


@pytest.fixture(scope="module")
def rule(data):
    return PoliticalContent(data)


def check(rule, body, *, election=None, versions=()):
    context = CheckContext(
        body=body, category="public_interest", at=timezone.now(), election=election, versions=list(versions)
    )
    return rule.results(context)


def spans(results, text):
    return [text[result.start : result.end] for result in results]


# Civic information passes --------------------------------------------------------------------------

CIVIC = [
    "Le bureau de vote est ouvert de 10 h à 20 h.",
    "Voici comment voter par anticipation.",
    "Pour connaître votre lieu de vote, consultez le site de la Ville.",
    "Les résultats officiels seront publiés sur le site de la Ville.",
    "Le conseil municipal a adopté le budget.",
    "Votez ! Le 4 novembre, exercez votre droit de vote.",
    "VOTEZ LE 4 NOVEMBRE : les bureaux de vote sont ouverts de 10 h à 20 h.",
    "Absent le jour du scrutin ? Votez par anticipation ou par correspondance.",
    "Vous votez pour la première fois ? Votez pour le candidat de votre choix.",
    "Consultez la liste des candidats officiels sur le site de la Ville.",
    "Les candidats élus sans opposition seront proclamés élus le 2 octobre.",
    "Le conseil a adopté une résolution pour appuyer la candidature de Montmagny aux Jeux du Québec.",
    "Aucune publicité électorale n'est permise dans les édifices où se trouvent les bureaux de vote.",
    "Offre d'emploi : notre candidat idéal a un DEC en génie civil.",
    "Le camion de déneigement est parti à 4 h ; une partie des rues est dégagée.",
    "La campagne de vaccination commence le 1er novembre.",
    "Votez pour votre citrouille préférée ! Le concours d'Halloween se termine vendredi.",
    "How to vote in advance: visit the community centre on Sunday. Vote for the first time with confidence.",
    # Words support wording is made of, in municipal information (issue 16, item 7).
    "Appuyez sur le bouton « S'inscrire » pour réserver votre place.",
    "Pendant les Fêtes, nous assurons la continuité des services essentiels.",
    "Le mandat du comité consultatif d'urbanisme est renouvelé pour deux ans.",
    "Le conseil a confié un nouveau contrat de déneigement pour le secteur est.",
    "Nous poursuivons les travaux de réfection de la rue Saint-Jean jusqu'au 15 novembre.",
    "Le conseil sortant tiendra sa dernière séance le 6 octobre à 19 h.",
]


@pytest.mark.parametrize("text", CIVIC)
def test_it_lets_civic_election_and_council_information_pass(rule, text):
    assert check(rule, text) == []
    assert check(rule, text, election=ELECTION) == []


# Political wording is caught ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Votez pour le changement le 4 novembre !", "Votez pour le changement"),
        ("Réélisez notre mairesse !", "Réélisez"),
        ("Élisez une équipe qui écoute.", "Élisez"),
        ("Appuyez notre candidat au district 3.", "notre candidat"),
        ("Grâce à notre maire, les taxes baissent enfin.", "notre maire"),
        ("L'opposition a encore bloqué le projet de l'aréna.", "L'opposition"),
        ("Quatre ans d'inaction : voilà le bilan de l'équipe sortante.", "ans d'inaction"),
        ("Le gouvernement caquiste a coupé dans les services.", "gouvernement caquiste"),
        ("Votez Tremblay le 4 novembre !", "Votez Tremblay"),
        ("Elect Jane Smith as mayor.", "Elect Jane Smith"),
        ("Thanks to our mayor, taxes are finally going down.", "Thanks to our mayor"),
    ],
)
def test_it_warns_on_partisan_wording_outside_an_election_period(rule, text, found):
    results = check(rule, text)
    assert found in spans(results, text)
    assert {result.severity for result in results} == {Severity.WARN}
    assert {result.code for result in results} == {"political"}
    assert all(result.article == "4.3, 7" for result in results)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("V0tez pour Hélène !", "V0tez pour"),
        ("#VotezPour le vrai changement", "VotezPour"),
        ("v.o.t.e.z pour nous le 4 novembre", "v.o.t.e.z pour"),
        ("V o t e z pour nous", "V o t e z pour"),
        ("VOTEZ POUR NOUS", "VOTEZ POUR"),
        ("Réélisons-la !", "Réélisons"),
        ("Le @PartiQuebecois appuie le projet", "PartiQuebecois"),
    ],
)
def test_it_sees_through_disguised_calls_to_vote(rule, text, found):
    assert found in spans(check(rule, text), text)


ENDORSEMENTS = [
    ("Donnons-lui un autre mandat le 4 novembre !", "un autre mandat"),
    ("Le 4 novembre, votez pour la continuité.", "votez pour la continuité"),
    ("Gardons le cap avec l'équipe en place !", "Gardons le cap"),
    ("Misons sur la continuité le 4 novembre.", "Misons sur la continuité"),
    ("Continuons ensemble le travail commencé en 2025.", "Continuons ensemble"),
    ("Give our mayor another term on November 4.", "another term"),
]


@pytest.mark.parametrize(("text", "found"), ENDORSEMENTS)
def test_support_and_re_election_wording_blocks_during_an_election_and_warns_otherwise(rule, text, found):
    """Issue 16, item 7: no « votez », yet it asks for a vote (the lexicon ``political_endorsement``)."""
    during = check(rule, text, election=ELECTION)
    assert found in spans(during, text) and {result.severity for result in during} == {Severity.BLOCK}
    assert {result.severity for result in check(rule, text)} == {Severity.WARN}


def test_it_blocks_partisan_wording_inside_an_election_period(rule):
    text = "Votez pour le changement le 4 novembre !"
    results = check(rule, text, election=ELECTION)
    assert [result.severity for result in results] == [Severity.BLOCK]
    assert "Élections municipales 2029" in results[0].message_en
    assert results[0].message_en.endswith("(art. 4.3, 7)")


def test_it_blocks_a_registered_candidate_or_party_named_during_the_election(rule):
    text = "Hélène Morin et l'Équipe Montmagny Avenir seront au marché samedi. #EMA"
    results = check(rule, text, election=ELECTION)
    assert spans(results, text) == ["Hélène Morin", "Équipe Montmagny Avenir", "EMA"]
    assert {result.severity for result in results} == {Severity.BLOCK}
    assert "candidate" in results[0].message_en and "party" in results[1].message_en


def test_it_finds_candidate_names_written_without_accents_or_as_hashtags(rule):
    text = "helene morin mairesse 2029 #GillesBoucher @EquipeMontmagnyAvenir"
    assert spans(check(rule, text, election=ELECTION), text) == [
        "helene morin",
        "GillesBoucher",
        "EquipeMontmagnyAvenir",
    ]


def test_candidate_names_mean_nothing_outside_an_election_period(rule):
    assert check(rule, "Hélène Morin a remporté le concours de photos.") == []


def test_a_call_to_vote_for_a_named_candidate_is_one_finding_plus_the_name(rule):
    text = "Votez Marie-Ève Roy le 4 novembre"
    results = check(rule, text, election=ELECTION)
    assert spans(results, text) == ["Votez Marie-Ève Roy", "Marie-Ève Roy"]


def test_it_checks_each_channel_version_with_its_own_text(rule):
    results = check(rule, "Le bureau de vote est ouvert.", versions=[(7, "facebook", "Votez pour nous !")])
    assert [(result.target, result.channel_id) for result in results] == [("version", 7)]


def test_the_message_quotes_what_was_found_and_says_what_to_do(rule):
    [result] = check(rule, "Réélisez notre équipe.")
    assert "« Réélisez »" in result.message_en
    assert "neutral" in result.message_en


# Election authors ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def author_rule(data):
    return ElectionAuthor(data)


def test_it_blocks_a_post_by_a_council_member_or_candidate_during_the_election(author_rule):
    context = CheckContext(
        body="Collecte des feuilles lundi.",
        category="public_interest",
        at=timezone.now(),
        election=ELECTION,
        author_takes_part_in_election=True,
    )
    [result] = author_rule.results(context)
    assert (result.code, result.severity, result.article) == ("election_author", Severity.BLOCK, "7, 9.3")
    assert "Élections municipales 2029" in result.message_en


def test_the_same_author_may_post_outside_an_election_period(author_rule):
    context = CheckContext(
        body="Collecte des feuilles lundi.",
        category="public_interest",
        at=timezone.now(),
        author_takes_part_in_election=True,
    )
    assert author_rule.results(context) == []


def test_another_author_may_post_during_the_election(author_rule):
    context = CheckContext(
        body="Collecte des feuilles lundi.", category="public_interest", at=timezone.now(), election=ELECTION
    )
    assert author_rule.results(context) == []


# Bad input -------------------------------------------------------------------------------------------

ODD_TEXTS = [
    "",
    " ",
    "🗳️🗳️🗳️",
    "\x00\x01\x02 votez\x07pour\x1b nous",
    "\u202eزوتيف روپ زتوف\u202c",
    "vo\u200btez po\u200bur nous \ufeff",
    "V" * 100_000,
    ("Votez pour Hélène Morin! " * 4_000)[:100_000],
    "a " * 50_000,
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_odd_and_huge_texts_never_raise(rule, author_rule, text):
    for election in (None, ELECTION):
        results = check(rule, text, election=election)
        assert all(0 <= result.start <= result.end <= len(text) for result in results)
        author_rule.results(CheckContext(body=text, category="public_interest", at=timezone.now(), election=election))


def test_a_long_post_is_checked_whole(rule):
    text = "Le conseil municipal a adopté le budget. " * 2_400 + "Votez pour nous !"
    results = check(rule, text)
    assert spans(results, text) == ["Votez pour"]
