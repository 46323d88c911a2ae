"""The publishing worker's settings (``settings.PUBLISHING``), read at each use so that tests may change them."""

from __future__ import annotations

from django.conf import settings


def options() -> dict:
    return settings.PUBLISHING
