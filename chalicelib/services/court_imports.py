"""Importing court dates: a supervisor uploads the court's calendar export, sees a verdict
for every row, then applies it as a difference, a chunk of rows per request.

Nothing is remembered between the preview and each chunk but the file and the progress:
every chunk plans the whole file again against the department as it is now, and applies
only its own rows. So a chunk applied twice (a retry after a timeout, a second tab) finds
its rows already stored (UNCHANGED), and importing the same file again changes nothing.
Rows added by one import get ids derived from the import and the row, so two requests
racing on one chunk store each date once.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain.appointments import Appointment, AppointmentDetails, Kind, Source
from ..domain.clients import Client, id_number_key
from ..domain.court_import import (
    FILE,
    MAX_BYTES,
    CourtMapping,
    Known,
    RowResult,
    Verdict,
    id_numbers_in,
    mapping_from,
    plan_import,
    summary,
)
from ..domain.courthouses import as_locations, with_court_details
from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.users import User
from ..store.appointments import AppointmentStore, Conflict, DepartmentTextsStore
from ..store.clients import ClientStore
from ..store.court_imports import CourtImport as CourtImport  # pages show it: re-exported
from ..store.court_imports import CourtImportStore, ImportState, TooLargeToKeep
from ..store.department_settings import DepartmentSettingsStore
from .appointments import StaleAppointment, Texts, create, department_texts, move
from .courthouses import department_courthouses
from .import_formats import UnknownFormat, format_of_file

CHUNK_ROWS = 100  # data rows per apply request: seconds of work, far inside API Gateway's 29 s
BUDGET_SECONDS = 20.0  # a slow chunk stops early and the next request goes on from there
LISTED_ROWS = 500  # rows listed on the preview; the counts always cover the whole file
ATTENTION = (
    Verdict.UNKNOWN_ID,
    Verdict.UNKNOWN_COURTHOUSE,
    Verdict.NO_SUCH_DAY,
    Verdict.BAD_TIME,
    Verdict.BAD_DATE,
    Verdict.IN_THE_PAST,
    Verdict.DUPLICATE,
    Verdict.BAD_ROW,
)
ORDER = (*ATTENTION, Verdict.CHANGED, Verdict.NEW, Verdict.UNCHANGED)
CHANGED_MEANWHILE = "changed meanwhile"  # someone edited or closed the date since the plan
COURT_FILE = "court_file"


class FileTooLarge(ValidationFailed):
    """More than the import takes (a page answers 413)."""


@dataclass(frozen=True)
class ImportDeps:
    """What the use cases need, built by the web layer from bootstrap's stores."""

    clients: ClientStore
    appointments: AppointmentStore
    department_texts: DepartmentTextsStore
    imports: CourtImportStore
    jurisdiction: Jurisdiction
    minutes_per_day: int | None = None
    settings: DepartmentSettingsStore | None = None  # formats and courthouses (issue 18)


def collaborators(
    clients: ClientStore,
    appointments: AppointmentStore,
    texts: DepartmentTextsStore,
    imports: CourtImportStore,
    jurisdiction: Jurisdiction,
    minutes_per_day: int | None = None,
    settings: DepartmentSettingsStore | None = None,
) -> ImportDeps:
    return ImportDeps(
        clients, appointments, texts, imports, jurisdiction, minutes_per_day, settings
    )


@dataclass(frozen=True)
class Preview:
    record: CourtImport
    counts: dict[Verdict, int]
    rows: list[RowResult]  # attention first, at most LISTED_ROWS
    shared_ids: list[str]  # id numbers more than one client holds


@dataclass(frozen=True)
class Plan:
    results: list[RowResult]
    shared_ids: list[str]  # id numbers of the file more than one client holds


def check_can_import(user: User) -> None:
    if not (user.active and user.oversees_department):
        raise Forbidden("Only a supervisor imports court dates.")


def mapping_of(jurisdiction: Jurisdiction) -> CourtMapping:
    return mapping_from(jurisdiction.raw.get("court_import"))


