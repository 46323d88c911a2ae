"""The Charte's patterns of the city's own discounts on its fees (« rabais de 10 % dès le deuxième enfant »:
issue 16, art. 5.6), added to databases loaded before them."""

from django.db import migrations


def forwards(apps, schema_editor):
    from calendar_app.charte.loader import install_new_lexicon

    install_new_lexicon(apps, "advertising_civic_patterns")


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0014_political_endorsement_lexicon")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
