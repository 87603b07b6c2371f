"""What may be sent as a text: visible, not too long, free of control characters."""

from __future__ import annotations

import unicodedata

from .errors import ValidationFailed
from .segments import MAX_BODY

KEPT_CONTROLS = frozenset("\n\t")
# Categories that print nothing: controls, formats (zero-width space, joiners, BOM),
# separators. A body made only of these would arrive as an empty-looking text.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def clean_body(body: str) -> str:
    """Drop control characters (NUL, escape codes a paste can carry), keep line breaks and
    tabs, unify line endings, trim the ends. Format characters such as the zero-width
    joiner stay: emoji sequences need them."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch in KEPT_CONTROLS or unicodedata.category(ch) != "Cc")
    return kept.strip()


def has_visible_text(body: str) -> bool:
    return any(unicodedata.category(ch) not in INVISIBLE_CATEGORIES for ch in body)


def checked_body(body: str) -> str:
    """The body to send, or ValidationFailed with a message for the person who wrote it."""
    text = clean_body(body)
    if not has_visible_text(text):
        raise ValidationFailed({"body": "Write a message first."})
    if len(text) > MAX_BODY:
        raise ValidationFailed(
            {"body": f"The message is {len(text)} characters; texts stop at {MAX_BODY}."}
        )
    return text
