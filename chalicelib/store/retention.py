"""The records-retention job's view of the tables: the pages of old records of each kind,
and their deletion under the holds (one object to hand the use case, or a fake)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from . import retention_pages as pages
from .audit import audit_row
from .client_purge import ACTOR, Purge, purge_client
from .guarded_deletes import Outcome
from .retention_pages import (
    ClosedClient,
    Cursor,
    OldEntry,
    OldMassText,
    OldWaitingNumber,
    Page,
)
from .retention_sweeps import (
    delete_entries,
    delete_mass_texts,
    drop_waiting_number,
)

SUMMARY_SUBJECT = "records-retention"  # the subject of the job's own audit rows


class RecordSweeps:
    """What the records-retention job reads and deletes, kind by kind (one object to hand
    the use case, or a fake)."""

    def closed_clients(
        self, before: datetime, cursor: Cursor | None, limit: int
    ) -> Page[ClosedClient]:
        return pages.closed_clients(before, cursor, limit)

    def purge_client(
        self,
        client: ClosedClient,
        before: datetime,
        has_time: Callable[[], bool],
        pace: Callable[[int], None],
    ) -> Purge:
        return purge_client(client, before, has_time, pace)

    def old_entries(self, before: datetime, cursor: Cursor | None, limit: int) -> Page[OldEntry]:
        return pages.old_entries(before, cursor, limit)

    def delete_entries(self, partition: str, entries: Sequence[OldEntry]) -> Outcome:
        return delete_entries(partition, entries)

    def old_mass_texts(
        self, before: datetime, cursor: Cursor | None, limit: int
    ) -> Page[OldMassText]:
        return pages.old_mass_texts(before, cursor, limit)

    def delete_mass_texts(self, masses: Sequence[OldMassText]) -> Outcome:
        return delete_mass_texts(masses)

    def old_waiting_numbers(
        self, before: datetime, cursor: Cursor | None, limit: int
    ) -> Page[OldWaitingNumber]:
        return pages.old_waiting_numbers(before, cursor, limit)

    def drop_waiting_number(self, number: OldWaitingNumber) -> Outcome:
        return drop_waiting_number(number)

    def record_summary(self, details: dict[str, str]) -> None:
        """One audit row for what a run deleted of one kind (never one per record)."""
        audit_row(SUMMARY_SUBJECT, ACTOR, "records_deleted", details).save()
