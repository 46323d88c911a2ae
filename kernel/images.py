"""What any image source must be, wherever it comes from, and the refusals that say why not.

One home for the checks the upload validator (``calendar_app.validators.validate_image_upload``) and
the renditions (``publishing.renditions.render``) both make, with their messages: the file's weight
(``MEDIA_MAX_UPLOAD_BYTES``), a structure Pillow can verify, a format from the allowed list, a pixel
count under the ceiling, and pixels that decode. A file is refused when it is uploaded, with the
same message the renditions would give it later, not by the worker when the post is due.

The global limits are here; what each network accepts is the renditions' (their profiles). The
setting ``VITRINE_RENDITIONS`` may override these two, under its ``limits`` key:
``{"limits": {"max_source_pixels": ..., "allowed_source_formats": [...]}}``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# 80 Mpx covers current 61 Mpx cameras and stays under Pillow's DecompressionBombWarning threshold
# (89,478,485 px).
MAX_SOURCE_PIXELS = 80_000_000
# MPO is how Pillow names the multi-picture JPEGs many cameras and phones write; their first picture
# is used, like a GIF's first frame.
ALLOWED_SOURCE_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF")
# How formats are named to people; MPO is a JPEG as far as they know.
FORMAT_NAMES = {"JPEG": "JPEG", "MPO": "", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
# Formats whose decoder can itself decode at 1/2, 1/4 or 1/8 scale (libjpeg's scaled IDCT, Pillow's draft).
DRAFT_FORMATS = {"JPEG", "MPO"}


def source_limits() -> dict:
    """What any source must respect: ``allowed_source_formats`` (a set of Pillow's format names) and
    ``max_source_pixels``, with ``settings.VITRINE_RENDITIONS["limits"]`` over the defaults above."""
    overrides = (getattr(settings, "VITRINE_RENDITIONS", None) or {}).get("limits") or {}
    result = {"max_source_pixels": MAX_SOURCE_PIXELS, "allowed_source_formats": ALLOWED_SOURCE_FORMATS}
    result.update({key: value for key, value in overrides.items() if key != "sources"})
    if not isinstance(result.get("max_source_pixels"), int) or result["max_source_pixels"] < 1:
        raise ImproperlyConfigured("Renditions: limits.max_source_pixels must be a positive integer.")
    result["allowed_source_formats"] = {name.upper() for name in result.get("allowed_source_formats") or ()}
    return result


# Refusals (English msgids; the catalogue translates them) ------------------------------------------


def file_too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("This file weighs %(size)s; the limit is %(limit)s."),
        code="file_too_large",
        params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


def too_many_pixels() -> ValidationError:
    return ValidationError(_("This image has too many pixels to be processed safely."), code="decompression_bomb")


def not_an_image() -> ValidationError:
    return ValidationError(_("This file is not an image, or it is damaged."), code="not_an_image")


def truncated() -> ValidationError:
    return ValidationError(
        _("This image is incomplete: the file was cut short. Upload it again."), code="truncated_image"
    )


def format_not_allowed(found: str, allowed: set[str]) -> ValidationError:
    names = sorted({FORMAT_NAMES.get(name, name) for name in allowed} - {""})
    return ValidationError(
        _("Images in the %(format)s format cannot be published; use one of: %(allowed)s."),
        code="format_not_allowed",
        params={"format": found, "allowed": ", ".join(names)},
    )


# Checks --------------------------------------------------------------------------------------------


def check_image_file(file, *, decode: bool = True) -> None:
    """Refuse files over MEDIA_MAX_UPLOAD_BYTES, anything Pillow cannot verify as an image, images no
    rendition may start from (their format or size, ``check_source``), and images whose pixels do not
    decode (a truncated JPEG..., ``check_decodes``).

    Assumes ``file`` is a Django ``File``; leaves its position at the start. ``decode=False`` leaves
    the pixels to a caller that decodes them itself right after (``publishing.renditions.render``).
    """
    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise file_too_large(file.size, limit)
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


def check_source(image_format: str | None, size: tuple[int, int]) -> None:
    """Refuse an image whose format or size no rendition may start from (``source_limits()``), with the reason."""
    rules = source_limits()
    if image_format not in rules["allowed_source_formats"]:
        raise format_not_allowed(image_format or "?", rules["allowed_source_formats"])
    width, height = size
    if width * height > rules["max_source_pixels"]:
        raise too_many_pixels()


def check_decodes(file) -> None:
    """Refuse a file whose pixels do not decode (cut short, a damaged chunk...), with the renditions' message.

    Asked after ``check_source``: Pillow's ``verify()`` reads a PNG's chunks but decodes no pixels, and
    reads almost nothing of a JPEG, so a truncated photo would pass it and be refused only by the worker
    when the post is due. Decoding costs memory, so it is bounded: a JPEG is decoded at 1/8 scale (libjpeg
    still reads and decodes every block of the file, so a cut or damaged stream is found, but it keeps
    1/64 of the pixels: 1.2 Mpx for an 80 Mpx photo); other formats have no reduced decoding and are
    decoded in full, within ``max_source_pixels``, as their rendition will be. (A progressive JPEG makes
    libjpeg hold every block's coefficients whatever the scale.) Leaves ``file`` at its start.
    """
    file.seek(0)
    try:
        load_image(open_image(file), reduced_by=8)  # not closed: Image.close() would close the caller's file
    finally:
        file.seek(0)


# Decoding ------------------------------------------------------------------------------------------


@contextmanager
def decoding() -> Iterator[None]:
    """Turn what Pillow raises on a file it cannot use into a ``ValidationError`` saying why."""
    try:
        # Pillow warns between MAX_IMAGE_PIXELS and twice that, and raises above; both are refusals here.
        # (catch_warnings is process-wide; at worst another thread sees this filter for a moment.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except UnidentifiedImageError:
        raise not_an_image() from None
    except OSError as error:
        # ImageFile.LOAD_TRUNCATED_IMAGES stays False: a cut file is refused, never padded with grey.
        if "truncated" in str(error).lower():
            raise truncated() from None
        raise not_an_image() from None
    except Exception:
        # Plugins fail in many ways on malformed data (SyntaxError, struct.error, ValueError...).
        raise not_an_image() from None


def open_image(file) -> Image.Image:
    """``file`` opened by Pillow: its format, size and metadata read, no pixels decoded yet."""
    with decoding():
        return Image.open(file)  # its format and size passed check_source


def load_image(image: Image.Image, *, reduced_by: int = 1) -> Image.Image:
    """The first frame of ``image`` (a GIF's, a WebP's, an MPO's), decoded; a JPEG up to ``reduced_by`` times
    smaller per side, by its decoder (1, 2, 4 or 8 times: the largest not over ``reduced_by``)."""
    with decoding():
        if reduced_by >= 2 and image.format in DRAFT_FORMATS:
            width, height = image.size
            # Draft picks the largest of 8, 4, 2 not above min(width // asked width, height // ...): ask for
            # the rounded-down size, or an odd side would halve it once less.
            image.draft(image.mode, (max(1, width // reduced_by), max(1, height // reduced_by)))
        image.load()
    return image
