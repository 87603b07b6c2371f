"""Uploaded court-date files, kept between their preview and the requests that apply them.

The file is stored zlib-compressed in the item itself: a 5,000-row export is ~250 KB of
text and compresses to a few tens of KB, well inside DynamoDB's 400 KB item. Progress
(``next_row``) and the tallies move together in one UpdateItem under the condition that
``next_row`` is still where the caller's chunk began, so two tabs never both count one.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pynamodb.exceptions import PynamoDBException

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

    @property
    def done(self) -> bool:
        return self.state is ImportState.DONE

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
