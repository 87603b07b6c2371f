"""What may be a client's mobile number, and what a person typed around it.

People type numbers the way they write them on paper: "801-555-0100 ext 5" or
"(801) 555 0100 - mom's phone". The number is what we text; the extension or note is kept
beside it (``phone_note``), never silently dropped. Which numbers a department may text is
a rule of the jurisdiction (its own Twilio numbers never, other countries only if allowed).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ValidationFailed
from .jurisdiction import Jurisdiction
from .phones import DEFAULT_REGION, display_phone, normalise_phone

MAX_PHONE_NOTE = 100
# What separates a number from the words around it: trimmed from the note's ends.
NOTE_TRIM = " \t-–—,;:/|()[]"


@dataclass(frozen=True)
class ClientPhone:
    """A typed number, split: the E.164 number to text, and what came with it."""

    e164: str
    extension: str = ""
    note: str = ""

    @property
    def phone_note(self) -> str:
        """The extension and the words around the number, as one line to keep."""
        parts = [f"ext. {self.extension}" if self.extension else "", self.note]
        return ", ".join(p for p in parts if p)


def parse_client_phone(text: str, region: str = DEFAULT_REGION) -> ClientPhone:
    """Find the one phone number in ``text`` and keep everything else as a note.

    phonenumbers' matcher finds the number and its extension; the text before and after it
    is the note. When it finds none, ``normalise_phone`` says what is wrong with the text.
    """
    import phonenumbers

    raw = (text or "").strip()
    found = list(phonenumbers.PhoneNumberMatcher(raw, region)) if raw else []
    if len(found) > 1:
        raise ValidationFailed(
            {"phone": "Enter one mobile number; put any other number in the notes."}
        )
    if not found:
        return ClientPhone(normalise_phone(raw, region))
    match = found[0]
    number = match.number
    extension = number.extension or ""
    number.extension = None
    around = f"{raw[: match.start].strip(NOTE_TRIM)} {raw[match.end :].strip(NOTE_TRIM)}"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ClientPhone(e164, extension, " ".join(around.split()))


def combined_note(moved: str, typed: str) -> str:
    """What was typed with the number, then what was typed in the note field itself
    (once: an edit that types the extension again does not repeat it)."""
    typed = " ".join((typed or "").split())
    if not moved or moved.casefold() in typed.casefold():
        return typed
    return f"{moved}, {typed}" if typed else moved


def number_refusal(e164: str, department_id: str, jurisdiction: Jurisdiction) -> str | None:
    """Why ``e164`` cannot be a mobile number of a client of ``department_id``, or None."""
    own = jurisdiction.department_for_number(e164)
    if own is not None and own.department_id == department_id:
        return (
            f"{display_phone(e164)} is this department's own texting number, not a client's "
            "phone. Enter the client's mobile number."
        )
    if own is not None:
        return (
            f"{display_phone(e164)} is the texting number of {own.name}, not a client's phone. "
            "Enter the client's mobile number."
        )
    country = region_of(e164)
    if country not in jurisdiction.allowed_countries:
        allowed = ", ".join(country_name(c) for c in jurisdiction.allowed_countries)
        return (
            f"{display_phone(e164)} is a number in {country_name(country)}. This department "
            f"texts numbers in {allowed} only."
        )
    return None


def region_of(e164: str) -> str:
    """The ISO country (or territory) a number belongs to, as phonenumbers knows it."""
    import phonenumbers

    return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None)) or "unknown"


def country_name(region: str) -> str:
    """A country's English name for messages ("US" → "United States")."""
    from .country_names import country_name as name_of

    return name_of(region)
