"""Per-network image renditions: sizes, ratios, byte limits, clean metadata, credit and logo, cache, refusals."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw, ImageFile, ImageStat

from publishing import rendition_profiles, renditions
from publishing.adapters.base import MediaFile
from publishing.renditions import Rendition, media_file, render

NETWORKS = ["facebook", "instagram", "linkedin", "x", "mastodon", "bluesky", "webhook", "feed"]
CREDIT = "Photo : Jean Tremblay"
BLUE = (0, 85, 140)


# Builders ------------------------------------------------------------------------------------------


def gradient(size: tuple[int, int]) -> Image.Image:
    return Image.linear_gradient("L").resize(size).convert("RGB")


def noise(size: tuple[int, int]) -> Image.Image:
    return Image.merge("RGB", [Image.effect_noise(size, 120) for _ in range(3)])


def save(image: Image.Image, path: Path, fmt: str = "JPEG", **params) -> Path:
    image.save(path, fmt, **params)
    return path


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels in a few bytes: what a decompression bomb looks like."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def opened(rendition: Rendition) -> Image.Image:
    image = Image.open(rendition.path)
    image.load()
    return image


def refusal(source, network: str = "facebook") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        render(source, network)
    return caught.value


# Sizes and ratios ----------------------------------------------------------------------------------


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("size", [(4200, 1400), (1400, 4200), (5000, 5000)])
def test_every_network_gets_its_box_its_pixel_count_and_its_aspect_ratio(network, size, tmp_path):
    source = save(gradient(size), tmp_path / "source.jpg")
    rendition = render(source, network)
    p = rendition_profiles.profile(network)
    image = opened(rendition)
    assert (image.width, image.height) == (rendition.width, rendition.height)
    assert image.width <= p["max_width"] and image.height <= p["max_height"]
    assert image.width * image.height <= (p["max_pixels"] or image.width * image.height)
    assert rendition.size_bytes == rendition.path.stat().st_size <= p["max_bytes"]
    ratio = image.width / image.height
    assert (p["min_aspect"] or 0) <= ratio <= (p["max_aspect"] or ratio)
    if not p["min_aspect"] and not p["max_aspect"]:
        assert ratio == pytest.approx(size[0] / size[1], rel=0.01)


def test_instagram_crops_a_wide_image_to_191_to_1_around_its_centre(tmp_path):
    # Red strips on both sides, blue in the middle: a centred crop keeps only blue at its edges.
    image = Image.new("RGB", (3000, 1000), "red")
    image.paste(BLUE, (500, 0, 2500, 1000))  # the crop keeps x = 545 to 2455
    rendition = render(save(image, tmp_path / "wide.png", "PNG"), "instagram")
    assert rendition.width / rendition.height == pytest.approx(1.91, abs=0.01)
    result = opened(rendition)
    for x in (2, rendition.width // 2, rendition.width - 3):
        red, _green, blue = result.getpixel((x, rendition.height // 2))
        assert blue > 100 and red < 60


def test_instagram_crops_a_tall_image_to_4_to_5_and_keeps_within_1440_pixels(tmp_path):
    rendition = render(save(gradient((1200, 4000)), tmp_path / "tall.jpg"), "instagram")
    assert rendition.width / rendition.height == pytest.approx(0.8, abs=0.01)
    assert rendition.width <= 1440 and rendition.height <= 1800


def test_instagram_widens_a_small_image_to_its_minimum_width(tmp_path):
    rendition = render(save(gradient((200, 200)), tmp_path / "small.jpg"), "instagram")
    assert rendition.width == 320


def test_other_networks_never_enlarge_a_small_image(tmp_path):
    rendition = render(save(gradient((200, 150)), tmp_path / "small.jpg"), "mastodon")
    assert (rendition.width, rendition.height) == (200, 150)


# Byte limits ---------------------------------------------------------------------------------------


def test_a_large_noisy_photo_fits_bluesky_s_million_bytes(tmp_path):
    source = save(noise((2600, 2600)), tmp_path / "noise.jpg", quality=90)
    assert source.stat().st_size > 3_000_000
    rendition = render(source, "bluesky")
    assert rendition.size_bytes == rendition.path.stat().st_size <= 1_000_000
    assert rendition.mime_type == "image/jpeg"
    assert 600 <= rendition.width <= 2000  # scaled down, not to a thumbnail


def test_the_quality_is_lowered_before_the_image_is_scaled_down(tmp_path, monkeypatch, settings):
    calls = []
    encode = renditions._encode
    monkeypatch.setattr(
        renditions,
        "_encode",
        lambda image, fmt, quality: calls.append((image.size, quality)) or encode(image, fmt, quality),
    )
    settings.VITRINE_RENDITIONS = {"networks": {"feed": {"max_bytes": 150_000}}}
    rendition = render(save(noise((800, 800)), tmp_path / "noise.jpg", quality=90), "feed")
    assert rendition.size_bytes <= 150_000
    qualities = [quality for size, quality in calls if size == (800, 800)]
    assert qualities == sorted(qualities, reverse=True) and qualities[-1] == 60
    assert calls[-1][0] < (800, 800)


def test_a_png_over_its_own_limit_is_scaled_down_and_stays_a_png(tmp_path):
    image = noise((1500, 1500)).convert("RGBA")
    image.putalpha(200)
    rendition = render(save(image, tmp_path / "noise.png", "PNG"), "facebook")
    assert rendition.mime_type == "image/png"
    assert rendition.size_bytes <= 1_000_000  # Facebook's advice for PNG files
    assert rendition.width < 1500


def test_an_image_that_cannot_fit_is_refused(tmp_path, settings):
    settings.VITRINE_RENDITIONS = {"networks": {"feed": {"max_bytes": 200}}}
    error = refusal(save(noise((600, 600)), tmp_path / "noise.jpg"), "feed")
    assert error.code == "cannot_fit"


# Metadata, orientation, colour ---------------------------------------------------------------------


def photo_with_metadata(path: Path, orientation: int = 1, size=(600, 400)) -> Path:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Appareil"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (46.0, 58.0, 49.0), 3: "W", 4: (70.0, 33.0, 18.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Montmagny</x:xmpmeta>'
    return save(gradient(size), path, exif=exif, icc_profile=icc, xmp=xmp)


def test_the_source_s_gps_position_and_all_metadata_are_absent_from_every_rendition(tmp_path):
    source = photo_with_metadata(tmp_path / "gps.jpg")
    assert Image.open(source).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for network in NETWORKS:
        rendition = render(source, network)
        image = opened(rendition)
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)
        data = rendition.path.read_bytes()
        assert b"Exif\0\0" not in data and b"Montmagny" not in data and b"Appareil" not in data


def test_a_png_rendition_keeps_none_of_the_source_s_chunks(tmp_path):
    from PIL.PngImagePlugin import PngInfo

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Appareil"  # without a main tag, Pillow writes no eXIf chunk
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (46.0, 58.0, 49.0)})
    text = PngInfo()
    text.add_text("Comment", "Montmagny")
    image = Image.open(transparent_png(tmp_path / "plain.png"))
    source = save(
        image,
        tmp_path / "tagged.png",
        "PNG",
        exif=exif,
        pnginfo=text,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    tagged = Image.open(source)
    tagged.load()  # the eXIf chunk comes after the pixels
    assert {"icc_profile", "Comment"} <= set(tagged.info) and tagged.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    rendition = render(source, "mastodon")
    result = opened(rendition)
    assert rendition.mime_type == "image/png" and not result.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "icc_profile", "Comment"} & set(result.info)
    assert b"Montmagny" not in rendition.path.read_bytes() and b"Appareil" not in rendition.path.read_bytes()


def test_the_exif_orientation_is_applied_to_the_pixels(tmp_path):
    # Orientation 6: the camera was turned; the stored 600 × 400 picture is shown 400 × 600.
    rendition = render(photo_with_metadata(tmp_path / "turned.jpg", orientation=6), "mastodon")
    assert (rendition.width, rendition.height) == (400, 600)
    assert ExifTags.Base.Orientation not in opened(rendition).getexif()


def test_a_cmyk_jpeg_becomes_rgb(tmp_path):
    source = save(gradient((300, 200)).convert("CMYK"), tmp_path / "cmyk.jpg")
    assert opened(render(source, "x")).mode == "RGB"


# Transparency and formats --------------------------------------------------------------------------


def transparent_png(path: Path) -> Path:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 100, 300, 300), fill=(*BLUE, 255))
    return save(image, path, "PNG")


@pytest.mark.parametrize("network", ["facebook", "linkedin", "x", "mastodon", "bluesky", "webhook", "feed"])
def test_a_png_with_transparency_stays_a_png_where_the_network_takes_them(network, tmp_path):
    rendition = render(transparent_png(tmp_path / "logo.png"), network)
    image = opened(rendition)
    assert (rendition.mime_type, rendition.path.suffix, image.format) == ("image/png", ".png", "PNG")
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_instagram_gets_a_jpeg_flattened_on_white(tmp_path):
    rendition = render(transparent_png(tmp_path / "logo.png"), "instagram")
    image = opened(rendition)
    assert (rendition.mime_type, rendition.path.suffix, image.format, image.mode) == (
        "image/jpeg",
        ".jpg",
        "JPEG",
        "RGB",
    )
    assert min(image.getpixel((3, 3))) > 245  # white where it was transparent
    assert image.getpixel((image.width // 2, image.height // 2))[2] > 100  # the blue disc stays


def test_an_opaque_png_photo_becomes_a_jpeg(tmp_path):
    rendition = render(save(gradient((500, 300)).convert("RGBA"), tmp_path / "opaque.png", "PNG"), "facebook")
    assert rendition.mime_type == "image/jpeg"


@pytest.mark.parametrize("fmt", ["WEBP", "GIF"])
def test_webp_and_the_first_frame_of_a_gif_are_accepted(fmt, tmp_path):
    frames = [Image.new("RGB", (120, 80), colour) for colour in ("red", "blue")]
    source = tmp_path / f"animated.{fmt.lower()}"
    frames[0].save(source, fmt, save_all=True, append_images=frames[1:], duration=100)
    image = opened(render(source, "mastodon"))
    red, _green, blue = image.getpixel((60, 40))
    assert red > 200 and blue < 60


# Credit and logo -----------------------------------------------------------------------------------


def grey(path: Path) -> Path:
    return save(Image.new("RGB", (1200, 800), (128, 128, 128)), path, "PNG")


def test_the_credit_is_drawn_on_a_band_in_the_bottom_right_corner(tmp_path):
    source = grey(tmp_path / "grey.png")
    plain = opened(render(source, "facebook"))
    credited = opened(render(source, "facebook", credit=CREDIT))
    difference = ImageChops.difference(plain, credited).getbbox()
    assert difference is not None
    left, top, right, bottom = difference
    assert left > plain.width / 2 and top > plain.height * 0.8 and right == plain.width and bottom == plain.height
    # The band darkens the corner; white text sits on it.
    corner = credited.crop((left, top, right, bottom))
    assert corner.convert("L").getextrema()[0] < 80 and corner.convert("L").getextrema()[1] > 200


def test_a_long_credit_is_kept_inside_the_image(tmp_path):
    rendition = render(grey(tmp_path / "grey.png"), "feed", credit="Photo : " + "Montmagny " * 40)
    left, _top, right, _bottom = ImageChops.difference(
        opened(rendition), opened(render(grey(tmp_path / "grey2.png"), "feed"))
    ).getbbox()
    assert left > 0 and right == rendition.width


def test_the_profile_can_turn_the_credit_off(tmp_path, settings):
    source = grey(tmp_path / "grey.png")
    plain = opened(render(source, "facebook"))
    settings.VITRINE_RENDITIONS = {"networks": {"facebook": {"credit": {"enabled": False}}}}
    assert not ImageChops.difference(plain, opened(render(source, "facebook", credit=CREDIT))).getbbox()


def test_the_credit_corner_is_configurable(tmp_path, settings):
    settings.VITRINE_RENDITIONS = {"defaults": {"credit": {"position": "top-left"}}}
    source = grey(tmp_path / "grey.png")
    left, top, _right, _bottom = ImageChops.difference(
        opened(render(source, "webhook")), opened(render(source, "webhook", credit=CREDIT))
    ).getbbox()
    assert (left, top) == (0, 0)


def test_the_city_s_logo_is_pasted_in_its_corner_when_the_profile_enables_it(tmp_path, settings):
    logo = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(logo).rectangle((10, 10, 290, 90), fill=(*BLUE, 255))
    logo_path = save(logo, tmp_path / "logo.png", "PNG")
    source = grey(tmp_path / "grey.png")
    plain = opened(render(source, "feed"))
    assert render(source, "feed", logo=logo_path).path == render(source, "feed").path  # off by default

    settings.VITRINE_RENDITIONS = {"networks": {"feed": {"logo": {"enabled": True, "width_ratio": 0.2}}}}
    with_logo = opened(render(source, "feed", logo=logo_path))
    left, top, right, bottom = ImageChops.difference(plain, with_logo).getbbox()
    assert right < plain.width / 3 and bottom < plain.height / 3 and left > 0 and top > 0
    assert with_logo.getpixel(((left + right) // 2, (top + bottom) // 2))[2] > 100


def test_the_credit_and_the_logo_may_not_share_a_corner(settings):
    settings.VITRINE_RENDITIONS = {"defaults": {"logo": {"enabled": True, "position": "bottom-right"}}}
    with pytest.raises(ImproperlyConfigured):
        rendition_profiles.profile("facebook")


# Cache ---------------------------------------------------------------------------------------------


def test_a_second_call_returns_the_cached_file_without_encoding_again(tmp_path, settings, monkeypatch):
    source = save(gradient((1600, 1200)), tmp_path / "source.jpg")
    first = render(source, "x", credit=CREDIT)
    assert first.path.is_relative_to(Path(settings.MEDIA_ROOT) / "renditions")
    written = first.path.stat().st_mtime_ns

    encodes = []
    monkeypatch.setattr(renditions, "_encode", lambda *args: encodes.append(args) or b"")
    second = render(source, "x", credit=CREDIT)
    assert second == first and encodes == []
    assert first.path.stat().st_mtime_ns == written


def test_the_cache_key_follows_the_source_the_network_the_profile_the_credit_and_the_logo(tmp_path, settings):
    source = save(gradient((800, 600)), tmp_path / "source.jpg")
    paths = {
        render(source, "x").path,
        render(source, "mastodon").path,
        render(source, "x", credit=CREDIT).path,
        render(save(gradient((800, 601)), tmp_path / "other.jpg"), "x").path,
    }
    settings.VITRINE_RENDITIONS = {"networks": {"x": {"max_width": 500}}}
    paths.add(render(source, "x").path)
    assert len(paths) == 5
    assert not list(Path(settings.MEDIA_ROOT, "renditions").rglob("*.part"))


# Sources -------------------------------------------------------------------------------------------


def test_a_django_file_is_read_and_left_open_at_its_start():
    buffer = io.BytesIO()
    gradient((300, 200)).save(buffer, "PNG")
    upload = SimpleUploadedFile("affiche.png", buffer.getvalue(), content_type="image/png")
    rendition = render(upload, "webhook")
    assert (rendition.width, rendition.height) == (300, 200)
    assert not upload.closed and upload.tell() == 0
    assert render(File(io.BytesIO(buffer.getvalue()), name="affiche.png"), "webhook") == rendition


@pytest.mark.django_db
def test_a_media_asset_renders_with_its_own_credit_and_becomes_an_adapter_s_media_file():
    from tests import factories

    asset = factories.media(factories.person(), credit=CREDIT, alt_text="L'affiche de la fête")
    credited = render(asset, "mastodon")
    assert credited != render(asset, "mastodon", credit="Autre crédit")
    assert credited == render(asset.file.path, "mastodon", credit=CREDIT)
    assert asset.file.closed

    media = media_file(credited, asset.alt_text)
    assert media == MediaFile(credited.path, "image/jpeg", "L'affiche de la fête")
    assert media.read() == credited.path.read_bytes()


def test_an_unknown_network_or_source_type_is_a_programming_error(tmp_path):
    source = save(gradient((100, 100)), tmp_path / "source.jpg")
    with pytest.raises(ValueError, match="youtube"):
        render(source, "youtube")
    with pytest.raises(TypeError):
        render(object(), "x")


def test_the_setting_is_merged_over_the_data_file(settings):
    settings.VITRINE_RENDITIONS = {"networks": {"bluesky": {"max_width": 500}}, "defaults": {"jpeg_quality": 80}}
    bluesky = rendition_profiles.profile("bluesky")
    assert (bluesky["max_width"], bluesky["max_height"], bluesky["max_bytes"]) == (500, 2000, 1_000_000)
    assert bluesky["jpeg_quality"] == 80 and bluesky["credit"]["position"] == "bottom-right"
    assert rendition_profiles.profile("instagram")["output_formats"] == ["JPEG"]


def test_a_broken_setting_is_reported(settings):
    settings.VITRINE_RENDITIONS = {"networks": {"x": {"output_formats": ["TIFF"]}}}
    with pytest.raises(ImproperlyConfigured, match="output_formats"):
        rendition_profiles.profile("x")


# Memory: a large source is decoded no larger than its target needs -----------------------------------


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size of every image the pipeline starts from (what ``render`` decoded), in order."""
    sizes = []
    to_srgb = renditions._to_srgb

    def recording(image):
        sizes.append(image.size)
        return to_srgb(image)

    monkeypatch.setattr(renditions, "_to_srgb", recording)
    return sizes


