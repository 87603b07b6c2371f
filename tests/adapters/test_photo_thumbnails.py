"""Thumbnails of inbound photos: small JPEGs, HEIC converted, upright, none for a broken file."""

from __future__ import annotations

from io import BytesIO

import pillow_heif
from PIL import Image

from chalicelib.adapters.thumbnails import thumbnail
from chalicelib.domain.media import THUMB_PIXELS

pillow_heif.register_heif_opener()


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    out = BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def test_a_heic_photo_becomes_a_jpeg_thumbnail():
    heic = encoded(Image.new("RGB", (1200, 800), (200, 30, 30)), "HEIF")
    small = opened(thumbnail(heic))
    assert small.format == "JPEG"
    assert small.size == (THUMB_PIXELS, THUMB_PIXELS * 800 // 1200)


def test_a_photo_taken_sideways_is_shown_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    jpeg = encoded(Image.new("RGB", (640, 320), (10, 10, 200)), "JPEG", exif=exif)
    small = opened(thumbnail(jpeg))
    assert small.width < small.height  # turned upright: taller than wide
    assert max(small.size) == THUMB_PIXELS


def test_png_and_gif_become_jpeg_thumbnails_too():
    for kind, mode in (("PNG", "RGBA"), ("GIF", "P")):
        small = opened(thumbnail(encoded(Image.new(mode, (100, 50)), kind)))
        assert (small.format, small.size) == ("JPEG", (100, 50))  # never enlarged


def test_a_broken_image_gets_no_thumbnail():
    assert thumbnail(b"\xff\xd8\xff\xe0 not really a jpeg") is None
    assert thumbnail(b"") is None
