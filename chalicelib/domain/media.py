"""Photos and files that travel with a text (MMS): which kinds are kept, how big, where.

Twilio passes through many content types; the agency keeps what a case manager can use
(photos, PDFs; audio, video and contact cards as downloads) and refuses the rest with a
note in the conversation. Each item's bytes live only in the jurisdiction's private media
bucket, under a key that names its owner (a client, or a department's unclaimed number),
never at Twilio once copied (issue 22).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

MAX_BYTES = 5 * 1024 * 1024  # per file, in and out (Twilio's own MMS limit is 5 MB)
THUMB_PIXELS = 320  # the long side of an inline thumbnail

# Shown inline (a thumbnail made once); HEIC/HEIF are converted for browsers.
IMAGE_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/heic": "heic",
    "image/heif": "heif",
}
DOCUMENT_TYPES = {"application/pdf": "pdf"}  # a link that opens it
# Kept as downloadable files (no thumbnail).
FILE_TYPES = {
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/amr": "amr",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "video/quicktime": "mov",
    "text/vcard": "vcf",
    "text/x-vcard": "vcf",
}
# What staff may attach to a text they send (Twilio sends these to US phones as MMS).
OUTBOUND_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", **DOCUMENT_TYPES}


class MediaKind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    FILE = "file"
    REFUSED = "refused"


class MediaState(StrEnum):
    ARRIVING = "arriving"  # the text is stored; its copy waits in the media queue
    STORED = "stored"  # the agency's copy is in the bucket
    REFUSED = "refused"  # a type or size we don't keep (nothing copied)
    FAILED = "failed"  # the copy gave up (Twilio's file gone, or every retry failed)


def base_type(content_type: str) -> str:
    """``image/jpeg; charset=…`` → ``image/jpeg``, lower case."""
    return content_type.split(";", 1)[0].strip().lower()


def kind_of(content_type: str) -> MediaKind:
    kind = base_type(content_type)
    if kind in IMAGE_TYPES:
        return MediaKind.IMAGE
    if kind in DOCUMENT_TYPES:
        return MediaKind.DOCUMENT
    if kind in FILE_TYPES:
        return MediaKind.FILE
    return MediaKind.REFUSED


def extension(content_type: str) -> str:
    kind = base_type(content_type)
    return {**IMAGE_TYPES, **DOCUMENT_TYPES, **FILE_TYPES}.get(kind, "bin")


@dataclass(frozen=True)
class MediaItem:
    """One file of a text. ``key`` is the original's object key in the media bucket, ``thumb_key``
    its small JPEG copy (images only); both empty until stored. ``note`` says why an item
    was refused or failed, in words a case manager understands."""

    index: int
    content_type: str
    state: MediaState
    key: str = ""
    thumb_key: str = ""
    size: int | None = None
    name: str = ""  # what staff see and exports list ("photo-1.jpg", or an upload's name)
    note: str = ""

    @property
    def kind(self) -> MediaKind:
        return kind_of(self.content_type)

    def stored(self, key: str, size: int, thumb_key: str = "") -> MediaItem:
        return replace(self, state=MediaState.STORED, key=key, size=size, thumb_key=thumb_key)

    def refused(self, note: str) -> MediaItem:
        return replace(self, state=MediaState.REFUSED, note=note)

    def failed(self, note: str) -> MediaItem:
        return replace(self, state=MediaState.FAILED, note=note)


def arriving(index: int, content_type: str) -> MediaItem:
    """An inbound item as the webhook stores it: arriving, or refused at once for a type we
    don't keep (nothing is fetched for it)."""
    name = f"{'photo' if kind_of(content_type) is MediaKind.IMAGE else 'file'}-{index + 1}"
    item = MediaItem(index, base_type(content_type)[:100], MediaState.ARRIVING, name=name)
    item = replace(item, name=f"{name}.{extension(content_type)}")
    if item.kind is MediaKind.REFUSED:
        return item.refused(f"A file of type {item.content_type or 'unknown'} was not kept.")
    return item


def too_big_note(size: int) -> str:
    return f"A file of {size / 1024 / 1024:.1f} MB was not kept (the limit is 5 MB)."


_OWNER = re.compile(r"[^A-Za-z0-9_.#+-]")


def object_key(owner: str, entry_id: str, index: int, content_type: str) -> str:
    """``media/<owner>/<entry id>/<index>.<ext>``: one key per item, so a copy made twice
    writes the same object (the second write changes nothing a viewer sees)."""
    safe_owner = _OWNER.sub("_", owner)
    safe_entry = _OWNER.sub("_", entry_id)
    return f"media/{safe_owner}/{safe_entry}/{index}.{extension(content_type)}"


def thumbnail_key(key: str) -> str:
    return key.rsplit(".", 1)[0] + ".thumb.jpg"


def upload_key(owner: str, upload_id: str, content_type: str) -> str:
    """Where the browser posts an attachment before the text that carries it is sent."""
    return f"media/{_OWNER.sub('_', owner)}/uploads/{upload_id}.{extension(content_type)}"
