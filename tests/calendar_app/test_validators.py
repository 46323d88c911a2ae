import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from calendar_app.validators import validate_image_upload, validate_time_zone
from publishing.renditions import render
from tests import factories


def test_a_real_image_passes():
    validate_image_upload(factories.image_upload())


def test_a_file_over_the_limit_is_refused_with_its_size(settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError) as raised:
        validate_image_upload(factories.image_upload())
    assert raised.value.code == "file_too_large"


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7 not an image", factories.png_bytes()[:40], b""],
    ids=["pdf", "truncated", "empty"],
)
def test_non_images_and_damaged_images_are_refused(content):
    with pytest.raises(ValidationError) as raised:
        validate_image_upload(SimpleUploadedFile("photo.png", content))
    assert raised.value.code == "not_an_image"


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # 64 × 64 is then "too many pixels" by Pillow's own guard
    buffer = io.BytesIO()
    Image.new("L", (64, 64)).save(buffer, format="PNG")
    with pytest.raises(ValidationError) as raised:
        validate_image_upload(SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert raised.value.code == "decompression_bomb"


def test_an_image_no_network_rendition_may_start_from_is_refused_at_upload():
    """A TIFF is a real image, but the renditions refuse it: refused when uploaded, not by the worker."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="TIFF")
    with pytest.raises(ValidationError) as raised:
        validate_image_upload(SimpleUploadedFile("scan.tif", buffer.getvalue()))
    assert raised.value.code == "format_not_allowed"
    assert "TIFF" in raised.value.messages[0]


def test_an_image_over_the_renditions_pixel_limit_is_refused_at_upload(settings):
    settings.VITRINE_RENDITIONS = {"limits": {"max_source_pixels": 100}}
    with pytest.raises(ValidationError) as raised:
        validate_image_upload(factories.image_upload(size=(64, 64)))
    assert raised.value.code == "decompression_bomb"


def noisy(size: tuple[int, int]) -> Image.Image:
    return Image.merge("RGB", [Image.effect_noise(size, 120) for _ in range(3)])


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def png_with_damaged_pixels() -> bytes:
    """A PNG whose compressed pixels are garbled under a correct checksum: Pillow's verify() passes it."""
    data = encoded(noisy((64, 64)), "PNG")
    start = data.index(b"IDAT") - 4
    (length,) = struct.unpack(">I", data[start : start + 4])
    body = bytes(
        byte ^ 0xFF if 10 <= index < 60 else byte for index, byte in enumerate(data[start + 8 : start + 8 + length])
    )
    chunk = struct.pack(">I", length) + b"IDAT" + body + struct.pack(">I", zlib.crc32(b"IDAT" + body))
    return data[:start] + chunk + data[start + 12 + length :]


def refusals(name: str, content: bytes) -> tuple[ValidationError, ValidationError]:
    """What the upload validator says about ``content``, and what a rendition of it would say."""
    with pytest.raises(ValidationError) as at_upload:
        validate_image_upload(SimpleUploadedFile(name, content))
    with pytest.raises(ValidationError) as at_publishing:
        render(SimpleUploadedFile(name, content), "facebook")
    return at_upload.value, at_publishing.value


def test_a_truncated_jpeg_is_refused_at_upload_with_the_renditions_message():
    whole = encoded(noisy((400, 400)), "JPEG")
    at_upload, at_publishing = refusals("photo.jpg", whole[: len(whole) // 2])
    assert at_upload.code == at_publishing.code == "truncated_image"
    assert at_upload.messages == at_publishing.messages


def test_a_png_whose_pixels_do_not_decode_is_refused_at_upload_with_the_renditions_message():
    content = png_with_damaged_pixels()
    Image.open(io.BytesIO(content)).verify()  # what the validator used to rely on
    at_upload, at_publishing = refusals("affiche.png", content)
    assert at_upload.code == at_publishing.code == "not_an_image"
    assert at_upload.messages == at_publishing.messages


def test_the_upload_check_decodes_a_jpeg_at_an_eighth_of_its_size(monkeypatch):
    """A photo's pixels are decoded to find a cut file, but its full-size bitmap is never built."""
    decoded = []
    load = ImageFile.ImageFile.load

    def recording_load(image):
        result = load(image)
        decoded.append(image.size)
        return result

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    validate_image_upload(SimpleUploadedFile("photo.jpg", encoded(noisy((1600, 1200)), "JPEG")))
    assert decoded == [(200, 150)]


def test_time_zones_must_be_known():
    validate_time_zone("America/Toronto")
    with pytest.raises(ValidationError):
        validate_time_zone("America/Montmagny")
