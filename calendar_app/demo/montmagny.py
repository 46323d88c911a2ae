"""The Ville de Montmagny demo data: plain values, read by ``calendar_app.demo.load_demo``.

Everything here is data another municipality would replace. Dates are never written as
literals: a post says how many days from today it is due (``day``) and at what local time, an
event placeholder in a text says how many days ahead it falls, and the loader turns them into
dates when the row is first created. The people, parties, candidates and organisations are
made up; the e-mail domain of the people is a reserved one, so no message can reach anyone.
Texts are written with plain spaces and apostrophes; the loader sets French typography
(no-break spaces before : ; ! ? % and inside « », typographic apostrophes).
"""

from publishing.sandbox.networks.facebook import PAGE as SANDBOX_PAGE
from publishing.sandbox.networks.instagram import ACCOUNT as SANDBOX_INSTAGRAM_ACCOUNT
from publishing.sandbox.networks.linkedin import AUTHOR as SANDBOX_LINKEDIN_AUTHOR

# Public: the command prints it, and so refuses to run without DEBUG unless forced. Set only
# when a user is created.
DEMO_PASSWORD = "montmagny-demo"
# A reserved top-level domain (RFC 2606): demo people have addresses that deliver nowhere.
DEMO_EMAIL_DOMAIN = "montmagny.example"
# The language of the posts, in which the dates they mention are written.
LANGUAGE_CODE = "fr-ca"

MUNICIPALITY = {
    "name": "Ville de Montmagny",
    "website_domain": "ville.montmagny.qc.ca",
    "time_zone": "America/Toronto",
    "main_email": "info@ville.montmagny.qc.ca",
    "main_phone": "418 248-3361",
    "address": "143, rue Saint-Jean-Baptiste Est, Montmagny (Québec) G5V 1K4",
    "election_period_days": 44,
}

# (kind, value, label): the contacts that posts may show (art. 4.3, 5.12, 5.13).
OFFICIAL_CONTACTS = [
    ("email", "info@ville.montmagny.qc.ca", "Courriel général"),
    ("phone", "418 248-3361", "Hôtel de ville"),
    ("address", "143, rue Saint-Jean-Baptiste Est, Montmagny (Québec) G5V 1K4", "Hôtel de ville"),
    ("website", "https://www.ville.montmagny.qc.ca", "Site Web officiel"),
]

# (weekday 0 = Monday, opens, closes): the office hours that response deadlines count (art. 8.6).
OFFICE_HOURS = [
    *((weekday, "08:30", "12:00") for weekday in range(4)),
    *((weekday, "13:00", "16:30") for weekday in range(4)),
    (4, "08:30", "12:00"),
]

# The offices close between Christmas and New Year. The loader adds a closure day for each
# working day of the window nearest today that is not already a statutory holiday there; posts
# can name its first day and the day the offices reopen.
HOLIDAY_CLOSURE = {
    "label": "Fermeture des bureaux municipaux pour la période des Fêtes",
    "first": (12, 24),  # (month, day)
    "last": (1, 2),
    "statutory_holidays": {"country": "CA", "subdiv": "QC"},
}

# Parents come before their children.
SERVICES = [
    {"slug": "direction-generale", "name": "Direction générale"},
    {"slug": "communications", "name": "Département des communications", "parent": "direction-generale"},
    {"slug": "loisirs", "name": "Service des loisirs, de la culture et de la vie communautaire"},
    {"slug": "greffe", "name": "Service du greffe, des affaires juridiques et de l'urbanisme"},
    {"slug": "travaux-publics", "name": "Service des travaux publics"},
    {"slug": "securite-incendie", "name": "Service de sécurité incendie"},
    {"slug": "finances", "name": "Service des finances"},
    {"slug": "ressources-humaines", "name": "Service des ressources humaines"},
    {"slug": "technologies-information", "name": "Service des technologies de l'information"},
    {"slug": "comite-famille-aines", "name": "Comité de la famille et des aînés", "kind": "committee"},
]

# Accredited from January 1st of the previous year to December 31st of the next one.
ORGANISATIONS = [
    {
        "slug": "club-raquette-pas-de-l-oie",
        "name": "Club de raquette Les Pas-de-l'Oie",
        "email": "info@pasdeloie.example",
        "website": "https://pasdeloie.example",
        "accredited_years_before": 1,
        "accredited_years_after": 1,
        "social_accounts": [("facebook", "https://www.facebook.com/clubraquettepasdeloie")],
    },
    {
        "slug": "centre-entraide-deux-rives",
        "name": "Centre d'entraide des Deux-Rives",
        "email": "accueil@entraide-deuxrives.example",
        "website": "https://entraide-deuxrives.example",
        "accredited_years_before": 1,
        "accredited_years_after": 1,
        "social_accounts": [],
    },
]

