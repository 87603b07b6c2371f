"""Court dates imported from a court system's calendar export (a CSV a supervisor uploads).

Pure: bytes in, one verdict per row out. Storing the new and changed dates, and showing
the verdicts before anything is stored, is the caller's job. Each jurisdiction names the
export's columns in its jurisdiction file, under ``"court_import"``::

    {"columns": {"id_number": "ofndr_num", "date": "crt_dt", "time": "crt_tm",
                 "room": "crt_rm", "location": "crt_loc_cd", "case_number": null},
     "date_format": "%m/%d/%Y", "time_format": "%H:%M",
     "location_code_column": "crt_loc_cd", "location_name_column": "crt_loc_desc",
     "locations": {"SLDC": "Matheson Courthouse, 450 S State St, Salt Lake City"}}

Every key may be left out (see ``CourtMapping`` for the defaults); an optional column set to
null or "" is not read, and an optional column the file lacks reads as empty. A column
written ``"#7"`` is the file's seventh column, whatever its header says (a computed column
headed ``(expression)``, a blank or repeated header). A time column set to null means the
date column holds both, read as the date format, a space, and the time format. Formats are
``strptime`` formats, one per mapping. This object only seeds a department's default format,
and ``locations`` its courthouses, until its supervisors save their own in the app
(services/import_formats.py, services/courthouses.py). ``location_code_column`` and
``location_name_column`` named the columns of a locations file once uploaded beside each
import; they are still accepted so older files load, and no longer read.

Cells are text, never formulas: an id number that looks like one is just an unknown id, and
the room, location and case number lose the leading characters spreadsheets execute
(= + - @ tab CR, also written fullwidth: ``domain/spreadsheet_cells.py``) in case someone
opens an export of them. The place is text in an SMS and in
pages that escape it; it is never rendered as HTML.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .errors import ValidationFailed
from .scheduling import MAX_AHEAD, local_to_utc
from .spreadsheet_cells import without_formula_start
from .text_files import as_text

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_CELL = 200  # the longest id, room, location code or case number we take
MAX_PLACE = 200  # as long as a place typed on the appointment form may be
FILE = "file"
SETTING = "court_import"
COLUMN_KEYS = ("id_number", "date", "time", "room", "location", "case_number")
READ_KEYS = (*COLUMN_KEYS, "kind")  # kind: set up in the app only (import formats)
REQUIRED_COLUMNS = ("id_number", "date")  # and "time", unless the date column holds both
SETTINGS = frozenset(
    {
        "columns",
        "date_format",
        "time_format",
        "locations",
        "location_code_column",
        "location_name_column",
    }
)
ROOM_WORDS = ("room", "courtroom", "ctrm", "sala")
# How a strptime directive reads to a person ("%m/%d/%Y" → "MM/DD/YYYY").
FORMAT_WORDS = {
    "%Y": "YYYY",
    "%y": "YY",
    "%m": "MM",
    "%d": "DD",
    "%b": "Mon",
    "%B": "Month",
    "%j": "DDD",
    "%H": "HH",
    "%I": "hh",
    "%M": "MM",
    "%S": "SS",
    "%p": "AM/PM",
    "%%": "%",
}
SAMPLE_DAY = datetime(2026, 11, 29)  # a day above 12, so a format missing the day shows
SAMPLE_TIME = datetime(1900, 1, 1, 14, 35)  # afternoon, so a 12-hour format without %p shows


@dataclass(frozen=True)
class CourtMapping:
    """Which column holds what; an empty name means the export has no such column."""

    id_number_column: str = "id_number"
    date_column: str = "date"
    date_format: str = "%Y-%m-%d"
    time_column: str = "time"
    time_format: str = "%H:%M"
    room_column: str = "room"
    location_column: str = "location"
    case_number_column: str = "case_number"
    locations: Mapping[str, str] = field(default_factory=dict)  # code → description
    location_code_column: str = "crt_loc_cd"
    location_name_column: str = "crt_loc_desc"
    kind_column: str = ""  # the hearing type as the court writes it ("Arraignment")

    @classmethod
    def with_columns(
        cls, columns: Mapping[str, str], date_format: str, time_format: str, **rest: Any
    ) -> CourtMapping:
        """A mapping from {key of READ_KEYS: the file's column}, as the jurisdiction file and
        the format page both give it."""
        named: dict[str, Any] = {f"{key}_column": column for key, column in columns.items()}
        return cls(**named, date_format=date_format, time_format=time_format, **rest)

    def column(self, key: str) -> str:
        """The file's name (or ``#position``) for one of COLUMN_KEYS."""
        return str(getattr(self, f"{key}_column"))

    @property
    def required(self) -> tuple[str, ...]:
        """The columns every row needs: the time only when it has a column of its own."""
        return (*REQUIRED_COLUMNS, "time") if self.time_column else REQUIRED_COLUMNS

    @property
    def together_format(self) -> str:
        """How the date column reads when it holds the time too."""
        return f"{self.date_format} {self.time_format}"


POSITION = re.compile(r"#([1-9][0-9]{0,2})")


def column_position(ref: str) -> int | None:
    """``"#7"`` → 6 (the index of the file's seventh column); a header name → None."""
    found = POSITION.fullmatch(ref.strip())
    return int(found.group(1)) - 1 if found else None


def column_label(ref: str) -> str:
    """A column as a person reads it: its name, or "column 7"."""
    index = column_position(ref)
    return f"column {index + 1}" if index is not None else ref


def describe_format(fmt: str) -> str:
    """A strptime format as a person writes it: "%m/%d/%Y" → "MM/DD/YYYY"."""
    return re.sub(r"%.", lambda m: FORMAT_WORDS.get(m.group(), m.group()), fmt)


def _round_trips(fmt: str, sample: datetime, part: str) -> bool:
    """True when ``fmt`` writes and reads back the sample's date (or time) unchanged."""
    try:
        parsed = datetime.strptime(sample.strftime(fmt), fmt)
    except (ValueError, TypeError, re.error):
        return False
    if part == "date":
        return parsed.date() == sample.date()
    return parsed.time() == sample.time()


def _column_names(raw: Any, errors: dict[str, str]) -> dict[str, str]:
    """The "columns" object checked: required ones named, optional ones named or off."""
    defaults = CourtMapping()
    names = {key: defaults.column(key) for key in COLUMN_KEYS}
    if raw is None:
        return names
    if not isinstance(raw, Mapping):
        errors[f"{SETTING}.columns"] = "must be an object naming the file's columns"
        return names
    for key in sorted(set(raw) - set(COLUMN_KEYS)):
        errors[f"{SETTING}.columns.{key}"] = f"is not a column we read ({', '.join(COLUMN_KEYS)})"
    for key in COLUMN_KEYS:
        if key not in raw:
            continue
        value = raw[key]
        if value is None or value == "":
            if key in REQUIRED_COLUMNS or (key == "time" and value == ""):
                errors[f"{SETTING}.columns.{key}"] = (
                    f"is {'null' if value is None else 'empty'}; expected the name of the "
                    "export's column that holds it (it is required)"
                )
            names[key] = ""
        elif not isinstance(value, str) or not value.strip():
            errors[f"{SETTING}.columns.{key}"] = "must be a column name"
        else:
            names[key] = value.strip()
    seen: dict[str, str] = {}
    for key, name in names.items():
        if name and name.casefold() in seen:
            errors[f"{SETTING}.columns.{key}"] = f"names the same column as {seen[name.casefold()]}"
        seen.setdefault(name.casefold(), key)
    return names


def _locations(raw: Any, errors: dict[str, str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or not all(
        isinstance(code, str) and code.strip() and isinstance(name, str) and name.strip()
        for code, name in raw.items()
    ):
        errors[f"{SETTING}.locations"] = "must map each location code to a description"
        return {}
    return {code.strip(): " ".join(name.split()) for code, name in raw.items()}


def mapping_from(raw: Mapping[str, Any] | None) -> CourtMapping:
    """The jurisdiction's ``"court_import"`` object checked (every problem at once, naming
    the setting); no object means the default columns."""
    if raw is None:
        return CourtMapping()
    if not isinstance(raw, Mapping):
        raise ValidationFailed({SETTING: "must be an object"})
    errors: dict[str, str] = {}
    for key in sorted(set(raw) - SETTINGS):
        errors[f"{SETTING}.{key}"] = "is not a setting we read"
    names = _column_names(raw.get("columns"), errors)
    defaults = CourtMapping()
    formats: dict[str, str] = {}
    for part, sample, default in (
        ("date", SAMPLE_DAY, defaults.date_format),
        ("time", SAMPLE_TIME, defaults.time_format),
    ):
        fmt = raw.get(f"{part}_format", default)
        if not isinstance(fmt, str) or not _round_trips(fmt, sample, part):
            errors[f"{SETTING}.{part}_format"] = (
                f"{fmt!r} is not a strptime format that reads a whole {part} (like {default!r})"
            )
            fmt = default
        formats[part] = fmt
    locations = _locations(raw.get("locations"), errors)
    files: dict[str, str] = {}
    for key in ("location_code_column", "location_name_column"):
        value = raw.get(key, getattr(defaults, key))
        if not isinstance(value, str) or not value.strip():
            errors[f"{SETTING}.{key}"] = "must be a column name"
            value = getattr(defaults, key)
        files[key] = value.strip()
    if errors:
        raise ValidationFailed(errors)
    return CourtMapping.with_columns(
        names,
        formats["date"],
        formats["time"],
        locations=locations,
        location_code_column=files["location_code_column"],
        location_name_column=files["location_name_column"],
    )


def decode(data: bytes) -> str:
    """The file as text (``text_files``: by its byte order mark, else UTF-8, Windows-1252
    or Latin-1). Empty, oversized and non-text files are refused."""
    if not data:
        raise ValidationFailed({FILE: "The file is empty."})
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            {FILE: f"The file is {len(data) / 1024 / 1024:.1f} MB; split it: at most 2 MB."}
        )
    return as_text(data, FILE)


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells) of each record, blank ones skipped;
    bad CSV refused.

    A spreadsheet numbers records, not lines of the file: a quoted cell holding a line
    break is one row there, and counting file lines put every later row one further
    down per such cell. A blank line is an empty row in a spreadsheet, so it counts.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                yield row, cells
    except csv.Error as exc:
        raise ValidationFailed({FILE: f"Row {row + 1} is not valid CSV: {exc}."}) from exc


def records_of(text: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) of each non-blank record of a CSV text."""
    return _records(text)


def _header_name(cell: str) -> str:
    return " ".join(cell.lstrip("\ufeff").split()).casefold()


def _header(
    records: Iterator[tuple[int, list[str]]], wanted: Mapping[str, str], required: Iterable[str]
) -> tuple[int, dict[str, int | None]]:
    """The header's width and where each wanted column is (None: the file lacks it).

    A wanted ``"#7"`` is the seventh column whatever its header; a name is found by its
    header, case and spacing aside.
    """
    first = next(records, None)
    cells = first[1] if first else []
    positions: dict[str, int] = {}
    repeated: set[str] = set()
    for index, cell in enumerate(cells):
        name = _header_name(cell)
        if name in positions:
            repeated.add(cell.strip())
        positions.setdefault(name, index)

    def found(ref: str) -> int | None:
        index = column_position(ref)
        if index is not None:
            return index if index < len(cells) else None
        return positions.get(_header_name(ref)) if ref else None

    required = tuple(required)
    missing = [column_label(wanted[key]) for key in required if found(wanted[key]) is None]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise ValidationFailed(
            {
                FILE: f"The first row has no column {names}. Upload a comma-separated (CSV) "
                "file whose first row names the columns."
            }
        )
    used = {_header_name(ref) for ref in wanted.values() if ref and column_position(ref) is None}
    clashes = sorted(name for name in repeated if _header_name(name) in used)
    if clashes:
        raise ValidationFailed({FILE: f"The first row names column '{clashes[0]}' twice."})
    return len(cells), {key: found(ref) for key, ref in wanted.items()}


def _data_rows(
    records: Iterator[tuple[int, list[str]]],
) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    for record in records:
        rows.append(record)
        if len(rows) > MAX_ROWS:
            raise ValidationFailed({FILE: f"Split the file: at most {MAX_ROWS:,} rows."})
    return rows


def plain_text(value: str) -> str:
    """A cell as plain text: control characters and runs of whitespace made single spaces,
    and the leading characters that make a spreadsheet run a formula dropped."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value)
    return without_formula_start(" ".join(cleaned.split()))


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class CourtRow:
    line: int  # 1-based line of the file, the header being line 1
    id_number: str
    starts_local_date: date
    starts_local_time: time
    room: str
    place: str  # the courthouse's description, then the room
    case_number: str
    location_code: str = ""  # the courthouse code as the file writes it
    hearing: str = ""  # the kind of hearing as the court writes it, for the pages


class Verdict(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    UNKNOWN_ID = "unknown id"
    UNKNOWN_COURTHOUSE = "unknown courthouse"
    BAD_DATE = "bad date"  # not written in the format, or more than a year ahead
    NO_SUCH_DAY = "no such day"  # in the format, but the calendar has no such day (Feb 30)
    BAD_TIME = "bad time"  # in the format, but no such time (25:00), or one the clocks skip
    IN_THE_PAST = "in the past"
    DUPLICATE = "duplicate row"
    BAD_ROW = "bad row"  # a required value missing, the wrong number of columns, too long


@dataclass(frozen=True)
class Known:
    """A court date stored by an earlier import."""

    appointment_id: str
    client_id: str
    case_number: str
    starts_at: datetime  # UTC
    place: str


@dataclass(frozen=True)
class RowResult:
    line: int
    verdict: Verdict
    client_id: str = ""
    row: CourtRow | None = None
    starts_at: datetime | None = None  # UTC
    known: Known | None = None  # the stored date this row changes or matches
    message: str = ""  # for the person who uploaded the file


def _room_text(room: str) -> str:
    """ "W43" → "Room W43"; a room already written out ("Sala Peña") stays as it is."""
    if not room or " " in room or room.casefold().startswith(ROOM_WORDS):
        return room
    return f"Room {room}"


def place_text(description: str, room: str) -> str:
    """What a reminder names: the courthouse's description, then the room."""
    return ", ".join(part for part in (description, _room_text(room)) if part)


@dataclass
class _Reader:
    """What reading one row needs, fixed for the whole file."""

    mapping: CourtMapping
    zone: ZoneInfo
    now: datetime
    width: int
    where: dict[str, int | None]
    clients: dict[str, str]  # folded id number → client id
    locations: dict[str, str]  # folded code → description

    def cell(self, cells: list[str], key: str) -> str:
        index = self.where[key]
        return cells[index].strip() if index is not None else ""

    def read(self, line: int, cells: list[str]) -> RowResult:
        """One row's own verdict: everything that needs no other row."""
        if len(cells) != self.width:
            message = f"Has {len(cells)} columns; the first row has {self.width}."
            return RowResult(line, Verdict.BAD_ROW, message=message)
        values = {key: self.cell(cells, key) for key in READ_KEYS}
        labels = {key: column_label(self.mapping.column(key)) for key in COLUMN_KEYS}
        empty = [labels[key] for key in self.mapping.required if not values[key]]
        if empty:
            names = ", ".join(f"'{name}'" for name in empty)
            return RowResult(line, Verdict.BAD_ROW, message=f"No value in column {names}.")
        long = [labels[key] for key in COLUMN_KEYS if len(values[key]) > MAX_CELL]
        if long:
            message = f"Column '{long[0]}' holds more than {MAX_CELL} characters."
            return RowResult(line, Verdict.BAD_ROW, message=message)
        room, code = plain_text(values["room"]), plain_text(values["location"])
        description = self.locations.get(code.casefold(), "") if code else ""
        place = place_text(description, room)
        if len(place) > MAX_PLACE:
            message = f"The place would be longer than {MAX_PLACE} characters."
            return RowResult(line, Verdict.BAD_ROW, message=message)
        client_id = self.clients.get(values["id_number"].casefold(), "")
        row, verdict, problem = self.parse(line, values, room, place, code)
        if not client_id:
            message = f"No client has id number '{_short(values['id_number'])}' in this department."
            return RowResult(line, Verdict.UNKNOWN_ID, row=row, message=message)
        if row is None:
            return RowResult(line, verdict, client_id, message=problem)
        try:
            starts_at = local_to_utc(row.starts_local_date, row.starts_local_time, self.zone)
        except ValidationFailed as exc:
            message = " ".join(exc.field_errors.values())
            return RowResult(line, Verdict.BAD_TIME, client_id, row, message=message)
        when = f"{values['date']} {values['time']}".strip()
        if starts_at < self.now:
            message = f"{when} is in the past."
            return RowResult(line, Verdict.IN_THE_PAST, client_id, row, starts_at, message=message)
        if starts_at > self.now + MAX_AHEAD:
            message = f"{when} is more than a year ahead."
            return RowResult(line, Verdict.BAD_DATE, client_id, row, starts_at, message=message)
        if code and not description:
            message = (
                f"Unknown courthouse code {_short(code)}: add it to the department's "
                "courthouses, then check the file again."
            )
            return RowResult(
                line, Verdict.UNKNOWN_COURTHOUSE, client_id, row, starts_at, message=message
            )
        return RowResult(line, Verdict.NEW, client_id, row, starts_at)

    def parse(
        self, line: int, values: Mapping[str, str], room: str, place: str, code: str
    ) -> tuple[CourtRow | None, Verdict, str]:
        """The row with its date and time read, or None, the verdict and what is wrong."""
        mapping = self.mapping
        if mapping.time_column:
            date_text, time_text = values["date"], values["time"]
        else:  # one column holds both: the date's words first, the time's after them
            words = values["date"].split()
            cut = len(mapping.date_format.split())
            date_text, time_text = " ".join(words[:cut]), " ".join(words[cut:])
        day, day_verdict, day_problem = read_date(date_text, mapping.date_format)
        at, time_verdict, time_problem = read_time(time_text, mapping.time_format)
        if day is None or at is None:
            verdict = day_verdict if day is None else time_verdict
            return None, verdict, " ".join(p for p in (day_problem, time_problem) if p)
        row = CourtRow(
            line=line,
            id_number=values["id_number"],
            starts_local_date=day,
            starts_local_time=at,
            room=room,
            place=place,
            case_number=plain_text(values["case_number"]),
            location_code=code,
            hearing=plain_text(values["kind"])[:MAX_CELL],
        )
        return row, Verdict.NEW, ""


# What a strptime directive looks like, loosely: a value in this shape that strptime still
# refuses is in the format but names no real day (Feb 30) or time (25:00).
SHAPES = {
    "%d": r"\d{1,2}",
    "%m": r"\d{1,2}",
    "%y": r"\d{2}",
    "%Y": r"\d{4}",
    "%b": r"[^\W\d_]{3,4}\.?",
    "%B": r"[^\W\d_]{3,9}",
    "%H": r"\d{1,2}",
    "%I": r"\d{1,2}",
    "%M": r"\d{1,2}",
    "%S": r"\d{1,2}",
    "%p": r"[AaPp]\.?[Mm]\.?",
}
MERIDIEM = re.compile(r"\s*([AaPp])\.?\s*[Mm]\.?$")


def _shape(fmt: str) -> re.Pattern[str]:
    """``fmt`` as a loose pattern: each directive by its shape, spaces optional."""
    pattern = "".join(
        SHAPES.get(part, re.escape(part)) if part.startswith("%") else re.escape(part)
        for part in re.split(r"(%.)", fmt)
    )
    return re.compile(pattern.replace(r"\ ", r"\s*"), re.IGNORECASE)


def _strptime(text: str, fmt: str) -> datetime | None:
    value = " ".join(text.split())
    if "%p" in fmt:  # "9:30PM", "9:30 p.m." and "9:30 PM" all read as "9:30 PM"
        value = MERIDIEM.sub(lambda m: f" {m.group(1).upper()}M", value).strip()
    try:
        return datetime.strptime(value, fmt)
    except ValueError:
        return None


# A date column exported as a date-time at midnight: "… 00:00:00", "…T00:00:00.000",
# "… 12:00:00 AM". That midnight is no time of day (the time is in its own column).
MIDNIGHT = re.compile(r"(?:\s+|T)(?:0?0:00(?::00(?:\.0+)?)?|12:00(?::00)?\s*[Aa]\.?[Mm]\.?)$")


def read_date(text: str, fmt: str) -> tuple[date | None, Verdict, str]:
    """A date cell read in ``fmt``; else why not: not in the format, or no such day.
    A trailing midnight time (a date column exported as a date-time) is left out."""
    if "%H" not in fmt and "%I" not in fmt:
        text = MIDNIGHT.sub("", text.strip())
    parsed = _strptime(text, fmt)
    if parsed is not None:
        return parsed.date(), Verdict.NEW, ""
    shown = _short(text) if text else ""
    if text and _shape(fmt).fullmatch(" ".join(text.split())):
        return None, Verdict.NO_SUCH_DAY, f"There is no such day as '{shown}'."
    return None, Verdict.BAD_DATE, f"Date '{shown}' is not {describe_format(fmt)}."


def read_time(text: str, fmt: str) -> tuple[time | None, Verdict, str]:
    """A time cell read in ``fmt``; else why not: not in the format, or no such time."""
    parsed = _strptime(text, fmt)
    if parsed is not None:
        return parsed.time(), Verdict.NEW, ""
    shown = _short(text) if text else ""
    if text and _shape(fmt).fullmatch(" ".join(text.split())):
        return None, Verdict.BAD_TIME, f"There is no such time as '{shown}'."
    return None, Verdict.BAD_DATE, f"Time '{shown}' is not {describe_format(fmt)}."


def _moved(
    known: Known, starts_at: datetime, place: str, mapping: CourtMapping, zone: ZoneInfo
) -> str:
    """What a changed row changes, in the file's own date and time formats."""
    parts = []
    if known.starts_at != starts_at:
        local = known.starts_at.astimezone(zone)
        was = f"{local.strftime(mapping.date_format)} {local.strftime(mapping.time_format)}"
        parts.append(f"Was {was}.")
    if known.place != place:
        parts.append(f"Place was '{known.place}'." if known.place else "Had no place.")
    return " ".join(parts)


def id_numbers_in(data: bytes, mapping: CourtMapping) -> list[str]:
    """The id number cell of every data row, in the order ``plan_import`` gives verdicts
    ("" where a row has none): what to look the clients up by before planning."""
    records = _records(decode(data))
    wanted = {key: mapping.column(key) for key in READ_KEYS}
    _, where = _header(records, wanted, mapping.required)
    at = where["id_number"]
    assert at is not None  # a required column: _header refuses a file without it
    return [cells[at].strip() if at < len(cells) else "" for _, cells in _data_rows(records)]


def plan_import(
    data: bytes,
    mapping: CourtMapping,
    zone: ZoneInfo,
    clients_by_id_number: Mapping[str, str],
    known: Sequence[Known],
    now: datetime,
) -> list[RowResult]:
    """A verdict for every data row of the file, in file order.

    An imported court date is the same one again when it has the same client and case
    number; without case numbers, a client's rows are paired with that client's upcoming
    imported dates in time order (an exact match first, then the rest in order as changes).
    Dates already past are not touched: a hearing that happened is a record, not a plan.
    """
    if now.tzinfo is None:
        raise ValueError("now must be aware")
    records = _records(decode(data))
    wanted = {key: mapping.column(key) for key in READ_KEYS}
    width, where = _header(records, wanted, mapping.required)
    reader = _Reader(
        mapping=mapping,
        zone=zone,
        now=now,
        width=width,
        where=where,
        clients={k.strip().casefold(): v for k, v in clients_by_id_number.items()},
        locations={k.strip().casefold(): v for k, v in mapping.locations.items()},
    )
    results = [reader.read(line, cells) for line, cells in _data_rows(records)]
    results = _mark_duplicates(results)
    return _match(results, known, mapping, zone, now)


def _case_key(result: RowResult) -> tuple[str, str] | None:
    assert result.row is not None
    case = result.row.case_number.casefold()
    return (result.client_id, case) if case else None


def _mark_duplicates(results: list[RowResult]) -> list[RowResult]:
    """A row that repeats an earlier one (the same date, or the same client's case)."""
    same_date: dict[tuple[str, datetime | None, str, str], int] = {}
    same_case: dict[tuple[str, str], int] = {}
    marked: list[RowResult] = []
    for result in results:
        if result.verdict is not Verdict.NEW or result.row is None:
            marked.append(result)
            continue
        row = result.row
        key = (result.client_id, result.starts_at, row.place, row.case_number.casefold())
        case_key = _case_key(result)
        if key in same_date:
            message = f"Same court date as line {same_date[key]}."
        elif case_key is not None and case_key in same_case:
            message = (
                f"Line {same_case[case_key]} already has case '{row.case_number}' for this client."
            )
        else:
            same_date[key] = result.line
            if case_key is not None:
                same_case[case_key] = result.line
            marked.append(result)
            continue
        marked.append(
            RowResult(
                result.line,
                Verdict.DUPLICATE,
                result.client_id,
                row,
                result.starts_at,
                message=message,
            )
        )
    return marked


def _compared(result: RowResult, known: Known, mapping: CourtMapping, zone: ZoneInfo) -> RowResult:
    """The row set against the stored date it stands for."""
    assert result.row is not None and result.starts_at is not None
    if known.starts_at == result.starts_at and known.place == result.row.place:
        return RowResult(
            result.line, Verdict.UNCHANGED, result.client_id, result.row, result.starts_at, known
        )
    message = _moved(known, result.starts_at, result.row.place, mapping, zone)
    return RowResult(
        result.line, Verdict.CHANGED, result.client_id, result.row, result.starts_at, known, message
    )


def _match(
    results: list[RowResult],
    known: Sequence[Known],
    mapping: CourtMapping,
    zone: ZoneInfo,
    now: datetime,
) -> list[RowResult]:
    """NEW rows that stand for a stored date become UNCHANGED or CHANGED."""
    upcoming = [k for k in known if k.starts_at >= now]
    by_case: dict[tuple[str, str], Known] = {}
    by_client: dict[str, list[Known]] = {}
    for item in sorted(upcoming, key=lambda k: (k.starts_at, k.appointment_id)):
        case = item.case_number.strip().casefold()
        if case:
            by_case.setdefault((item.client_id, case), item)
        else:
            by_client.setdefault(item.client_id, []).append(item)
    matched = list(results)
    unpaired: dict[str, list[int]] = {}  # client id → positions of rows without a case number
    for position, result in enumerate(results):
        if result.verdict is not Verdict.NEW:
            continue
        case_key = _case_key(result)
        if case_key is None:
            unpaired.setdefault(result.client_id, []).append(position)
        elif case_key in by_case:
            matched[position] = _compared(result, by_case[case_key], mapping, zone)
    for client_id, positions in unpaired.items():
        pool = list(by_client.get(client_id, []))
        waiting = sorted(positions, key=lambda p: (results[p].starts_at, results[p].line))
        for position in list(waiting):
            result = results[position]
            assert result.row is not None
            same = next(
                (
                    k
                    for k in pool
                    if k.starts_at == result.starts_at and k.place == result.row.place
                ),
                None,
            )
            if same is not None:
                pool.remove(same)
                waiting.remove(position)
                matched[position] = _compared(result, same, mapping, zone)
        for position, item in zip(waiting, pool, strict=False):
            matched[position] = _compared(results[position], item, mapping, zone)
    return matched


def summary(results: Iterable[RowResult]) -> dict[Verdict, int]:
    """How many rows got each verdict (every verdict listed, zero or not)."""
    counts = Counter(result.verdict for result in results)
    return {verdict: counts[verdict] for verdict in Verdict}


@dataclass(frozen=True)
class Sample:
    """A file's first row and the rows after it, for setting a format up."""

    header: list[str]
    rows: list[list[str]]


def sample_of(data: bytes, rows: int = 5) -> Sample:
    """The header and the first ``rows`` data rows (cells cut at 60 characters), or
    ValidationFailed saying why the file cannot be read."""
    records = _records(decode(data))
    first = next(records, None)
    if first is None:
        raise ValidationFailed({FILE: "The file has no rows."})
    header = [cell.lstrip("\ufeff") for cell in first[1]]
    shown: list[list[str]] = []
    for _, cells in records:
        shown.append([_short(plain_text(cell), 60) for cell in cells])
        if len(shown) >= rows:
            break
    return Sample(header, shown)
