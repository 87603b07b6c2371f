"""Importing court dates: a supervisor uploads the court's calendar export, sees a verdict
for every row, then applies it as a difference, a chunk of rows per request.

The file is planned once, when it is uploaded, and the plan is kept with it (in chunks,
store/import_plans.py); the preview shows it and each apply request carries out the next
chunk of it, never planning again. What changed between the plan and the write is caught
by conditions (services/import_steps.py): a new date's id derives from what it is, so two
imports of the same file (or one applied twice) store it once; a changed date moves only
if it is still at the version the plan saw. A file said to be the court's whole calendar
for its dates may cancel the imported dates it lacks (domain/calendar_gaps.py).
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..domain.appointments import Appointment
from ..domain.clients import id_number_key
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
)
from ..domain.courthouses import as_locations
from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.import_plan import CHUNK_STEPS, GoneStep, RowStep
from ..domain.jurisdiction import Jurisdiction
from ..domain.users import User
from ..store.appointments import AppointmentStore, DepartmentTextsStore
from ..store.clients import ClientStore
from ..store.court_imports import CourtImport as CourtImport  # pages show it: re-exported
from ..store.court_imports import CourtImportStore, ImportState, TooLargeToKeep
from ..store.department_settings import DepartmentSettingsStore
from .appointments import department_texts
from .courthouses import department_courthouses
from .import_formats import UnknownFormat, format_of_file
from .import_steps import ADDED, CANCELLED, MOVED, apply_row, cancel_gone
from .import_steps import CHANGED_MEANWHILE as CHANGED_MEANWHILE  # the pages label it
from .kept_plans import keep_plan, listed_gone, next_steps, planned_rows

CHUNK_ROWS = CHUNK_STEPS  # steps per kept chunk, and at most this many written per request
BUDGET_SECONDS = 4.0  # a request stops after this much work; the next goes on from there
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
    whole: bool = False  # the supervisor says the file is the whole calendar of its days
    gone: list[GoneStep] = field(default_factory=list)  # with ``whole``: at most LISTED_ROWS

    @property
    def changes(self) -> bool:
        """Applying would change something: Apply is offered only then."""
        moving = self.counts.get(Verdict.NEW, 0) + self.counts.get(Verdict.CHANGED, 0)
        return bool(moving or (self.whole and self.record.gone_total))

    @property
    def needs_attention(self) -> int:
        """Rows a courthouse, a client or a fix could still bring in ("check it again")."""
        return sum(self.counts.get(verdict, 0) for verdict in ATTENTION)


@dataclass(frozen=True)
class Plan:
    results: list[RowResult]
    shared_ids: list[str]  # id numbers of the file more than one client holds
    stored: list[Appointment] = field(default_factory=list)  # what the rows were set against
    shared_clients: set[str] = field(default_factory=set)  # the holders of those id numbers


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
        return keep_plan(
            deps.imports,
            deps.clients,
            deps.jurisdiction.zone,
            record,
            plan.results,
            plan.stored,
            plan.shared_ids,
            plan.shared_clients,
            now,
        )
    except TooLargeToKeep:
        raise FileTooLarge(
            {COURT_FILE: "The file is too large to keep for applying; split it in two."}
        ) from None


def check_again(user: User, deps: ImportDeps, import_id: str, now: datetime) -> CourtImport:
    """Plan a kept file again as a new import: after the supervisor added a courthouse,
    a client or a format that its rows needed. The old import stays as it was."""
    record = open_import(user, deps, import_id, now)
    return upload(user, deps, record.file_name, record.data, now)


def recent_imports(user: User, deps: ImportDeps, now: datetime) -> list[CourtImport]:
    check_can_import(user)
    return [r for r in deps.imports.recent(user.department_id) if not r.expired(now)]


def open_import(user: User, deps: ImportDeps, import_id: str, now: datetime) -> CourtImport:
    """An import of the user's own department; any other is as good as missing."""
    check_can_import(user)
    wanted = import_id[:64]
    # An import's id is hex; anything else (a plan chunk's key, say) is no import.
    record = deps.imports.get(wanted) if wanted and wanted.isalnum() else None
    if record is None or record.department_id != user.department_id or record.expired(now):
        raise NotFound("There is no such import (imports are kept for a day). Upload it again.")
    return record


