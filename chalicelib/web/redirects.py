"""Where to go after signing in: only a path of ours, never another site.

Browsers drop tabs and newlines from a URL and read ``\\`` as ``/``, so ``/\\t/evil`` becomes
``//evil``: the target is parsed as a URL and refused when it has any scheme, any host,
any control character or backslash, or a path that a browser could read as a host.
A Location header carries ASCII only, so any other character of a path we keep is
percent-encoded (UTF-8), as a browser would send it.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

HOME = "/caseload"
# Printable ASCII goes out as it is ("%" included: an escape already made stays one).
PRINTABLE_ASCII = "".join(chr(code) for code in range(0x21, 0x7F))


def safe_next(target: str | None, default: str = HOME) -> str:
    """``target`` if it is a plain path on this site (non-ASCII percent-encoded), else
    ``default``."""
    if not target or any(ord(ch) < 0x21 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return default
    try:
        parts = urlsplit(target)
        encoded = quote(target, safe=PRINTABLE_ASCII)
    except (ValueError, UnicodeEncodeError):  # a lone surrogate has no UTF-8 form
        return default
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return default
    if parts.path.startswith("//"):
        return default
    return encoded
