"""A spreadsheet of clients as rows: which column holds what, and each row's cells.

The documented columns are first name, last name, phone, language, id number and case
manager username. A header is found by its name, case, spacing, underscores and a byte
order mark aside, as the court import finds the columns of its seeded format; the common
other names a case management export uses ("Mobile", "Surname", "Officer") read as the
same column. Columns the import does not know are ignored and listed on the preview.

Cells are kept as written (control characters and runs of spaces made single spaces):
a cell that looks like a formula ("=HYPERLINK(...)") is a client's text like any other,
never run here, and every export neutralises it (domain/spreadsheet_cells.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .court_import import MAX_BYTES, records_of
from .errors import ValidationFailed
from .text_files import as_text

FILE = "client_file"
MAX_ROWS = 5000
COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "first", "firstname", "given name", "nombre"),
    "last_name": ("last name", "last", "lastname", "surname", "family name", "apellido"),
    "phone": ("phone", "phone number", "mobile", "mobile phone", "cell", "cell phone"),
    "language": ("language", "preferred language", "idioma"),
    "id_number": ("id number", "id", "client id", "offender id", "person id"),
    "case_manager": (
        "case manager username",
        "case manager",
        "username",
        "officer",
        "officer username",
    ),
}
REQUIRED = ("first_name", "last_name", "phone")
LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "phone": "phone",
    "language": "language",
    "id_number": "id number",
    "case_manager": "case manager username",
}


@dataclass(frozen=True)
class ClientRow:
    """One row of the file, its cells as written; ``line`` as a spreadsheet numbers it."""

    line: int
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    language: str = ""
    id_number: str = ""
    case_manager: str = ""


@dataclass(frozen=True)
class ClientFile:
    rows: list[ClientRow]
    ignored: list[str]  # headers of columns the import does not read


def header_key(cell: str) -> str:
    """A header cell as compared: BOM, case, underscores and runs of spaces aside."""
    return " ".join(cell.lstrip("\ufeff").replace("_", " ").split()).casefold()


def cell_text(value: str) -> str:
    """A cell as kept: control characters and runs of white space made single spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def _positions(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    names = {name: key for key, names in COLUMNS.items() for name in names}
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        key = names.get(header_key(cell))
        if key is None or key in found:
            if cell.strip():
                ignored.append(cell_text(cell)[:60])
            continue
        found[key] = index
    return found, ignored


def read_file(data: bytes) -> ClientFile:
    """The file's rows under its header; ValidationFailed on ``FILE`` when it cannot be
    read as clients at all (not text, no header, a required column missing, too long)."""
    try:
        return _read(data)
    except ValidationFailed as exc:
        if FILE in exc.field_errors:
            raise
        raise ValidationFailed({FILE: " ".join(exc.field_errors.values())}) from None


def _read(data: bytes) -> ClientFile:
    if not data:
        raise ValidationFailed({FILE: "Choose the spreadsheet of clients (CSV)."})
    if len(data) > MAX_BYTES:
        size = len(data) / 1024 / 1024
        raise ValidationFailed({FILE: f"The file is {size:.1f} MB; split it: at most 2 MB."})
    records = records_of(as_text(data, FILE))
    try:
        _, header = next(records)
    except StopIteration:
        raise ValidationFailed({FILE: "The file is empty."}) from None
    positions, ignored = _positions(header)
    missing = [LABELS[key] for key in REQUIRED if key not in positions]
    if missing:
        raise ValidationFailed(
            {
                FILE: f"The first row needs a column headed {', '.join(missing)}. "
                "The columns are: first name, last name, phone, language, id number, "
                "case manager username."
            }
        )
    rows = []
    for line, cells in records:
        values = {
            key: cell_text(cells[index]) if index < len(cells) else ""
            for key, index in positions.items()
        }
        rows.append(ClientRow(line, **values))
        if len(rows) > MAX_ROWS:
            raise ValidationFailed({FILE: f"The file has more than {MAX_ROWS:,} rows; split it."})
    if not rows:
        raise ValidationFailed({FILE: "The file has no rows below its first row."})
    return ClientFile(rows, ignored)
