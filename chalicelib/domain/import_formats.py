"""A department's court-file formats: which column holds what, and how dates and times read.

A supervisor sets a format up from a sample file: every field is picked by the column's
position, and the format remembers the header it was made from. A later file is
recognised by its header: the same number of columns, and the same names (case and
spacing aside) in every position whose header was a usable name. A column whose header is
blank, repeated or not a name (a computed column headed ``(expression)``) is matched by its
position alone, so those columns may be headed anything in the next export.

The jurisdiction file's ``court_import`` object seeds a department's default format, which
has no remembered header: it is found by its column names, as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .court_import import (
    READ_KEYS,
    REQUIRED_COLUMNS,
    CourtMapping,
    column_position,
    describe_format,
    plain_text,
)
from .errors import ValidationFailed

# The date and time formats a county plausibly exports, as a person names them → strptime.
# strptime reads "3/7/2026" with %m/%d/%Y, so "M/D/YYYY" needs no format of its own.
DATE_FORMATS: dict[str, str] = {
    "MM/DD/YYYY (or M/D/YYYY)": "%m/%d/%Y",
    "M/D/YY (or MM/DD/YY)": "%m/%d/%y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD-MMM-YYYY (07-Mar-2026)": "%d-%b-%Y",
    "MM-DD-YYYY": "%m-%d-%Y",
    "YYYY/MM/DD": "%Y/%m/%d",
    "YYYYMMDD": "%Y%m%d",
    "MMM D, YYYY (Mar 7, 2026)": "%b %d, %Y",
}
TIME_FORMATS: dict[str, str] = {
    "24-hour, HH:MM (14:30)": "%H:%M",
    "24-hour with seconds (14:30:00)": "%H:%M:%S",
    "24-hour, HHMM (1430)": "%H%M",
    "12-hour with AM/PM (2:30 PM)": "%I:%M %p",
    "12-hour with seconds and AM/PM (2:30:00 PM)": "%I:%M:%S %p",
}
FIELDS: dict[str, str] = {
    "id_number": "Client's id number",
    "date": "Date (or date and time together)",
    "time": "Time",
    "room": "Room",
    "location": "Courthouse code",
    "case_number": "Case number",
    "kind": "Kind of hearing",
}
MAX_NAME = 80
MAX_COLUMNS = 200
DEFAULT_ID = "default"
TOGETHER = "together"  # the time field's choice when the date column holds both


def fold(cell: str) -> str:
    """A header cell as compared: byte order mark, case and runs of spaces aside."""
    return " ".join(cell.lstrip("\ufeff").split()).casefold()


def usable_names(header: Sequence[str]) -> list[bool]:
    """Per column: can a later file's header be matched on this name? Not when it is
    blank, repeated, or not a name (nothing but punctuation around it, like ``(expression)``)."""
    folded = [fold(cell) for cell in header]
    counts: dict[str, int] = {}
    for name in folded:
        counts[name] = counts.get(name, 0) + 1
    return [
        bool(name)
        and counts[name] == 1
        and not (name.startswith("(") and name.endswith(")"))
        and bool(re.search(r"\w", name))
        for name in folded
    ]


def same_header(saved: Sequence[str], header: Sequence[str]) -> bool:
    """Is ``header`` the header a format was set up from? The same number of columns and
    the same names wherever the saved header had a usable name (court and client imports)."""
    if len(header) != len(saved):
        return False
    usable = usable_names(saved)
    return all(
        not usable[i] or fold(mine) == fold(theirs)
        for i, (mine, theirs) in enumerate(zip(saved, header, strict=True))
    )


@dataclass(frozen=True)
class ImportFormat:
    """One saved format of a department (``header`` empty: the seeded default)."""

    format_id: str
    name: str
    mapping: CourtMapping
    header: tuple[str, ...] = ()
    version: int = 0  # 0: not stored yet

    @property
    def seeded(self) -> bool:
        return not self.header

    def matches(self, header: Sequence[str]) -> bool:
        """Does a file with this first row read with this format?"""
        if self.seeded:
            return self._fits_by_names(header)
        return same_header(self.header, header)

    def _fits_by_names(self, header: Sequence[str]) -> bool:
        """The seeded format reads a file that has its required columns. An optional one
        may be missing (it reads as empty), but not when the file has a column headed with
        no usable name: that may be the missing one (a location code column headed
        ``(expression)``), so the supervisor sets the format up rather than losing it."""
        names = {fold(cell) for cell in header}
        m = self.mapping
        if not all(_has(m.column(key), len(header), names) for key in m.required):
            return False
        optional = [m.column(k) for k in READ_KEYS if k not in m.required and m.column(k)]
        if all(_has(ref, len(header), names) for ref in optional):
            return True
        return all(usable_names(header))

    def describe(self) -> list[tuple[str, str]]:
        """(field, where it is and how it reads) for the pages."""
        m = self.mapping
        rows = []
        for key in READ_KEYS:
            ref = m.column(key)
            if not ref:
                if key == "time" and m.date_column:
                    rows.append((FIELDS[key], "in the date column"))
                continue
            where = column_text(ref, self.header)
            if key == "date":
                fmt = m.date_format if m.time_column else m.together_format
                where += f", {describe_format(fmt)}"
            elif key == "time":
                where += f", {describe_format(m.time_format)}"
            rows.append((FIELDS[key], where))
        return rows


def _has(ref: str, width: int, names: set[str]) -> bool:
    index = column_position(ref)
    return index < width if index is not None else fold(ref) in names


def column_text(ref: str, header: Sequence[str]) -> str:
    """ "column 7 (expression)" for a position, the name for a name."""
    index = column_position(ref)
    if index is None:
        return f"column '{ref}'"
    cell = header[index].strip() if index < len(header) else ""
    return f"column {index + 1}" + (f" ({cell})" if cell else " (no header)")


def recognise(formats: Sequence[ImportFormat], header: Sequence[str]) -> ImportFormat | None:
    """The saved format this header is, newest first; None when none is."""
    ordered = sorted(formats, key=lambda f: (not f.seeded, f.version), reverse=True)
    for candidate in ordered:
        if candidate.matches(header):
            return candidate
    return None


def chosen_column(raw: str, width: int, taken: dict[int, str], label: str) -> int | str:
    """The 1-based column a set-up form chose for ``label`` (recorded in ``taken``), or the
    words saying why it can't be: not one of the file's columns, or already another
    field's. Court and client-import formats check their columns with this one rule."""
    if not raw.isdigit() or not 1 <= int(raw) <= width:
        return f"Choose one of the file's {width} columns."
    position = int(raw)
    if position in taken:
        return f"Column {position} is already the {taken[position]}."
    taken[position] = label.lower()
    return position