def mapping_for(deps: ImportDeps, department_id: str, data: bytes) -> CourtMapping:
    """How this file reads: the department's format its header is (UnknownFormat when
    none), with the department's courthouses, as stored now (never from one upload)."""
    if deps.settings is None:
        return mapping_of(deps.jurisdiction)
    found = format_of_file(deps.settings, deps.jurisdiction, department_id, data)
    places = department_courthouses(deps.settings, deps.jurisdiction, department_id)
    return replace(found.mapping, locations=as_locations(places))


def upload(
    user: User,
    deps: ImportDeps,
    file_name: str,
    data: bytes,
    now: datetime,
) -> CourtImport:
    """Check the file as a whole (readable, the columns there, rows in it) and keep it."""
    check_can_import(user)
    if len(data) > MAX_BYTES:
        size = len(data) / 1024 / 1024
        raise FileTooLarge({COURT_FILE: f"The file is {size:.1f} MB; split it: at most 2 MB."})
    if not data:
        raise ValidationFailed({COURT_FILE: "Choose the court calendar file (CSV)."})
    record = CourtImport(
        import_id=secrets.token_hex(16),
        department_id=user.department_id,
        created_by=user.user_id,
        created_at=now,
        file_name=" ".join(file_name.split())[:120],
        rows_total=0,
        data=data,
    )
    plan = plan_for(deps, record, now)
    if not plan.results:
        raise ValidationFailed({COURT_FILE: "The file has no rows below its first row."})
    try:
        return deps.imports.add(replace(record, rows_total=len(plan.results)))
    except TooLargeToKeep:
        raise FileTooLarge(
            {COURT_FILE: "The file is too large to keep for applying; split it in two."}
        ) from None


def recent_imports(user: User, deps: ImportDeps, now: datetime) -> list[CourtImport]:
    check_can_import(user)
    return [r for r in deps.imports.recent(user.department_id) if not r.expired(now)]


def open_import(user: User, deps: ImportDeps, import_id: str, now: datetime) -> CourtImport:
    """An import of the user's own department; any other is as good as missing."""
    check_can_import(user)
    record = deps.imports.get(import_id[:64]) if import_id else None
    if record is None or record.department_id != user.department_id or record.expired(now):
        raise NotFound("There is no such import (imports are kept for a day). Upload it again.")
    return record


def preview(user: User, deps: ImportDeps, import_id: str, now: datetime) -> Preview:
    """Every row's verdict as things stand now; writes nothing."""
    record = open_import(user, deps, import_id, now)
    if record.state is not ImportState.PREVIEWED:
        return Preview(record, {}, [], [])
    plan = plan_for(deps, record, now)
    rank = {verdict: i for i, verdict in enumerate(ORDER)}
    ordered = sorted(plan.results, key=lambda r: (rank[r.verdict], r.line))
    return Preview(record, summary(plan.results), ordered[:LISTED_ROWS], plan.shared_ids)


def plan_for(
    deps: ImportDeps, record: CourtImport, now: datetime, rows: slice | None = None
) -> Plan:
    """The file's verdicts against the department's clients and imported dates now.

    Clients are looked up by the file's id numbers (the id-number index), never by listing
    the department. With ``rows`` (a chunk being applied) only that chunk's id numbers are
    looked up: the verdicts of its rows come out the same, since a row's verdict depends
    only on rows of the same client, which share its id number.
    """
    try:
        mapping = mapping_for(deps, record.department_id, record.data)
    except UnknownFormat:
        raise
    except ValidationFailed as exc:
        raise ValidationFailed({COURT_FILE: exc.field_errors.get(FILE, str(exc))}) from None
    known = [
        Known(a.appointment_id, a.client_id, a.case_number, a.starts_at, a.place)
        for a in deps.appointments.imported_in_department(record.department_id, now)
    ]
    try:
        id_numbers = id_numbers_in(record.data, mapping)
        spelled: dict[str, str] = {}  # folded → as the file first writes it
        for id_number in id_numbers if rows is None else id_numbers[rows]:
            spelled.setdefault(id_number_key(id_number), id_number)
        holders = deps.clients.holding_id_numbers(record.department_id, spelled)
        shared = {key for key, held_by in holders.items() if len(held_by) > 1}
        by_id_number = {key: held_by[0] for key, held_by in holders.items() if len(held_by) == 1}
        results = plan_import(
            record.data, mapping, deps.jurisdiction.zone, by_id_number, known, now
        )
    except ValidationFailed as exc:
        raise ValidationFailed({COURT_FILE: exc.field_errors.get(FILE, str(exc))}) from None
    results = [_shared_message(r, shared) for r in results]
    return Plan(results, sorted(spelled[key] for key in shared))


