"""Shared fixtures, and the rule that tests needing a service skip only outside CI."""

from __future__ import annotations

import os
import shutil
import socket

import pytest
from django.core.cache import cache

from calendar_app.charte.loader import clear_cache as clear_ruleset_cache

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_unless_available(available: bool, what: str) -> None:
    """Skip with a clear message where ``what`` is missing; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI and is not available.")
    pytest.skip(f"{what} is not available on this machine.")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Password hashing is deliberately slow; tests need no protection against brute force.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Municipality.current() caches the row, and the Charte its rule set by data revision;
    # neither may leak from one test's (rolled back) data into another's.
    cache.clear()
    clear_ruleset_cache()
    yield
    cache.clear()
    clear_ruleset_cache()


@pytest.fixture(autouse=True)
def _playwright_beside_the_orm(request):
    """Browser tests: Playwright's sync API runs an event loop in the test's thread, while the test's ORM calls
    stay synchronous; Django is told that this is safe for them, and only for them."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def migrated_data():
    """The rows the migrations put in the database (the Charte's defaults), put back: a transactional test's
    flush empties every table, and a later test that loads the demo would meet a Charte without its data."""
    from calendar_app.charte.loader import clear_cache, install_defaults

    install_defaults()
    clear_cache()