def format_from_form(
    form: Mapping[str, str], header: Sequence[str], format_id: str, version: int
) -> ImportFormat:
    """A format as a supervisor filled it in: each field a column number (1-based) or
    "" for not in the file. Every mistake at once, on the field it belongs to."""
    errors: dict[str, str] = {}
    width = len(header)
    if not 0 < width <= MAX_COLUMNS:
        raise ValidationFailed({"header": "The sample file has no header row to set up from."})
    name = " ".join((form.get("name") or "").split())
    if not name:
        errors["name"] = "Give the format a name, like the county's or the court system's."
    elif len(name) > MAX_NAME:
        errors["name"] = f"At most {MAX_NAME} characters."
    refs: dict[str, str] = {}
    taken: dict[int, str] = {}
    for key in FIELDS:
        raw = (form.get(f"column_{key}") or "").strip()
        if key == "time" and raw == TOGETHER:
            refs[key] = ""
            continue
        if not raw:
            refs[key] = ""
            if key in REQUIRED_COLUMNS or key == "time":
                errors[f"column_{key}"] = f"Choose the column that holds the {FIELDS[key].lower()}."
            continue
        position = chosen_column(raw, width, taken, FIELDS[key])
        if isinstance(position, str):
            errors[f"column_{key}"] = position
            continue
        refs[key] = f"#{position}"
    formats: dict[str, str] = {}
    for part, choices in (("date", DATE_FORMATS), ("time", TIME_FORMATS)):
        label = form.get(f"{part}_format") or ""
        if label not in choices:
            errors[f"{part}_format"] = f"Choose how the file writes the {part}."
        formats[part] = choices.get(label, "")
    if errors:
        raise ValidationFailed(errors)
    mapping = CourtMapping.with_columns(refs, formats["date"], formats["time"])
    cells = tuple(plain_text(cell)[:MAX_NAME] for cell in header)
    return ImportFormat(format_id, name, mapping, cells, version)


def label_of(fmt: str, choices: Mapping[str, str]) -> str:
    """The list's label for a strptime format ("" when the list lacks it)."""
    return next((label for label, value in choices.items() if value == fmt), "")


def form_of(chosen: ImportFormat) -> dict[str, str]:
    """A saved format as the form's values, to edit it."""
    m = chosen.mapping
    values = {"name": chosen.name, "version": str(chosen.version)}
    for key in FIELDS:
        ref = m.column(key)
        index = column_position(ref) if ref else None
        values[f"column_{key}"] = str(index + 1) if index is not None else ""
    if not m.time_column:
        values["column_time"] = TOGETHER
    values["date_format"] = label_of(m.date_format, DATE_FORMATS)
    values["time_format"] = label_of(m.time_format, TIME_FORMATS)
    return values


MAPPING_FIELDS = (
    "id_number_column",
    "date_column",
    "date_format",
    "time_column",
    "time_format",
    "room_column",
    "location_column",
    "case_number_column",
    "kind_column",
)


def to_raw(chosen: ImportFormat) -> dict[str, Any]:
    """A format as stored (JSON): its name, header and where each field is."""
    m = chosen.mapping
    return {
        "name": chosen.name,
        "header": list(chosen.header),
        **{key: getattr(m, key) for key in MAPPING_FIELDS},
    }


def from_raw(format_id: str, raw: Mapping[str, Any], version: int) -> ImportFormat:
    """A stored format back (fields it lacks keep CourtMapping's defaults)."""
    mapping = replace(
        CourtMapping(),
        **{key: str(raw[key]) for key in MAPPING_FIELDS if isinstance(raw.get(key), str)},  # type: ignore[arg-type]
    )
    header = tuple(str(cell) for cell in raw.get("header") or ())
    return ImportFormat(format_id, str(raw.get("name") or ""), mapping, header, version)
