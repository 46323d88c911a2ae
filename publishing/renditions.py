"""Per-network image renditions: oriented, cropped, resized, stamped, stripped of metadata, within byte limits.

What each network's rendition must be (its box, pixel count, aspect ratios, formats, byte limits, where
the credit and the logo go) is its profile, read and checked by ``publishing.rendition_profiles``;
this module makes the rendition a profile describes: it reads and decodes the source, orients it,
converts its colours, crops and scales it, has ``publishing.rendition_overlays`` draw the credit and
the logo, encodes it within the byte limit and caches the file.

``render`` refuses, with a ``ValidationError``, what must not be processed: files over the upload limit,
non-images, damaged or truncated files, formats outside the allowed list, and images with too many
pixels (decompression bombs). These checks, their limits and their messages are ``kernel.images``'s,
which the upload validator makes too, so such a file is refused when it is uploaded; ``render`` checks
again, and decodes in full, for a source stored before.

A rendition's memory follows its target, not its source: a source much larger than the network's box is
decoded at a reduced scale where the format allows it (a JPEG's ``draft``), and otherwise reduced by a whole
factor (``Image.reduce``) as soon as it is decoded, always keeping ``REDUCING_GAP`` times the target's
pixels per side so that the final resampling, and what people see, does not change.

Renditions are cached under ``MEDIA_ROOT/renditions/<network>/``, named by a hash of the source's bytes,
the network's effective profile, the credit and the logo: the same request returns the same file
without encoding it again.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageOps

from kernel.images import check_image_file, decoding, load_image, open_image
from publishing.adapters.base import MediaFile
from publishing.rendition_overlays import paste_logo, stamp_credit
from publishing.rendition_profiles import OUTPUT_FORMATS, profile

# Part of every cache key: bump it when the processing changes, so cached renditions are made again.
PIPELINE_VERSION = 1
# A source is decoded smaller only while it keeps this many times its target's size per side, so the final
# LANCZOS resampling still has the detail it needs: Pillow's own default for ``thumbnail`` (whose
# documentation says the result is then close to resampling the full image). A source less than twice this
# (4 times) larger per side than its target, ordinary photos included, is decoded and resampled as before.
REDUCING_GAP = 2.0
# Modes that Image.reduce averages correctly (not palette indices, not 16-bit greys before _to_srgb).
REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "CMYK"}
# Exif orientations that turn the image a quarter: the source's width becomes the rendition's height.
QUARTER_TURNS = {5, 6, 7, 8}


@dataclass(frozen=True)
class Rendition:
    """One image file made for one network."""

    path: Path
    mime_type: str
    width: int
    height: int
    size_bytes: int


@dataclass(frozen=True)
class PlannedRendition:
    """What ``render`` makes of an image of a known size, told without reading it (the previews).

    ``crop`` is the centre crop to the profile's aspect ratios, in the source's pixels (left, top,
    width, height); ``width`` and ``height`` the rendition's size, which a JPEG too heavy for the
    profile's byte limit makes smaller still, at the same ratio. The size is the upright one: a
    source turned by its Exif orientation is given with its width and height as seen.
    """

    crop: tuple[int, int, int, int]
    width: int
    height: int
    source_width: int
    source_height: int

    @property
    def cropped(self) -> bool:
        return self.crop[2:] != (self.source_width, self.source_height)


def planned_rendition(width: int, height: int, network: str) -> PlannedRendition:
    """The crop and size ``render`` gives a ``width`` × ``height`` image for ``network`` (same steps:
    crop to the aspect ratios, fit within the box and pixel count, crop again after rounding).
    Raises ``ValueError`` for a network without a profile."""
    p = profile(network)
    low, high = p.get("min_aspect"), p.get("max_aspect")
    crop_width, crop_height = _cropped_size((width, height), low, high)
    crop = ((width - crop_width) // 2, (height - crop_height) // 2, crop_width, crop_height)
    fitted = _cropped_size(_scaled_size((crop_width, crop_height), _fit_scale((crop_width, crop_height), p)), low, high)
    return PlannedRendition(crop, fitted[0], fitted[1], width, height)


def media_file(rendition: Rendition, alt_text: str = "") -> MediaFile:
    """The rendition as an adapter's ``MediaFile``, with its description."""
    return MediaFile(path=rendition.path, mime_type=rendition.mime_type, alt_text=alt_text)


