import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from calendar_app.validators import validate_image_upload, validate_time_zone
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


def test_time_zones_must_be_known():
    validate_time_zone("America/Toronto")
    with pytest.raises(ValidationError):
        validate_time_zone("America/Montmagny")
