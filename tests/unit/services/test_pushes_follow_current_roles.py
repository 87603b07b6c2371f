"""Fan-out checks each listener's person as they are now (read at most every few seconds),
not as they were when the page connected: a deactivated person's open page hears nothing
more and is closed; so is a demoted supervisor's, which would otherwise go on receiving
the whole department's rows until the next socket upkeep (5 minutes in AWS)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.adapters.websocket_push import PushGateway
from chalicelib.domain.live import Change, ChangeKind, Listener
from chalicelib.domain.users import Role, User
from chalicelib.services import push
from chalicelib.store.connections import ConnectionStore
from tests.fakes import FakeUserStore

AT = datetime(2027, 5, 4, 19, 0, tzinfo=UTC)
KRISTINA = User("kristina", "Kristina", "k@county.invalid", Role.CASE_MANAGER, "probation")
DANA = User("dana", "Dana", "d@county.invalid", Role.SUPERVISOR, "probation")


class Connections(ConnectionStore):
    def __init__(self, *listeners: Listener) -> None:
        self.open = {one.connection_id: one for one in listeners}

    def in_department(self, department_id: str) -> list[Listener]:
        return [one for one in self.open.values() if one.department_id == department_id]

    def remove(self, connection_id: str) -> None:
        self.open.pop(connection_id, None)


class Gateway(PushGateway):
    def __init__(self) -> None:
        self.posted: list[tuple[str, dict[str, Any]]] = []
        self.closed: list[str] = []

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        self.posted.append((connection_id, message))
        return True

    def close(self, connection_id: str) -> None:
        self.closed.append(connection_id)


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def listener(user: User, connection_id: str, watching: str | None = None) -> Listener:
    return Listener(connection_id, user.user_id, user.department_id, user.role, "s#1", watching, AT)


def text_for_kristina() -> list[Change]:
    return [
        Change(ChangeKind.CLIENT, "c1", "probation", "kristina"),
        Change(ChangeKind.ENTRY, "c1", "probation", "kristina", "e1"),
    ]


def text_for_marcus() -> list[Change]:
    return [Change(ChangeKind.CLIENT, "c2", "probation", "marcus")]


def rendered(change: Change, _: Listener) -> dict[str, Any]:
    return {"type": change.kind.value, "client_id": change.client_id}


@pytest.fixture()
def clock() -> Clock:
    return Clock()


def fan_out(changes, users, connections, gateway, clock):
    people = push.CurrentPeople(users, clock=clock)
    return push.fan_out(changes, rendered, connections=connections, gateway=gateway, people=people)


def test_a_deactivated_case_managers_open_page_hears_nothing_more_and_is_closed(clock):
    users = FakeUserStore(replace(KRISTINA, active=False))
    connections = Connections(listener(KRISTINA, "k1", "c1"), listener(KRISTINA, "k2"))
    gateway = Gateway()
    result = fan_out(text_for_kristina(), users, connections, gateway, clock)
    assert [m for _, m in gateway.posted if m["type"] != "signed-out"] == []
    assert sorted(gateway.closed) == ["k1", "k2"] and connections.open == {}
    assert result.delivered == 0


def test_a_demoted_supervisor_stops_hearing_the_departments_rows(clock):
    users = FakeUserStore(replace(DANA, role=Role.CASE_MANAGER), KRISTINA)
    connections = Connections(listener(DANA, "d1"), listener(KRISTINA, "k1"))
    gateway = Gateway()
    fan_out(text_for_kristina(), users, connections, gateway, clock)
    to_dana = [m for cid, m in gateway.posted if cid == "d1"]
    assert to_dana == [{"type": "signed-out", "reason": "expired"}]
    assert gateway.closed == ["d1"]
    assert ("k1", {"type": "client", "client_id": "c1"}) in gateway.posted


def test_someone_moved_to_another_department_hears_nothing_of_the_old_one(clock):
    users = FakeUserStore(replace(DANA, department_id="pretrial"))
    connections = Connections(listener(DANA, "d1"))
    gateway = Gateway()
    fan_out(text_for_marcus(), users, connections, gateway, clock)
    assert gateway.posted == [("d1", {"type": "signed-out", "reason": "expired"})]


def test_people_are_read_once_per_few_seconds_not_per_change(clock):
    users = FakeUserStore(DANA, KRISTINA)
    connections = Connections(listener(DANA, "d1"), listener(KRISTINA, "k1"))
    people = push.CurrentPeople(users, clock=clock)
    for _ in range(3):
        push.fan_out(
            text_for_kristina() + text_for_marcus(),
            rendered,
            connections=connections,
            gateway=Gateway(),
            people=people,
        )
    assert len(users.asked) == 1  # one BatchGetItem for the department's listeners
    users.save(replace(DANA, active=False))
    clock.seconds += push.PEOPLE_FOR_SECONDS + 0.1
    gateway = Gateway()
    push.fan_out(
        text_for_marcus(), rendered, connections=connections, gateway=gateway, people=people
    )
    assert len(users.asked) == 2
    assert gateway.closed == ["d1"]
