"""Field validators: bounded uploads of real images, known time zones."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image


def validate_image_upload(file) -> None:
    """Refuse files over MEDIA_MAX_UPLOAD_BYTES, anything Pillow cannot fully verify as an image, and
    images no network rendition may start from (their format or size, ``publishing.renditions``).

    Assumes ``file`` is a Django ``File``; leaves its position at the start.
    """
    from publishing.renditions import check_source  # the limits of what the city can publish

    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise ValidationError(
            _("This file weighs %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format, size = image.format, image.size
            image.verify()
    except Image.DecompressionBombError:
        raise too_many_pixels() from None
    except Exception:
        raise not_an_image() from None
    finally:
        file.seek(0)
    check_source(image_format, size)


def too_many_pixels() -> ValidationError:
    return ValidationError(_("This image has too many pixels to be processed safely."), code="decompression_bomb")


def not_an_image() -> ValidationError:
    return ValidationError(_("This file is not an image, or it is damaged."), code="not_an_image")


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not a known time zone (e.g. America/Toronto)."),
            code="unknown_time_zone",
            params={"value": value},
        ) from None
