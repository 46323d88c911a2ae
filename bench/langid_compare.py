"""Compare offline language-identification libraries on SHORT texts, the kind a city posts.

Art. 5.2 of the policy makes French the language of communication; the Charte's
``official_language`` rule blocks a text whose language is not French. This benchmark builds its
own labelled samples (10 to 200 characters): French, English, "Franglais" (French with English
technical terms such as Wi-Fi, e-mail, hashtags — labelled French, as the policy allows
technical English terms), and mostly-English texts with a few French words (labelled English).

For each library it prints the accuracy of the decision the rule makes (French or not French),
the accuracy per kind of sample, and the mean time per text; the last line is a JSON object of
the figures. Libraries that are not installed are skipped (the rule needs only the one chosen,
see ``calendar_app/charte/language_id.py``). Run: ``.venv/bin/python bench/langid_compare.py``
(``-v`` lists the texts each library got wrong).

The choice, py3langid: the most accurate here on short French and Franglais (no French text
judged long enough was taken for another language), offline (a 4.6 MB wheel, model inside, needs
numpy), maintained, and fast enough: the rule asks it only about the texts its function-word pass
is unsure of. pycld2 is several times faster but takes one short French text in ten for English;
langdetect is slow (milliseconds) and random unless seeded; lingua is accurate on French but takes
English texts with French names for French, and its wheel is about 96 MB.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (kind, text): kind is "fr", "en", "franglais" (a French text: expected French) or
# "mostly_en" (an English text with a few French words: expected not French).
SAMPLES: list[tuple[str, str]] = [
    # French ----------------------------------------------------------------------------------
    ("fr", "Collecte des ordures mardi."),
    ("fr", "La patinoire est ouverte."),
    ("fr", "Bonne fête nationale à tous!"),
    ("fr", "Fermeture de la rue Saint-Jean-Baptiste demain."),
    ("fr", "Avis d'ébullition de l'eau : secteur ouest."),
    ("fr", "Le bureau de vote est ouvert de 10 h à 20 h."),
    ("fr", "Voici comment voter par anticipation."),
    ("fr", "Inscriptions au camp de jour dès lundi."),
    ("fr", "La bibliothèque sera fermée samedi."),
    ("fr", "Merci aux bénévoles du Festival de l'oie blanche!"),
    ("fr", "Déneigement : stationnement interdit cette nuit."),
    ("fr", "Séance du conseil municipal ce soir à 19 h 30."),
    ("fr", "Offre d'emploi : journalier aux travaux publics."),
    ("fr", "Nouvel horaire de l'écocentre."),
    ("fr", "Les travaux débutent le 3 juin."),
    ("fr", "Rappel : les abris d'auto doivent être retirés."),
    ("fr", "Venez patiner en famille!"),
    ("fr", "Spectacle gratuit au parc."),
    ("fr", "Consultez le calendrier des collectes."),
    ("fr", "Journée portes ouvertes à la caserne."),
    ("fr", "Le marché public revient samedi prochain."),
    ("fr", "Interruption d'eau potable rue des Érables."),
    ("fr", "Félicitations à nos athlètes!"),
    ("fr", "Le parc des Appalaches accueille un nouveau sentier."),
    ("fr", "Avis public : dérogation mineure."),
    ("fr", "Bienvenue aux nouveaux résidents de Montmagny."),
    ("fr", "Pensez à déneiger vos bornes-fontaines."),
    ("fr", "Quelle belle journée au Carnaval!"),
    ("fr", "La piscine municipale ouvre ses portes."),
    ("fr", "Le compte de taxes est disponible en ligne."),
    ("fr", "Soirée cinéma sous les étoiles vendredi."),
    ("fr", "Restez prudents sur les routes."),
    ("fr", "Nous recrutons des sauveteurs pour l'été."),
    ("fr", "Les feux à ciel ouvert sont interdits jusqu'à nouvel ordre."),
    ("fr", "Vente de garage autorisée ce week-end."),
    ("fr", "Appel de candidatures pour le comité culturel."),
    ("fr", "Un grand merci à tous les participants!"),
    ("fr", "Heures d'ouverture modifiées pendant les Fêtes."),
    ("fr", "L'hôtel de ville sera fermé lundi."),
    ("fr", "Consultation publique sur le plan d'urbanisme."),
    ("fr", "Le service des loisirs vous invite à l'atelier de peinture."),
    ("fr", "Qui sont les gagnants du concours de photos?"),
    ("fr", "On vous attend en grand nombre!"),
    ("fr", "Ramassage des feuilles mortes en octobre."),
    ("fr", "Chantier de réfection du pont : circulation en alternance."),
    ("fr", "Préparez votre trousse d'urgence pour 72 heures."),
    ("fr", "Les chiens doivent être tenus en laisse dans les parcs."),
    ("fr", "Taxes municipales : deuxième versement le 30 juin."),
    ("fr", "La Ville de Montmagny dévoile sa nouvelle politique familiale, fruit d'une vaste consultation."),
    ("fr", "Découvrez la programmation estivale : spectacles, cinéma en plein air et activités pour les enfants."),
    ("fr", "En raison du verglas, les écoles et les services municipaux non essentiels sont fermés aujourd'hui."),
    ("fr", "Le conseil a adopté le budget 2025, qui prévoit une hausse de taxes limitée à 2 %."),
    ("fr", "Le programme de subvention pour les couches lavables est de retour. Informations à l'hôtel de ville."),
    ("fr", "Les citoyens peuvent signaler un nid-de-poule en ligne ou par téléphone."),
    ("fr", "Avis aux propriétaires : la vidange des fosses septiques débute dans le secteur nord."),
    ("fr", "Grande corvée de nettoyage des berges du fleuve samedi matin; gants et sacs fournis."),
    ("fr", "Le Carrefour mondial de l'accordéon présente plus de 40 spectacles cette année."),
    ("fr", "Plusieurs rues seront fermées pour la course : consultez la carte des détours."),
    ("fr", "Les bacs bruns seront ramassés chaque semaine jusqu'à la fin novembre."),
    ("fr", "Surveillez nos pages pour connaître les résultats du sondage."),
    ("fr", "Pour toute question, écrivez-nous ou appelez le service à la clientèle."),
    ("fr", "Bravo à l'équipe des travaux publics pour leur travail pendant la tempête."),
    ("fr", "Le nouveau parc canin est maintenant accessible aux résidents."),
    ("fr", "Heure du conte à la bibliothèque : pour les 3 à 5 ans."),
    ("fr", "Il reste des places pour le cours de natation."),
    ("fr", "C'est parti pour la saison des sports d'hiver!"),
    ("fr", "Attention : pluie verglaçante prévue en soirée."),
    ("fr", "Fermeture temporaire du stationnement de l'aréna."),
    ("fr", "Jeudi, c'est la journée de l'environnement."),
    ("fr", "Participez au défi « J'y vais à vélo »."),
    ("fr", "Bonne année!"),
    ("fr", "Joyeuses Fêtes!"),
    ("fr", "Route fermée."),
    ("fr", "Merci à tous!"),
    ("fr", "Bon week-end!"),
    ("fr", "Soyez prudents."),
    ("fr", "À demain soir!"),
    ("fr", "Quelle soirée!"),
    (
        "fr",
        "Les inscriptions aux activités de loisirs de l'automne débutent le 15 août à 8 h. Inscrivez-vous en "
        "ligne ou au comptoir du centre sportif; places limitées.",
    ),
    (
        "fr",
        "En raison des fortes pluies, le chemin du Coteau est fermé entre la route 283 et la rue "
        "Saint-Thomas. Un détour est balisé. Merci de votre patience et de votre prudence.",
    ),
    (
        "fr",
        "La Ville rappelle que l'arrosage des pelouses est permis les jours pairs pour les adresses paires, "
        "de 20 h à 22 h, jusqu'à nouvel ordre.",
    ),
    (
        "fr",
        "Félicitations aux finissants! Le conseil municipal souligne leur persévérance et leur souhaite le "
        "meilleur des succès dans leurs projets d'avenir.",
    ),
    # English ---------------------------------------------------------------------------------
    ("en", "Garbage pickup is on Tuesday."),
    ("en", "The skating rink is open."),
    ("en", "Happy holidays to everyone!"),
    ("en", "Road closed tomorrow morning."),
    ("en", "Boil water advisory for the west sector."),
    ("en", "Polling stations are open from 10 to 8."),
    ("en", "Registration for day camp starts Monday."),
    ("en", "The library will be closed on Saturday."),
    ("en", "Thank you to all our volunteers!"),
    ("en", "No parking on the street tonight."),
    ("en", "City council meeting tonight at 7:30."),
    ("en", "Job offer: public works labourer."),
    ("en", "Work begins on June 3."),
    ("en", "Come skate with your family!"),
    ("en", "Free show in the park."),
    ("en", "Check the collection calendar."),
    ("en", "Open house at the fire station."),
    ("en", "The farmers market is back next Saturday."),
    ("en", "Congratulations to our athletes!"),
    ("en", "Welcome to our new residents."),
    ("en", "What a great day at the carnival!"),
    ("en", "The municipal pool opens its doors."),
    ("en", "Your tax bill is available online."),
    ("en", "Movie night under the stars on Friday."),
    ("en", "Drive safely on the roads."),
    ("en", "We are hiring lifeguards for the summer."),
    ("en", "Open fires are banned until further notice."),
    ("en", "Thanks to everyone who took part!"),
    ("en", "City Hall will be closed Monday."),
    ("en", "Public consultation on the urban plan."),
    ("en", "Who won the photo contest?"),
    ("en", "See you there!"),
    ("en", "Leaf collection in October."),
    ("en", "Prepare your emergency kit for 72 hours."),
    ("en", "Dogs must be kept on a leash in parks."),
    ("en", "Due to freezing rain, schools and non-essential municipal services are closed today."),
    ("en", "Council adopted the 2025 budget, which limits the tax increase to 2%."),
    ("en", "Residents can report a pothole online or by phone."),
    ("en", "Big cleanup of the riverbanks on Saturday morning; gloves and bags provided."),
    ("en", "Several streets will be closed for the race: see the detour map."),
    ("en", "Hi Mary, thanks for your message. The pool opens at 9 a.m. on weekends."),
    ("en", "Please stay home and follow the public health guidelines."),
    ("en", "Evacuation order for residents near the river. Go to the arena now."),
    ("en", "Don't miss the fireworks tonight!"),
    ("en", "Our staff will answer your questions during office hours."),
    ("en", "Happy New Year!"),
    ("en", "Road closed."),
    ("en", "Thanks everyone!"),
    ("en", "Have a great weekend!"),
    ("en", "Stay safe."),
    ("en", "See you tomorrow!"),
    ("en", "What a night!"),
    (
        "en",
        "Registration for fall leisure activities begins August 15 at 8 a.m. Sign up online or at the sports "
        "centre desk; spaces are limited.",
    ),
    (
        "en",
        "Because of heavy rain, chemin du Coteau is closed between route 283 and rue Saint-Thomas. A detour "
        "is marked. Thank you for your patience and caution.",
    ),
    (
        "en",
        "The City reminds residents that lawn watering is allowed on even days for even addresses, from 8 to "
        "10 p.m., until further notice.",
    ),
    (
        "en",
        "Congratulations to the graduates! City council salutes their perseverance and wishes them every "
        "success in their future projects.",
    ),
    # Franglais: French with English technical terms (expected French) -----------------------
    ("franglais", "Wi-Fi gratuit à la bibliothèque!"),
    ("franglais", "Nouveau : le Wi-Fi gratuit au centre-ville."),
    ("franglais", "Envoyez-nous un e-mail pour vous inscrire."),
    ("franglais", "Le lien Zoom de la séance est sur notre site Web."),
    ("franglais", "Suivez-nous sur Facebook et Instagram #Montmagny"),
    ("franglais", "Atelier de coding pour les ados au Fab Lab."),
    ("franglais", "Le wifi de l'hôtel de ville est en panne."),
    ("franglais", "Téléchargez l'app et activez les notifications push."),
    ("franglais", "Votre feedback compte : remplissez le sondage en ligne!"),
    ("franglais", "Soirée gaming au Centre des jeunes vendredi."),
    ("franglais", "Le drive-in revient cet été au parc."),
    ("franglais", "Tournoi de hockey bottine : inscrivez votre team!"),
    ("franglais", "Webinaire sur le compostage : le lien est dans la bio."),
    ("franglais", "Le podcast de la Ville est en ligne #MontmagnyEnDirect"),
    ("franglais", "Cours de zumba et de yoga au centre sportif."),
    ("franglais", "Concours selfie : partagez votre photo avec #EteMontmagny"),
    ("franglais", "Le hotspot Wi-Fi du parc est maintenant actif."),
    ("franglais", "Le formulaire est en format PDF sur le site Web."),
    ("franglais", "Live Facebook ce soir avec le directeur des loisirs."),
    ("franglais", "Bug sur notre site : le paiement en ligne est suspendu."),
    ("franglais", "Le food truck festival revient sur le quai!"),
    ("franglais", "Marché de Noël : shopping local au centre-ville."),
    ("franglais", "La zone skatepark est fermée pour l'hiver."),
    ("franglais", "Streaming en direct de la séance du conseil sur YouTube."),
    ("franglais", "Mot de passe du Wi-Fi : demandez-le au comptoir."),
    ("franglais", "Le bootcamp plein air commence le 5 mai."),
    ("franglais", "Faites le check-up de votre thermopompe avant l'hiver."),
    ("franglais", "Notre newsletter arrive dans votre boîte e-mail jeudi."),
    ("franglais", "Le parking de l'aréna est fermé ce week-end."),
    ("franglais", "Un brunch et un spectacle rock au parc Saint-Nicolas!"),
    ("franglais", "Les bornes de recharge pour véhicules électriques sont en service."),
    ("franglais", "On vous attend au party de fin d'été! #Montmagny #BBQ"),
    ("franglais", "Visitez le kiosque : stickers et goodies pour les enfants."),
    ("franglais", "Scannez le QR code pour accéder au formulaire."),
    ("franglais", "La soirée karaoké est remise à vendredi."),
    ("franglais", "Le site Web est down ce matin : nous travaillons à le rétablir."),
    ("franglais", "Workshop gratuit : créer son CV et réussir son entrevue."),
    ("franglais", "Course Color Run : inscriptions en ligne avant le 1er juin."),
    ("franglais", "Grand ménage du printemps : on fait le cleanup des parcs!"),
    ("franglais", "Le wifi public est offert dans tous les chalets de parc."),
    ("franglais", "Wi-Fi gratuit!"),
    (
        "franglais",
        "Le Wi-Fi de la bibliothèque est offert gratuitement à tous les usagers; demandez le mot de passe au "
        "comptoir ou consultez l'affiche à l'entrée. Bonne navigation!",
    ),
    (
        "franglais",
        "Le Festival de l'oie blanche vous attend : food trucks, DJ, zone gaming et spectacle rock en "
        "soirée. Suivez-nous sur Facebook et Instagram! #FOB2025 #Montmagny",
    ),
    # Mostly English with a few French words (expected not French) ---------------------------
    ("mostly_en", "Free Wi-Fi at the bibliothèque this weekend!"),
    ("mostly_en", "The Carnaval de Montmagny starts on Friday night."),
    ("mostly_en", "Join us at the Festival de l'oie blanche this fall!"),
    ("mostly_en", "The hôtel de ville is closed for the holidays."),
    ("mostly_en", "Register now for the camp de jour at the arena."),
    ("mostly_en", "Our new écocentre opens next week with extended hours."),
    ("mostly_en", "Road work on rue Saint-Jean-Baptiste starts Monday."),
    ("mostly_en", "Don't forget the Carrefour mondial de l'accordéon this weekend!"),
    ("mostly_en", "Boil water advisory in the secteur ouest until further notice."),
    ("mostly_en", "Thanks to all the bénévoles who helped this year!"),
    ("mostly_en", "Merci! The skating rink at parc Saint-Nicolas is now open."),
    ("mostly_en", "Bonjour! Please visit our website for the full schedule."),
]


def _timed(function, texts):
    started = time.perf_counter()
    predictions = [function(text) for text in texts]
    return predictions, (time.perf_counter() - started) / len(texts)


decided_by: dict[str, str] = {}  # text -> how the vitrine rule decided it


def detectors(candidates):
    """Each available library as (name, loader) where loader returns a text -> language function."""
    found = []

    def py3langid_all():
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        return lambda text: identifier.classify(text)[0]

    def py3langid_restricted():
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        identifier.set_languages(candidates)
        return lambda text: identifier.classify(text)[0]

    def pycld2_detect():
        import pycld2

        def detect(text):
            try:
                _reliable, _size, details = pycld2.detect(text, bestEffort=True)
            except pycld2.error:
                return "un"
            return details[0][1]

        return detect

    def langdetect_detect():
        from langdetect import DetectorFactory, detect
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = 0

        def run(text):
            try:
                return detect(text)
            except LangDetectException:
                return "un"

        return run

    def lingua_detect():
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, code.upper()) for code in candidates if hasattr(IsoCode639_1, code.upper())]
        detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

        def run(text):
            language = detector.detect_language_of(text)
            return language.iso_code_639_1.name.lower() if language else "un"

        return run

    def vitrine_detect():
        # What the official_language rule decides: a text too short to judge ("und") is never
        # blocked, so it counts here as "French" (right for French samples, wrong for English ones).
        from calendar_app.charte.language_id import LanguageIdentifier
        from calendar_app.charte.loader import data_from_defaults
        from calendar_app.charte.text.analysis import Analysed

        def run(text):
            identifier._cache.clear()  # the rule caches verdicts by text: keep the cost in the timing
            verdict = identifier.identify(analysed[text])
            decided_by[text] = verdict.decided_by
            return "fr" if verdict.undetermined else verdict.language

        identifier = LanguageIdentifier.from_data(data_from_defaults())
        # The engine analyses each text once for all the rules; that is not the rule's cost.
        analysed = {text: Analysed(text) for _kind, text in SAMPLES}
        return run

    for name, loader, module in (
        ("py3langid", py3langid_all, "py3langid"),
        ("py3langid (candidates)", py3langid_restricted, "py3langid"),
        ("pycld2", pycld2_detect, "pycld2"),
        ("langdetect", langdetect_detect, "langdetect"),
        ("lingua (candidates)", lingua_detect, "lingua"),
        ("vitrine rule: function words + py3langid", vitrine_detect, "py3langid"),
    ):
        try:
            __import__(module)
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        found.append((name, loader))
    return found


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    defaults = json.loads((ROOT / "calendar_app/charte/defaults/language.json").read_text(encoding="utf-8"))
    candidates = defaults["lexicons"]["language_library_candidates"]["terms"]
    texts = [text for _kind, text in SAMPLES]
    expected_french = [kind in {"fr", "franglais"} for kind, _text in SAMPLES]
    kinds = sorted({kind for kind, _text in SAMPLES})
    print(
        f"{len(SAMPLES)} samples of {min(map(len, texts))}–{max(map(len, texts))} characters: "
        + ", ".join(f"{kind} {sum(1 for k, _ in SAMPLES if k == kind)}" for kind in kinds)
    )
    # The rule judges only texts with at least short_text_length letters (URLs, hashtags left out);
    # "judged" accuracies are over those samples, for every library alike.
    from calendar_app.charte.language_id import LanguageIdentifier
    from calendar_app.charte.loader import data_from_defaults
    from calendar_app.charte.text.analysis import Analysed

    identifier = LanguageIdentifier.from_data(data_from_defaults())
    judged_samples = [not identifier.identify(Analysed(text)).undetermined for text in texts]
    print(
        f"{sum(judged_samples)} samples have at least {identifier.short_text_length} letters of prose "
        "(the others are too short for the rule to judge: never blocked)"
    )
    figures = {}
    for name, loader in detectors(candidates):
        started = time.perf_counter()
        detect = loader()
        detect(texts[0])  # models load lazily: keep the loading out of the timing
        load_s = time.perf_counter() - started
        predictions, mean_s = _timed(detect, texts * 5)
        predictions = predictions[: len(texts)]
        correct = [(language == "fr") == french for language, french in zip(predictions, expected_french, strict=True)]
        per_kind = {
            kind: round(
                sum(ok for ok, (k, _t) in zip(correct, SAMPLES, strict=True) if k == kind)
                / sum(1 for k, _t in SAMPLES if k == kind),
                3,
            )
            for kind in kinds
        }
        accuracy = round(sum(correct) / len(correct), 3)
        judged = [ok for ok, long_enough in zip(correct, judged_samples, strict=True) if long_enough]
        accuracy_judged = round(sum(judged) / len(judged), 3)
        figures[name] = {
            "accuracy": accuracy,
            "accuracy_judged": accuracy_judged,
            **{f"accuracy_{kind}": value for kind, value in per_kind.items()},
            "mean_us": round(mean_s * 1e6, 1),
            "load_s": round(load_s, 2),
        }
        print(
            f"{name:42} accuracy {accuracy:.3f}  judged {accuracy_judged:.3f}  "
            + "  ".join(f"{kind} {value:.2f}" for kind, value in per_kind.items())
            + f"  mean {mean_s * 1e6:7.1f} µs/text  (load {load_s:.2f} s)"
        )
        if name.startswith("vitrine") and decided_by:
            counts = {
                how: sum(1 for value in decided_by.values() if value == how) for how in sorted(set(decided_by.values()))
            }
            figures[name]["decided_by"] = counts
            # The cost of each path: the function-word pass alone, or the pass then the library.
            path_us = {}
            for how in counts:
                group = [text for text in texts if decided_by.get(text) == how]
                _predictions, group_s = _timed(detect, group * 5)
                path_us[how] = round(group_s * 1e6, 1)
            figures[name]["mean_us_by_path"] = path_us
            print(
                "    decided by: "
                + ", ".join(f"{how} {count} texts ({path_us[how]:.1f} µs/text)" for how, count in counts.items())
            )
        if "-v" in sys.argv:
            for ok, language, (kind, text) in zip(correct, predictions, SAMPLES, strict=True):
                if not ok:
                    print(f"    wrong: {language:3} [{kind}] {text}")
    print(json.dumps({"samples": len(SAMPLES), "libraries": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
