"""The texts an appointment sends: reminders (and the "see you" ones that follow a "Y"),
cancellations and the replies to Y and N.

A department may edit the wording, so templates are user text. They are never given to
``str.format`` (a supervisor's ``{0.__class__}`` must stay text, not run): placeholders are
found with a regular expression and substituted here, and anything else in braces is
refused when the template is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import ValidationFailed
from .message_body import has_visible_text
from .placeholders import pieces
from .segments import count_segments, is_gsm7

PLACEHOLDERS = ("first_name", "kind", "date", "time", "place")
MAX_TEMPLATE = 480  # three GSM-7 segments: longer costs more than it helps
FIELD = "template"
DEFAULT_LANGUAGE = "en"


class Purpose(StrEnum):
    REMINDER = "reminder"
    CANCELLED = "cancelled"
    THANKS = "thanks"  # sent after the client confirms
    RESCHEDULE_NOTED = "reschedule_noted"  # sent after they said they can't come
    SEE_YOU = "see_you"  # a reminder after the client confirmed: no question any more


# What each required placeholder is for: a reminder without a date and time reminds of nothing.
REQUIRED: dict[Purpose, tuple[str, ...]] = {
    Purpose.REMINDER: ("date", "time"),
    Purpose.SEE_YOU: ("date", "time"),
}

KINDS: dict[str, dict[str, str]] = {
    "court": {"en": "court date", "es": "cita en la corte"},
    "treatment": {"en": "treatment class", "es": "clase de tratamiento"},
    "check_in": {"en": "check-in", "es": "cita de reporte"},
    "other": {"en": "appointment", "es": "cita"},
}

# Said when the appointment has no place, so ", {place}." never dangles.
NO_PLACE = {"en": "the usual place", "es": "el lugar de costumbre"}

# Spanish is written without á, í, ó, ú where the wording allows: those are outside GSM-7
# and would make every text UCS-2 (70 characters a segment instead of 160).
DEFAULT_TEMPLATES: dict[str, dict[Purpose, str]] = {
    "en": {
        Purpose.REMINDER: (
            "Hi {first_name}, reminder: your {kind} is {date} at {time}, {place}. "
            "Reply Y to confirm or N if you can't make it."
        ),
        Purpose.CANCELLED: (
            "Hi {first_name}, your {kind} on {date} at {time} is cancelled. "
            "Your case manager will be in touch."
        ),
        Purpose.THANKS: "Thank you, {first_name}. See you {date} at {time}.",
        Purpose.SEE_YOU: "Hi {first_name}, see you {date} at {time}, {place}.",
        Purpose.RESCHEDULE_NOTED: (
            "Thanks for letting us know, {first_name}. "
            "Your case manager will contact you about a new time."
        ),
    },
    "es": {
        Purpose.REMINDER: (
            "Hola {first_name}, recordatorio: su {kind} es el {date} a las {time}, {place}. "
            "Responda SI para confirmar o NO si no puede asistir."
        ),
        Purpose.CANCELLED: (
            "Hola {first_name}, su {kind} del {date} a las {time} queda cancelada. "
            "Su encargado de caso le va a contactar."
        ),
        Purpose.THANKS: "Gracias, {first_name}. Nos vemos el {date} a las {time}.",
        Purpose.SEE_YOU: "Hola {first_name}, nos vemos el {date} a las {time}, {place}.",
        Purpose.RESCHEDULE_NOTED: (
            "Gracias por avisarnos, {first_name}. "
            "Su encargado de caso le va a contactar para darle una nueva cita."
        ),
    },
}

# Written out rather than taken from the locale: Lambda has only the C locale.
DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}
MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
}


def _language(language: str) -> str:
    """The primary language subtag ("es-MX" → "es"), lower case."""
    return (language or DEFAULT_LANGUAGE).strip().lower().split("-")[0].split("_")[0]


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({FIELD: message})


def _pieces(text: str) -> list[tuple[bool, str]]:
    """The template as (is_placeholder, literal text or placeholder name), or refused."""
    return pieces(text, PLACEHOLDERS, FIELD)


def check_template(text: str, purpose: Purpose) -> str:
    """The template as it is saved (stripped), or ValidationFailed saying what to fix."""
    text = (text or "").strip()
    if not has_visible_text(text):
        raise _refuse("Write the text.")
    if len(text) > MAX_TEMPLATE:
        raise _refuse(f"The text is {len(text)} characters; the limit is {MAX_TEMPLATE}.")
    used = {name for is_placeholder, name in _pieces(text) if is_placeholder}
    missing = [name for name in REQUIRED.get(purpose, ()) if name not in used]
    if missing:
        needed = " and ".join("{" + name + "}" for name in missing)
        raise _refuse(f"A reminder must say when: include {needed}.")
    return text


@dataclass(frozen=True)
class ReminderValues:
    first_name: str
    kind: str  # a key of KINDS
    starts_local: datetime  # aware, in the jurisdiction's zone: rendered as the wall clock
    place: str

    def __post_init__(self) -> None:
        if self.starts_local.tzinfo is None:
            raise ValueError("starts_local must be aware (in the jurisdiction's zone)")


def format_date(moment: datetime, language: str) -> str:
    """ "Tue Dec 8" in English, "mar 8 dic" in Spanish: short, and unambiguous in both."""
    lang = _language(language)
    day = DAYS.get(lang, DAYS["en"])[moment.weekday()]
    month = MONTHS.get(lang, MONTHS["en"])[moment.month - 1]
    if lang == "es":
        return f"{day} {moment.day} {month}"
    return f"{day} {month} {moment.day}"


def format_time(moment: datetime, language: str) -> str:
    """ "9:00 AM" in English; Spanish readers expect the 24-hour "9:00" / "14:30"."""
    if _language(language) == "es":
        return f"{moment.hour}:{moment.minute:02d}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def kind_text(kind: str, language: str) -> str:
    """How the kind reads in a text; an unknown kind is just an "appointment"."""
    names = KINDS.get(kind, KINDS["other"])
    return names.get(_language(language)) or names[DEFAULT_LANGUAGE]


def render(template: str, values: ReminderValues, language: str) -> str:
    """The text to send: placeholders filled in the client's language, nothing evaluated."""
    lang = _language(language)
    place = " ".join(values.place.split())
    filled = {
        "first_name": " ".join(values.first_name.split()),
        "kind": kind_text(values.kind, lang),
        "date": format_date(values.starts_local, lang),
        "time": format_time(values.starts_local, lang),
        "place": place or NO_PLACE.get(lang, NO_PLACE[DEFAULT_LANGUAGE]),
    }
    return "".join(
        filled[text] if is_placeholder else text for is_placeholder, text in _pieces(template)
    )


@dataclass(frozen=True)
class Preview:
    text: str
    segments: int
    gsm7: bool


def preview(template: str, values: ReminderValues, language: str) -> Preview:
    """What the editor shows under a template: the example text and what it will cost."""
    text = render(template, values, language)
    return Preview(text=text, segments=count_segments(text), gsm7=is_gsm7(text))


def template_for(
    custom: Mapping[str, Mapping[str, str]] | None, language: str, purpose: Purpose
) -> str:
    """The template to use for a client: the department's own in their language, else ours
    in their language, else the department's English, else ours in English (a language
    nobody wrote templates for still gets a text)."""
    lang = _language(language)
    custom = custom or {}
    for candidate in (
        (custom.get(lang) or {}).get(purpose),
        DEFAULT_TEMPLATES.get(lang, {}).get(purpose),
        (custom.get(DEFAULT_LANGUAGE) or {}).get(purpose),
    ):
        if candidate and candidate.strip():
            return candidate
    return DEFAULT_TEMPLATES[DEFAULT_LANGUAGE][purpose]
