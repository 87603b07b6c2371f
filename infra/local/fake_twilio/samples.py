"""Small valid files a simulated phone can attach by name: ``media=["jpeg"]``.

Images are drawn with Pillow on first use (imported here only, so a fake that never sends
a sample never loads it); HEIC is the iPhone camera's default, through pillow-heif. The PDF
is a one-page document written out by hand.
"""

from __future__ import annotations

import functools
import io

from .media_store import MediaFile

# name -> (content type, Pillow format)
IMAGE_SAMPLES = {
    "jpeg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
    "gif": ("image/gif", "GIF"),
    "heic": ("image/heic", "HEIF"),
}
PDF_SAMPLE = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)
SAMPLE_NAMES = (*IMAGE_SAMPLES, "pdf")


def sample(name: str) -> MediaFile:
    """A built-in file by name (jpeg, png, gif, heic, pdf); ValueError for another name."""
    if name == "pdf":
        return MediaFile("application/pdf", PDF_SAMPLE)
    if name not in IMAGE_SAMPLES:
        raise ValueError(f"no sample called {name!r}; choose one of {', '.join(SAMPLE_NAMES)}")
    content_type, _ = IMAGE_SAMPLES[name]
    return MediaFile(content_type, _image_bytes(name))


@functools.cache
def _image_bytes(name: str) -> bytes:
    """A 32x24 picture (two colours, so a thumbnail of it is still a picture)."""
    from PIL import Image, ImageDraw

    if name == "heic":
        import pillow_heif  # type: ignore[import-untyped]

        pillow_heif.register_heif_opener()
    image = Image.new("RGB", (32, 24), (11, 87, 208))
    ImageDraw.Draw(image).rectangle((8, 6, 23, 17), fill=(250, 200, 40))
    out = io.BytesIO()
    image.save(out, format=IMAGE_SAMPLES[name][1])
    return out.getvalue()