def small_feed(settings, width: int = 400, height: int = 400, **extra) -> None:
    settings.VITRINE_RENDITIONS = {
        "networks": {"feed": {"max_width": width, "max_height": height, "max_bytes": 10_000_000, **extra}}
    }


@pytest.mark.parametrize(
    "fmt, decoded",
    [("JPEG", (800, 600)), ("PNG", (800, 600))],  # 3200 × 2400 for a 400 × 300 rendition: a quarter per side
    ids=["jpeg-decoded-smaller", "png-reduced-once-decoded"],
)
def test_a_source_much_larger_than_its_target_is_reduced_before_it_is_processed(
    fmt, decoded, tmp_path, settings, decoded_sizes
):
    small_feed(settings)
    rendition = render(save(gradient((3200, 2400)), tmp_path / f"large.{fmt.lower()}", fmt), "feed")
    assert decoded_sizes == [decoded]
    assert (rendition.width, rendition.height) == (400, 300)
    assert decoded[0] >= renditions.REDUCING_GAP * rendition.width


def test_the_reduced_decoding_looks_like_the_full_one(tmp_path, settings, monkeypatch):
    small_feed(settings)
    source = save(noise((3200, 2400)).resize((800, 600)).resize((3200, 2400)), tmp_path / "photo.jpg", quality=92)
    first = render(source, "feed")
    reduced = opened(first)
    first.path.unlink()  # made again, from the full-size decoding
    monkeypatch.setattr(renditions, "REDUCING_GAP", 10**6)
    full = opened(render(source, "feed"))
    assert reduced.size == full.size
    assert max(ImageStat.Stat(ImageChops.difference(reduced, full)).mean) < 3  # of 255; ~1.7 measured


