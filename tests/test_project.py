"""Project-wide guarantees: migrations match the models, and the deployment checks pass."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_system_checks_pass():
    call_command("check", fail_level="WARNING")
