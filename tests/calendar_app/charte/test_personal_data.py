"""Personal information (art. 5.13): a person's phone number, e-mail address, civic address, NAS,
date of birth, file number and health information are blocked; the city's official contacts pass."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone, translation

from calendar_app.charte.base import TARGET_POST, TARGET_VERSION, CheckContext, Severity
from calendar_app.charte.data import CharteData, OfficialContactData
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.personal_data.rule import PersonalData
from calendar_app.charte.rules.personal_data.social_insurance import luhn as _luhn


@pytest.fixture(scope="module")
def data():
    return data_from_defaults()


@pytest.fixture(scope="module")
def rule(data):
    return PersonalData(data)


def check(rule, body, versions=()):
    return rule.results(CheckContext(body=body, category="public_interest", at=timezone.now(), versions=list(versions)))


def spans(rule, text):
    """The exact texts the rule points at, in reading order."""
    return [text[result.start : result.end] for result in check(rule, text)]


def kinds(rule, text):
    """What each result says it found (the start of its English message)."""
    return [result.message_en.split(":")[0] for result in check(rule, text)]


# Phone numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "418 555-0142",
        "(418) 555-0142",
        "(418)555-0142",
        "418.555.0142",
        "418-555-0142",
        "4185550142",
        "418 555 0142",
        "418 5550142",
        "1-418-555-0142",
        "1 418 555-0142",
        "1.418.555.0142",
        "+1 418 555 0142",
        "+1-581-555-0160",
        "+1 (418) 555-0142",
        "1 (418) 555-0142",
        "1 800 555-0199",
        "1-877-555-0100",
        "418\u00a0555-0142",  # no-break space
        "418\u202f555\u20110142",  # narrow no-break space, non-breaking hyphen
        "418 – 555 – 0142",  # spaced en dashes
        "418\u200b555\u200b0142",  # zero-width spaces slipped in to dodge the check
    ],
)
def test_it_blocks_a_personal_phone_number_in_every_quebec_writing(rule, number):
    text = f"Pour le covoiturage, appelez Pierre au {number}. Merci !"
    results = check(rule, text)
    assert [text[result.start : result.end] for result in results] == [number]
    assert results[0].code == "personal_data"
    assert results[0].article == "5.13"
    assert results[0].severity == Severity.BLOCK
    assert results[0].message_en.startswith("A personal phone number:")


@pytest.mark.parametrize(
    "number",
    [
        "418 555-0147, poste 12",
        "418 555-0147 poste 1234",
        "418 555-0147 p. 1234",
        "418 555-0147, ext. 7",
        "418 555-0147 ext 7",
        "418 555-0147 #1234",
        "418 555-0147 # 1234",
        "(581) 555-0153, poste 204",
        "1 (418) 555-0166, ext. 7",
        "418 555-0147 x123",
    ],
)
def test_the_extension_is_part_of_the_phone_number_found(rule, number):
    text = f"Merci de rappeler M. Caron au {number} au sujet de sa demande."
    assert spans(rule, text) == [number]


def test_it_blocks_a_seven_digit_number_after_a_word_that_announces_a_phone(rule):
    text = "Tél. : 555-0142 (soir seulement)."
    assert spans(rule, text) == ["555-0142"]
    assert spans(rule, "Cellulaire de Marc : 555-0142 poste 3") == ["555-0142 poste 3"]


def test_seven_digits_without_such_a_word_are_not_a_phone_number(rule):
    assert check(rule, "Le projet 555-0142 a été accepté.") == []


def test_every_phone_number_of_a_text_is_found_with_its_own_span(rule):
    text = "Josiane : 418 555-0171. Kevin : (581) 555-0155. Marc : 418.555.0144"
    assert spans(rule, text) == ["418 555-0171", "(581) 555-0155", "418.555.0144"]


@pytest.mark.parametrize(
    "official",
    [
        "418 248-3361",
        "(418) 248-3361",
        "418.248.3361",
        "418-248-3361",
        "4182483361",
        "1-418-248-3361",
        "1 418 248-3361",
        "+1 418 248 3361",
        "+1 (418) 248-3361",
        "418\u00a0248-3361",
        "(418) 248-3361, poste 2",
        "418 248-3361 poste 2222",
        "418 248-3361 #2222",
    ],
)
def test_the_city_phone_number_passes_in_every_writing(rule, official):
    assert check(rule, f"Des questions ? Composez le {official} ou écrivez à info@ville.montmagny.qc.ca.") == []


def test_the_city_number_written_without_its_area_code_passes_after_a_phone_word(rule):
    assert check(rule, "Tél. : 248-3361") == []


def test_a_private_number_next_to_the_official_one_is_still_blocked(rule):
    text = "Ne composez pas son cellulaire (581 555-0163) : passez par le 418 248-3361."
    assert spans(rule, text) == ["581 555-0163"]


def test_a_public_help_line_listed_in_the_data_passes(rule):
    assert check(rule, "Besoin d'aide ? Prévention du suicide : 1 866 277-3553, 24 heures sur 24.") == []
    assert check(rule, "Centre antipoison du Québec : 1-800-463-5060") == []


def test_official_phone_numbers_come_from_the_official_contacts(data):
    contacts = [OfficialContactData("phone", "(418) 555-0100"), OfficialContactData("email", "info@exemple.com")]
    rule = PersonalData(data_from_defaults(official_contacts=contacts))
    assert check(rule, "Appelez le 1 418 555-0100 ou écrivez à INFO@exemple.com.") == []
    assert spans(rule, "Appelez le 418 248-3361.") == ["418 248-3361"]  # no longer the official number


@pytest.mark.parametrize(
    "text",
    [
        "Le bureau de vote est ouvert de 10 h à 20 h.",
        "Heures d'ouverture : 8 h 30 à 12 h et 13 h à 16 h 30.",
        "Le marché de Noël aura lieu le 2026-12-05 de 10 h à 16 h.",
        "Inscriptions du 2026-03-15 au 2026-04-15, 95 $ par semaine.",
        "Billets : 19,99 $. Forfait famille : 49,99 $.",
        "Le budget 2027 prévoit des investissements de 125 000 000 $.",
        "Plus de 10 000 citoyens ont participé en 2029.",
        "Le Carnaval a accueilli 15 000 visiteurs du 7 au 16 février.",
        "Nous avons planté 418 arbres et 2 500 fleurs.",
        "Règlement no 1301 ; avis public no 2026-017 ; appel d'offres 2026-TP-045.",
        "Dérogation mineure visant le lot 3 456 789 du cadastre du Québec.",
        "La route 132 est fermée entre les sorties 376 et 378 de l'autoroute 20.",
        "Coordonnées GPS : 46.9806, -70.5547.",
        "Le 911 est réservé aux urgences. Pour une question de santé, composez le 811.",
        "Population : 11 654 habitants (2021-2026).",
        "Saison 2025-2026-2027 : 3 ans de travaux.",
    ],
)
def test_times_dates_prices_years_and_counts_are_not_personal_data(rule, text):
    assert check(rule, text) == []


# E-mail addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "josiane.r@exemple.com",
        "jroy1974@exemple.com",
        "gerard.n+petanque@exemple.com",
        "ANNIE.B@EXEMPLE.COM",
        "luc.tremblay@courriel.example",
        "jean [at] exemple.com",
        "jean[at]exemple.com",
        "jean (at) exemple (dot) com",
        "jean(at)exemple(dot)com",
        "jean [arobase] exemple [point] ca",
        "jean {at} exemple.qc.ca",
        "jean at exemple dot com",
        "jean.tremblay arobase exemple point ca",
    ],
)
def test_it_blocks_a_personal_e_mail_address_also_disguised(rule, address):
    text = f"Pour le tournoi, écrivez à {address} avant vendredi."
    results = check(rule, text)
    assert [text[result.start : result.end] for result in results] == [address]
    assert results[0].message_en.startswith("A personal e-mail address:")


@pytest.mark.parametrize(
    "text",
    [
        "Écrivez à info@ville.montmagny.qc.ca.",
        "Réservez le gymnase : loisirs@ville.montmagny.qc.ca",
        "Écrivez à INFO@Ville.Montmagny.QC.CA pour toute question.",
        "Le greffe répond à greffe@ville.montmagny.qc.ca.",  # any mailbox at the city's own domain
        "Bibliothèque : pret@biblio.ville.montmagny.qc.ca",  # and at its sub-domains
        "Écrivez à info [at] ville.montmagny.qc.ca.",
        "Suivez-nous : @VilleMontmagny et @montmagny@mastodon.social",
        "Notre blogue : https://medium.com/@villemontmagny",
        "Meet us at the marina at noon.",
        "Rendez-vous at the point of the marina.",
    ],
)
def test_the_city_e_mail_addresses_and_social_accounts_pass(rule, text):
    assert check(rule, text) == []


def test_a_private_address_next_to_the_official_one_is_still_blocked(rule):
    text = "Les plaintes vont à info@ville.montmagny.qc.ca, pas à l'inspecteur (r.gosselin@courriel.example)."
    assert spans(rule, text) == ["r.gosselin@courriel.example"]


def test_a_look_alike_of_the_city_domain_is_not_official(rule):
    text = "Écrivez à info@ville.montmagny.qc.ca.exemple.com ou info@faux-ville.montmagny.com"
    assert spans(rule, text) == ["info@ville.montmagny.qc.ca.exemple.com", "info@faux-ville.montmagny.com"]


# Civic addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "Il habite au 45, rue des Érables, Montmagny (Québec) G5V 2B3.",
            "45, rue des Érables, Montmagny (Québec) G5V 2B3",
        ),
        ("Colis adressé au 1045, boulevard Taché Ouest, Montmagny QC G5V3R8.", None),
        ("Le nid-de-poule est devant chez lui, au 9, rue du Manoir, g5v-1b6 !", "9, rue du Manoir, g5v-1b6"),
        ("Le propriétaire du 214, 3e Avenue, Montmagny (Québec) G5V 2Z3, a reçu un avis.", None),
        ("The lost dog belongs to the Campbells, 41 Main Street, Montmagny G5V 1H2.", None),
        ("Envoyez le formulaire au 12 rue Principale app. 3, Montmagny G5V\u00a01K6", None),
    ],
)
def test_it_blocks_a_civic_address_from_its_number_to_its_postal_code(rule, text, address):
    results = check(rule, text)
    assert len(results) == 1
    found = text[results[0].start : results[0].end]
    assert found[0].isdigit(), "the address is flagged from its civic number, not only the postal code"
    assert found.lower().replace("\u00a0", " ").endswith(("2b3", "g5v3r8", "1b6", "2z3", "1h2", "1k6"))
    if address:
        assert found == address
    assert results[0].message_en.startswith("A civic address:")


@pytest.mark.parametrize("postal_code", ["H2X 1Y4", "H2X1Y4", "h2x-1y4", "G5V 2B3"])
def test_a_postal_code_alone_that_is_not_the_city_hall_one_is_blocked(rule, postal_code):
    text = f"Code postal : {postal_code}."
    assert spans(rule, text) == [postal_code]


@pytest.mark.parametrize(
    "text",
    [
        "Hôtel de ville : 143, rue Saint-Jean-Baptiste Est, Montmagny (Québec) G5V 1K4.",
        "Déposez vos documents au 143 rue St-Jean-Baptiste E., Montmagny G5V1K4, du lundi au vendredi.",
        "143, rue Saint-Jean-Baptiste Est, g5v-1k4",
        "Code postal de l'hôtel de ville : G5V 1K4.",
        "Nous sommes au 143, rue Saint-Jean-Baptiste Est.",
        "La rue Saint-Jean-Baptiste sera fermée devant l'hôtel de ville.",
    ],
)
def test_the_city_hall_address_passes_in_several_writings(rule, text):
    assert check(rule, text) == []


def test_another_address_with_the_city_hall_postal_code_is_blocked(rule):
    text = "Félicitations à la famille Thibault, 12, rue des Pins, Montmagny (Québec) G5V 1K4 !"
    assert spans(rule, text) == ["12, rue des Pins, Montmagny (Québec) G5V 1K4"]


def test_an_address_without_postal_code_is_blocked_after_a_word_saying_someone_lives_there(rule):
    text = "J'habite au 45, rue des Érables depuis 20 ans."
    assert spans(rule, text) == ["45, rue des Érables"]
    text = "Mme Roy, domiciliée au 318 chemin des Poirier, a gagné."
    assert spans(rule, text) == ["318 chemin des Poirier"]


def test_the_address_of_an_activity_passes(rule):
    assert check(rule, "Le marché public se tient au 45, rue de la Gare, samedi de 9 h à 13 h.") == []
    assert check(rule, "Les 10 rues fermées seront rouvertes lundi.") == []


# Social insurance numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("nas", ["046 454 286", "046-454-286", "046454286", "273-159-483", "130 572 944"])
def test_it_blocks_a_social_insurance_number_that_passes_the_luhn_check(rule, nas):
    text = f"Pour la paie : NAS {nas}, merci."
    results = check(rule, text)
    assert [text[result.start : result.end] for result in results] == [nas]
    assert results[0].message_en.startswith("A social insurance number:")


@pytest.mark.parametrize("number", ["046 454 287", "046-454-280", "123456789", "273 159 484"])
def test_nine_digits_that_fail_the_luhn_check_are_not_a_social_insurance_number(rule, number):
    assert check(rule, f"Numéro : {number}") == []


def test_the_luhn_check():
    assert _luhn("046454286")
    assert _luhn("130572944")
    assert not _luhn("046454287")
    assert not _luhn("123456789")


@pytest.mark.parametrize(
    "text",
    [
        "Investissements de 125 000 000 $ sur dix ans.",  # nine digits, Luhn-valid, but an amount
        "Un budget de $125 000 000 pour les routes.",
        "Un total de 1 125 000 000 litres d'eau traitée.",  # part of a longer number
        "Le compteur indique 046 454 286 100 litres.",
    ],
)
def test_amounts_and_longer_numbers_are_not_a_social_insurance_number(rule, text):
    assert check(rule, text) == []


# Dates of birth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date_of_birth"),
    [
        ("Jean Roy, né le 12 mars 1985, a gagné.", "né le 12 mars 1985"),
        ("Joyeux anniversaire à Mme Lachance, née le 3 février 1936 !", "née le 3 février 1936"),
        ("Karine, née le 1er avril 1990, se joint à l'équipe.", "née le 1er avril 1990"),
        ("Bravo à Léa, née le 12 juillet !", "née le 12 juillet"),
        ("Date de naissance : 1985-03-12.", "Date de naissance : 1985-03-12"),
        ("Date de naissance\u00a0: 14/03/1987. Merci.", "Date de naissance\u00a0: 14/03/1987"),
        ("DDN 12/03/1985 — M. Paradis", "DDN 12/03/1985"),
        ("D.D.N. : 12-03-85", "D.D.N. : 12-03-85"),
        ("Mr. Smith, born on March 3, 1952, won our contest.", "born on March 3, 1952"),
        ("Date of birth: 1952-03-03", "Date of birth: 1952-03-03"),
    ],
)
def test_it_blocks_a_date_of_birth(rule, text, date_of_birth):
    results = check(rule, text)
    assert [text[result.start : result.end] for result in results] == [date_of_birth]
    assert results[0].message_en.startswith("A date of birth:")


@pytest.mark.parametrize(
    "text",
    [
        "Ne le manquez pas le 12 mars 2026 !",
        "Le spectacle aura lieu le 12 mars 2026 à 20 h.",
        "Camp de jour : pour les enfants nés le 1er octobre 2019 ou après.",
        "Inscription des enfants nés en 2018 ; apportez la date de naissance de l'enfant.",
    ],
)
def test_event_dates_and_eligibility_criteria_are_not_a_date_of_birth(rule, text):
    assert check(rule, text) == []


# File and case numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "file_number"),
    [
        ("Concernant le dossier no 2024-00123, l'inspecteur passera.", "dossier no 2024-00123"),
        ("Numéro de dossier : 2024-00123", "Numéro de dossier : 2024-00123"),
        ("Votre plainte # 4567 est transmise.", "plainte # 4567"),
        ("La réclamation n° R-2024-18 est refusée.", "réclamation n° R-2024-18"),
        ("Plainte no 2026-0412 de M. Gauthier : réglée.", "Plainte no 2026-0412"),
        ("Requête 2025-TP-0893 de Mme Nadeau : réglée.", "Requête 2025-TP-0893"),
        ("Le constat d'infraction no 7651234 est annulé.", "constat d'infraction no 7651234"),
        ("Votre demande de permis no P-2026-0331 est refusée.", "demande de permis no P-2026-0331"),
        ("Dossier de M. Bernier (no 23-1187) : visite jeudi.", "Dossier de M. Bernier (no 23-1187)"),
        ("Mrs. Wilson, your complaint #2026-0415 has been forwarded.", "complaint #2026-0415"),
    ],
)
def test_it_blocks_a_file_or_case_number(rule, text, file_number):
    results = check(rule, text)
    assert [text[result.start : result.end] for result in results] == [file_number]
    assert results[0].message_en.startswith("A file or case number:")


def test_it_blocks_an_individual_case_named_without_a_number(rule):
    text = "L'enquête sur la plainte déposée contre le voisin de Mme Lemelin se poursuit."
    results = check(rule, text)
    assert len(results) == 1
    assert results[0].message_en.startswith("An individual case:")


@pytest.mark.parametrize(
    "text",
    [
        "Le dossier du parc avance bien.",
        "Le dossier 2026 du budget est adopté.",
        "Période de réclamation 2026-2027.",
        "Dossier : 3 nouveaux parcs cet été.",
        "Le dossier du règlement no 1301 avance.",
        "Avis public no 2026-017 : dérogation mineure.",
        "Pour formuler une plainte, écrivez à info@ville.montmagny.qc.ca.",
        "Apportez votre permis de conduire.",
        "In case of emergency, call 911.",
    ],
)
def test_public_numbers_and_words_without_a_file_number_pass(rule, text):
    assert check(rule, text) == []


# Health information ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "health"),
    [
        ("M. Tremblay, hospitalisé depuis lundi, ne pourra pas animer la soirée.", ["hospitalisé"]),
        ("Mme Caron, atteinte d'un cancer, remercie les citoyens.", ["atteinte d'un cancer"]),
        ("La petite Léa, 7 ans, souffre d'une commotion cérébrale.", ["souffre d'une commotion cérébrale"]),
        ("Le chauffeur, M. Boily, est diabétique.", ["diabétique"]),
        ("Il est diabétique et doit prendre des pauses.", ["diabétique"]),
        ("Sa dépression l'empêche de travailler.", ["dépression"]),
        ("Un résident atteint de la maladie de Lyme nous écrit.", ["atteint de la maladie"]),
        ("Son dossier médical a été transmis.", ["dossier médical"]),
        ("John Miller, hospitalized since Monday, will not lead the walk.", ["hospitalized"]),
        ("M. Roy, blessé à la jambe, se repose.", ["blessé"]),
        ("#hospitalisé depuis lundi", ["hospitalisé"]),
    ],
)
def test_it_blocks_health_information_about_a_person(rule, text, health):
    results = check(rule, text)
    assert [text[result.start : result.end] for result in results] == health
    assert all(result.message_en.startswith("Health information:") for result in results)


@pytest.mark.parametrize(
    "text",
    [
        "Dépistage du cancer du sein à l'aréna mardi.",
        "Vaccination contre la grippe : prenez rendez-vous.",
        "Semaine de la santé mentale : des ateliers gratuits.",
        "Il est important de se faire dépister du cancer colorectal dès 50 ans.",
        "Le Relais pour la vie, au profit de la Société canadienne du cancer : il aura lieu le 6 juin.",
        "Les résidents atteints de maladies chroniques sont invités à se faire vacciner.",
        "Des frênes atteints de l'agrile seront remplacés.",
        "Offre d'emploi : 10 jours de congé de maladie, assurance collective.",
        "L'incendie n'a fait aucun blessé.",
        "Les fonds amassés iront à la recherche sur le diabète.",
    ],
)
def test_public_health_information_passes(rule, text):
    assert check(rule, text) == []


# Whose contact: a person's, or an institution's or a role's (issue 16, items 6 and 11(a)) ---------


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Mme Josée Tremblay, du 45, rue des Pins, a signalé une fuite.", "45, rue des Pins"),
        ("Merci à M. Gilbert Fournier, du 112, rue Principale, pour son aide !", "112, rue Principale"),
        ("Félicitations à Nathalie Bérubé, du 8, avenue de la Gare !", "8, avenue de la Gare"),
        ("M. Roy, 27 chemin des Poirier, a rapporté des clés.", "27 chemin des Poirier"),
        ("Thanks to Mr. Brian Walsh, of 41 Main Street, for clearing the trail.", "41 Main Street"),
    ],
)
def test_a_civic_address_right_after_a_persons_name_is_blocked(rule, text, address):
    assert spans(rule, text) == [address]
    assert kinds(rule, text) == ["A civic address"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Le propriétaire du 12, rue Saint-Louis a reçu un constat d'infraction.", "12, rue Saint-Louis"),
        ("La locataire du 88, avenue Sainte-Brigitte a été avisée.", "88, avenue Sainte-Brigitte"),
        ("Un constat d'infraction a été remis au 31, rue des Érables.", "31, rue des Érables"),
        ("Une plainte pour nuisance vise le 142, chemin du Coteau.", "142, chemin du Coteau"),
        ("The owner of 56 Church Street received a fine.", "56 Church Street"),
    ],
)
def test_an_address_tied_to_a_person_or_a_file_is_blocked(rule, text, address):
    assert spans(rule, text) == [address]


@pytest.mark.parametrize(
    ("text", "case"),
    [
        ("Nous avons reçu la plainte de M. Lavoie ; le dossier est en traitement.", "plainte de M. Lavoie"),
        ("La demande de Josée Tremblay pour un abri d'auto est refusée.", "demande de Josée Tremblay"),
        ("Le signalement fait par Mme Bélanger a été transmis.", "signalement fait par Mme Bélanger"),
        ("The complaint from Mrs. Wilson is being handled.", "complaint from Mrs. Wilson"),
    ],
)
def test_a_named_citizens_complaint_or_case_is_blocked(rule, text, case):
    assert spans(rule, text) == [case]
    assert kinds(rule, text) == ["An individual case"]


@pytest.mark.parametrize(
    "text",
    [
        "Réservez auprès du Centre d'action bénévole des MRC de Montmagny et L'Islet au 418 248-7242, poste 101.",
        "Pour un rendez-vous, appelez Services Québec au 1 877 644-4545.",
        "Vaccination : www.quebec.ca/vaccination ou 1 877 644-4545 ou 418 644-4545.",
        "Service des travaux publics : 418 555-0210, poste 2245.",
        "Collecte des encombrants : composez le 418 555-0213 avant jeudi.",
        "Pour plus d'information, communiquez avec le Service des loisirs au 418 555-0214.",
        "Renseignements : 418 555-0215.",
        "Ligne sans frais de l'organisme : 1 866 555-0216.",
        "Info-Santé : composez le 811. En cas d'urgence, faites le 911.",
    ],
)
def test_an_institutions_a_services_or_a_public_line_passes(rule, text):
    assert check(rule, text) == []


@pytest.mark.parametrize(
    "address",
    [
        "travaux.publics@ville-voisine.example",
        "travauxpublics@ville.magog.qc.ca",
        "311@ville-voisine.example",
        "info@cab.example",
        "campdejour@napierville.ca",
        "Reception@Exemple.com",
    ],
)
def test_a_role_mailbox_passes_wherever_it_is(rule, address):
    assert check(rule, f"Écrivez à {address}, merci de nous lire, Mme Roy.") == []


def test_a_persons_address_at_an_institutions_domain_is_blocked_without_the_institution_named(rule):
    assert spans(rule, "Écrivez à marie.gagnon@ville-voisine.example.") == ["marie.gagnon@ville-voisine.example"]
    assert check(rule, "Écrivez au Service des loisirs : marie.gagnon@ville-voisine.example.") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Inscription auprès de Lorraine au 418 555-0180.", "418 555-0180"),
        ("Pour le centre communautaire, réservez auprès de Ginette au 418 555-0181.", "418 555-0181"),
        (
            "Bénévoles recherchés par la bibliothèque : appelez Réjean au 581 555-0182, poste 3.",
            "581 555-0182, poste 3",
        ),
        ("Renseignements : Marc Gagnon, 418 555-0183.", "418 555-0183"),
        ("Service des loisirs : 418 555-0184 (cellulaire).", "418 555-0184"),
        ("Pour joindre le CAB, appelez-moi au 418 555-0185.", "418 555-0185"),
        (
            "Écrivez à Mme Dubé du Centre d'action bénévole, suzanne.dube@courriel.example.",
            "suzanne.dube@courriel.example",
        ),
    ],
)
def test_a_persons_contact_beside_an_institutions_words_is_still_blocked(rule, text, found):
    assert spans(rule, text) == [found]


def test_each_number_of_a_sentence_is_judged_by_its_own_words(rule):
    text = "Appelez Pierre au 418 555-0145 ou le Centre d'action bénévole au 418 248-7242."
    assert spans(rule, text) == ["418 555-0145"]
    text = "Composez le 418 248-3361 ou le 418 555-0142 (cellulaire de Marc)."
    assert spans(rule, text) == ["418 555-0142"]


def test_a_number_with_no_word_for_its_holder_is_taken_for_a_persons(rule):
    assert spans(rule, "Vous pouvez texter au 418 555-0150 ce soir.") == ["418 555-0150"]


@pytest.mark.parametrize(
    "text",
    [
        "Hôtel de ville de Saint-Pierre, 50, rue Principale, Saint-Pierre (Québec) G0R 4B0.",
        "Le dépouillement aura lieu au restaurant Le Fleuve, 45, rue des Pins, Montmagny G5V 2B3.",
        "Travaux d'aqueduc sur la rue des Pins entre le 45 et le 60, du 8 au 12 juin.",
        "Les résidents de la rue des Pins, du 45 au 60, recevront un avis.",
        "Les plaintes sont reçues à l'hôtel de ville, au 50, rue Saint-Patrick.",
        "Le marché se tient à la Boulangerie Chez Paul, 45, rue des Pins.",
        "La pharmacie Jean Coutu, 12, rue Principale, recueille les médicaments périmés.",
        "Le dossier de la Ville sur le quai avance ; la demande de la Municipalité est acceptée.",
        "Le dossier du règlement 1301 sera présenté par M. le maire.",
        "Merci à la ville voisine de son aide : écrivez-lui à pret@biblio-voisine.example.",
    ],
)
def test_an_institutions_or_a_places_address_and_a_case_without_a_person_pass(rule, text):
    assert check(rule, text) == []


def test_the_people_and_institution_words_come_from_the_data(data):
    edited = data_from_defaults()
    edited.lexicon_terms = dict(data.lexicon_terms)
    text = "Réservez auprès du Centre d'action bénévole au 418 555-0191."
    assert check(PersonalData(edited), text) == []
    edited.lexicon_terms["personal_data_institutions"] = ["bibliothèque"]
    assert spans(PersonalData(edited), text) == ["418 555-0191"]
    edited.lexicon_terms["personal_data_first_names"] = []
    edited.lexicon_terms["personal_data_role_mailboxes"] = ["secours"]
    rule = PersonalData(edited)
    assert spans(rule, "Bibliothèque : Lorraine, 418 555-0192.") == []  # not a first name any more
    assert check(rule, "Écrivez à secours@organisme.example.") == []
    assert spans(rule, "Écrivez à info@organisme.example.") == ["info@organisme.example"]


# Results ---------------------------------------------------------------------------------------


def test_each_kind_found_in_one_post_is_one_result_in_reading_order(rule):
    text = (
        "M. Roy (NAS 046 454 286, né le 12 mars 1985) habite au 45, rue des Pins, Montmagny G5V 2B3. "
        "Joignez-le au 418 555-0142 ou à roy@exemple.com ; dossier no 2024-00123 ; il est hospitalisé."
    )
    assert kinds(rule, text) == [
        "A social insurance number",
        "A date of birth",
        "A civic address",
        "A personal phone number",
        "A personal e-mail address",
        "A file or case number",
        "Health information",
    ]
    assert spans(rule, text) == [
        "046 454 286",
        "né le 12 mars 1985",
        "45, rue des Pins, Montmagny G5V 2B3",
        "418 555-0142",
        "roy@exemple.com",
        "dossier no 2024-00123",
        "hospitalisé",
    ]


def test_the_message_quotes_what_was_found_in_french_and_in_english(rule):
    (result,) = check(rule, "Appelez Jean au 418 555-0142.")
    assert result.message_en == (
        "A personal phone number: « 418 555-0142 ». Remove it, or give the city's official phone number instead. "
        "(art. 5.13)"
    )
    assert "418 555-0142" in result.message_fr
    assert result.message_fr.endswith("(art. 5.13)")
    with translation.override("en"):
        assert result.message == result.message_en


def test_a_long_finding_is_shortened_in_the_message_but_not_in_its_span(rule):
    text = "Il habite au 1045, boulevard des Grands-Pins-de-la-Côte-du-Sud-et-de-l'Islet Ouest, Montmagny G5V 3R8."
    (result,) = check(rule, text)
    assert text[result.start : result.end].endswith("G5V 3R8")
    assert "…" in result.message_en


def test_a_channel_version_is_checked_with_its_own_positions(rule):
    body = "Le marché public ouvre samedi."
    version = "Info : Josée au 581.555.0156"
    results = check(rule, body, versions=[(7, "facebook", version), (8, "x", "")])
    assert [(result.target, result.channel_id, result.network) for result in results] == [
        (TARGET_VERSION, 7, "facebook")
    ]
    assert version[results[0].start : results[0].end] == "581.555.0156"


def test_a_version_identical_to_the_body_is_not_reported_twice(rule):
    body = "Appelez Jean au 418 555-0142."
    results = check(rule, body, versions=[(7, "facebook", body)])
    assert [result.target for result in results] == [TARGET_POST]


# The data drives the rule ----------------------------------------------------------------------


def test_the_words_come_from_the_data(data):
    edited = data_from_defaults()
    edited.lexicon_terms = dict(data.lexicon_terms)
    edited.lexicon_terms["personal_data_file_cues"] = ["dossier", "bordereau"]
    edited.lexicon_terms["personal_data_street_types"] = ["rue", "voie"]
    rule = PersonalData(edited)
    assert spans(rule, "Bordereau no 12345 transmis.") == ["Bordereau no 12345"]
    assert check(rule, "Plainte no 2026-0412 transmise.") == []  # « plainte » is no longer a file word
    assert spans(rule, "Au 12 voie des Pins, G5V 2B3") == ["12 voie des Pins, G5V 2B3"]


def test_without_any_word_list_the_generic_shapes_are_still_found():
    rule = PersonalData(CharteData(official_contacts=[]))
    text = "Jean : 418 248-3361, jean@exemple.com, NAS 046 454 286, G5V 1K4."
    assert spans(rule, text) == ["418 248-3361", "jean@exemple.com", "046 454 286", "G5V 1K4"]


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\t",
        "\x00\x01\x02\x1b[31m\x7f",
        "\u202e\u200f\u200e\u061c",  # right-to-left override and marks
        "\u200b\u200c\u200d\u2060\ufeff",  # zero-width characters
        "🎉🎄❄️👨‍👩‍👧‍👦🇨🇦",  # emoji only
        "\ud800 lone surrogate \udfff",
        "مرحبا بكم في مونماني",  # right-to-left script
        "@" * 500,
        "(" * 500 + "4" * 500,
        "1-" * 1000,
        "né le " * 500,
        "dossier no " * 500,
        "Mme " * 500,
        "la plainte de M. " * 500,
        "Le propriétaire du 12, rue des Pins, constat " * 200,
        "auprès de Lorraine, 418 555-0142 ou " * 200,
        "Centre d'action bénévole, info@cab.example ou " * 200,
        "٤١٨ ٥٥٥-٠١٤٢",  # Arabic-Indic digits
    ],
)
def test_odd_input_never_raises(rule, text):
    results = check(rule, text)
    assert all(result.code == "personal_data" for result in results)


def test_a_100000_character_post_is_checked_quickly_and_finds_what_it_holds(rule):
    filler = "La Ville de Montmagny invite la population au marché de Noël, samedi de 10 h à 16 h. "
    text = filler * (100_000 // len(filler)) + "Appelez Jean au 418 555-0142."
    started = time.process_time()
    assert spans(rule, text) == ["418 555-0142"]
    assert time.process_time() - started < 2


def test_odd_characters_around_personal_data_keep_the_spans_exact(rule):
    text = "\u202e🎉\x00 Appelez\u200b Jean au 418 555-0142 \U0001f600 ou jean@exemple.com\u200f"
    assert spans(rule, text) == ["418 555-0142", "jean@exemple.com"]
