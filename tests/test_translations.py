"""The interface is French first: every message has a French translation, compiled and current."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from tests.conftest import skip_unless_available

PROJECT = Path(__file__).resolve().parents[1]
APPS = ["kernel", "calendar_app", "publishing"]


def _catalogue(app: str) -> Path:
    return PROJECT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("app", APPS)
def test_every_message_is_translated(app):
    catalogue = polib.pofile(str(_catalogue(app)))
    assert not catalogue.untranslated_entries(), [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not catalogue.fuzzy_entries(), [entry.msgid for entry in catalogue.fuzzy_entries()]


@pytest.mark.parametrize("app", APPS)
def test_translations_carry_no_code_comments(app):
    # A linter directive copied from a source comment once reached the interface.
    leaked = [entry.msgstr for entry in polib.pofile(str(_catalogue(app))) if "noqa" in entry.msgstr]
    assert not leaked


@pytest.mark.parametrize("app", APPS)
def test_the_compiled_catalogue_matches_the_source(app):
    source = _catalogue(app)
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.mofile(str(source.with_suffix(".mo")))
    }
    expected = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.pofile(str(source))
        if not entry.obsolete
    }
    assert compiled == expected, "Run `python manage.py compilemessages`."


@pytest.mark.parametrize("app", APPS)
def test_the_catalogue_lists_every_message_of_the_code(app, tmp_path):
    skip_unless_available(shutil.which("xgettext") is not None, "GNU gettext (Debian package gettext)")
    copy = tmp_path / app
    shutil.copytree(PROJECT / app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()  # else makemessages writes into the first of LOCALE_PATHS, the real one
    subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "makemessages", "-l", "fr"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    current = {entry.msgid for entry in polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))}
    committed = {entry.msgid for entry in polib.pofile(str(_catalogue(app))) if not entry.obsolete}
    assert current == committed, (
        f"Run `make messages`: missing {sorted(current - committed)}, stale {sorted(committed - current)}"
    )


def test_the_interface_speaks_french_by_default_and_english_on_request():
    from calendar_app.workflow import Status

    with translation.override("fr-ca"):
        assert str(Status.SCHEDULED.label) == "Programmée"
    with translation.override("en"):
        assert str(Status.SCHEDULED.label) == "Scheduled"