def _shared_message(result: RowResult, shared: set[str]) -> RowResult:
    """An id number two clients hold is not unknown: say so, so the records get fixed."""
    if result.verdict is Verdict.UNKNOWN_ID and result.row is not None:
        id_number = result.row.id_number
        if id_number_key(id_number) in shared:
            message = f"More than one client has id number '{id_number}'; fix their records."
            return replace(result, message=message)
    return result


def apply_next(
    user: User,
    deps: ImportDeps,
    import_id: str,
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
) -> CourtImport:
    """Apply the next chunk of rows and record the progress; the import as it now stands."""
    deadline = clock() + BUDGET_SECONDS
    record = open_import(user, deps, import_id, now)
    if record.done:
        return record
    chunk = slice(record.next_row, record.next_row + CHUNK_ROWS)
    plan = plan_for(deps, record, now, chunk)
    chosen = {r.client_id for r in plan.results[chunk] if r.client_id}
    clients = {c.client_id: c for c in deps.clients.many(sorted(chosen))}
    texts = department_texts(
        deps.department_texts, deps.jurisdiction, record.department_id, deps.minutes_per_day
    )
    tally = Counter({"added": record.added, "moved": record.moved, **record.skipped})
    applied = 0
    for result in plan.results[chunk]:
        if applied and clock() > deadline:
            break
        tally[_apply_row(deps, record, clients, result, texts, user, now)] += 1
        applied += 1
    to_row = min(record.next_row + applied, record.rows_total)
    state = ImportState.DONE if to_row >= record.rows_total else ImportState.APPLYING
    added, moved = tally.pop("added", 0), tally.pop("moved", 0)
    skipped = {reason: n for reason, n in tally.items() if n}
    if deps.imports.advance(record, to_row, added, moved, skipped, state):
        return replace(
            record, next_row=to_row, added=added, moved=moved, skipped=skipped, state=state
        )
    return open_import(user, deps, import_id, now)  # another request recorded this chunk


def _apply_row(
    deps: ImportDeps,
    record: CourtImport,
    clients: Mapping[str, Client],
    result: RowResult,
    texts: Texts,
    user: User,
    now: datetime,
) -> str:
    """Store one row's change; what happened, as a tally key."""
    client = clients.get(result.client_id)
    row, starts_at = result.row, result.starts_at
    if result.verdict not in (Verdict.NEW, Verdict.CHANGED) or client is None:
        return result.verdict.value
    assert row is not None and starts_at is not None  # NEW and CHANGED rows always have them
    if result.verdict is Verdict.NEW:
        appt = Appointment(
            client_id=client.client_id,
            appointment_id=row_appointment_id(record.import_id, result.line),
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            kind=Kind.COURT,
            starts_at=starts_at,
            place=row.place,
            case_number=row.case_number,
            source=Source.IMPORT,
        )
        appt = with_court_details(appt, row)  # its courthouse code, room, hearing kind
        try:
            create(deps.appointments, client, appt, texts, user.user_id, now)
        except Conflict:  # a racing request stored this very row first
            if deps.appointments.get(client.client_id, appt.appointment_id) is None:
                return CHANGED_MEANWHILE
        return "added"
    assert result.known is not None
    current = deps.appointments.get(client.client_id, result.known.appointment_id)
    if current is None or not current.open:
        return CHANGED_MEANWHILE
    if current.starts_at == starts_at and current.place == row.place:
        return Verdict.UNCHANGED.value  # a racing request moved it already
    details = AppointmentDetails(current.kind, starts_at, row.place, current.notes)
    current = with_court_details(current, row)  # kept as the file now says them
    try:
        move(deps.appointments, client, current, details, texts, user.user_id, now)
    except StaleAppointment:
        return CHANGED_MEANWHILE
    return "moved"


def row_appointment_id(import_id: str, line: int) -> str:
    """The same for every attempt at one row of one import, so it is stored once."""
    return hashlib.sha256(f"{import_id}#{line}".encode()).hexdigest()[:24]