@pytest.mark.parametrize("size", [(5000, 5000), (4200, 1400), (2048, 1365)])
def test_a_source_less_than_four_times_its_target_is_decoded_at_full_size(size, tmp_path, decoded_sizes):
    render(save(gradient(size), tmp_path / "photo.jpg"), "facebook")  # 2048 px: 2.4 times smaller at most
    assert decoded_sizes == [size]


def test_the_reduction_follows_the_orientation_the_image_is_shown_in(tmp_path, settings):
    """Stored 3200 × 800 and turned a quarter: shown 800 × 3200, it only halves to fit 400 × 3200."""
    small_feed(settings, width=400, height=3200)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    rendition = render(save(gradient((3200, 800)), tmp_path / "turned.jpg", exif=exif), "feed")
    assert (rendition.width, rendition.height) == (400, 1600)


# Refusals ------------------------------------------------------------------------------------------


def test_an_image_over_the_pixel_limit_of_the_data_is_refused(tmp_path, settings):
    settings.VITRINE_RENDITIONS = {"limits": {"max_source_pixels": 10_000}}
    assert refusal(save(gradient((101, 100)), tmp_path / "big.jpg")).code == "decompression_bomb"
    assert render(save(gradient((100, 100)), tmp_path / "fine.jpg"), "facebook").width == 100


