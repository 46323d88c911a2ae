"""Per-network image profiles: what each network's rendition must be, read from data and checked.

The profiles are data: ``publishing/defaults/renditions.json``, with the setting ``VITRINE_RENDITIONS``
(a dict of the same shape) merged over it key by key. Where each network's figures come from is in
that file's ``sources`` entries; in short:

- Facebook: under 4 MB, PNG under 1 MB (Graph API "Uploading Photos" page);
- Instagram: JPEG only, 4:5 to 1.91:1, 320 to 1440 px wide, under 8 MiB (IG User Media reference, error 2207004);
- LinkedIn: fewer than 36,152,320 pixels (Images API); no documented byte limit, 5 MB is conservative;
- X: 5 MB per image (X API media introduction);
- Mastodon: 16 MB since 4.2, 8 MB before and per server, downsized to 8,294,400 px (media_attachment.rb);
- Bluesky: 1,000,000 bytes (lexicon app.bsky.embed.images);
- webhook and website feed: our own limits.

A profile that makes no sense (a negative size, an unknown format, the credit and the logo in one
corner) is an ``ImproperlyConfigured`` naming the network and the key. Making the rendition itself
is ``publishing.renditions``'s.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS_PATH = Path(__file__).resolve().parent / "defaults" / "renditions.json"
# The formats a profile may ask for, with the MIME type and file extension of their renditions.
OUTPUT_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
POSITIONS = {"top-left", "top-right", "bottom-left", "bottom-right"}


@lru_cache(maxsize=1)
def _file_config() -> dict:
    return json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))


def _merge(base: dict, override: dict) -> dict:
    """``override`` over ``base``, recursively for dicts; lists and other values are replaced."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def config() -> dict:
    """The whole configuration: the JSON file with ``settings.VITRINE_RENDITIONS`` merged over it."""
    return _merge(_file_config(), getattr(settings, "VITRINE_RENDITIONS", None) or {})


def profile(network: str) -> dict:
    """The effective profile of ``network``: the defaults with the network's own values over them."""
    data = config()
    networks = data.get("networks", {})
    if network not in networks:
        raise ValueError(f"No image profile for the network {network!r} (known: {', '.join(sorted(networks))}).")
    result = _merge(data.get("defaults", {}), networks[network])
    result.pop("sources", None)
    _check_profile(network, result)
    return result


def _check_profile(network: str, p: dict) -> None:
    def fail(message: str):
        raise ImproperlyConfigured(f"Renditions, profile {network!r}: {message}")

    for key in ("max_width", "max_height", "max_bytes", "jpeg_quality", "min_jpeg_quality", "quality_step", "min_side"):
        if not isinstance(p.get(key), int) or p[key] < 1:
            fail(f"{key} must be a positive integer.")
    for key in ("max_pixels", "min_width", "max_png_bytes"):
        if p.get(key) is not None and (not isinstance(p[key], int) or p[key] < 1):
            fail(f"{key} must be a positive integer or null.")
    if not 1 <= p["min_jpeg_quality"] <= p["jpeg_quality"] <= 95:
        fail("qualities must satisfy 1 <= min_jpeg_quality <= jpeg_quality <= 95.")
    if not 0 < p.get("scale_step", 0) < 1:
        fail("scale_step must be between 0 and 1.")
    formats = p.get("output_formats") or []
    if not formats or any(name not in OUTPUT_FORMATS for name in formats):
        fail(f"output_formats must list some of {sorted(OUTPUT_FORMATS)}.")
    low, high = p.get("min_aspect"), p.get("max_aspect")
    if (low is not None and low <= 0) or (high is not None and high <= 0) or (low and high and low > high):
        fail("min_aspect and max_aspect must be positive, min_aspect <= max_aspect.")
    for part in ("credit", "logo"):
        if p[part].get("position") not in POSITIONS:
            fail(f"{part}.position must be one of {sorted(POSITIONS)}.")
    if p["credit"].get("enabled") and p["logo"].get("enabled") and p["credit"]["position"] == p["logo"]["position"]:
        fail("the credit and the logo cannot share a corner.")
