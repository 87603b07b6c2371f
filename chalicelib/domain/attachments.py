"""A file a case manager attaches to a text: which uploads a send may name, and its name.

The browser uploads the file straight to the media bucket under a key the app chose for
that client (``media.upload_key``); the send form then names that key. The form is the
browser's to change, so the key is checked again here: only this client's uploads, in a
type staff may send. A forged key for another client's file is refused, never signed.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import ValidationFailed
from .media import (
    MAX_BYTES,
    OUTBOUND_TYPES,
    MediaItem,
    MediaState,
    base_type,
    extension,
    upload_key,
)

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
NAME_LENGTH = 80
TOO_BIG = "The file is larger than 5 MB, the most a picture message can carry."
WRONG_TYPE = "Only a photo (JPEG, PNG or GIF) or a PDF can be sent."
NOT_UPLOADED = "The attached file did not finish uploading. Remove it and attach it again."


def check_upload_request(content_type: str, size: int) -> str:
    """The type a browser may upload, or a refusal (the bucket's policy enforces it too)."""
    kind = base_type(content_type)
    if kind not in OUTBOUND_TYPES:
        raise ValidationFailed({"attachment": WRONG_TYPE})
    if size < 1 or size > MAX_BYTES:
        raise ValidationFailed({"attachment": TOO_BIG if size > MAX_BYTES else NOT_UPLOADED})
    return kind


def upload_prefix_of(client_id: str) -> str:
    """Where this client's uploads are: ``media.upload_key`` with the client as owner."""
    return upload_key(client_id, "", "").rsplit("/", 1)[0] + "/"


def check_upload_key(client_id: str, key: str) -> str:
    """``key`` if it is one of this client's uploads in a type staff may send, else a
    refusal. The id must look like one the app hands out (32 hex digits)."""
    prefix = upload_prefix_of(client_id)
    rest = key[len(prefix) :] if key.startswith(prefix) else ""
    upload_id, _, ext = rest.partition(".")
    if not UPLOAD_ID.match(upload_id) or ext not in set(OUTBOUND_TYPES.values()):
        raise ValidationFailed({"attachment": NOT_UPLOADED})
    return key


def safe_name(name: str, content_type: str) -> str:
    """What staff and exports see: the picked file's name without paths, controls or
    anything but letters, digits and ``._- ``; its extension the type's own."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKC", base).rsplit(".", 1)[0]
    kept = "".join(c for c in base if c.isalnum() or c in "._- ").strip(" .")
    return f"{(kept or 'attachment')[:NAME_LENGTH]}.{extension(content_type)}"


def attached_item(key: str, content_type: str, size: int, name: str) -> MediaItem:
    """The outbound entry's item: already in the bucket, so stored from the start. What the
    bucket holds is judged by the rule the upload was asked under."""
    kind = check_upload_request(content_type, size)
    return MediaItem(0, kind, MediaState.STORED, key=key, size=size, name=safe_name(name, kind))
