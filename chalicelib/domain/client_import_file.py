"""A spreadsheet of clients as rows: which column holds what, and each row's cells.

The documented columns are first name, last name, phone, language, id number and case
manager username. A header is found by its name, case, spacing, underscores and a byte
order mark aside, as the court import finds the columns of its seeded format; the common
other names a case management export uses ("Mobile", "Surname", "Officer") read as the
same column. A header with any other column (an unknown name, a blank or repeated header
in the middle) is not read by guesswork: ``UnrecognisedColumns`` carries the file's
columns and first rows so someone says what each holds, saved as a client-import format
(domain/client_import_formats.py) that reads a later file with the same header at once;
the columns such a format leaves unmapped are ignored and listed on the preview.

Cells are kept as written (control characters and runs of spaces made single spaces):
a cell that looks like a formula ("=HYPERLINK(...)") is a client's text like any other,
never run here, and every export neutralises it (domain/spreadsheet_cells.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .client_import_formats import ClientFormat, recognise
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
    format_name: str = ""  # the saved format that read it ("": the documented names)


class UnrecognisedColumns(ValidationFailed):
    """The header is not wholly the documented columns and no saved format is it: the
    file's columns, first rows and the fields recognised so far, to set a format up."""

    def __init__(
        self, message: str, header: list[str], rows: list[list[str]], found: dict[str, int]
    ):
        super().__init__({FILE: message})
        self.header = header
        self.rows = rows
        self.found = found  # field → 0-based column, as the names and aliases read it


def header_key(cell: str) -> str:
    """A header cell as compared: BOM, case, underscores and runs of spaces aside."""
    return " ".join(cell.lstrip("\ufeff").replace("_", " ").split()).casefold()


def cell_text(value: str) -> str:
    """A cell as kept: control characters and runs of white space made single spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def _positions(
    header: Sequence[str], body: Sequence[tuple[int, list[str]]]
) -> tuple[dict[str, int], list[str]]:
    """Field → column for the names and aliases the header has, and the columns they
    miss: an unknown or repeated name, or a blank header over cells that hold something
    ("column 5 (no header)"; an empty column, as spreadsheets export them, is nothing)."""
    names = {name: key for key, names in COLUMNS.items() for name in names}
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        if not cell.strip():
            if any(index < len(cells) and cells[index].strip() for _, cells in body):
                unknown.append(f"column {index + 1} (no header)")
            continue
        key = names.get(header_key(cell))
        if key is None or key in found:
            unknown.append(cell_text(cell)[:60])
            continue
        found[key] = index
    return found, unknown


def read_file(data: bytes, formats: Sequence[ClientFormat] = ()) -> ClientFile:
    """The file's rows under its header, read with the saved format that is its header or
    else by the documented names; ValidationFailed on ``FILE`` when it cannot be read as
    clients at all (not text, no header, too long), UnrecognisedColumns when its header
    needs a format set up."""
    try:
        return _read(data, formats)
    except ValidationFailed as exc:
        if FILE in exc.field_errors:
            raise
        raise ValidationFailed({FILE: " ".join(exc.field_errors.values())}) from None


def _unrecognised(
    header: list[str],
    body: Sequence[tuple[int, list[str]]],
    found: dict[str, int],
    unknown: list[str],
) -> UnrecognisedColumns:
    missing = [LABELS[key] for key in REQUIRED if key not in found]
    if missing:
        message = (
            f"The first row needs a column headed {', '.join(missing)}. "
            "The columns are: first name, last name, phone, language, id number, "
            "case manager username."
        )
    else:
        message = f"Columns not recognised: {'; '.join(unknown[:20])}."
    message += " Say which column holds what, and files with this first row read at once."
    rows = [[cell_text(cell)[:60] for cell in cells] for _, cells in body[:5]]
    cells = [header_cell.lstrip("\ufeff") for header_cell in header]
    return UnrecognisedColumns(message, cells, rows, found)


def _read(data: bytes, formats: Sequence[ClientFormat]) -> ClientFile:
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
    body = list(itertools.islice(records, MAX_ROWS + 1))
    if len(body) > MAX_ROWS:
        raise ValidationFailed({FILE: f"The file has more than {MAX_ROWS:,} rows; split it."})
    chosen = recognise(formats, header)
    if chosen is not None:
        positions = dict(chosen.columns)
        mapped = set(positions.values())
        ignored = [
            cell_text(cell)[:60]
            for i, cell in enumerate(header)
            if i not in mapped and cell.strip()
        ]
    else:
        positions, unknown = _positions(header, body)
        if unknown or any(key not in positions for key in REQUIRED):
            raise _unrecognised(header, body, positions, unknown)
        ignored = []
    rows = [
        ClientRow(
            line,
            **{
                key: cell_text(cells[index]) if index < len(cells) else ""
                for key, index in positions.items()
            },
        )
        for line, cells in body
    ]
    if not rows:
        raise ValidationFailed({FILE: "The file has no rows below its first row."})
    return ClientFile(rows, ignored, chosen.name if chosen else "")