@pytest.mark.parametrize("side", [10_000, 40_000])  # Pillow warns above 89.5 Mpx, and raises above 179 Mpx
def test_a_decompression_bomb_is_refused_before_it_is_decoded(side, tmp_path, settings):
    settings.VITRINE_RENDITIONS = {"limits": {"max_source_pixels": 10**10}}  # only Pillow's own checks remain
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header_only(side, side))
    assert bomb.stat().st_size < 100
    assert refusal(bomb).code == "decompression_bomb"


def test_a_truncated_jpeg_is_refused_and_never_padded(tmp_path):
    data = (save(noise((400, 400)), tmp_path / "whole.jpg")).read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 2])
    assert refusal(cut).code == "truncated_image"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_truncated_png_is_refused(tmp_path):
    data = save(noise((300, 300)), tmp_path / "whole.png", "PNG").read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    assert refusal(cut).code in {"not_an_image", "truncated_image"}


def test_a_file_that_is_not_an_image_is_refused(tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("La collecte des feuilles aura lieu le 3 novembre.")
    assert refusal(text).code == "not_an_image"


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_a_format_outside_the_allowed_list_is_refused(fmt, tmp_path):
    source = save(gradient((50, 50)), tmp_path / f"image.{fmt.lower()}", fmt)
    error = refusal(source)
    assert error.code == "format_not_allowed"
    assert error.params["format"] == fmt and "WebP" in error.params["allowed"] and "MPO" not in error.params["allowed"]


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1024
    assert refusal(save(noise((200, 200)), tmp_path / "heavy.jpg")).code == "file_too_large"


def test_a_refused_logo_refuses_the_rendition(tmp_path, settings):
    settings.VITRINE_RENDITIONS = {"defaults": {"logo": {"enabled": True}}}
    logo = tmp_path / "logo.bmp"
    save(gradient((50, 50)), logo, "BMP")
    with pytest.raises(ValidationError):
        render(save(gradient((300, 300)), tmp_path / "source.jpg"), "x", logo=logo)
