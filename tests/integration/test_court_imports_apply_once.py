"""Applying a court file carries out the plan its preview kept, and stores each court date
once: two uploads of the same file applied at the same time make each date and each of its
reminders once, and an apply request never plans the file again.

Service-level (the use cases against the local stack's DynamoDB): the race is arranged
with a barrier inside the appointment store, so both imports have planned before either
writes, whatever the machine's speed.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.clock import real_now
from tests.integration.test_court_import_pages import (  # noqa: F401 (a fixture)
    DEMO_HEADER,
    day_ahead,
    new_client,
    nothing_left_waiting,
)


def deps_with(stores, appointments=None):
    from chalicelib.config import get_jurisdiction
    from chalicelib.services import court_imports

    return court_imports.collaborators(
        stores.clients,
        appointments or stores.appointments,
        stores.department_texts,
        stores.court_imports,
        get_jurisdiction(),
    )


def import_whole(user, deps, data: bytes):
    """Upload a file and apply it to the end, as the pages would."""
    from chalicelib.services import court_imports

    record = court_imports.upload(user, deps, "court.csv", data, real_now())
    for _ in range(100):
        record = court_imports.apply_next(user, deps, record.import_id, real_now())
        if record.done:
            return record
    raise AssertionError("the import never finished")


def court_file(clients, days=(20, 34)) -> bytes:
    rows = [
        f"{c.id_number},{day_ahead(d)},10:00,W{n},,C-{n}-{d}"
        for n, c in enumerate(clients)
        for d in days
    ]
    return (DEMO_HEADER + "\n".join(rows) + "\n").encode()


@pytest.mark.any_hour
def test_two_uploads_of_the_same_file_applied_at_once_make_each_date_and_reminder_once(stores):
    base = type(stores.appointments)
    both_planned = threading.Barrier(2, timeout=60)

    class PlanningTogether(base):  # type: ignore[misc, valid-type]
        """Each import reads the department's dates, then waits for the other to have too."""

        def imported_in_department(self, department_id, after):
            found = super().imported_in_department(department_id, after)
            both_planned.wait()
            return found

    clients = [new_client(stores) for _ in range(3)]
    data = court_file(clients)
    dana = stores.users.get("dana")
    deps = deps_with(stores, PlanningTogether())
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda _: import_whole(dana, deps, data), range(2)))
    assert all(record.done for record in done)
    for client in clients:
        dates = stores.appointments.for_client(client.client_id)
        assert len(dates) == 2, [(d.starts_at, d.appointment_id) for d in dates]
        reminders = stores.appointments.reminders_for_client(client.client_id)
        per_date = Counter(r.appointment_id for r in reminders)
        assert per_date == {d.appointment_id: 3 for d in dates}
    assert sum(record.added for record in done) == 6


@pytest.mark.any_hour
def test_an_apply_request_carries_out_the_kept_plan_without_planning_again(stores):
    base_appointments = type(stores.appointments)
    base_clients = type(stores.clients)

    class NoPlanning(base_appointments):  # type: ignore[misc, valid-type]
        def imported_in_department(self, department_id, after):
            raise AssertionError("an apply request read the department's dates")

    class NoLookup(base_clients):  # type: ignore[misc, valid-type]
        def holding_id_numbers(self, department_id, keys):
            raise AssertionError("an apply request looked the file's id numbers up")

    from chalicelib.services import court_imports

    clients = [new_client(stores) for _ in range(2)]
    dana = stores.users.get("dana")
    record = court_imports.upload(
        dana, deps_with(stores), "court.csv", court_file(clients), real_now()
    )
    applying = court_imports.ImportDeps(
        **{**deps_with(stores, NoPlanning()).__dict__, "clients": NoLookup()}
    )
    done = court_imports.apply_next(dana, applying, record.import_id, real_now())
    assert done.done and done.added == 4
    assert sum(len(stores.appointments.for_client(c.client_id)) for c in clients) == 4
