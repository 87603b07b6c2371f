"""How a text's photos and files are named to people: in links (which entry, which item),
in words (name, type, size) for exports, and how a browser should open each one.

Pure: no URL of the bucket is made here. Pages link to the app's own media route, which
checks the viewer and signs a short-lived URL (services/media_views.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from .conversation import sort_key
from .media import MediaItem, MediaKind, MediaState

# An entry in a URL: its time, compact (digits, T, Z: nothing a path needs to escape),
# then its id. The store keys entries by time and id (domain/conversation.py::sort_key),
# so a ref finds its entry with one GetItem.
_STAMP = "%Y%m%dT%H%M%S%fZ"
_REF = re.compile(r"^(\d{8}T\d{12}Z)-([A-Za-z0-9_.-]{1,120})$")
# Browsers show these inline; HEIC/HEIF open as downloads (their thumbnail is a JPEG).
BROWSER_IMAGES = frozenset({"image/jpeg", "image/png", "image/gif"})
THUMB_BOX = 200  # the CSS pixels a thumbnail is shown in (it is made at most 320 px)


def entry_ref(at: datetime, entry_id: str) -> str:
    """The path segment that names an entry: ``20261203T174200123456Z-SM0123…``."""
    return f"{at.astimezone(UTC).strftime(_STAMP)}-{entry_id}"


def key_of_ref(ref: str) -> str | None:
    """The store's sort key for a ref (see ``entry_ref``), or None for anything else."""
    found = _REF.match(ref)
    if found is None:
        return None
    try:
        at = datetime.strptime(found.group(1), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return sort_key(at, found.group(2))


def opens_inline(item: MediaItem) -> bool:
    """Photos a browser can show and PDFs open in the tab; other files are downloaded."""
    return item.content_type in BROWSER_IMAGES or item.kind is MediaKind.DOCUMENT


def has_thumbnail(item: MediaItem) -> bool:
    return item.state is MediaState.STORED and item.kind is MediaKind.IMAGE and bool(item.thumb_key)


def print_uses_thumbnail(item: MediaItem) -> bool:
    """The print view shows the original when a browser can draw it (HEIC: its JPEG copy)."""
    return item.content_type not in BROWSER_IMAGES


def size_label(size: int | None) -> str:
    """``1.2 MB``, ``340 KB``, ``12 bytes``; "" when unknown."""
    if size is None:
        return ""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} bytes"


def kind_label(item: MediaItem) -> str:
    """A short word for the kind of file: "photo", "PDF", "audio", "video", "contact card"."""
    if item.kind is MediaKind.IMAGE:
        return "photo"
    if item.kind is MediaKind.DOCUMENT:
        return "PDF"
    major = item.content_type.split("/", 1)[0]
    if major in ("audio", "video"):
        return major
    if "vcard" in item.content_type:
        return "contact card"
    return "file"


def described(item: MediaItem) -> str:
    """One item in words, for exports and the disclosure file: name, type, size, and for
    an item not kept, why. Never a URL."""
    name = item.name or f"file-{item.index + 1}"
    parts = [item.content_type or "unknown type"]
    if item.size is not None:
        parts.append(size_label(item.size))
    if item.state is MediaState.ARRIVING:
        parts.append("still arriving")
    elif item.state in (MediaState.REFUSED, MediaState.FAILED):
        parts.append(f"not kept: {item.note}" if item.note else "not kept")
    return f"{name} ({', '.join(parts)})"


def listing(items: Iterable[MediaItem]) -> str:
    """Every item of a text, separated by "; " ("" when it carries none)."""
    return "; ".join(described(item) for item in items)