# Errors (English msgids; the catalogues translate them) --------------------------------------------


def _cannot_fit(limit: int) -> ValidationError:
    return ValidationError(
        _("This image cannot be made lighter than %(limit)s without becoming unusable."),
        code="cannot_fit",
        params={"limit": filesizeformat(limit)},
    )


# Sources -------------------------------------------------------------------------------------------


def _read_file(file: File) -> bytes:
    """The bytes of a Django ``File`` that passes the upload checks (``kernel.images.check_image_file``)."""
    was_closed = file.closed
    file.open("rb")
    try:
        with warnings.catch_warnings():
            # check_image_file would let the warning through; decoding() turns it into a refusal.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # render decodes the pixels itself right after, with the same messages.
            check_image_file(file, decode=False)
        return file.read()
    finally:
        if was_closed:
            file.close()
        else:
            file.seek(0)


def _read_source(source) -> tuple[bytes, str]:
    """The source's bytes and its own credit (a ``MediaAsset``'s), from a path, a ``File`` or a media asset."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return _read_file(File(handle, name=os.fspath(source))), ""
    if isinstance(source, File):
        return _read_file(source), ""
    field = getattr(source, "file", None)
    if isinstance(field, File):
        return _read_file(field), getattr(source, "credit", "") or ""
    raise TypeError(f"Cannot render {type(source).__name__}: give a path, a Django File or a MediaAsset.")


def _decode(data: bytes) -> Image.Image:
    """A fully loaded first frame of ``data``, or a ``ValidationError`` saying why it cannot be used."""
    return load_image(open_image(io.BytesIO(data)))


def _reduction_for(image: Image.Image, p: dict) -> int:
    """How many times smaller per side the opened ``image`` may be decoded for profile ``p``: what stays
    is at least ``REDUCING_GAP`` times the size the pipeline gives it (``_crop_to_aspect``, then ``_fit``),
    so the rendition does not change to the eye. 1 for a source not that much larger than its target."""
    width, height = image.size
    with decoding():  # a PNG's Exif may follow its pixels: Pillow decodes them to read it
        if image.getexif().get(ExifTags.Base.Orientation) in QUARTER_TURNS:
            width, height = height, width
    scale = _fit_scale(_cropped_size((width, height), p.get("min_aspect"), p.get("max_aspect")), p)
    return max(1, math.floor(1 / (scale * REDUCING_GAP)))


def _decode_for(data: bytes, p: dict) -> Image.Image:
    """The first frame of ``data``, decoded no larger than profile ``p`` needs (``_reduction_for``).

    A JPEG is decoded smaller by its decoder, so its full-size bitmap never exists (a 79 Mpx photo
    for Facebook: 20 Mpx decoded instead of 79). Other formats cannot be: they are decoded in full
    and reduced at once, so the pipeline's copies (orientation, colours, crop) are made of the
    reduced image. ``Image.reduce`` averages boxes of pixels, which keeps the detail the final
    LANCZOS needs. A source within ``2 * REDUCING_GAP`` of its target is returned as decoded.
    """
    image = open_image(io.BytesIO(data))
    source_width = image.width
    factor = _reduction_for(image, p)
    image = load_image(image, reduced_by=factor)
    remaining = factor // round(source_width / image.width)  # what the decoder did not already do
    if remaining >= 2 and image.mode in REDUCIBLE_MODES:
        image = image.reduce(remaining)
    return image


# Processing ----------------------------------------------------------------------------------------


def _has_transparency(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        alpha = image.getchannel("A")
        return alpha.getextrema()[0] < 255
    return "transparency" in image.info


def _to_srgb(image: Image.Image) -> Image.Image:
    """Orientation applied, colours in sRGB, mode RGB or RGBA, and no metadata left.

    Changes ``image`` itself where it can rather than copying it (Pillow holds an RGB pixel in 4 bytes:
    a 79 Mpx photo weighs 316 MB a copy): give it an image nothing else uses.
    """
    ImageOps.exif_transpose(image, in_place=True)
    icc = image.info.get("icc_profile")
    transparent = _has_transparency(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("P", "PA", "LA", "La", "RGBa") or (transparent and image.mode not in ("RGBA",)):
        image = image.convert("RGBA")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if "srgb" not in ImageCms.getProfileDescription(source_profile).lower():
                output = "RGBA" if image.mode == "RGBA" else "RGB"
                image = ImageCms.profileToProfile(
                    image, source_profile, ImageCms.createProfile("sRGB"), outputMode=output
                )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable or mismatched profile: the pixels are taken as sRGB
    mode = "RGBA" if transparent else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    image.info = {}
    return image


def _cropped_size(size: tuple[int, int], min_aspect: float | None, max_aspect: float | None) -> tuple[int, int]:
    """``size`` cut to the allowed range of width / height, if it is outside."""
    width, height = size
    if max_aspect and width / height > max_aspect:
        return max(1, math.floor(height * max_aspect)), height
    if min_aspect and width / height < min_aspect:
        return width, max(1, math.floor(width / min_aspect))
    return size


def _crop_to_aspect(image: Image.Image, min_aspect: float | None, max_aspect: float | None) -> Image.Image:
    """Crop the centre of ``image`` to the allowed range of width / height, if it is outside."""
    width, height = image.size
    new_width, new_height = _cropped_size(image.size, min_aspect, max_aspect)
    if (new_width, new_height) == (width, height):
        return image
    left, top = (width - new_width) // 2, (height - new_height) // 2
    return image.crop((left, top, left + new_width, top + new_height))


def _scaled_size(size: tuple[int, int], scale: float) -> tuple[int, int]:
    if scale == 1:
        return size
    width, height = size
    return max(1, math.floor(width * scale + 1e-6)), max(1, math.floor(height * scale + 1e-6))


def _scaled(image: Image.Image, scale: float) -> Image.Image:
    if scale == 1:
        return image
    return image.resize(_scaled_size(image.size, scale), Image.Resampling.LANCZOS)


def _fit_scale(size: tuple[int, int], p: dict) -> float:
    """The scale that puts ``size`` within the profile's box and pixel count, at least its minimum width;
    never above 1 otherwise."""
    width, height = size
    scale = min(1.0, p["max_width"] / width, p["max_height"] / height)
    if p.get("max_pixels"):
        scale = min(scale, math.sqrt(p["max_pixels"] / (width * height)))
    if p.get("min_width") and width * scale < p["min_width"]:
        scale = p["min_width"] / width
    return scale


def _fit(image: Image.Image, p: dict) -> Image.Image:
    """Within the profile's box and pixel count, at least its minimum width; never upscaled otherwise."""
    return _crop_to_aspect(_scaled(image, _fit_scale(image.size, p)), p.get("min_aspect"), p.get("max_aspect"))


