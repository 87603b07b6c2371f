"""A department's client-import formats: which column of a county's client export holds
which client field, for a file whose header the documented names and their aliases miss
("Offender Number", "Cell", a blank or repeated header).

The court import's machinery, for clients: a format is set up from a sample file by
choosing each field's column by its number (so a column headed nothing, or headed like
another, is as usable as any), remembers the header it was made from, and recognises a
later file whose header is that one (``import_formats.same_header``: the same width, the
same names wherever the header had a usable name). Stored beside the court formats in the
department's settings, under a prefix of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .court_import import column_position, plain_text
from .errors import ValidationFailed
from .import_formats import MAX_COLUMNS, MAX_NAME, chosen_column, same_header

FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "phone": "Phone",
    "language": "Language",
    "id_number": "Id number",
    "case_manager": "Case manager username",
}
REQUIRED = ("first_name", "last_name", "phone")


@dataclass(frozen=True)
class ClientFormat:
    """One saved format: field → the column (0-based) that holds it, and its header."""

    format_id: str
    name: str
    columns: Mapping[str, int] = field(default_factory=dict)
    header: tuple[str, ...] = ()
    version: int = 0  # 0: not stored yet

    def matches(self, header: Sequence[str]) -> bool:
        return bool(self.header) and same_header(self.header, header)

    def describe(self) -> list[tuple[str, str]]:
        """(field, "column 3 (Cell)") for the pages, in the form's order."""
        rows = []
        for key, label in FIELDS.items():
            if key in self.columns:
                index = self.columns[key]
                cell = self.header[index].strip() if index < len(self.header) else ""
                rows.append((label, f"column {index + 1} ({cell or 'no header'})"))
        return rows


def recognise(formats: Sequence[ClientFormat], header: Sequence[str]) -> ClientFormat | None:
    """The saved format this header is (the most recently changed first), or None."""
    for candidate in sorted(formats, key=lambda f: (f.version, f.format_id), reverse=True):
        if candidate.matches(header):
            return candidate
    return None


def format_from_form(
    form: Mapping[str, str], header: Sequence[str], format_id: str, version: int
) -> ClientFormat:
    """A format as someone filled it in: each field a column number (1-based) or "" for
    not in the file. Every mistake at once, on the field it belongs to."""
    width = len(header)
    if not 0 < width <= MAX_COLUMNS:
        raise ValidationFailed({"header": "The sample file has no header row to set up from."})
    errors: dict[str, str] = {}
    name = " ".join((form.get("name") or "").split())
    if not name:
        errors["name"] = "Give the format a name, like the system the file comes from."
    elif len(name) > MAX_NAME:
        errors["name"] = f"At most {MAX_NAME} characters."
    columns: dict[str, int] = {}
    taken: dict[int, str] = {}
    for key, label in FIELDS.items():
        raw = (form.get(f"column_{key}") or "").strip()
        if not raw:
            if key in REQUIRED:
                errors[f"column_{key}"] = f"Choose the column that holds the {label.lower()}."
            continue
        position = chosen_column(raw, width, taken, label)
        if isinstance(position, str):
            errors[f"column_{key}"] = position
            continue
        columns[key] = position - 1
    if errors:
        raise ValidationFailed(errors)
    cells = tuple(plain_text(cell)[:MAX_NAME] for cell in header)
    return ClientFormat(format_id, name, columns, cells, version)


def form_of(chosen: ClientFormat) -> dict[str, str]:
    """A saved format as the form's values, to change it."""
    values = {"name": chosen.name, "version": str(chosen.version), "format_id": chosen.format_id}
    for key in FIELDS:
        index = chosen.columns.get(key)
        values[f"column_{key}"] = str(index + 1) if index is not None else ""
    return values


def to_raw(chosen: ClientFormat) -> dict[str, Any]:
    """As stored (JSON): its name, its header, and each field's column as ``#N``."""
    return {
        "name": chosen.name,
        "header": list(chosen.header),
        "columns": {key: f"#{index + 1}" for key, index in chosen.columns.items()},
    }


def from_raw(format_id: str, raw: Mapping[str, Any], version: int) -> ClientFormat:
    """A stored format back; a column reference it cannot read is left out."""
    columns: dict[str, int] = {}
    stored = raw.get("columns")
    for key, ref in stored.items() if isinstance(stored, dict) else ():
        index = column_position(ref) if isinstance(ref, str) else None
        if key in FIELDS and index is not None:
            columns[key] = index
    header = tuple(str(cell) for cell in raw.get("header") or ())
    return ClientFormat(format_id, str(raw.get("name") or ""), columns, header, version)
