"""Official language, spelling and typography (art. 5.2)."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from calendar_app.charte.base import TARGET_VERSION, CheckContext, Severity
from calendar_app.charte.language_id import LanguageIdentifier, not_prose_spans
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.language.official import OfficialLanguage
from calendar_app.charte.rules.language.spelling import Spelling, _Dictionary
from calendar_app.charte.rules.language.typography import Typography
from calendar_app.charte.text.analysis import Analysed

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def data():
    return data_from_defaults()


@pytest.fixture(scope="module")
def language(data):
    return OfficialLanguage(data)


@pytest.fixture(scope="module")
def spelling(data):
    return Spelling(data)


@pytest.fixture(scope="module")
def typography(data):
    return Typography(data)


def check(rule, body, **context):
    context.setdefault("category", "public_interest")
    return rule.results(CheckContext(body=body, at=timezone.now(), **context))


def spans(results, text):
    return [text[result.start : result.end] for result in results]


# Official language -------------------------------------------------------------------------------

FRENCH = [
    "Le bureau de vote est ouvert de 10 h à 20 h.",
    "La collecte des ordures aura lieu mardi dans tous les secteurs.",
    "Inscriptions au camp de jour dès lundi sur le site de la Ville.",
    "Spectacle gratuit au parc des Appalaches vendredi soir.",
    "Avis d'ébullition de l'eau : secteur ouest, jusqu'à nouvel ordre.",
    "Quelle belle journée au Carnaval de Montmagny!",
    "VENEZ PATINER EN FAMILLE À L'ARÉNA CE SAMEDI",
    "Consultez l'horaire : https://www.ville.montmagny.qc.ca/loisirs #Montmagny @VilleMontmagny",
]

FRANGLAIS = [
    "Wi-Fi gratuit à la bibliothèque municipale!",
    "Envoyez-nous un e-mail pour vous inscrire à l'atelier.",
    "Le food truck festival revient sur le quai cet été!",
    "Le lien Zoom de la séance est sur notre site Web.",
    "Live Facebook ce soir avec le directeur des loisirs #Montmagny",
    "Scannez le QR code pour accéder au formulaire en ligne.",
    "On vous attend au party de fin d'été! #Montmagny #BBQ",
    "Le drive-in revient cet été au parc : apportez vos chaises!",
]

ENGLISH = [
    "The skating rink is open from 10 a.m. to 8 p.m. this weekend.",
    "Registration for day camp starts Monday on the City's website.",
    "Please stay home and follow the public health guidelines.",
    "Thanks to all our volunteers! See you next year at the festival.",
]

MOSTLY_ENGLISH = [
    "Join us at the Festival de l'oie blanche this fall!",
    "Free Wi-Fi at the bibliothèque this weekend, come and see us!",
    "Road work on rue Saint-Jean-Baptiste starts Monday morning.",
]


@pytest.mark.parametrize("text", FRENCH)
def test_a_french_text_passes(language, text):
    assert check(language, text) == []


@pytest.mark.parametrize("text", FRANGLAIS)
def test_french_with_a_few_english_technical_terms_is_french(language, text):
    assert check(language, text) == []


@pytest.mark.parametrize("text", ENGLISH)
def test_an_english_text_is_blocked(language, text):
    results = check(language, text)
    assert [(result.code, result.severity, result.article) for result in results] == [
        ("official_language", Severity.BLOCK, "5.2")
    ]
    assert spans(results, text) == [text]
    assert "English" in results[0].message_en
    assert "anglais" in results[0].message_fr  # the language's name is translated and in lower case
    assert results[0].message_en.endswith("(art. 5.2)")


@pytest.mark.parametrize("text", MOSTLY_ENGLISH)
def test_a_mostly_english_text_with_a_few_french_words_is_blocked(language, text):
    assert [result.code for result in check(language, text)] == ["official_language"]


def test_a_text_of_english_sentences_ending_with_a_french_greeting_is_mostly_english(language):
    text = "Join us for the Carnaval de Montmagny this weekend! Bienvenue à tous, on vous attend !"
    assert [result.code for result in check(language, text)] == ["official_language"]


def test_a_french_text_with_one_english_sentence_is_french(language):
    text = (
        "La Ville vous invite au grand spectacle de la Fête nationale, samedi soir au parc des Appalaches. "
        "Feux d'artifice à 22 h et animation pour les enfants dès 18 h. Don't miss it, see you there!"
    )
    assert check(language, text) == []


def test_a_text_in_another_script_is_not_taken_for_a_short_text(language):
    text = "مرحبا بكم في مدينة مونماني، المكتبة مغلقة اليوم بسبب الصيانة"
    results = check(language, text)
    assert [result.severity for result in results] == [Severity.BLOCK]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_for_a_health_and_safety_issue_passes(language, text):
    assert check(language, text, health_and_safety=True) == []


@pytest.mark.parametrize("text", ENGLISH)
def test_english_in_a_reply_to_a_message_written_in_english_passes(language, text):
    assert check(language, text, replies_to_english=True) == []


@pytest.mark.parametrize(
    "text",
    [
        "Stay safe!",
        "Happy New Year!",
        "Road closed.",
        "Thanks everyone! 🎉",
        "🎉🎉🎉👍🏽👨‍👩‍👧",
        "#Montmagny #Québec #StaySafe #HappyHolidays",
        "@VilleMontmagny @MRCMontmagny",
        "https://www.ville.montmagny.qc.ca/what-is-new-this-week",
        "info@ville.montmagny.qc.ca",
        "OK",
        "2025",
    ],
)
def test_a_short_text_emoji_hashtags_or_links_only_are_never_blocked(language, text):
    assert check(language, text) == []


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Voir https://www.ville.montmagny.qc.ca/avis. Merci", ["https://www.ville.montmagny.qc.ca/avis."]),
        ("Écrivez à info@ville.montmagny.qc.ca ou au 418.", ["info@ville.montmagny.qc.ca"]),
        ("Écrivez à info@ville.ca/avis svp", ["info@ville.ca/avis"]),  # a path after the domain
        (
            "a.b.https://x.ca et seao.ca, #Montmagny @ville fin.Début",
            ["a.b.https://x.ca", "seao.ca", "#montmagny", "@ville"],
        ),
        ("mailto:info@ville.ca www.ville.ca", ["mailto:info@ville.ca", "www.ville.ca"]),
    ],
)
def test_addresses_hashtags_and_mentions_are_not_prose(text, spans):
    analysed = Analysed(text)
    assert [analysed.folded[start:end] for start, end in not_prose_spans(analysed)] == spans


def test_the_short_text_length_is_a_setting(data):
    text = "Stay safe, everyone: see you soon!"
    strict = data_from_defaults()
    strict.settings["short_text_length"] = 40
    assert check(OfficialLanguage(data), text) != []
    assert check(OfficialLanguage(strict), text) == []


def test_a_channel_version_in_english_is_blocked_on_its_own(language):
    body = "La piscine municipale est fermée aujourd'hui pour l'entretien."
    version = "The municipal pool is closed today for maintenance."
    results = check(language, body, versions=[(7, "facebook", version), (8, "x", "")])
    assert [(result.target, result.channel_id, result.network) for result in results] == [
        (TARGET_VERSION, 7, "facebook")
    ]


def test_plain_french_is_cleared_by_the_function_words_and_doubtful_texts_go_to_the_library(data):
    identifier = LanguageIdentifier.for_data(data)
    french = identifier.identify(Analysed("La bibliothèque sera fermée samedi pour les travaux de peinture."))
    assert (french.language, french.decided_by) == ("fr", "function_words")
    # Few function words: the library decides, and decides French.
    doubtful = identifier.identify(Analysed("Spectacle gratuit au parc, samedi soir."))
    assert (doubtful.language, doubtful.decided_by) == ("fr", "library")
    english = identifier.identify(Analysed("The library will be closed on Saturday for painting."))
    assert (english.language, english.decided_by) == ("en", "library")
    short = identifier.identify(Analysed("Stay safe! #Montmagny https://example.com/a-very-long-path"))
    assert (short.language, short.decided_by) == ("und", "short")


def test_the_french_function_words_are_data(data):
    text = "Zorglub la bibliothèque zorglub les travaux zorglub."
    assert LanguageIdentifier.from_data(data).identify(Analysed(text)).decided_by == "function_words"
    other = data_from_defaults()
    other.lexicon_terms["language_french_function_words"] = ["ceci"]
    assert LanguageIdentifier.from_data(other).identify(Analysed(text)).decided_by == "library"


# Spelling ----------------------------------------------------------------------------------------


def test_spelling_mistakes_warn_with_their_span_and_a_suggestion(spelling):
    text = "La bibliotèque sera fermée samedi. Venez à notre évenement gratuit!"
    results = check(spelling, text)
    assert spans(results, text) == ["bibliotèque", "évenement"]
    assert {(result.code, result.severity, result.article) for result in results} == {
        ("spelling", Severity.WARN, "5.2")
    }
    assert "« bibliothèque »" in results[0].message_en
    assert "« événement »" in results[1].message_en


def test_suggestions_are_the_spelling_library_s_own():
    """The dictionary finds its corrections with set operations; they are the ones pyspellchecker's
    ``correction`` gives (a tie between equally frequent words is left out: the library breaks it
    in the order of a set)."""
    dictionary = _Dictionary.get()
    frequencies = dictionary.checker.word_frequency.dictionary
    rng = random.Random(5)
    words = sorted(word for word in dictionary.words if 4 <= len(word) <= 12 and word.isalpha())
    typos = {"seance", "bibliotheque", "circulat", "munici", "weekend", "qwxz", "1234", "x" * 40}
    letters = "abcdeéèilmnorstu"
    for word in rng.sample(words, 150):
        position = rng.randrange(len(word))
        typos.add(word[:position] + rng.choice(letters) + word[position + 1 :])
        typos.add(word[:position] + word[position + 1 :])
    compared = 0
    for typo in sorted(typos - dictionary.words):
        expected = dictionary.checker.correction(typo)
        candidates = dictionary.checker.candidates(typo) or set()
        plain = dictionary.checker._remove_diacritics(typo)
        pool = [c for c in candidates if dictionary.checker._remove_diacritics(c) == plain] or candidates
        best = sorted((frequencies.get(candidate, 0) for candidate in pool), reverse=True)
        if len(best) > 1 and best[0] == best[1]:
            continue
        assert dictionary._correction(typo) == expected, typo
        compared += 1
    assert compared > 200


def test_a_word_without_any_close_dictionary_word_warns_without_a_suggestion(spelling):
    text = "Les citoyens sont invités à la zrbltqwx du conseil municipal."
    results = check(spelling, text)
    assert spans(results, text) == ["zrbltqwx"]
    assert "suggestion" not in results[0].message_en


def test_each_occurrence_of_a_misspelt_word_is_one_result(spelling):
    text = "La patinnoire est ouverte. La patinnoire ferme à 21 h."
    results = check(spelling, text)
    assert spans(results, text) == ["patinnoire", "patinnoire"]
    assert results[0].start != results[1].start


def test_a_misspelt_word_at_the_start_of_a_sentence_warns(spelling):
    text = "Bibliotèque fermée samedi pour les travaux."
    assert spans(check(spelling, text), text) == ["Bibliotèque"]


@pytest.mark.parametrize(
    "text",
    [
        "Merci à Marie-Ève Gagnon et à Kevin Boulanger pour leur aide au Carrefour mondial de l'accordéon.",
        "Annie Lapointe, bénévole de l'année, remercie les citoyens.",
        "Merci de rappeler M. Caron au sujet de sa demande.",
        "La Ville de Montmagny et la MRC de Montmagny vous invitent à Cap-Saint-Ignace.",
        "Montmagny accueille les Jeux. Québec est fier. Lévis aussi.",
        "Suivez-nous : #MontmagnyEnFête #Festivalxyz @VilleMontmagny @zrbltq",
        "Écrivez à jean.zrbltq@exemple.com ou visitez www.zrbltq.ca et https://zrbltq.example/zrb-ltq?q=xyz",
        "Rendez-vous à 19 h 30, le 3e samedi, salle 2B, code A1B2, 25 $ ou 10h30.",
        "Le SEAO et le CPE publient leurs avis; le CISSS aussi.",
        "Aujourd'hui, quelqu'un viendra jusqu'à l'hôtel de ville, lorsqu'il pourra, ce week-end.",
        "Les résidentes et les conseillères municipales sont heureuses; les citoyennes aussi.",
        "Le Wi-Fi est offert; l'infolettre et le courriel arrivent jeudi à l'aréna et à l'écocentre.",
        "Le cœur de la ville bat pour les sœurs et les frères.",
        "",
    ],
)
def test_proper_nouns_names_links_numbers_and_allowed_words_pass(spelling, text):
    assert check(spelling, text) == []


def test_an_english_text_is_not_spell_checked_as_french(spelling):
    text = "The skating rink is open from 10 a.m. to 8 p.m. this weekend."
    assert check(spelling, text, health_and_safety=True) == []


def test_the_allowed_words_are_data():
    text = "Le zrbltq municipal ouvre ses portes samedi prochain pour tous les citoyens."
    assert spans(check(Spelling(data_from_defaults()), text), text) == ["zrbltq"]
    other = data_from_defaults()
    other.lexicon_terms.setdefault("spelling_allowed_words", []).append("zrbltq")
    assert check(Spelling(other), text) == []


# Typography --------------------------------------------------------------------------------------


def test_a_missing_space_before_a_double_punctuation_mark_warns_with_the_correction(typography):
    text = "Bravo aux bénévoles! Qui viendra? Horaire: de 9 h à 17 h; entrée libre."
    results = check(typography, text)
    assert spans(results, text) == ["bénévoles!", "viendra?", "Horaire:", "h;"]
    assert {(result.code, result.severity, result.article) for result in results} == {
        ("typography", Severity.WARN, "5.2")
    }
    assert f"« bénévoles{NNBSP}! »" in results[0].message_en
    assert "« bénévoles! »" in results[0].message_en


def test_a_run_of_marks_is_one_fault(typography):
    text = "Vous avez vu ça?! Incroyable!!!"
    assert spans(check(typography, text), text) == ["ça?!", "Incroyable!!!"]


def test_guillemets_without_spaces_inside_warn(typography):
    text = "Le thème de l'année est «Ensemble» et le slogan « Bougeons»."
    results = check(typography, text)
    assert spans(results, text) == ["«Ensemble»", "« Bougeons»"]
    assert f"«{NBSP}Ensemble{NBSP}»" in results[0].message_en


def test_straight_and_english_quotes_should_be_guillemets(typography):
    text = 'Le thème est "Ensemble" et le slogan “Bougeons”.'
    results = check(typography, text)
    assert spans(results, text) == ['"Ensemble"', "“Bougeons”"]
    assert f"«{NBSP}Ensemble{NBSP}»" in results[0].message_en


@pytest.mark.parametrize(
    "text",
    [
        f"Bravo aux bénévoles{NNBSP}! Qui viendra{NNBSP}? Horaire{NBSP}: de 9 h à 17 h{NNBSP}; entrée libre.",
        "Bravo aux bénévoles ! Qui viendra ? Horaire : de 9 h à 17 h ; entrée libre.",
        f"Le thème de l'année est «{NBSP}Ensemble{NBSP}» et le slogan « Bougeons ».",
        "Consultez https://www.ville.montmagny.qc.ca/loisirs?page=2 ou mailto:info@ville.montmagny.qc.ca.",
        "La séance commence à 19:30 et l'écran est en 16:9.",
        "Merci à tous :) On se revoit bientôt ;-) C'est parti :D",
        "Suivez #Montmagny et @VilleMontmagny pour ne rien manquer.",
        "",
    ],
)
def test_correct_french_typography_urls_times_ratios_and_emoticons_pass(typography, text):
    assert check(typography, text) == []


def test_an_english_text_is_not_held_to_french_typography(typography):
    text = 'Stay home! The "boil water" advisory is in effect: see the map.'
    assert check(typography, text, health_and_safety=True) == []


def test_the_marks_that_need_a_space_are_data():
    text = "Bravo aux bénévoles! Qui viendra? Le parc est ouvert tous les jours."
    other = data_from_defaults()
    other.lexicon_terms["typography_space_before"] = ["?"]
    assert spans(check(Typography(other), text), text) == ["viendra?"]


# Bad input ---------------------------------------------------------------------------------------

ODD = {
    "empty": "",
    "blank": " \n\t ",
    "control characters": "Bonjour\x00\x01\x07\x1b[31m à tous les citoyens\x7f\x85! Bonne journée\x0c?",
    "right-to-left": "\u202eBonjour à tous les citoyens\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627!",
    "zero-width": "Bon\u200bjour\u200d à\u2060 tous les\ufeff citoyens de la ville\u200c! «\u200bBravo\u200b»",
    "emoji only": "🎉🎉🎉🔥👍🏽👨‍👩‍👧",
    "lone surrogate": "Bonjour \ud800 à tous les citoyens de Montmagny!",
    "100,000 characters of French": ("La Ville de Montmagny invite les citoyens à la séance du conseil! " * 1600)[
        :100_000
    ],
    "100,000 characters of English": ("The City invites residents to the council meeting tonight! " * 1700)[:100_000],
    "100,000 letters": "a" * 100_000,
    "100,000 marks": '!?:;«»"“”#@./' * 7_700,
}


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_input_never_raises(data, name):
    text = ODD[name]
    context = CheckContext(
        body=text, category="event", at=timezone.now(), versions=[(1, "x", text[:280]), (2, "facebook", "")]
    )
    for rule in (OfficialLanguage(data), Spelling(data), Typography(data)):
        for result in rule.results(context):
            assert result.message_fr and result.message_en
            assert 0 <= result.start <= result.end <= max(len(text), 280)
