"""Applying a client import's kept plan, on in-memory stores: each request stops at its
time budget and the next goes on from there; a request that finds its steps recorded by
another adds nobody twice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain.jurisdiction import Jurisdiction
from chalicelib.domain.users import Role, User
from chalicelib.services import client_imports
from chalicelib.store.audit import AuditStore
from chalicelib.store.client_imports import ClientImport, ClientImportStore
from chalicelib.store.court_imports import ImportState
from tests.fakes import FakeClientStore, FakeUserStore

NOW = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
DANA = User("dana", "Dana", "d@x.invalid", Role.SUPERVISOR, "probation")
KRISTINA = User("kristina", "Kristina", "k@x.invalid", Role.CASE_MANAGER, "probation")


class MemoryImports(ClientImportStore):
    def __init__(self) -> None:
        self.records: dict[str, ClientImport] = {}
        self.chunks: dict[str, list[bytes]] = {}
        self.read_before: ClientImport | None = None  # what a second tab read earlier

    def add(self, record: ClientImport, chunks: Sequence[bytes]) -> ClientImport:
        self.chunks[record.import_id] = list(chunks)
        self.records[record.import_id] = record
        return record

    def get(self, import_id: str) -> ClientImport | None:
        earlier, self.read_before = self.read_before, None
        return earlier or self.records.get(import_id)

    def plan_chunk(self, import_id: str, number: int) -> bytes:
        return self.chunks[import_id][number]

    def whole_plan(self, import_id: str, count: int) -> list[bytes]:
        return self.chunks[import_id][:count]

    def advance(
        self,
        record: ClientImport,
        to_row: int,
        tally: Mapping[str, int],
        state: ImportState,
        late: Sequence[str] = (),
    ) -> bool:
        stored = self.records[record.import_id]
        if stored.next_row != record.next_row:
            return False
        self.records[record.import_id] = replace(
            stored, next_row=to_row, tally=dict(tally), state=state, late=tuple(late)
        )
        return True

    def current_holders(self, department_id: str, phones: Iterable[str]) -> dict[str, str]:
        return {}

    def retired_clients(self, department_id: str) -> list:
        return []


class ClientsByIdNumber(FakeClientStore):
    def holding_id_numbers(self, department_id: str, keys: Iterable[str]) -> dict[str, list[str]]:
        return {}

    def many(self, client_ids: list[str]) -> list:
        return [self.clients[c] for c in client_ids if c in self.clients]


class Trail(AuditStore):
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def record(self, subject: str, actor: str, action: str, **details: object) -> None:
        self.rows.append((subject, actor, action))


@pytest.fixture()
def deps(jurisdiction: Jurisdiction) -> client_imports.ClientImportDeps:
    return client_imports.ClientImportDeps(
        ClientsByIdNumber(),
        FakeUserStore(DANA, KRISTINA),
        MemoryImports(),
        Trail(),
        jurisdiction,
    )


def spreadsheet(rows: int) -> bytes:
    lines = ["first name,last name,phone,case manager"]
    lines += [f"Step{n},Row,+1303555{n:04d},kristina" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


class Clock:
    """A second passes every time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_a_request_stops_at_its_time_budget_and_the_next_goes_on_from_there(deps):
    record = client_imports.upload(DANA, deps, "steps.csv", spreadsheet(30), NOW)
    clock = Clock()
    first = client_imports.apply_next(DANA, deps, record.import_id, NOW, clock=clock)
    assert 0 < first.next_row < 30 and first.state is ImportState.APPLYING
    while not first.done:
        first = client_imports.apply_next(DANA, deps, record.import_id, NOW, clock=Clock())
    assert first.tally == {"added": 30}
    assert len(deps.clients.clients) == 30
    assert deps.audit.rows[-1] == ("department#probation", "dana", "client_import_apply")


def test_a_request_whose_steps_another_recorded_first_adds_nobody_twice(deps):
    record = client_imports.upload(DANA, deps, "twice.csv", spreadsheet(5), NOW)
    other_tab = deps.imports.get(record.import_id)  # read before this tab applied
    done = client_imports.apply_next(DANA, deps, record.import_id, NOW)
    assert done.tally == {"added": 5}
    deps.imports.read_before = other_tab
    late = client_imports.apply_next(DANA, deps, record.import_id, NOW)
    assert late.tally == {"added": 5}  # its own count ("already here") was not recorded
    assert len(deps.clients.clients) == 5