def _flatten(image: Image.Image, background: str) -> Image.Image:
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, background)
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def _encode(image: Image.Image, output_format: str, quality: int) -> bytes:
    """The encoded file: no EXIF, XMP, ICC or text chunks, since none is passed and ``info`` is empty."""
    image.info = {}
    buffer = io.BytesIO()
    if output_format == "JPEG":
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _encode_within(image: Image.Image, output_format: str, p: dict) -> tuple[Image.Image, bytes]:
    """Encode under the byte limit: lower the JPEG quality first, then scale down until it fits."""
    limit = p["max_bytes"]
    if output_format == "PNG" and p.get("max_png_bytes"):
        limit = min(limit, p["max_png_bytes"])
    smallest = max(p["min_side"], p.get("min_width") or 0)
    quality, scale, current = p["jpeg_quality"], 1.0, image
    while True:
        data = _encode(current, output_format, quality)
        if len(data) <= limit:
            return current, data
        if output_format == "JPEG" and quality > p["min_jpeg_quality"]:
            quality = max(p["min_jpeg_quality"], quality - p["quality_step"])
            continue
        # Bytes grow roughly with the pixel count: aim just under the limit, at least one step down.
        scale *= max(0.5, min(p["scale_step"], math.sqrt(limit / len(data)) * 0.97))
        current = _crop_to_aspect(_scaled(image, scale), p.get("min_aspect"), p.get("max_aspect"))
        if min(current.size) < p["min_side"] or current.width < smallest:
            raise _cannot_fit(limit)


