"""Field validators: bounded uploads of real images and PDF documents, known time zones."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
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


def validate_contest_rules_pdf(file) -> None:
    """A contest's rules (art. 5.8): a PDF document (its name and its first bytes say so) of at most
    ``CONTEST_RULES_MAX_BYTES``."""
    limit = settings.CONTEST_RULES_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("The rules document weighs more than %(size)d MB: attach a lighter PDF, or give its address."),
            code="too_large",
            params={"size": limit // (1024 * 1024)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    start = file.read(5)
    file.seek(position)
    if not str(file.name).lower().endswith(".pdf") or start != b"%PDF-":
        raise ValidationError(_("The contest rules must be a PDF document."), code="not_pdf")
