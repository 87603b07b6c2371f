"""Importing clients from a spreadsheet: upload (plan every row, keep the plan), preview
(the kept verdicts, nothing written), apply (a chunk of the kept plan per request).

Who may import into whose caseload, and what "the same person" is: domain/client_import.py.
Each new client is created by the store path the "new client" form uses
(``ClientStore.add``: the client and its phone route in one transaction, the route only
if nobody else holds the number), with an audit row of the import in the same
transaction. A row the plan called new but that meets a holder of its number at apply
time gets the verdict it now has ("already here" when the holder is the same person: an
import applied twice, or two at once), never a silent skip; importing the same file again
plans every row "already here".

A plan is kept in chunks of CHUNK_STEPS rows (store/import_plans.py), so a 5,000-row file
is 50 GetItems to apply and the upload itself only reads: staff (one Query), the file's
numbers' routes (BatchGetItem, 100 a request), id numbers (the id-number index) and
their holders (BatchGetItem).
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain.client_import import (
    RowVerdict,
    Verdict,
    as_plain,
    counts,
    from_plain,
    plan_rows,
    same_person,
)
from ..domain.client_import_file import FILE as FILE  # the upload field: pages name it
from ..domain.client_import_file import UnrecognisedColumns as UnrecognisedColumns  # pages
from ..domain.client_import_file import read_file
from ..domain.clients import Client
from ..domain.errors import Forbidden, NotFound, StaleRecord
from ..domain.import_plan import CHUNK_STEPS, in_chunks
from ..domain.jurisdiction import Jurisdiction
from ..domain.users import Role, User
from ..store.audit import AuditStore
from ..store.client_formats import ClientFormatStore
from ..store.client_imports import ClientImport as ClientImport  # pages show it
from ..store.client_imports import ClientImportStore
from ..store.clients import ClientStore, NumberInUse
from ..store.court_imports import ImportState
from ..store.users import UserStore
from .client_import_lookups import holder_of, known_for

ADDED = "added"
CHANGED_MEANWHILE = "changed meanwhile"  # the write clashed with another change: not added
BUDGET_SECONDS = 4.0  # a request stops after this much work; the next goes on from there
LISTED_ROWS = 500
LATE_LISTED = 200  # rows planned new but refused while applying, listed with their verdict
ORDER = (
    Verdict.BAD_PHONE,
    Verdict.BAD_ROW,
    Verdict.LANGUAGE,
    Verdict.RETIRED,
    Verdict.CASE_MANAGER,
    Verdict.NOT_YOURS,
    Verdict.NUMBER_TAKEN,
    Verdict.DUPLICATE,
    Verdict.NEW,
    Verdict.HERE,
)
GONE = "There is no such import (imports are kept for a day). Upload the file again."


@dataclass(frozen=True)
class ClientImportDeps:
    clients: ClientStore
    users: UserStore
    imports: ClientImportStore
    audit: AuditStore
    jurisdiction: Jurisdiction
    formats: ClientFormatStore | None = None  # the department's saved formats (None: none)


@dataclass(frozen=True)
class Preview:
    record: ClientImport
    rows: list[RowVerdict]  # attention first, at most LISTED_ROWS

    @property
    def changes(self) -> bool:
        return bool(self.record.counts.get(Verdict.NEW.value, 0))


def check_can_import(user: User) -> None:
    """Case managers (into their own caseload), supervisors and admins (into their
    department's caseloads)."""
    if not user.active:
        raise Forbidden("Only active staff import clients.")


def upload(
    user: User, deps: ClientImportDeps, file_name: str, data: bytes, now: datetime
) -> ClientImport:
    """Read the file, give every row its verdict and keep that plan; nothing else written."""
    check_can_import(user)
    saved = deps.formats.formats(user.department_id) if deps.formats is not None else []
    sheet = read_file(data, saved)
    known = known_for(user, deps.clients, deps.users, deps.imports, deps.jurisdiction, sheet.rows)
    planned = plan_rows(sheet.rows, known)
    record = ClientImport(
        import_id=secrets.token_hex(16),
        department_id=user.department_id,
        created_by=user.user_id,
        created_at=now,
        file_name=" ".join(file_name.split())[:120],
        rows_total=len(planned),
        counts=counts(planned),
        ignored=tuple(sheet.ignored[:20]),
    )
    chunks = [_encoded(chunk) for chunk in in_chunks(planned, CHUNK_STEPS)]
    record = deps.imports.add(record, chunks)
    deps.audit.record(
        f"department#{user.department_id}",
        user.user_id,
        "client_import_upload",
        import_id=record.import_id,
        rows=record.rows_total,
        **{verdict.replace(" ", "_"): n for verdict, n in record.counts.items()},
    )
    return record


def _encoded(rows: Sequence[RowVerdict]) -> bytes:
    return json.dumps([as_plain(r) for r in rows], separators=(",", ":")).encode()


def _decoded(data: bytes) -> list[RowVerdict]:
    if not data:
        raise NotFound(GONE)
    return [from_plain(item) for item in json.loads(data)]


def open_import(user: User, deps: ClientImportDeps, import_id: str, now: datetime) -> ClientImport:
    """An import the user may see: their own, or (a supervisor's) their department's."""
    check_can_import(user)
    wanted = import_id[:64]
    record = deps.imports.get(wanted) if wanted and wanted.isalnum() else None
    if (
        record is None
        or record.department_id != user.department_id
        or record.expired(now)
        or not (user.oversees_department or record.created_by == user.user_id)
    ):
        raise NotFound(GONE)
    return record


def preview(user: User, deps: ClientImportDeps, import_id: str, now: datetime) -> Preview:
    """Every row's verdict as planned at upload (one BatchGetItem; nothing written)."""
    record = open_import(user, deps, import_id, now)
    count = -(-record.rows_total // CHUNK_STEPS)
    rows = [r for data in deps.imports.whole_plan(record.import_id, count) for r in _decoded(data)]
    rank = {verdict: i for i, verdict in enumerate(ORDER)}
    rows.sort(key=lambda r: (rank[r.verdict], r.line))
    return Preview(record, rows[:LISTED_ROWS])


def state_of(user: User, deps: ClientImportDeps, import_id: str, now: datetime) -> Preview:
    """What an open page's region shows (its refetch after a push): the rows only while
    the import is previewed, else the kept record alone (one GetItem)."""
    record = open_import(user, deps, import_id, now)
    if record.state is ImportState.PREVIEWED:
        return preview(user, deps, import_id, now)
    return Preview(record, [])


def apply_next(
    user: User,
    deps: ClientImportDeps,
    import_id: str,
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
    announce: Callable[[ClientImport], None] = lambda record: None,
) -> ClientImport:
    """Carry out the next steps of the kept plan (at most CHUNK_STEPS rows, or
    BUDGET_SECONDS of work) and record the progress; the import as it now stands.
    ``announce`` tells the import's other open pages once the progress is recorded."""
    deadline = clock() + BUDGET_SECONDS
    record = open_import(user, deps, import_id, now)
    if record.done:
        return record
    tally = Counter(record.tally)
    late = list(record.late)
    at, total = record.next_row, record.rows_total
    owners: dict[str, User | None] = {}
    while at < total and at - record.next_row < CHUNK_STEPS:
        if at > record.next_row and clock() > deadline:
            break
        steps = _decoded(deps.imports.plan_chunk(record.import_id, at // CHUNK_STEPS))
        for row in steps[at % CHUNK_STEPS :]:
            if at - record.next_row >= CHUNK_STEPS or (at > record.next_row and clock() > deadline):
                break
            outcome = apply_row(user, deps, record, row, owners)
            tally[outcome] += 1
            if row.verdict is Verdict.NEW and outcome != ADDED and len(late) < LATE_LISTED:
                late.append(f"{row.line}|{outcome}")
            at += 1
    state = ImportState.DONE if at >= total else ImportState.APPLYING
    done = {key: n for key, n in tally.items() if n}
    if deps.imports.advance(record, at, done, state, late):
        if state is ImportState.DONE:
            details = {k.replace(" ", "_"): n for k, n in done.items()}
            deps.audit.record(
                f"department#{record.department_id}",
                user.user_id,
                "client_import_apply",
                import_id=record.import_id,
                **details,
            )
        moved = replace(record, next_row=at, tally=done, state=state, late=tuple(late))
        announce(moved)
        return moved
    return open_import(user, deps, import_id, now)  # another request recorded these steps


def apply_row(
    user: User,
    deps: ClientImportDeps,
    record: ClientImport,
    row: RowVerdict,
    owners: dict[str, User | None],
) -> str:
    """Create one planned client; what happened, as a tally key (a verdict's value when
    the row is left alone)."""
    if row.verdict is not Verdict.NEW:
        return row.verdict.value
    if row.case_manager_id not in owners:
        owners[row.case_manager_id] = deps.users.get(row.case_manager_id)
    owner = owners[row.case_manager_id]
    if (
        owner is None
        or not owner.active
        or owner.role is not Role.CASE_MANAGER
        or owner.department_id != record.department_id
    ):
        return Verdict.CASE_MANAGER.value  # deactivated or moved since the preview
    client = Client(
        client_id=secrets.token_hex(10),
        department_id=record.department_id,
        case_manager_id=owner.user_id,
        first_name=row.first_name,
        last_name=row.last_name,
        phone=row.phone,
        language=row.language,
        id_number=row.id_number,
        phone_note=row.phone_note,
    )
    audit = (user.user_id, "client_import", {"import_id": record.import_id, "row": str(row.line)})
    try:
        deps.clients.add(client, audit)
    except NumberInUse as exc:
        holder = deps.clients.get(exc.holder_client_id)
        if holder is not None and same_person(
            holder_of(user, holder, {}), row.first_name, row.last_name, row.id_number
        ):
            return Verdict.HERE.value  # this row, written by an earlier attempt or import
        return Verdict.NUMBER_TAKEN.value
    except StaleRecord:
        return CHANGED_MEANWHILE
    return ADDED
