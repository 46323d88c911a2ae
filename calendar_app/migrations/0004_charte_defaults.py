"""Montmagny's French defaults for the Charte (lexicons, allowed domains, network limits)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from calendar_app.charte.loader import install_defaults

    install_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0003_charte_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