# Rendering -----------------------------------------------------------------------------------------


def _cache_dir(network: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "renditions" / network


def _cache_key(source_sha: str, network: str, p: dict, credit: str, logo_sha: str) -> str:
    payload = {
        "pipeline": PIPELINE_VERSION,
        "source": source_sha,
        "network": network,
        "profile": p,
        "credit": credit,
        "logo": logo_sha,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _cached(directory: Path, key: str) -> Rendition | None:
    for name, (mime_type, extension) in OUTPUT_FORMATS.items():
        path = directory / f"{key}{extension}"
        if not path.exists():
            continue
        try:
            with Image.open(path, formats=[name]) as image:
                width, height = image.size
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # a damaged cache entry is made again
            continue
        return Rendition(path, mime_type, width, height, path.stat().st_size)
    return None


def _write(directory: Path, name: str, data: bytes) -> Path:
    """Write atomically: concurrent workers never see, nor serve, a half-written file."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, directory / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return directory / name


def render(source, network: str, *, credit: str = "", logo=None) -> Rendition:
    """The image ``source`` made ready for ``network``, from the cache when it was made before.

    ``source`` is a path, a Django ``File`` or a ``MediaAsset`` (whose own credit is used when
    ``credit`` is empty). ``logo`` is the path of the city's logo. The credit and the logo are drawn
    only where the network's profile enables them. Raises ``ValidationError`` for a source that must
    not be processed, ``ValueError`` for a network without a profile.
    """
    p = profile(network)
    data, own_credit = _read_source(source)
    credit = (credit or own_credit).strip() if p["credit"].get("enabled") else ""
    logo_data = b""
    if logo is not None and p["logo"].get("enabled"):
        logo_data, _logo_credit = _read_source(logo)  # checked as any source is
    key = _cache_key(
        hashlib.sha256(data).hexdigest(),
        network,
        p,
        credit,
        hashlib.sha256(logo_data).hexdigest() if logo_data else "",
    )
    directory = _cache_dir(network)
    cached = _cached(directory, key)
    if cached is not None:
        return cached

    image = _to_srgb(_decode_for(data, p))
    image = _crop_to_aspect(image, p.get("min_aspect"), p.get("max_aspect"))
    image = _fit(image, p)
    transparent = image.mode == "RGBA"
    if transparent and "PNG" in p["output_formats"]:
        output_format = "PNG"
    else:
        output_format = "JPEG" if "JPEG" in p["output_formats"] else "PNG"
    if output_format == "JPEG":
        image = _flatten(image, p["background"])
    if logo_data:
        image = paste_logo(image, _to_srgb(_decode(logo_data)), p["logo"])
    if credit:
        image = stamp_credit(image, credit, p["credit"])
    image, encoded = _encode_within(image, output_format, p)

    mime_type, extension = OUTPUT_FORMATS[output_format]
    path = _write(directory, f"{key}{extension}", encoded)
    return Rendition(path, mime_type, image.width, image.height, len(encoded))
