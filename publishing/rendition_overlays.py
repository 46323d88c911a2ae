"""The credit and the city's logo drawn on a rendition, each in the corner its profile names.

The credit (Charte art. 5.9) is white text on a semi-opaque black band, its size a share of the
image's longer side; where it is wider than nine tenths of the image, it is made smaller (never
under its minimum size), then shortened with an ellipsis. The logo (art. 9.1) is scaled to a share
of the width, and left out of an image too short for it. Both take an image already in sRGB (RGB
or RGBA) and return one of the same mode. Where they go and their proportions are each profile's
(``publishing.rendition_profiles``).
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFont


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError, TypeError):
        return ImageFont.load_default()  # Pillow without FreeType: the small bitmap font


def _corner(position: str, box: tuple[int, int], size: tuple[int, int], margin: int = 0) -> tuple[int, int]:
    width, height = box
    item_width, item_height = size
    x = margin if position.endswith("left") else width - item_width - margin
    y = margin if position.startswith("top") else height - item_height - margin
    return x, y


def stamp_credit(image: Image.Image, text: str, spec: dict) -> Image.Image:
    """``text`` in white on a semi-opaque black band, in the profile's corner (art. 5.9)."""
    width, height = image.size
    size = max(spec["min_font_px"], round(spec["font_ratio"] * max(width, height)))
    font = _font(size)
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    available = width * 0.9
    left, top, right, bottom = measure.textbbox((0, 0), text, font=font)
    if right - left > available and size > spec["min_font_px"]:
        size = max(spec["min_font_px"], math.floor(size * available / (right - left)))
        font = _font(size)
        left, top, right, bottom = measure.textbbox((0, 0), text, font=font)
    while right - left > available and len(text) > 1:
        text = text[:-2].rstrip() + "…"
        left, top, right, bottom = measure.textbbox((0, 0), text, font=font)
    padding = max(2, round(size * spec["padding_ratio"]))
    band = (right - left + 2 * padding, bottom - top + 2 * padding)
    x, y = _corner(spec["position"], (width, height), band)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((x, y, x + band[0] - 1, y + band[1] - 1), fill=(0, 0, 0, round(255 * spec["band_opacity"])))
    draw.text((x + padding - left, y + padding - top), text, font=font, fill=(255, 255, 255, 255))
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert(image.mode)


def paste_logo(image: Image.Image, logo: Image.Image, spec: dict) -> Image.Image:
    """The city's logo, scaled to a share of the width, in the profile's corner (art. 9.1)."""
    width, height = image.size
    logo_width = max(1, round(width * spec["width_ratio"]))
    logo_height = max(1, round(logo.height * logo_width / logo.width))
    if logo_height > height:
        return image
    scaled = logo.convert("RGBA").resize((logo_width, logo_height), Image.Resampling.LANCZOS)
    margin = round(min(width, height) * spec["margin_ratio"])
    base = image.convert("RGBA")
    base.alpha_composite(scaled, _corner(spec["position"], (width, height), scaled.size, margin))
    return base.convert(image.mode)
