"""The reaper runs every minute as a django-q2 Schedule (its ~30 s precision is enough for a safety net)."""

from django.db import migrations

REAPER = "publishing.worker.reap"


def add_reaper(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=REAPER, defaults={"name": "Vitrine — reaper of stuck publications", "schedule_type": "I", "minutes": 1}
    )


def remove_reaper(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=REAPER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_attempts"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_reaper, remove_reaper)]
