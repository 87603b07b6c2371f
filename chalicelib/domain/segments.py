"""SMS segments the way carriers split a body: GSM-7 when every character is in the
GSM 03.38 alphabet, otherwise UCS-2 for the whole message (one emoji is enough).

Case managers see the count as they type (templates/static/app.js mirrors this, and a
browser test compares the two); the local fake Twilio bills with the same function.
"""

from __future__ import annotations

# GSM 03.38 basic alphabet (one septet each), without the escape character itself.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: sent as escape + char, so two septets each.
GSM_EXTENDED = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(body: str) -> bool:
    """True when the whole body can be sent in the GSM-7 alphabet."""
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in body)


def _units(body: str, gsm: bool) -> list[int]:
    """Width of each character in the encoding's units (septets or UTF-16 code units)."""
    if gsm:
        return [2 if ch in GSM_EXTENDED else 1 for ch in body]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in body]


def _pack(widths: list[int], capacity: int) -> int:
    """Greedy split into parts; a character never straddles two parts."""
    parts, used = 1, 0
    for width in widths:
        if used + width > capacity:
            parts += 1
            used = 0
        used += width
    return parts


def count_segments(body: str) -> int:
    """Number of SMS segments Twilio would bill for this body (at least 1)."""
    gsm = is_gsm7(body)
    widths = _units(body, gsm)
    single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    if sum(widths) <= single:
        return 1
    return _pack(widths, part)


MAX_BODY = 1600  # Twilio refuses longer bodies (error 21617)


def describe(body: str) -> dict[str, int | str]:
    """What the counter under the message box shows: encoding, characters, segments."""
    gsm = is_gsm7(body)
    return {
        "encoding": "GSM-7" if gsm else "UCS-2",
        "length": len(body),
        "segments": count_segments(body) if body else 0,
    }
