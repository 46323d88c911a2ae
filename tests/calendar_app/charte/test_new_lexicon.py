"""A lexicon, or terms, added to the defaults files reach databases loaded before them, and only they (migrations
0014, 0017)."""

from __future__ import annotations

import pytest
from django.apps import apps

from calendar_app.charte.loader import install_new_lexicon, install_new_terms
from calendar_app.models import CharteLexicon, CharteSettings, CharteTerm

pytestmark = pytest.mark.django_db


def test_a_new_lexicon_is_installed_without_bringing_back_what_the_team_deleted():
    CharteLexicon.objects.filter(code="political_endorsement").delete()  # a database from before it
    CharteTerm.objects.filter(lexicon__code="political_partisan", term="votez utile").delete()  # the team's choice
    revision = CharteSettings.current().revision

    install_new_lexicon(apps, "political_endorsement")

    terms = set(CharteTerm.objects.filter(lexicon__code="political_endorsement").values_list("term", flat=True))
    assert {"un autre mandat", "votez pour la continuité", "gardons le cap"} <= terms
    assert not CharteTerm.objects.filter(lexicon__code="political_partisan", term="votez utile").exists()
    assert CharteSettings.current().revision == revision + 1  # the rule set reloads with it
    install_new_lexicon(apps, "political_endorsement")  # twice: nothing doubled
    assert CharteTerm.objects.filter(lexicon__code="political_endorsement").count() == len(terms)


def test_new_terms_reach_an_older_database_and_a_harmful_term_leaves_it():
    """Migration 0017: the spelling words found in real announcements are added to the team's list, « AIDS »
    (its stem is French « aide ») leaves the health conditions; the team's other edits stay."""
    CharteTerm.objects.filter(lexicon__code="spelling_allowed_words", term__in=["webdiffusion", "inondable"]).delete()
    CharteTerm.objects.create(lexicon=CharteLexicon.objects.get(code="spelling_allowed_words"), term="montmagnien")
    health = CharteLexicon.objects.get(code="personal_data_health_conditions")
    CharteTerm.objects.get_or_create(lexicon=health, term="AIDS")
    revision = CharteSettings.current().revision

    install_new_terms(apps, "spelling_allowed_words", ["webdiffusion", "inondable"])
    install_new_terms(apps, "personal_data_health_conditions", [], dropped=("AIDS",))

    words = set(CharteTerm.objects.filter(lexicon__code="spelling_allowed_words").values_list("term", flat=True))
    assert {"webdiffusion", "inondable", "montmagnien"} <= words
    assert not CharteTerm.objects.filter(lexicon=health, term="AIDS").exists()
    assert CharteSettings.current().revision == revision + 2
    CharteLexicon.objects.filter(code="spelling_allowed_words").delete()  # the team removed the whole list
    install_new_terms(apps, "spelling_allowed_words", ["webdiffusion"])
    assert not CharteLexicon.objects.filter(code="spelling_allowed_words").exists()
