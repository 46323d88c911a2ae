"""The reaper moved from ``publishing.worker`` to ``publishing.reaper`` (issue 12): its Schedule row,
which names it by dotted path, follows. Until this runs, ``publishing.worker.reap`` still works."""

from django.db import migrations

OLD, NEW = "publishing.worker.reap", "publishing.reaper.reap"


def rename(old: str, new: str):
    def move(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(func=old).update(func=new)

    return move


class Migration(migrations.Migration):
    dependencies = [("publishing", "0002_reaper_schedule")]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