def preview(
    user: User, deps: ImportDeps, import_id: str, now: datetime, whole: bool = False
) -> Preview:
    """Every row's verdict as planned at upload (the kept plan; nothing planned again,
    nothing written); with ``whole``, the imported dates the file lacks too."""
    record = open_import(user, deps, import_id, now)
    if record.state is not ImportState.PREVIEWED:
        return Preview(record, {}, [], [])
    rank = {verdict: i for i, verdict in enumerate(ORDER)}
    ordered = sorted(
        planned_rows(deps.imports, record), key=lambda r: (rank.get(r.verdict, -1), r.line)
    )
    counts = {verdict: record.counts.get(verdict.value, 0) for verdict in Verdict}
    gone = listed_gone(deps.imports, record, LISTED_ROWS) if whole and record.gone_total else []
    return Preview(record, counts, ordered[:LISTED_ROWS], list(record.shared_ids), whole, gone)


def plan_for(deps: ImportDeps, record: CourtImport, now: datetime) -> Plan:
    """The file's verdicts against the department's clients and imported dates now.

    Clients are looked up by the file's id numbers (the id-number index), never by listing
    the department.
    """
    try:
        mapping = mapping_for(deps, record.department_id, record.data)
    except UnknownFormat:
        raise
    except ValidationFailed as exc:
        raise ValidationFailed({COURT_FILE: exc.field_errors.get(FILE, str(exc))}) from None
    known_dates = deps.appointments.imported_in_department(record.department_id, now)
    known = [
        Known(a.appointment_id, a.client_id, a.case_number, a.starts_at, a.place)
        for a in known_dates
    ]
    try:
        id_numbers = id_numbers_in(record.data, mapping)
        spelled: dict[str, str] = {}  # folded → as the file first writes it
        for id_number in id_numbers:
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
    shared_clients = {client_id for key in shared for client_id in holders[key]}
    return Plan(results, sorted(spelled[key] for key in shared), known_dates, shared_clients)


def _shared_message(result: RowResult, shared: set[str]) -> RowResult:
    """An id number two clients hold is not unknown: say so, so the records get fixed."""
    if result.verdict is Verdict.UNKNOWN_ID and result.row is not None:
        id_number = result.row.id_number
        if id_number_key(id_number) in shared:
            message = f"More than one client has id number '{id_number}'; fix their records."
            return replace(result, message=message)
    return result


@dataclass(frozen=True)
class GoneChoice:
    """What to do with the dates a whole-calendar file lacks, as the Apply form says."""

    cancel: bool = False  # default: keep them
    notify: bool = False  # text each client the cancellation


def apply_next(
    user: User,
    deps: ImportDeps,
    import_id: str,
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
    choice: GoneChoice | None = None,
) -> CourtImport:
    """Carry out the next steps of the kept plan (at most CHUNK_ROWS writes, or
    BUDGET_SECONDS of work) and record the progress; the import as it now stands. The
    first request records ``choice`` for the dates the file lacks; later ones (and a
    second tab's first) go by the recorded one."""
    deadline = clock() + BUDGET_SECONDS
    record = open_import(user, deps, import_id, now)
    if record.done:
        return record
    if record.state is ImportState.PREVIEWED:
        choice = choice or GoneChoice()
        if deps.imports.start(record, choice.cancel, choice.notify):
            record = replace(
                record,
                state=ImportState.APPLYING,
                cancel_gone=choice.cancel,
                notify_gone=choice.notify,
            )
        else:
            record = open_import(user, deps, import_id, now)
    texts = department_texts(
        deps.department_texts, deps.jurisdiction, record.department_id, deps.minutes_per_day
    )
    tally = Counter(
        {ADDED: record.added, MOVED: record.moved, CANCELLED: record.cancelled, **record.skipped}
    )
    at, total, writes = record.next_row, record.steps_total, 0

    def enough() -> bool:
        return writes >= CHUNK_ROWS or (at > record.next_row and clock() > deadline)

    while at < total and not enough():
        steps, clients = next_steps(deps.imports, deps.clients, record, at)
        for step in steps:
            if enough():
                break
            if isinstance(step, RowStep):
                outcome = apply_row(deps.appointments, clients, step, texts, user, now)
            else:
                outcome = cancel_gone(
                    deps.appointments, clients, step, texts, user, now, record.notify_gone
                )
            tally[outcome] += 1
            writes += outcome in (ADDED, MOVED, CANCELLED)
            at += 1
    state = ImportState.DONE if at >= total else ImportState.APPLYING
    added, moved, cancelled = tally.pop(ADDED, 0), tally.pop(MOVED, 0), tally.pop(CANCELLED, 0)
    skipped = {reason: n for reason, n in tally.items() if n}
    if deps.imports.advance(record, at, added, moved, skipped, state, cancelled):
        return replace(
            record,
            next_row=at,
            added=added,
            moved=moved,
            cancelled=cancelled,
            skipped=skipped,
            state=state,
        )
    return open_import(user, deps, import_id, now)  # another request recorded these steps
