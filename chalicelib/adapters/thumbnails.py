"""Small JPEG copies of inbound photos, made once when a photo is copied (Pillow).

Pillow and pillow-heif load only here, in the media-copy worker: the web function's cold
start never pays for them. HEIC (iPhones) is opened through pillow-heif and comes out a
JPEG like the rest; the EXIF orientation is applied so a photo taken sideways shows
upright. A file Pillow cannot read, or one that would decode to an enormous image, gets
no thumbnail (``None``): the original is still kept.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from typing import Any

from ..domain.media import THUMB_PIXELS

MAX_PIXELS = 40_000_000  # a 5 MB file can claim far more pixels than memory holds
JPEG_QUALITY = 80


@lru_cache(maxsize=1)
def _image_module() -> Any:
    import pillow_heif  # type: ignore[import-untyped]
    from PIL import Image

    pillow_heif.register_heif_opener()
    return Image


def thumbnail(data: bytes) -> bytes | None:
    """A JPEG whose long side is at most THUMB_PIXELS, or None for an unreadable image."""
    image_module = _image_module()
    from PIL import ImageOps

    try:
        with image_module.open(BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return None
            image.draft("RGB", (THUMB_PIXELS, THUMB_PIXELS))  # JPEG: decode smaller
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
            out = BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY)
            return out.getvalue()
    except (OSError, ValueError, SyntaxError, image_module.DecompressionBombError):
        return None  # UnidentifiedImageError is an OSError