# One account per network of kernel.networks; the loader points each at the local sandbox.
CHANNELS = [
    {
        "network": "facebook",
        "handle": "villemontmagny",
        "url": "https://www.facebook.com/villemontmagny",
        "emergency_enabled": True,
    },
    {"network": "instagram", "handle": "villemontmagny", "url": "https://www.instagram.com/villemontmagny/"},
    {
        "network": "linkedin",
        "handle": "ville-de-montmagny",
        "url": "https://www.linkedin.com/company/ville-de-montmagny/",
    },
    {"network": "youtube", "handle": "@villedemontmagny", "url": "https://www.youtube.com/@villedemontmagny"},
    {"network": "x", "handle": "@VilleMontmagny", "url": "https://x.com/VilleMontmagny", "emergency_enabled": True},
    {
        "network": "mastodon",
        "handle": "@villemontmagny@mastodon.social",
        "url": "https://mastodon.social/@villemontmagny",
    },
    {"network": "bluesky", "handle": "@ville.montmagny.qc.ca", "url": "https://bsky.app/profile/ville.montmagny.qc.ca"},
    # The two the city owns: the feed its website reads (art. 2), and a signed webhook.
    {"network": "feed", "handle": "Fil du site Web", "url": "https://www.ville.montmagny.qc.ca/actualites"},
    {
        "network": "webhook",
        "handle": "Écran d'affichage de l'hôtel de ville",
        "url": "https://www.ville.montmagny.qc.ca",
    },
]
# What each demo channel logs in to the sandbox with (the sandbox accepts any token but "revoked";
# the account identifiers are the sandbox's own).
SANDBOX_CREDENTIALS = {
    "facebook": {"page_id": SANDBOX_PAGE["id"], "access_token": "demo-sandbox"},
    # Instagram fetches each image from a public address: the renditions Vitrine serves under /media/.
    "instagram": {
        "ig_user_id": SANDBOX_INSTAGRAM_ACCOUNT["id"],
        "access_token": "demo-sandbox",
        "media_base_url": "http://127.0.0.1:8000/media/renditions/instagram",
    },
    "linkedin": {"author": SANDBOX_LINKEDIN_AUTHOR, "access_token": "demo-sandbox"},
    "youtube": {"access_token": "demo-sandbox"},
    "x": {"access_token": "demo-sandbox"},
    "mastodon": {"access_token": "demo-sandbox"},
    "bluesky": {"identifier": "ville.montmagny.qc.ca", "app_password": "demo-sandbox"},
    "feed": {},
    "webhook": {"secret": "sandbox-secret"},
}
CHANNEL_NAME = "Ville de Montmagny"

# The poster attached to posts on networks that publish only with an image, and to those that ask for one
# (art. 5.9: credited, with its rights and a text for screen readers).
POSTER = {
    "colour": "#00558c",
    "credit": "Ville de Montmagny — Service des communications",
    "rights_statement": "Visuel conçu par le Service des communications de la Ville de Montmagny, qui en détient les droits.",
    "alt_text": "Affiche de la Ville de Montmagny : « {title} », en lettres blanches sur fond bleu.",
}

# One person per role (calendar_app.models.people.Role). Their role assignments start this many
# days before the first load, so that the posts of the past two weeks fall inside them.
ROLES_SINCE_DAYS = 365
PEOPLE = [
    {
        "username": "jberube",
        "first_name": "Julie",
        "last_name": "Bérubé",
        "job_title": "Conseillère en communication à la Direction générale",
        "role": "communications",
        "service": "communications",
        "is_staff": True,
        "is_superuser": True,
    },
    {
        "username": "mafournier",
        "first_name": "Marc-André",
        "last_name": "Fournier",
        "job_title": "Directeur général",
        "role": "direction_generale",
        "service": "direction-generale",
        "is_staff": True,
    },
    {
        "username": "clevesque",
        "first_name": "Catherine",
        "last_name": "Lévesque",
        "job_title": "Coordonnatrice culturelle et touristique du Service des loisirs, de la culture et de la vie communautaire",
        "role": "publisher",
        "service": "loisirs",
        "channels": ["facebook", "instagram"],
    },
    {
        "username": "lpelletier",
        "first_name": "Louis",
        "last_name": "Pelletier",
        "job_title": "Directeur du Service du greffe, des affaires juridiques et de l'urbanisme",
        "role": "service_director",
        "service": "greffe",
    },
    {
        "username": "scaron",
        "first_name": "Sophie",
        "last_name": "Caron",
        "job_title": "Technicienne en urbanisme",
        "role": "service_member",
        "service": "greffe",
    },
    {
        "username": "nroy",
        "first_name": "Nathalie",
        "last_name": "Roy",
        "job_title": "Responsable des communications du Club de raquette Les Pas-de-l'Oie",
        "role": "organisation_representative",
        "organisation": "club-raquette-pas-de-l-oie",
    },
    {
        "username": "rgagnon",
        "first_name": "Roger",
        "last_name": "Gagnon",
        "job_title": "Contremaître aux Travaux publics",
        "role": "service_member",
        "service": "travaux-publics",
    },
    {
        "username": "mbouchard",
        "first_name": "Manon",
        "last_name": "Bouchard",
        "job_title": "Membre du Comité de la famille et des aînés",
        "role": "service_member",
        "service": "comite-famille-aines",
    },
    {
        "username": "ddion",
        "first_name": "Denis",
        "last_name": "Dion",
        "job_title": "Coordonnateur du Centre d'entraide des Deux-Rives",
        "role": "organisation_representative",
        "organisation": "centre-entraide-deux-rives",
    },
    {
        "username": "pthibault",
        "first_name": "Patrick",
        "last_name": "Thibault",
        "job_title": "Directeur adjoint du Service de sécurité incendie",
        "role": "mission_communication",
    },
    {
        "username": "hmorin",
        "first_name": "Hélène",
        "last_name": "Morin",
        "job_title": "Conseillère municipale",
        "role": "council_member",
    },
]

