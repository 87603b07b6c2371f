"""What may be sent as a text: visible, not too long, free of control characters."""

from __future__ import annotations

import unicodedata

from .errors import ValidationFailed
from .segments import MAX_BODY

KEPT_CONTROLS = frozenset("\n\t")
# Categories that print nothing: controls, formats (zero-width space, joiners, BOM),
# separators. A body made only of these would arrive as an empty-looking text.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Characters of other categories that draw nothing either: the rest of Unicode's
# Default_Ignorable_Code_Point (Hangul fillers are letters, variation selectors and the
# grapheme joiner are marks, some are unassigned), fillers and the braille blank, which
# phones draw as a space. A text made only of these arrives looking empty.
BLANK_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors, vowel separator
    (0x2060, 0x206F),  # word joiner, invisible operators, deprecated formats
    (0x2800, 0x2800),  # braille pattern blank
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),  # reserved, ignorable
    (0x16FE4, 0x16FE4),  # Khitan small script filler
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D159, 0x1D159),  # musical symbol null notehead
    (0x1D173, 0x1D17A),  # musical formatting controls
    (0xE0000, 0xE0FFF),  # tags, variation selectors supplement
)


def clean_body(body: str) -> str:
    """Drop control characters (NUL, escape codes a paste can carry), keep line breaks and
    tabs, unify line endings, trim the ends. Format characters such as the zero-width
    joiner stay: emoji sequences need them."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch in KEPT_CONTROLS or unicodedata.category(ch) != "Cc")
    return kept.strip()


def is_blank(ch: str) -> bool:
    """Does this character draw nothing on a phone's screen?"""
    if unicodedata.category(ch) in INVISIBLE_CATEGORIES:
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in BLANK_RANGES)


def has_visible_text(body: str) -> bool:
    """Anything a reader would see: what counts as "not empty" for every text we take."""
    return not all(is_blank(ch) for ch in body)


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
