"""Field validators: bounded uploads of real images, known time zones."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image


def validate_image_upload(file, *, decode: bool = True) -> None:
    """Refuse files over MEDIA_MAX_UPLOAD_BYTES, anything Pillow cannot verify as an image, images no
    network rendition may start from (their format or size), and images whose pixels do not decode
    (a truncated JPEG...), with the renditions' own messages (``publishing.renditions``).

    Assumes ``file`` is a Django ``File``; leaves its position at the start. ``decode=False`` leaves
    the pixels to a caller that decodes them itself right after (``publishing.renditions.render``).
    """
    from publishing.renditions import check_decodes, check_source  # what the city can publish

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
            image.verify()  # the structure (a PNG's chunks and their checksums), not the pixels
    except Image.DecompressionBombError:
        raise too_many_pixels() from None
    except Exception:
        raise not_an_image() from None
    finally:
        file.seek(0)
    check_source(image_format, size)
    if decode:
        check_decodes(file)  # bounded: a JPEG is decoded at 1/8 scale (see there)


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
