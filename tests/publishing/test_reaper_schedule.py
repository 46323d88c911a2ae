"""The reaper's django-q2 Schedule names it by dotted path: it follows the reaper to publishing.reaper."""

from __future__ import annotations

import importlib

import pytest
from django.utils.module_loading import import_string
from django_q.models import Schedule

from publishing.reaper import reap
from publishing.task import publish_batch

pytestmark = pytest.mark.django_db


def test_the_reapers_schedule_names_the_reaper_where_it_lives():
    [schedule] = Schedule.objects.filter(func__endswith=".reap")
    assert schedule.func == "publishing.reaper.reap"
    assert import_string(schedule.func) is reap


def test_the_migration_renames_a_schedule_left_under_the_old_path_and_back():
    migration = importlib.import_module("publishing.migrations.0003_reaper_moved")
    Schedule.objects.filter(func="publishing.reaper.reap").update(func="publishing.worker.reap")
    [forwards, backwards] = [
        migration.rename(migration.OLD, migration.NEW),
        migration.rename(migration.NEW, migration.OLD),
    ]

    reapers = Schedule.objects.filter(func__endswith=".reap")  # the other schedules are not the migration's
    forwards(_Apps(), None)
    assert list(reapers.values_list("func", flat=True)) == ["publishing.reaper.reap"]
    backwards(_Apps(), None)
    assert list(reapers.values_list("func", flat=True)) == ["publishing.worker.reap"]


def test_the_old_dotted_paths_still_work_until_every_installation_has_migrated():
    assert import_string("publishing.worker.reap") is reap
    assert import_string("publishing.worker.publish_batch") is publish_batch


class _Apps:
    """The migration's ``apps`` with today's models (the Schedule model has not changed since)."""

    def get_model(self, app_label: str, model_name: str):
        from django.apps import apps

        return apps.get_model(app_label, model_name)
