"""Phone numbers: everything we store is E.164; everything a person types is parsed here.

``phonenumbers`` and its metadata cost ~13 ms to import, more than a third of what the app
adds to a cold start, and many requests never read a number: it is imported by the functions
that need it, on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import ValidationFailed

DEFAULT_REGION = "US"
# The form every stored number has: "+", a country code and at most 15 digits, nothing else.
# A plain string: ``re`` compiles and caches it on first use, not at import.
STORED_FORM = r"\+[1-9][0-9]{1,14}"


def written_as_stored(text: str) -> bool:
    """Is ``text`` written exactly as numbers are stored (E.164, as Twilio sends them)?

    Says nothing of validity: only ``normalise_phone`` can. A caller may look such a text
    up among numbers that ``normalise_phone`` wrote (a hit is the number it would make
    again) before paying for the parser, and must parse anything it does not find.
    """
    return re.fullmatch(STORED_FORM, text) is not None


def normalise_phone(text: str, region: str = DEFAULT_REGION, field: str = "phone") -> str:
    """Return ``text`` as an E.164 number or raise ValidationFailed with a message for a person.

    Numbers written without a country code are read as numbers of ``region``.
    """
    import phonenumbers

    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed({field: "Enter a phone number."})
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed({field: f"“{raw}” is not a phone number."}) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed(
            {field: f"“{raw}” is not a valid phone number. Use 10 digits, like 801-555-0123."}
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def display_phone(e164: str) -> str:
    """Show a stored number the way people in its country write it (cached: a page shows
    the same few numbers many times, and parsing one costs ~50 µs)."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if parsed.country_code == 1:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def as_typed(text: str, region: str = DEFAULT_REGION) -> str:
    """A number to put in a form, written as its hint asks ("10 digits, like 801-555-0123");
    a number from abroad in international form; anything unreadable as it came."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse((text or "").strip(), region)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(parsed):
        return text
    if parsed.country_code == 1:
        national = str(parsed.national_number)
        return f"{national[:3]}-{national[3:6]}-{national[6:]}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def digits(text: str) -> str:
    """Only the digits of ``text``: what a number search compares."""
    return "".join(ch for ch in text if ch.isdigit())