# Art. 8.3: the publisher holds the communications role while the adviser is on vacation.
SUBSTITUTION = {
    "absent": "jberube",
    "substitute": "clevesque",
    "role": "communications",
    "starts_in_days": 21,
    "lasts_days": 14,
    "reason": "Vacances",
}

# Québec's general municipal elections: every four years since 2005, on the first Sunday of
# November (Loi sur les élections et les référendums dans les municipalités, art. 3).
GENERAL_ELECTIONS = {
    "name": "Élections municipales générales de {year}",
    "first_year": 2005,
    "every_years": 4,
    "month": 11,
    "weekday": 6,  # Sunday
    "occurrence": 1,
}
PARTIES = [
    {
        "name": "Équipe Montmagny Avenir",
        "aliases": "EMA\n#MontmagnyAvenir",
        "social_accounts": "https://www.facebook.com/equipemontmagnyavenir\n@MontmagnyAvenir",
    },
    {"name": "Rassemblement citoyen de Montmagny", "aliases": "RCM\n#RassemblementMontmagny"},
]
CANDIDATES = [
    {
        "full_name": "Hélène Morin",
        "party": "Équipe Montmagny Avenir",
        "position": "Conseillère, district 3",
        "person": "hmorin",
    },
    {
        "full_name": "Gilles Boucher",
        "party": "Rassemblement citoyen de Montmagny",
        "position": "Mairie",
        "social_accounts": "gillesboucher.bsky.social",
    },
    {"full_name": "Annie Lapointe", "party": None, "position": "Conseillère, district 5"},
]
# The checks of whom the channels follow during the election (art. 7): confirmed by hand where the network's API
# does not list them; fetched where it does (the accounts the demo's sandbox lists for them).
FOLLOWED_ACCOUNTS_CHECKS = [
    {"network": "facebook", "note": "Abonnements de la page parcourus : aucun parti ni candidat."},
    {"network": "instagram", "note": "Liste « Abonnements » vérifiée dans l'application."},
    {"network": "mastodon", "accounts_count": 14},
    {
        "network": "bluesky",
        "accounts_count": 9,
        "flagged": [
            {
                "handle": "@gillesboucher.bsky.social",
                "display_name": "Gilles Boucher",
                "url": "https://bsky.app/profile/gillesboucher.bsky.social",
                "matches": ["Candidat : Gilles Boucher (un compte indiqué pour lui)"],
            }
        ],
    },
]

_SITE = "https://www.ville.montmagny.qc.ca"
_RAQUETTE_FACEBOOK = "https://www.facebook.com/clubraquettepasdeloie/posts/"
_NEWS = ["facebook", "x", "mastodon", "bluesky"]

