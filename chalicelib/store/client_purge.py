"""Deleting a client retired (case closed) longer ago than the schedule, with everything
under them: texts and markers (and their MessageSid rows), appointments, finished scheduled
texts, the routes of their numbers, unread rows, their id in the department's groups, and
the link an Unclaimed number keeps to them.

The client item goes last, in one transaction with the audit row that records the deletion,
so a run that stops half-way leaves the client findable and the next run finishes. Every
batch checks, in its own transaction, that the client is still retired as read and not held,
and that no jurisdiction-wide hold is on: reactivating the client or putting a hold on stops
the deletion at the next batch. Audit rows about the client stay (their own schedule).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ..domain.retention import UNFINISHED_SCHEDULE_STATES, in_flight
from .audit import audit_row, client_subject
from .clients import route_key
from .groups import GROUP
from .guarded_deletes import Companion, Guard, Outcome, Removal, batches, delete_guarded
from .models import (
    AppointmentModel,
    ClientModel,
    ConversationEntryModel,
    DepartmentSettingModel,
    PhoneRouteModel,
    ScheduledTextModel,
    UnclaimedModel,
    UnreadModel,
    UserModel,
)
from .retention_pages import ClosedClient, OldEntry
from .retention_sweeps import HOLD_GUARD, entry_removals, jurisdiction_guard

PAGE = 100
ACTOR = "system:records-retention"


class PurgeResult(StrEnum):
    DELETED = "deleted"
    KEPT = "kept"  # the client's own hold, or reactivated meanwhile
    PENDING = "pending"  # texts still to send or settle: the next pass tries again
    STOPPED = "stopped"  # the jurisdiction-wide hold went on: stop the run
    UNFINISHED = "unfinished"  # out of time: the next run goes on


@dataclass
class Purge:
    result: PurgeResult
    deleted: dict[str, int] = field(default_factory=dict)


def purge_client(
    client: ClosedClient,
    before: datetime,
    has_time: Callable[[], bool],
    pace: Callable[[int], None],
) -> Purge:
    """Delete ``client`` and what is under them, batch by batch (``pace`` after each)."""
    if client.held or not client.retired_at < before:
        return Purge(PurgeResult.KEPT)
    if _pending_texts(client.client_id):
        return Purge(PurgeResult.PENDING)
    guards = [jurisdiction_guard(), _still_closed(client)]
    done = Outcome()
    for removals in _children(client):
        if not has_time():
            return Purge(PurgeResult.UNFINISHED, done.deleted)
        if removals is None:
            return Purge(PurgeResult.PENDING, done.deleted)
        for batch in batches(len(guards), removals):
            outcome = delete_guarded(guards, batch)
            done.add(outcome)
            pace(sum(outcome.deleted.values()))
            if outcome.refused_by is not None:
                stop = outcome.refused_by == HOLD_GUARD
                return Purge(PurgeResult.STOPPED if stop else PurgeResult.KEPT, done.deleted)
    return _delete_client(client, before, done)


def _still_closed(client: ClosedClient) -> Guard:
    return Guard(ClientModel, client.client_id, _as_read(client))


def _as_read(client: ClosedClient) -> Any:
    return (ClientModel.retired_at == client.retired_at) & ClientModel.legal_hold.does_not_exist()


def _pending_texts(client_id: str) -> bool:
    rows = ScheduledTextModel.query(client_id, attributes_to_get=["scheduled_id", "state"])
    return any(row.state in UNFINISHED_SCHEDULE_STATES for row in rows)


def _children(client: ClosedClient) -> Iterator[list[list[Removal]] | None]:
    """Groups of removals, a page at a time (None: something is still being sent)."""
    yield from _entries(client.client_id)
    yield _appointments(client.client_id)
    yield _scheduled(client.client_id)
    yield _routes(client)
    yield _unread(client)
    yield _group_memberships(client)


def _entries(client_id: str) -> Iterator[list[list[Removal]] | None]:
    attributes = ["client_id", "entry_key", "at", "status", "check_due", "sid"]
    rows = ConversationEntryModel.query(client_id, attributes_to_get=attributes, page_size=PAGE)
    page: list[list[Removal]] = []
    for row in rows:
        entry = OldEntry(
            client_id, row.entry_key, row.at, row.status or "", bool(row.check_due), row.sid or ""
        )
        if in_flight(entry.status, entry.being_settled):
            yield None
            return
        page.append(entry_removals(entry, len(page)))
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page


def _appointments(client_id: str) -> list[list[Removal]]:
    rows = AppointmentModel.query(client_id, attributes_to_get=["client_id", "appointment_id"])
    exists = AppointmentModel.appointment_id.exists()
    return [[Removal(row, exists, "appointments", n)] for n, row in enumerate(rows)]


def _scheduled(client_id: str) -> list[list[Removal]]:
    rows = ScheduledTextModel.query(client_id, attributes_to_get=["scheduled_id", "state"])
    return [
        [
            Removal(
                ScheduledTextModel(client_id, row.scheduled_id),
                ScheduledTextModel.state == row.state,
                "scheduled_texts",
                n,
            )
        ]
        for n, row in enumerate(rows)
    ]


def _routes(client: ClosedClient) -> list[list[Removal]]:
    """The routes of the client's numbers that still lead to them (a number another client
    has taken since is theirs now)."""
    keys = [route_key(client.department_id, phone) for phone in client.phones]
    found = PhoneRouteModel.batch_get(keys, attributes_to_get=["route_key", "client_id"])
    mine = PhoneRouteModel.client_id == client.client_id
    return [
        [Removal(PhoneRouteModel(row.route_key), mine, "phone_routes", n)]
        for n, row in enumerate(found)
        if row.client_id == client.client_id
    ]


def _unread(client: ClosedClient) -> list[list[Removal]]:
    """Unread rows are kept per person: those of the department's staff (the client's case
    managers and the supervisors who read their texts)."""
    readers = _department_staff(client.department_id)
    keys = [(user_id, client.client_id) for user_id in readers]
    found = UnreadModel.batch_get(keys, attributes_to_get=["user_id", "client_id"]) if keys else []
    exists = UnreadModel.client_id.exists()
    return [
        [Removal(UnreadModel(row.user_id, client.client_id), exists, "unread", n)]
        for n, row in enumerate(found)
    ]


def _group_memberships(client: ClosedClient) -> list[list[Removal]]:
    """Their id in each group of the department that holds it (a person's or the
    department's): one Query of the groups, then a DELETE from each set, as read (a group
    deleted or changed meanwhile no longer holds them; a run that stops here finds none
    left the next time)."""
    rows = DepartmentSettingModel.query(
        client.department_id,
        DepartmentSettingModel.item.startswith(GROUP),
        filter_condition=DepartmentSettingModel.members.contains(client.client_id),
        attributes_to_get=["department_id", "item"],
    )
    holds_them = DepartmentSettingModel.members.contains(client.client_id)
    leave = DepartmentSettingModel.members.delete({client.client_id})
    return [
        [
            Removal(
                DepartmentSettingModel(client.department_id, row.item),
                holds_them,
                "group_memberships",
                n,
                (leave,),
            )
        ]
        for n, row in enumerate(rows)
    ]


def _department_staff(department_id: str) -> Iterable[str]:
    return {row.user_id for row in UserModel.by_department.query(department_id)}


def _delete_client(client: ClosedClient, before: datetime, done: Outcome) -> Purge:
    """The client item, its deletion's audit row and the Unclaimed links, together."""
    details = {
        **{kind: str(count) for kind, count in sorted(done.deleted.items())},
        "retired_at": client.retired_at.isoformat(),
        "cutoff": before.isoformat(),
    }
    audit = audit_row(client_subject(client.client_id), ACTOR, "records_deleted", details)
    companions = [Companion(audit), *_unclaimed_links(client)]
    outcome = delete_guarded(
        [jurisdiction_guard()],
        [Removal(ClientModel(client.client_id), _as_read(client), "clients")],
        companions,
    )
    done.add(outcome)
    if outcome.refused_by is not None:
        return Purge(PurgeResult.STOPPED, done.deleted)
    if outcome.changed:
        return Purge(PurgeResult.KEPT, done.deleted)
    return Purge(PurgeResult.DELETED, done.deleted)


def _unclaimed_links(client: ClosedClient) -> list[Companion]:
    """A number of theirs waiting in Unclaimed links to them: the link goes with them."""
    keys = [(client.department_id, phone) for phone in client.phones]
    found = UnclaimedModel.batch_get(
        keys, attributes_to_get=["department_id", "phone", "retired_client_id"]
    )
    linked = UnclaimedModel.retired_client_id == client.client_id
    return [
        Companion(
            UnclaimedModel(row.department_id, row.phone),
            [UnclaimedModel.retired_client_id.remove()],
            linked,
        )
        for row in found
        if row.retired_client_id == client.client_id
    ]
