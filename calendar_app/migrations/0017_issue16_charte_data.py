"""The Charte's data of issue 16, added to databases loaded before it: the personal-information rule's words
(a person's contact told from an institution's or a role's, an address tied to a person or a file, a named
citizen's case; art. 5.13), the spelling rule's rectified spelling, address abbreviations and the Québec words of
real announcements (art. 5.2), the city's own sale wording (art. 5.6); « AIDS » leaves the health conditions (its
stem is French « aide »). The team's own edits stay: only what is missing is added."""

from django.db import migrations

NEW_LEXICONS = [
    "advertising_city_sale",
    "spelling_rectified_equivalents",
    "spelling_abbreviations",
    "personal_data_person_titles",
    "personal_data_first_names",
    "personal_data_person_introducers",
    "personal_data_person_words",
    "personal_data_institutions",
    "personal_data_line_words",
    "personal_data_toll_free_codes",
    "personal_data_contact_joins",
    "personal_data_role_mailboxes",
    "personal_data_address_holders",
    "personal_data_address_links",
    "personal_data_address_file_words",
    "personal_data_case_words",
    "personal_data_case_links",
]
NEW_SPELLING_WORDS = [
    "québécois",
    "compostable",
    "webdiffusion",
    "webdiffuser",
    "prioriser",
    "inondable",
    "herbicyclage",
    "feuillicyclage",
    "visioconférence",
    "planage",
    "turbidité",
    "spa",
    "déglaçage",
    "abrasif",
    "pluvial",
    "pluviaux",
    "préinscription",
    "coléus",
    "hydrangée",
    "écocitoyen",
    "écocitoyenne",
    "platebande",
    "weekend",
    "portemonnaie",
    "piquenique",
    "hautparleur",
    "ognon",
    "nénufar",
    "charriot",
    "relai",
    "lévisien",
    "rimouskois",
    "trifluvien",
    "gatinois",
    "sherbrookois",
    "port-jolien",
    "lislétain",
    "beauceron",
    "bellechassois",
    "Rimouski",
    "Kamouraska",
    "Rivière-du-Loup",
    "Saint-Jean-Port-Joli",
    "L'Islet-sur-Mer",
    "Saint-Eugène",
    "Sainte-Apolline-de-Patton",
    "Saint-Just-de-Bretenières",
    "Saint-Fabien-de-Panet",
    "Sainte-Lucie-de-Beauregard",
    "Sainte-Euphémie-sur-Rivière-du-Sud",
    "Notre-Dame-du-Rosaire",
    "Saint-Paul-de-Montminy",
    "Lac-Frontière",
    "Saint-Antoine-de-l'Isle-aux-Grues",
    "Pointe-aux-Oies",
    "Taché",
    "Sherbrooke",
    "Gatineau",
    "Trois-Rivières",
    "Saguenay",
    "Etchemins",
    "oxobiodégradable",
]


def forwards(apps, schema_editor):
    from calendar_app.charte.loader import install_new_lexicon, install_new_terms

    for code in NEW_LEXICONS:
        install_new_lexicon(apps, code)
    install_new_terms(apps, "spelling_allowed_words", NEW_SPELLING_WORDS)
    install_new_terms(apps, "personal_data_health_conditions", [], dropped=("AIDS",))


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0016_channel_profiles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