# A month of posts around today. Keys:
#   key       stable; the post's source_uid is "demo:<key>", so a second load skips it
#   status    where the services leave it: draft, submitted, in_review, changes_requested,
#             refused, approved, scheduled or published
#   day, at   due day (days from today) and local time, for scheduled and published posts;
#             in_minutes instead: due that many minutes after the load
#   service / organisation: the requester (a request goes through review)
#   desired   (from, until) in days from today, for requests
#   dates     placeholders in the body: days from today, or {"in_days": n, "weekday": w} for
#             the first such weekday (0 = Monday) on or after that day;
#             {closure_first} and {reopening} (of the holiday closure) are always available
#   links     URLs, or (URL, kind) pairs
#   poster    True: a poster is attached even if no network of the post needs an image
POSTS = [
    # Published during the past two weeks.
    {
        "key": "emploi-journalier-travaux-publics",
        "status": "published",
        "day": -14,
        "at": "09:00",
        "author": "jberube",
        "category": "job_offer",
        "channels": ["facebook", "linkedin"],
        "title": "Offre d'emploi — Journalier ou journalière aux travaux publics",
        "body": "La Ville de Montmagny recrute ! Le Service des travaux publics cherche un journalier ou une "
        "journalière pour l'entretien des rues, des parcs et du réseau d'aqueduc. Poste permanent à temps "
        "plein, horaire de jour. L'offre complète et la date limite sont sur notre site Web.",
        "links": [f"{_SITE}/emplois"],
    },
    {
        "key": "collecte-feuilles-mortes",
        "status": "published",
        "day": -13,
        "at": "11:30",
        "author": "rgagnon",
        "service": "travaux-publics",
        "desired": (-13, -12),
        "category": "public_interest",
        "channels": _NEWS,
        "title": "Dernière collecte des feuilles mortes",
        "body": "Dernière collecte des feuilles mortes de la saison la semaine prochaine ! Déposez vos sacs de papier "
        "en bordure de rue la veille de votre collecte habituelle. Les sacs de plastique ne sont pas ramassés.",
        "links": [f"{_SITE}/collectes"],
    },
    {
        "key": "avis-public-derogation-mineure",
        "status": "published",
        "day": -12,
        "at": "08:30",
        "author": "scaron",
        "service": "greffe",
        "desired": (-12, -5),
        "category": "public_notice",
        "channels": ["facebook"],
        "title": "Avis public — demande de dérogation mineure",
        "body": "Avis public : le conseil municipal statuera sur une demande de dérogation mineure lors de sa prochaine "
        "séance ordinaire. Toute personne intéressée pourra se faire entendre à cette occasion. L'avis complet "
        "est publié sur le site Web de la Ville.",
        "links": [f"{_SITE}/avis-publics"],
    },
    {
        "key": "stationnement-de-nuit-hiver",
        "status": "published",
        "day": -11,
        "at": "12:00",
        "author": "jberube",
        "category": "public_notice",
        "channels": _NEWS,
        "title": "Stationnement de nuit interdit dans les rues",
        "body": "Rappel : pendant la saison hivernale, le stationnement de nuit est interdit dans les rues de la ville "
        "afin de faciliter les opérations de déneigement. Les heures et les exceptions sont sur notre site Web. "
        "Merci de votre collaboration !",
        "links": [f"{_SITE}/stationnement-hivernal"],
    },
    {
        "key": "travaux-boulevard-tache-est",
        "status": "published",
        "day": -10,
        "at": "07:45",
        "author": "rgagnon",
        "service": "travaux-publics",
        "desired": (-10, -10),
        "category": "public_interest",
        "channels": ["facebook", "x"],
        "title": "Travaux : circulation en alternance sur le boulevard Taché Est",
        "body": "Des travaux de réparation d'une conduite d'aqueduc ont lieu aujourd'hui sur le boulevard Taché Est, "
        "de 8 h à 16 h. La circulation se fait en alternance ; prévoyez un délai supplémentaire et respectez "
        "la signalisation. Merci de votre patience !",
        "links": [f"{_SITE}/travaux"],
    },
    {
        "key": "appel-offres-toiture-arena",
        "status": "published",
        "day": -9,
        "at": "10:00",
        "author": "jberube",
        "category": "tender",
        "channels": ["facebook", "linkedin"],
        "title": "Appel d'offres public — réfection de la toiture de l'aréna",
        "body": "La Ville de Montmagny lance un appel d'offres public pour la réfection de la toiture de l'aréna. "
        "Les documents d'appel d'offres sont disponibles exclusivement sur le Système électronique d'appel "
        "d'offres du gouvernement du Québec (SEAO).",
        "links": ["https://www.seao.ca/"],
    },
    {
        "key": "inscriptions-loisirs-hiver",
        "status": "published",
        "day": -8,
        "at": "09:00",
        "author": "clevesque",
        "category": "event",
        "channels": ["facebook", "instagram"],
        "title": "Inscriptions aux activités de loisirs — session d'hiver",
        "body": "La programmation d'hiver du Service des loisirs, de la culture et de la vie communautaire est en "
        "ligne ! Patin, danse, yoga, ateliers d'art et activités pour les tout-petits : inscrivez-vous dès "
        "maintenant, les places sont limitées.",
        "links": [f"{_SITE}/loisirs/programmation"],
    },
    {
        "key": "communique-plan-deneigement",
        "status": "published",
        "day": -7,
        "at": "13:30",
        "author": "jberube",
        "category": "press_release",
        "channels": ["facebook", "linkedin", "x", "mastodon", "bluesky"],
        "title": "Communiqué — le plan de déneigement de la saison est en ligne",
        "body": "La Ville de Montmagny présente son plan de déneigement pour la saison hivernale : ordre de priorité "
        "des rues, trottoirs déneigés et sites de dépôt de la neige. Le communiqué et la carte interactive "
        "sont sur notre site Web.",
        "links": [f"{_SITE}/communiques/plan-de-deneigement"],
    },
    {
        "key": "concours-facades-des-fetes",
        "status": "published",
        "day": -6,
        "at": "10:00",
        "author": "jberube",
        "category": "contest",
        "channels": ["facebook", "instagram"],
        "dates": {"contest_end": 20},
        "title": "Concours — illuminez votre façade pour les Fêtes",
        "body": "Participez à notre concours de décorations des Fêtes ! Envoyez-nous une photo de votre façade "
        "illuminée d'ici le {contest_end} pour courir la chance de gagner l'un des trois paniers de produits "
        "régionaux. Lisez le règlement du concours avant de participer.",
        "links": [
            f"{_SITE}/concours/facades-des-fetes",
            (f"{_SITE}/concours/facades-des-fetes/reglement", "contest_rules"),
        ],
    },
    {
        "key": "avis-ebullition-secteur-ouest",
        "status": "published",
        "day": -5,
        "at": "16:15",
        "author": "jberube",
        "category": "public_interest",
        "health_and_safety": True,
        "channels": _NEWS,
        "title": "Avis préventif d'ébullition de l'eau — secteur ouest",
        "body": "À la suite d'un bris d'aqueduc, un avis préventif d'ébullition de l'eau est en vigueur dans le "
        "secteur ouest jusqu'à nouvel ordre. Faites bouillir l'eau à gros bouillons pendant au moins une "
        "minute avant de la boire ou de cuisiner avec elle. La carte du secteur touché est sur notre site Web. "
        "Renseignements : 418 248-3361.",
        # Texts of their own for the networks whose limit the post's text exceeds.
        "versions": {
            network: "Avis préventif d'ébullition de l'eau dans le secteur ouest jusqu'à nouvel ordre : faites "
            "bouillir l'eau au moins une minute avant de la boire. Carte du secteur sur notre site Web. "
            "Renseignements : 418 248-3361."
            for network in ("x", "bluesky")
        },
        "links": [f"{_SITE}/avis-ebullition"],
    },
    {
        "key": "club-raquette-inscriptions-hiver",
        "status": "published",
        "day": -4,
        "at": "18:00",
        "author": "nroy",
        "organisation": "club-raquette-pas-de-l-oie",
        "desired": (-4, -1),
        "category": "event",
        "channels": ["facebook"],
        "original_post_url": f"{_RAQUETTE_FACEBOOK}1048213571",
        "title": "Club de raquette Les Pas-de-l'Oie — inscriptions pour l'hiver",
        "body": "Le Club de raquette Les Pas-de-l'Oie, organisme accrédité par la Ville, ouvre les inscriptions pour "
        "sa saison d'hiver : sorties guidées en soirée, initiation pour les familles et randonnées au clair "
        "de lune. Tous les détails sont sur la page du Club.",
        "links": ["https://pasdeloie.example/inscriptions"],
    },
    {
        "key": "levee-avis-ebullition-secteur-ouest",
        "status": "published",
        "day": -3,
        "at": "11:00",
        "author": "jberube",
        "category": "public_interest",
        "health_and_safety": True,
        "channels": _NEWS,
        "title": "Levée de l'avis préventif d'ébullition de l'eau",
        "body": "Bonne nouvelle : les analyses confirment que l'eau est de nouveau potable dans le secteur ouest et "
        "l'avis préventif d'ébullition est levé. Laissez couler l'eau froide quelques minutes avant de la "
        "consommer. Merci de votre collaboration !",
        "links": [f"{_SITE}/avis-ebullition"],
    },
    {
        "key": "heure-du-conte-de-noel",
        "status": "published",
        "day": -2,
        "at": "10:00",
        "author": "clevesque",
        "category": "event",
        "channels": ["facebook", "instagram"],
        "dates": {"event": {"in_days": 3, "weekday": 5}},
        "title": "Heure du conte de Noël à la bibliothèque",
        "body": "Les tout-petits sont attendus à la bibliothèque municipale le {event} à 10 h pour une heure du conte "
        "sous le thème de Noël ! Activité gratuite pour les 3 à 6 ans accompagnés d'un adulte ; inscription "
        "requise.",
        "links": [f"{_SITE}/bibliotheque"],
    },
    {
        "key": "emploi-brigadiers-scolaires",
        "status": "published",
        "day": -1,
        "at": "09:00",
        "author": "jberube",
        "category": "job_offer",
        "channels": ["facebook", "linkedin"],
        "title": "Offre d'emploi — brigadiers et brigadières scolaires",
        "body": "Vous aimez être actif et contribuer à la sécurité des enfants ? La Ville recrute des brigadiers et "
        "des brigadières scolaires. Horaire à temps partiel, les jours d'école. Postulez en ligne dès "
        "aujourd'hui !",
        "links": [f"{_SITE}/emplois"],
    },
    # Decided in the past weeks without being published.
    {
        "key": "club-raquette-promotion-commanditaire",
        "status": "refused",
        "author": "nroy",
        "organisation": "club-raquette-pas-de-l-oie",
        "desired": (-5, -1),
        "category": "public_interest",
        "channels": ["facebook"],
        "original_post_url": f"{_RAQUETTE_FACEBOOK}1047730218",
        "title": "Club de raquette — promotion d'un commanditaire",
        "body": "Profitez de 20 % de rabais sur l'équipement de raquette chez notre commanditaire avec le code "
        "PASDELOIE20, jusqu'à la fin du mois !",
        "reasons": "Art. 5.6 de la Politique : les médias sociaux de la Ville ne diffusent pas de publicité pour un "
        "tiers. La promotion d'un commanditaire, avec un rabais et un code promotionnel, ne peut pas être "
        "relayée. Une publication sur les activités du Club ouvertes au public serait la bienvenue.",
    },
    {
        "key": "avis-consultation-reglement-zonage",
        "status": "changes_requested",
        "author": "lpelletier",
        "service": "greffe",
        "desired": (2, 9),
        "category": "public_notice",
        "channels": ["facebook"],
        "title": "Avis public — assemblée de consultation sur un projet de règlement de zonage",
        "body": "Avis public : une assemblée publique de consultation sur un projet de règlement modifiant le "
        "règlement de zonage se tiendra à l'hôtel de ville. Le projet peut être consulté au Service du greffe, "
        "des affaires juridiques et de l'urbanisme pendant les heures d'ouverture des bureaux.",
        "reasons": "Art. 5.4 de la Politique : un avis public renvoie à son texte complet sur le site Web de la Ville. "
        "Ajoutez le lien vers l'avis publié sur ville.montmagny.qc.ca, puis soumettez de nouveau la demande.",
        # The conversation that follows the request for changes (art. 9.4), in order.
        "messages": [
            ("lpelletier", "L'avis sera mis en ligne jeudi matin. Puis-je vous envoyer le lien à ce moment-là ?"),
            ("jberube", "Oui, ajoutez-le à la demande dès qu'il est en ligne et soumettez-la de nouveau."),
        ],
    },
    # Scheduled: the first goes out a few minutes after the load, through the local sandbox.
    {
        "key": "collecte-matieres-organiques-hiver",
        "status": "scheduled",
        "in_minutes": 10,
        "author": "jberube",
        "category": "public_interest",
        "channels": _NEWS,
        "title": "Collecte des matières organiques : horaire d'hiver",
        "body": "Rappel : la collecte des matières organiques passe à l'horaire d'hiver, soit une collecte toutes les "
        "deux semaines. Le calendrier des collectes de votre secteur est sur notre site Web.",
        "links": [f"{_SITE}/collectes"],
    },
    {
        "key": "marche-de-noel",
        "status": "scheduled",
        "day": 1,
        "at": "09:00",
        "author": "clevesque",
        "category": "event",
        "channels": ["facebook", "instagram"],
        "dates": {"event": {"in_days": 3, "weekday": 5}},
        "title": "Marché de Noël de Montmagny",
        "body": "Le marché de Noël revient au centre-ville à compter du {event} ! Artisans, producteurs régionaux, "
        "chocolat chaud et animation pour toute la famille, de 10 h à 16 h. Entrée gratuite.",
        "links": [f"{_SITE}/marche-de-noel"],
    },
    {
        "key": "emploi-technicien-informatique",
        "status": "scheduled",
        "day": 2,
        "at": "09:00",
        "author": "jberube",
        "category": "job_offer",
        "channels": ["facebook", "linkedin"],
        "title": "Offre d'emploi — technicien ou technicienne en informatique",
        "body": "Le Service des technologies de l'information cherche un technicien ou une technicienne en "
        "informatique pour soutenir le personnel municipal : postes de travail, réseau et téléphonie. Poste "
        "permanent à temps plein. L'offre complète est sur notre site Web.",
        "links": [f"{_SITE}/emplois"],
    },
    {
        "key": "carnaval-benevoles",
        "status": "scheduled",
        "day": 4,
        "at": "12:00",
        "author": "clevesque",
        "category": "event",
        "channels": ["facebook", "instagram"],
        "title": "Carnaval de Montmagny — on recrute des bénévoles",
        "body": "Le Carnaval de Montmagny se prépare et a besoin de vous ! Accueil, sécurité, animation des jeux "
        "d'hiver : joignez-vous à l'équipe de bénévoles et vivez le Carnaval de l'intérieur. Inscription en "
        "ligne.",
        "links": [f"{_SITE}/carnaval"],
    },
    {
        "key": "horaire-des-fetes-bureaux",
        "status": "scheduled",
        "day": 7,
        "at": "09:00",
        "author": "jberube",
        "category": "public_interest",
        "channels": ["facebook", "linkedin", *_NEWS[1:]],
        "title": "Horaire des Fêtes des bureaux municipaux",
        "body": "Les bureaux municipaux seront fermés pour la période des Fêtes à compter du {closure_first} ; ils "
        "rouvriront le {reopening}. Pour une urgence touchant les travaux publics (bris d'aqueduc, "
        "refoulement d'égout), composez le 418 248-3361 : l'appel sera transféré au personnel de garde. Joyeuses Fêtes !",
        "versions": {
            network: "Les bureaux municipaux seront fermés pour les Fêtes à compter du {closure_first} et rouvriront "
            "le {reopening}. Urgence aux travaux publics : 418 248-3361. Joyeuses Fêtes !"
            for network in ("x", "bluesky")
        },
        "links": [f"{_SITE}/nous-joindre"],
    },
    {
        "key": "patinage-libre-des-fetes",
        "status": "scheduled",
        "day": 9,
        "at": "10:00",
        "author": "clevesque",
        "category": "event",
        "channels": ["facebook", "instagram"],
        "title": "Patinage libre pendant les Fêtes",
        "body": "Profitez du congé des Fêtes pour patiner en famille ! L'aréna offre des périodes de patinage libre "
        "gratuites pendant les vacances scolaires. Le casque est fortement recommandé.",
        "links": [f"{_SITE}/loisirs/patinage-libre"],
    },
    {
        "key": "sondage-services-en-ligne",
        "status": "scheduled",
        "day": 11,
        "at": "10:00",
        "author": "jberube",
        "category": "campaign",
        "channels": ["facebook", "linkedin"],
        "title": "Sondage — vos services municipaux en ligne",
        "body": "Vous utilisez les services en ligne de la Ville (paiement des taxes, inscriptions aux loisirs, "
        "requêtes) ? Donnez-nous votre avis en répondant à un court sondage anonyme de cinq minutes. Vos "
        "réponses nous aideront à améliorer nos services.",
        "links": [f"{_SITE}/sondage"],
    },
    # Approved, to be scheduled.
    {
        "key": "comite-famille-cafe-rencontre",
        "status": "approved",
        "author": "mbouchard",
        "service": "comite-famille-aines",
        "desired": (5, 12),
        "category": "event",
        "channels": ["facebook"],
        "dates": {"event": {"in_days": 10, "weekday": 6}},
        "title": "Comité de la famille et des aînés — café-rencontre intergénérationnel",
        "body": "Le Comité de la famille et des aînés vous invite à un café-rencontre intergénérationnel le {event} à "
        "14 h à la bibliothèque municipale : jeux de société, contes et collation. Gratuit, pour toute la "
        "famille.",
        "links": [f"{_SITE}/famille-et-aines"],
    },
    {
        "key": "entraide-atelier-cuisine-des-fetes",
        "status": "approved",
        "author": "ddion",
        "organisation": "centre-entraide-deux-rives",
        "desired": (6, 13),
        "category": "event",
        "channels": ["facebook"],
        "dates": {"event": {"in_days": 12, "weekday": 5}},
        "title": "Centre d'entraide des Deux-Rives — atelier de cuisine des Fêtes",
        "body": "Le Centre d'entraide des Deux-Rives, organisme accrédité, propose un atelier de cuisine collective "
        "pour préparer des plats des Fêtes le {event}. Places limitées ; inscription auprès de l'organisme.",
        "links": ["https://entraide-deuxrives.example/ateliers"],
    },
    {
        "key": "deneigement-emplacement-des-bacs",
        "status": "approved",
        "author": "rgagnon",
        "service": "travaux-publics",
        "desired": (8, 20),
        "category": "public_interest",
        "channels": _NEWS,
        "title": "Déneigement : placez vos bacs au bon endroit",
        "body": "Pour faciliter le déneigement et la collecte, placez vos bacs dans votre entrée, à au moins un mètre "
        "de la rue, et jamais sur le trottoir. Merci de votre collaboration !",
        "links": [f"{_SITE}/collectes"],
    },
    # Requests waiting for the communications department.
    {
        "key": "club-raquette-portes-ouvertes",
        "status": "in_review",
        "author": "nroy",
        "organisation": "club-raquette-pas-de-l-oie",
        "desired": (8, 13),
        "category": "event",
        "channels": ["facebook"],
        "original_post_url": f"{_RAQUETTE_FACEBOOK}1049102457",
        "dates": {"event": {"in_days": 10, "weekday": 6}},
        "title": "Club de raquette — journée portes ouvertes",
        "body": "Journée portes ouvertes au Club de raquette Les Pas-de-l'Oie le {event} ! Prêt de raquettes, "
        "initiation pour les débutants et boissons chaudes au chalet. Gratuit pour toute la famille.",
        "links": ["https://pasdeloie.example/portes-ouvertes"],
    },
    {
        "key": "rappel-abris-auto-temporaires",
        "status": "in_review",
        "author": "scaron",
        "service": "greffe",
        "desired": (3, 10),
        "category": "public_interest",
        "channels": ["facebook"],
        "poster": True,
        "title": "Rappel — abris d'auto temporaires",
        "body": "Les abris d'auto temporaires sont permis pendant la saison hivernale seulement. Ils doivent être "
        "installés sur votre terrain, à une distance sécuritaire du trottoir et de la rue. Les règles "
        "d'installation sont sur notre site Web.",
        "links": [f"{_SITE}/reglements"],
    },
    {
        "key": "acces-information-demande",
        "status": "submitted",
        "author": "scaron",
        "service": "greffe",
        "desired": (10, 14),
        "category": "public_interest",
        "channels": ["facebook"],
        "title": "Accès à l'information — comment faire une demande",
        "body": "Vous souhaitez obtenir un document de la Ville ? Les demandes d'accès à l'information sont traitées "
        "par le Service du greffe, des affaires juridiques et de l'urbanisme. Écrivez à "
        "info@ville.montmagny.qc.ca ou composez le 418 248-3361.",
        "links": [f"{_SITE}/acces-a-l-information"],
    },
    {
        "key": "club-raquette-sortie-clair-de-lune",
        "status": "submitted",
        "author": "nroy",
        "organisation": "club-raquette-pas-de-l-oie",
        "desired": (12, 14),
        "category": "event",
        "channels": ["facebook"],
        "original_post_url": f"{_RAQUETTE_FACEBOOK}1049377630",
        "dates": {"event": {"in_days": 13, "weekday": 4}},
        "title": "Club de raquette — sortie au clair de lune",
        "body": "Sortie de raquette au clair de lune le {event} à 19 h ! Parcours facile de 5 km, ouvert à tous. "
        "Apportez votre lampe frontale.",
        "links": ["https://pasdeloie.example/sorties"],
    },
    # Drafts.
    {
        "key": "bilan-annee-services-municipaux",
        "status": "draft",
        "author": "jberube",
        "category": "campaign",
        "channels": ["facebook", "linkedin"],
        "title": "Bilan de l'année — vos services municipaux en chiffres",
        "body": "Kilomètres de rues déneigées, livres prêtés, heures de patinage libre : découvrez l'année de vos "
        "services municipaux en quelques chiffres.",
    },
    {
        "key": "ouverture-patinoires-exterieures",
        "status": "draft",
        "author": "clevesque",
        "category": "event",
        "channels": ["facebook", "instagram"],
        "title": "Ouverture des patinoires extérieures",
        "body": "Dès que la météo le permettra, les patinoires extérieures ouvriront dans les parcs de quartier. "
        "Suivez-nous pour connaître la date d'ouverture et l'état des glaces !",
        "links": [f"{_SITE}/loisirs/patinoires"],
    },
    {
        "key": "collecte-sapins-de-noel",
        "status": "draft",
        "author": "jberube",
        "category": "public_interest",
        "channels": _NEWS,
        "title": "Collecte des sapins de Noël",
        "body": "Après les Fêtes, déposez votre sapin naturel en bordure de rue, sans décorations ni sac. Les sapins "
        "seront ramassés et transformés en copeaux. L'horaire des collectes est sur notre site Web.",
        "links": [f"{_SITE}/collectes"],
    },
]

