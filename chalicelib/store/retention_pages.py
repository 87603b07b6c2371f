"""The pages the records-retention job reads: every table's records past a cutoff.

The one module that Scans (tests/unit/test_no_scans.py allows it and nothing else): the job
must find old texts in every conversation, including numbers that waited in Unclaimed and
were dismissed, and audit rows of every subject (clients, staff, departments, waiting
numbers), and no key lists those. Mass texts are read the same way: a department's index
would miss the mass texts of a department since removed from the jurisdiction file, and the
table is small (a few items a department a week). It is never on a request path: only the
job, daily, paced, a page at a time, goes on from the last page's start key in the next run.
Each page reads at most ``limit`` items (DynamoDB counts those before the filter), so a page
costs the same however little of it is old.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from .models import (
    ClientModel,
    ConversationEntryModel,
    MassTextModel,
    UnclaimedModel,
)

T = TypeVar("T")
Cursor = dict[str, Any]


@dataclass(frozen=True)
class Page(Generic[T]):
    """What one page found, and where the next page starts (None: the table is done)."""

    items: list[T]
    next_cursor: Cursor | None


@dataclass(frozen=True)
class OldEntry:
    partition: str  # a client's id, or an unclaimed number's partition
    entry_key: str
    at: datetime
    status: str
    being_settled: bool  # on the unresolved-sends index: settle-sends still needs it
    sid: str


@dataclass(frozen=True)
class ClosedClient:
    client_id: str
    department_id: str
    phones: tuple[str, ...]  # current and old numbers: the routes to remove
    retired_at: datetime
    held: bool


@dataclass(frozen=True)
class OldWaitingNumber:
    department_id: str
    phone: str
    last_at: datetime
    count: int


@dataclass(frozen=True)
class OldMassText:
    mass_id: str
    state: str  # as read: the deletion is conditioned on it


def scan_page(
    model: type[Model],
    condition: Condition,
    attributes: list[str],
    cursor: Cursor | None,
    limit: int,
    parse: Callable[[Any], T],
) -> Page[T]:
    """One Scan request: at most ``limit`` items read, those matching ``condition`` parsed."""
    answer = model._get_connection().scan(
        filter_condition=condition,
        attributes_to_get=attributes,
        limit=limit,
        exclusive_start_key=cast(Any, cursor),
    )
    items = [parse(model.from_raw_data(raw)) for raw in answer.get("Items", [])]
    return Page(items, answer.get("LastEvaluatedKey") or None)


def old_entries(before: datetime, cursor: Cursor | None, limit: int) -> Page[OldEntry]:
    def parse(row: ConversationEntryModel) -> OldEntry:
        return OldEntry(
            row.client_id,
            row.entry_key,
            row.at,
            row.status or "",
            bool(row.check_due),
            row.sid or "",
        )

    attributes = ["client_id", "entry_key", "at", "status", "check_due", "sid"]
    return scan_page(
        ConversationEntryModel, ConversationEntryModel.at < before, attributes, cursor, limit, parse
    )


def closed_clients(before: datetime, cursor: Cursor | None, limit: int) -> Page[ClosedClient]:
    def parse(row: ClientModel) -> ClosedClient:
        phones = [row.phone, *cast(list[str], row.old_phones or [])]
        return ClosedClient(
            row.client_id,
            row.department_id,
            tuple(dict.fromkeys(p for p in phones if p)),
            row.retired_at,
            bool(row.legal_hold),
        )

    attributes = ["client_id", "department_id", "phone", "old_phones", "retired_at", "legal_hold"]
    return scan_page(ClientModel, ClientModel.retired_at < before, attributes, cursor, limit, parse)


def old_waiting_numbers(
    before: datetime, cursor: Cursor | None, limit: int
) -> Page[OldWaitingNumber]:
    """Numbers whose last text came before the cutoff (each department's item of waiting
    numbers has no ``last_at``, so it is never one of them)."""

    def parse(row: UnclaimedModel) -> OldWaitingNumber:
        return OldWaitingNumber(row.department_id, row.phone, row.last_at, int(row.texts_count))

    attributes = ["department_id", "phone", "last_at", "count"]
    return scan_page(
        UnclaimedModel, UnclaimedModel.last_at < before, attributes, cursor, limit, parse
    )


def old_mass_texts(before: datetime, cursor: Cursor | None, limit: int) -> Page[OldMassText]:
    """Mass texts started and due to send before the cutoff (one scheduled past it is kept
    until its time is past the schedule too)."""

    def parse(row: MassTextModel) -> OldMassText:
        return OldMassText(row.mass_id, row.state)

    condition = (MassTextModel.created_at < before) & (MassTextModel.send_at < before)
    return scan_page(MassTextModel, condition, ["mass_id", "state"], cursor, limit, parse)
