"""Naming a download: RFC 6266 ``Content-Disposition`` for any client name.

HTTP header values are Latin-1 at best, so a name like ``Nguyễn`` or ``李`` cannot go in
raw (the response failed to encode), and a ``"`` or ``;`` in a name must never end the
value early. Browsers use ``filename*`` (UTF-8, percent-encoded, RFC 8187); older ones
fall back to a plain ASCII ``filename``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_NOT_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RUNS = re.compile(r"[-_]{2,}")


def ascii_fallback(name: str, default: str = "download") -> str:
    """Letters with accents lose them; anything else not plainly safe becomes ``_``."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = _RUNS.sub("-", _NOT_SAFE.sub("_", plain)).strip("._-")
    ext = _NOT_SAFE.sub("", ext)
    plain = plain or default
    return f"{plain}.{ext}" if ext else plain


def attachment(name: str) -> str:
    """The header value: ASCII only, whatever ``name`` holds."""
    encoded = quote(name, safe="")
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"