# At each load, unless one is still waiting to go out: a post due that many seconds after the load, so that
# whoever starts the demo (make run) sees a publication reach the networks' sandbox within the first minute.
# Its source_uid is "demo:<key>:<when it was loaded>"; the keys are those of POSTS.
FIRST_MINUTE_POST = {
    "key": "premiere-minute",
    "in_seconds": 30,
    "author": "jberube",
    "category": "public_interest",
    "channels": _NEWS,
    "title": "Vitrine en marche — publication de démonstration",
    "body": "Bienvenue dans Vitrine ! Cette publication de démonstration de la Ville de Montmagny part sur les "
    "réseaux du bac à sable dans la première minute après le lancement. Tous les détails sur Vitrine sont sur notre "
    "site Web.",
    "links": [f"{_SITE}/"],
}

# The other tools of the plan, on the calendar beside the posts (art. 8.2). Keys: title (stable: a second load
# skips an item of the same title), kind, day and at (days from today, local time), until (days and time of its
# end, for a span), category, service, notes.
OTHER_COMMUNICATIONS = [
    {
        "title": "Infolettre municipale",
        "kind": "newsletter",
        "day": 2,
        "at": "08:00",
        "category": "public_interest",
        "notes": "Horaire des Fêtes, collecte des sapins, patinage libre.",
    },
    {
        "title": "Actualité du site Web : horaire des Fêtes des bureaux municipaux",
        "kind": "website_news",
        "day": 4,
        "at": "10:00",
        "category": "public_interest",
    },
    {
        "title": "Bulletin municipal imprimé — édition d'hiver",
        "kind": "print",
        "day": 6,
        "at": "09:00",
        "until": (10, "17:00"),
        "category": "campaign",
        "notes": "Distribué par la poste dans tous les foyers.",
    },
    {
        "title": "Écrans de l'hôtel de ville : inscriptions aux loisirs d'hiver",
        "kind": "display_screen",
        "day": -2,
        "at": "08:00",
        "until": (12, "17:00"),
        "category": "event",
        "service": "loisirs",
    },
]

# The city's events calendar (art. 5.5), as its website would publish it: imported once at load time from
# these events (days from today), each occurrence a draft promotion post. The address is the website's;
# the demo does not read it on schedule (``is_active`` False), since the demo works offline.
EVENTS_CALENDAR = {
    "name": "Calendrier des événements — site de la Ville",
    "url": f"{_SITE}/evenements/calendrier.ics",
    "channels": ["facebook", "instagram"],
    "events": [
        {
            "uid": "marche-de-noel@ville.montmagny.qc.ca",
            "day": 16,
            "at": "10:00",
            "weekly": 3,
            "summary": "Marché de Noël de Montmagny",
            "location": "Place de l'Église",
            "description": "Artisans, produits du terroir et chocolat chaud, tous les samedis de décembre.",
            "url": f"{_SITE}/evenements/marche-de-noel",
        },
        {
            "uid": "patinage-libre-fetes@ville.montmagny.qc.ca",
            "day": 24,
            "summary": "Patinage libre des Fêtes à l'aréna",
            "location": "Aréna de Montmagny",
            "description": "Patinage libre gratuit pour toute la famille pendant les Fêtes.",
        },
    ],
}
