"""The Charte's lexicon of support and re-election wording (« un autre mandat », « gardons le cap »: issue 16,
art. 4.3 and 7), added to databases loaded before it."""

from django.db import migrations


def forwards(apps, schema_editor):
    from calendar_app.charte.loader import install_new_lexicon

    install_new_lexicon(apps, "political_endorsement")


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0013_imported_events")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
