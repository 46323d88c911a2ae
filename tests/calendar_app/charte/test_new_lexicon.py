"""A lexicon added to the defaults files reaches databases loaded before it, and only it (migration 0014)."""

from __future__ import annotations

import pytest
from django.apps import apps

from calendar_app.charte.loader import install_new_lexicon
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
