"""A department's courthouses: the code a court file writes and the place a reminder names.

Kept per department in the app (supervisors upload the court's code table or edit rows),
never learned from one upload: a re-import without the table must change nothing. Codes
compare case-aside (``fold``). The jurisdiction file's ``locations`` only seed a department
that has none yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .appointments import Appointment
from .court_import import (
    MAX_CELL,
    MAX_PLACE,
    CourtRow,
    decode,
    place_text,
    plain_text,
    records_of,
)
from .errors import ValidationFailed

FILE = "file"
MAX_COURTHOUSES = 500
CODE_WORDS = ("code", "cd", "loc", "id")
DESCRIPTION_WORDS = ("desc", "name", "address", "place", "location")


def fold(code: str) -> str:
    return code.strip().casefold()


@dataclass(frozen=True)
class Courthouse:
    code: str
    description: str
    version: int = 0  # 0: not stored yet


def checked(code: str, description: str) -> Courthouse:
    """A row as typed, cleaned; every problem at once."""
    code, description = plain_text(code), plain_text(description)
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = "Enter the code the court's file uses, like SLC3."
    elif len(code) > MAX_CELL or "," in code:
        errors["code"] = f"A code is at most {MAX_CELL} characters, without commas."
    if not description:
        errors["description"] = "Enter the courthouse's name and address as a client reads it."
    elif len(description) > MAX_PLACE - 20:
        errors["description"] = f"At most {MAX_PLACE - 20} characters (the room follows it)."
    if errors:
        raise ValidationFailed(errors)
    return Courthouse(code, description)


def guess_columns(header: Sequence[str]) -> tuple[int, int]:
    """Which columns (0-based) hold the code and the description: by their names when they
    say so, else the first two."""
    names = [cell.lstrip("\ufeff").strip().casefold() for cell in header]
    code = next((i for i, n in enumerate(names) if any(w in n for w in CODE_WORDS[:2])), None)
    description = next(
        (i for i, n in enumerate(names) if i != code and any(w in n for w in DESCRIPTION_WORDS)),
        None,
    )
    if code is None or description is None:
        return 0, 1
    return code, description


def read_table(
    data: bytes, code_column: int | None = None, description_column: int | None = None
) -> list[Courthouse]:
    """The court's code table (a header row, then code and description per row), columns
    given by position (1-based) or guessed. Every problem named with its row."""
    records = records_of(decode(data))
    first = next(records, None)
    header = first[1] if first else []
    if len(header) < 2:
        raise ValidationFailed({FILE: "The table needs a header row and two columns."})
    guessed = guess_columns(header)
    at = (code_column - 1) if code_column else guessed[0]
    desc_at = (description_column - 1) if description_column else guessed[1]
    if not (0 <= at < len(header) and 0 <= desc_at < len(header)) or at == desc_at:
        raise ValidationFailed({FILE: f"Choose two different columns of the {len(header)}."})
    found: dict[str, Courthouse] = {}
    problems: list[str] = []
    for row, cells in records:
        if max(at, desc_at) >= len(cells):
            problems.append(f"row {row} has {len(cells)} columns")
            continue
        try:
            courthouse = checked(cells[at], cells[desc_at])
        except ValidationFailed as exc:
            problems.append(f"row {row}: {' '.join(exc.field_errors.values())}")
            continue
        same = found.setdefault(fold(courthouse.code), courthouse)
        if same.description != courthouse.description:
            problems.append(f"row {row} gives code '{courthouse.code}' a second description")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ValidationFailed({FILE: "Fix the table: " + "; ".join(problems[:5]) + more})
    if not found:
        raise ValidationFailed({FILE: "The table has no rows below its header."})
    if len(found) > MAX_COURTHOUSES:
        raise ValidationFailed({FILE: f"At most {MAX_COURTHOUSES} courthouses."})
    return list(found.values())


def as_locations(courthouses: Sequence[Courthouse]) -> dict[str, str]:
    """code → description, as an import reads them."""
    return {c.code: c.description for c in courthouses}


def with_court_details(appointment: Appointment, row: CourtRow) -> Appointment:
    """``appointment`` as the court's file row words it: its place, and the courthouse
    code, room and hearing kind the place was made from (kept so that a courthouse's new
    wording can find the dates it changes, and the hearing shown on the client's page)."""
    return replace(
        appointment,
        place=row.place,
        location_code=row.location_code,
        room=row.room,
        hearing=row.hearing,
    )


@dataclass(frozen=True)
class Placed:
    """An open imported appointment placed at a courthouse."""

    client_id: str
    appointment_id: str
    client_name: str
    starts_at_text: str  # as the page shows it
    location_code: str
    room: str
    place: str  # as stored (what its reminders say)


@dataclass(frozen=True)
class Rewording:
    """One appointment whose reminders would say something else."""

    appointment: Placed
    new_place: str


def rewordings(placed: Sequence[Placed], code: str, description: str | None) -> list[Rewording]:
    """The appointments at ``code`` whose place would change if the code read
    ``description`` (None: the code removed, so only the room remains)."""
    changes = []
    for item in placed:
        if fold(item.location_code) != fold(code):
            continue
        new_place = place_text(description or "", item.room)
        if new_place != item.place:
            changes.append(Rewording(item, new_place))
    return changes
