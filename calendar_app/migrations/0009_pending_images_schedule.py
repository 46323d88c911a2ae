"""Images kept for a form sent back with errors are removed after a day (``services.pending_images``): every
hour by a django-q2 Schedule, besides at each new keep."""

from django.db import migrations

PRUNE = "calendar_app.services.pending_images.pending_images_prune"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=PRUNE, defaults={"name": "Vitrine — images kept for forms sent back", "schedule_type": "H"}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=PRUNE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calendar_app", "0008_other_communications"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
