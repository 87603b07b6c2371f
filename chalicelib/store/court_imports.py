"""Uploaded court-date files, kept between their preview and the requests that apply them.

Each upload keeps its plan too (store/import_plans.py: chunks beside the import's item),
so the requests that apply it only carry it out. The file is stored zlib-compressed in
the item itself: a 5,000-row export is ~250 KB of text and compresses to a few tens of
KB, well inside DynamoDB's 400 KB item. Progress (``next_row``) and the tallies move
together in one UpdateItem under the condition that ``next_row`` is still where the
caller's chunk began, so two tabs never both count one.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from pynamodb.exceptions import PynamoDBException

from . import import_plans
from .import_plans import GONE, ROWS
from .models import CourtImportModel
from .write_failures import Cause, WriteNotStored, classify, retry_transient

MAX_STORED_BYTES = 350 * 1024  # compressed file and locations; the item limit is 400 KB
KEEP_FOR = timedelta(days=1)
RECENT = 20


class ImportState(StrEnum):
    PREVIEWED = "previewed"
    APPLYING = "applying"
    DONE = "done"


class TooLargeToKeep(Exception):
    """Even compressed, the file would not fit in one item."""

    def __init__(self, stored_bytes: int):
        super().__init__(f"{stored_bytes} bytes compressed")
        self.stored_bytes = stored_bytes


@dataclass(frozen=True)
class CourtImport:
    """One uploaded file and how far applying it has got."""

    import_id: str
    department_id: str
    created_by: str
    created_at: datetime
    file_name: str
    rows_total: int
    data: bytes = b""  # the court file as uploaded (empty in lists)
    locations: bytes | None = None  # the locations file, if one came with it
    next_row: int = 0  # data rows applied so far, in file order
    added: int = 0
    moved: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)  # reason → rows
    state: ImportState = ImportState.PREVIEWED
    expires_at: datetime | None = None
    counts: Mapping[str, int] = field(default_factory=dict)  # verdict → rows, as planned
    shared_ids: tuple[str, ...] = ()  # id numbers of the file more than one client holds
    first_day: date | None = None  # the file's first and last dates
    last_day: date | None = None
    gone_total: int = 0  # imported dates on those days the file lacks
    cancel_gone: bool = False  # the supervisor chose to cancel them (set by the first apply)
    notify_gone: bool = False  # ... and to text each client the cancellation
    cancelled: int = 0

    @property
    def done(self) -> bool:
        return self.state is ImportState.DONE

    @property
    def steps_total(self) -> int:
        """What applying goes through: every row, then the dates it cancels."""
        return self.rows_total + (self.gone_total if self.cancel_gone else 0)

    def expired(self, now: datetime) -> bool:
        """DynamoDB deletes TTL items late; past this time the import is treated as gone."""
        return self.expires_at is not None and self.expires_at <= now


def created_key(created_at: datetime, import_id: str) -> str:
    return f"{created_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{import_id}"


def _to_import(row: CourtImportModel, with_files: bool) -> CourtImport:
    return CourtImport(
        import_id=row.import_id,
        department_id=row.department_id,
        created_by=row.created_by,
        created_at=row.created_at,
        file_name=row.file_name or "",
        rows_total=int(row.rows_total or 0),
        data=zlib.decompress(row.data) if with_files and row.data else b"",
        locations=zlib.decompress(row.locations) if with_files and row.locations else None,
        next_row=int(row.next_row or 0),
        added=int(row.added or 0),
        moved=int(row.moved or 0),
        skipped={k: int(v) for k, v in (row.skipped.as_dict() if row.skipped else {}).items()},
        state=ImportState(row.state or ImportState.PREVIEWED.value),
        expires_at=row.expires_at,
        counts={k: int(v) for k, v in (row.counts.as_dict() if row.counts else {}).items()},
        shared_ids=tuple(str(i) for i in row.shared_ids or ()),
        first_day=date.fromisoformat(row.first_day) if row.first_day else None,
        last_day=date.fromisoformat(row.last_day) if row.last_day else None,
        gone_total=int(row.gone_total or 0),
        cancel_gone=bool(row.cancel_gone),
        notify_gone=bool(row.notify_gone),
        cancelled=int(row.cancelled or 0),
    )


class CourtImportStore:
    def add(self, record: CourtImport) -> CourtImport:
        """Keep a new upload for a day; TooLargeToKeep when it would not fit one item."""
        data = zlib.compress(record.data, 9)
        locations = zlib.compress(record.locations, 9) if record.locations else None
        stored = len(data) + len(locations or b"")
        if stored > MAX_STORED_BYTES:
            raise TooLargeToKeep(stored)
        expires_at = record.created_at + KEEP_FOR
        row = CourtImportModel(
            record.import_id,
            department_id=record.department_id,
            created_by=record.created_by,
            created_at=record.created_at,
            created_key=created_key(record.created_at, record.import_id),
            file_name=record.file_name,
            data=data,
            locations=locations,
            rows_total=record.rows_total,
            next_row=0,
            added=0,
            moved=0,
            skipped={},
            state=ImportState.PREVIEWED.value,
            expires_at=expires_at,
            counts=dict(record.counts),
            shared_ids=list(record.shared_ids) or None,
            first_day=record.first_day.isoformat() if record.first_day else None,
            last_day=record.last_day.isoformat() if record.last_day else None,
            gone_total=record.gone_total,
            cancelled=0,
        )
        try:
            retry_transient(
                "court import",
                lambda: row.save(condition=CourtImportModel.import_id.does_not_exist()),
            )
        except PynamoDBException as exc:
            failure = classify(exc)
            # The id is 128 random bits: a failed condition means an earlier attempt of this
            # same save landed and its answer was lost, so the upload is stored.
            if failure.cause is not Cause.CONDITION:
                raise WriteNotStored("court import", failure.cause) from exc
        return replace(record, expires_at=expires_at)

    def keep_plan(
        self,
        record: CourtImport,
        rows: Sequence[bytes],
        gone: Sequence[bytes],
        expires_at: datetime,
    ) -> None:
        """Keep the plan's chunks (encoded steps); before ``add``, so an import that can
        be opened has its plan. ``TooLargeToKeep`` when a chunk would not fit an item."""
        try:
            import_plans.keep(record.import_id, ROWS, rows, expires_at)
            import_plans.keep(record.import_id, GONE, gone, expires_at)
        except import_plans.TooLargeToPlan:
            raise TooLargeToKeep(import_plans.MAX_CHUNK_BYTES) from None

    def plan_chunk(self, import_id: str, gone: bool, number: int) -> bytes:
        return import_plans.chunk(import_id, GONE if gone else ROWS, number)

    def whole_plan(self, import_id: str, gone: bool, count: int) -> list[bytes]:
        return import_plans.every_chunk(import_id, GONE if gone else ROWS, count)

    def start(self, record: CourtImport, cancel_gone: bool, notify_gone: bool) -> bool:
        """Record the choice about the dates the file lacks, once: only while the import
        is still previewed. False when another request started it first (its choice
        stands)."""

        def write() -> None:
            CourtImportModel(record.import_id).update(
                actions=[
                    CourtImportModel.state.set(ImportState.APPLYING.value),
                    CourtImportModel.cancel_gone.set(cancel_gone),
                    CourtImportModel.notify_gone.set(notify_gone),
                ],
                condition=(CourtImportModel.state == ImportState.PREVIEWED.value),
            )

        try:
            retry_transient(f"court import {record.import_id}", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause is Cause.CONDITION:
                return False
            raise WriteNotStored(f"court import {record.import_id}", failure.cause) from exc
        return True

    def get(self, import_id: str) -> CourtImport | None:
        try:
            row = CourtImportModel.get(import_id, consistent_read=True)
        except CourtImportModel.DoesNotExist:
            return None
        return _to_import(row, with_files=True)

    def recent(self, department_id: str, limit: int = RECENT) -> list[CourtImport]:
        """The department's imports still kept, newest first, without their files."""
        rows = CourtImportModel.by_department.query(
            department_id, scan_index_forward=False, limit=limit, page_size=limit
        )
        return [_to_import(row, with_files=False) for row in rows]

    def advance(
        self,
        record: CourtImport,
        to_row: int,
        added: int,
        moved: int,
        skipped: Mapping[str, int],
        state: ImportState,
        cancelled: int = 0,
    ) -> bool:
        """Record a chunk as applied: progress and tallies (totals, not deltas) set together,
        only if ``next_row`` is still ``record.next_row``. False when another request
        recorded that chunk first."""

        def write() -> None:
            CourtImportModel(record.import_id).update(
                actions=[
                    CourtImportModel.next_row.set(to_row),
                    CourtImportModel.added.set(added),
                    CourtImportModel.moved.set(moved),
                    CourtImportModel.skipped.set(dict(skipped)),
                    CourtImportModel.state.set(state.value),
                    CourtImportModel.cancelled.set(cancelled),
                ],
                condition=(CourtImportModel.next_row == record.next_row),
            )

        try:
            retry_transient(f"court import {record.import_id}", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause is Cause.CONDITION:
                return False
            raise WriteNotStored(f"court import {record.import_id}", failure.cause) from exc
        return True
