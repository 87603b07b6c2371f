"""A court import's plan, kept at upload and read back by the preview and the requests that
apply it (the chunks themselves: store/import_plans.py; what a step does:
services/import_steps.py).

Kept with each row: its verdict and, for a row that matched a stored date, the version of
that date the plan saw. Kept beside the rows: the imported dates on the file's days that
no row stands for (domain/calendar_gaps.py), in case the supervisor says the file is the
court's whole calendar for its days; the listed ones carry their client's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.appointments import Appointment
from ..domain.calendar_gaps import calendar_gap
from ..domain.clients import Client
from ..domain.court_import import RowResult, Verdict, summary
from ..domain.errors import NotFound
from ..domain.import_plan import CHUNK_STEPS, GoneStep, RowStep, decoded, encoded, in_chunks
from ..store.clients import ClientStore
from ..store.court_imports import KEEP_FOR, CourtImport, CourtImportStore

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

NAMED = 500  # dates the file lacks listed on the preview, with their client's name


def keep_plan(
    imports: CourtImportStore,
    clients: ClientStore,
    zone: ZoneInfo,
    record: CourtImport,
    results: Sequence[RowResult],
    stored: Sequence[Appointment],
    shared_ids: Iterable[str],
    shared_clients: Iterable[str],
    now: datetime,
) -> CourtImport:
    """Keep the plan in chunks, then the import itself (with the counts the preview shows
    and the file's days): from here on nothing plans this file again. ``stored``: the
    department's imported dates the rows were set against."""
    versions = {a.appointment_id: a.version for a in stored}
    rows = [RowStep(r, versions.get(r.known.appointment_id, 0) if r.known else 0) for r in results]
    gap = calendar_gap(results, stored, zone, now, shared_clients)
    gone = _gone_steps(clients, gap.gone)
    kept = replace(
        record,
        rows_total=len(rows),
        counts={verdict.value: n for verdict, n in summary(results).items()},
        shared_ids=tuple(shared_ids),
        first_day=gap.first_day,
        last_day=gap.last_day,
        gone_total=len(gone),
    )
    imports.keep_plan(
        kept,
        [encoded(chunk) for chunk in in_chunks(rows, CHUNK_STEPS)],
        [encoded(chunk) for chunk in in_chunks(gone, CHUNK_STEPS)],
        record.created_at + KEEP_FOR,
    )
    return imports.add(kept)


def _gone_steps(clients: ClientStore, gone: Sequence[Appointment]) -> list[GoneStep]:
    """The dates the file lacks, the listed ones with their client's name and id number."""
    named = {c.client_id: c for c in clients.many(sorted({a.client_id for a in gone[:NAMED]}))}
    steps = []
    for a in gone:
        client = named.get(a.client_id)
        steps.append(
            GoneStep(
                a.appointment_id,
                a.client_id,
                a.version,
                a.starts_at,
                a.place,
                a.case_number,
                client.full_name if client else "",
                (client.id_number or "") if client else "",
            )
        )
    return steps


GONE_PLAN = "This import's plan is no longer kept. Upload the file again."


def _all_there(chunks: list[bytes]) -> list[bytes]:
    """An import uploaded before plans were kept, or expiring now, has none to read."""
    if not all(chunks):
        raise NotFound(GONE_PLAN)
    return chunks


def planned_rows(imports: CourtImportStore, record: CourtImport) -> list[RowResult]:
    """Every row's verdict as kept, in file order (one BatchGetItem)."""
    count = -(-record.rows_total // CHUNK_STEPS)
    chunks = _all_there(imports.whole_plan(record.import_id, False, count))
    return [step.result for data in chunks for step in decoded(RowStep, data)]


def listed_gone(imports: CourtImportStore, record: CourtImport, limit: int) -> list[GoneStep]:
    """The first ``limit`` dates the file lacks, soonest first."""
    count = -(-min(record.gone_total, limit) // CHUNK_STEPS)
    found = [
        step
        for data in imports.whole_plan(record.import_id, True, count)
        for step in decoded(GoneStep, data)
    ]
    return found[:limit]


def next_steps(
    imports: CourtImportStore, clients: ClientStore, record: CourtImport, at: int
) -> tuple[list[RowStep] | list[GoneStep], dict[str, Client]]:
    """The kept steps from step ``at`` to the end of its chunk (every row, then the dates
    to cancel), and the clients those that write need (one BatchGetItem)."""
    gone = at >= record.rows_total
    position = at - record.rows_total if gone else at
    data = imports.plan_chunk(record.import_id, gone, position // CHUNK_STEPS)
    _all_there([data])
    steps: list[RowStep] | list[GoneStep]
    if gone:
        steps = decoded(GoneStep, data)[position % CHUNK_STEPS :]
        wanted = {s.client_id for s in steps}
    else:
        steps = decoded(RowStep, data)[position % CHUNK_STEPS :]
        wanted = {
            s.result.client_id
            for s in steps
            if s.result.client_id and s.result.verdict in (Verdict.NEW, Verdict.CHANGED)
        }
    return steps, {c.client_id: c for c in clients.many(sorted(wanted))}
