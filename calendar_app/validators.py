"""Field validators: bounded uploads of real images, known time zones."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.images import check_image_file


def validate_image_upload(file) -> None:
    """The image fields' validator: the checks of ``kernel.images.check_image_file`` (weight, a real
    image, a format and a pixel count any rendition may start from, pixels that decode), so that a
    file the renditions would refuse is refused when it is uploaded, with their message."""
    check_image_file(file)


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not a known time zone (e.g. America/Toronto)."),
            code="unknown_time_zone",
            params={"value": value},
        ) from None
