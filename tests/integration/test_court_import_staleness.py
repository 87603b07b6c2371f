"""What changed between an import's plan and its apply is caught by conditions, never by
planning again: a date someone edited since is left alone ("changed meanwhile"), a case's
date another file stored first is not stored twice, and a hearing cancelled and listed
again in a later export comes back as a date of its own, with its reminders.
"""

from __future__ import annotations

from datetime import datetime, time

import pytest

from tests.clock import real_now
from tests.integration.test_court_import_pages import (  # noqa: F401 (a fixture)
    DEMO_HEADER,
    day_ahead,
    new_client,
    nothing_left_waiting,
)
from tests.integration.test_court_imports_apply_once import deps_with, import_whole


def court_file(*rows: tuple) -> bytes:
    lines = [f"{c.id_number},{day_ahead(d)},{at},W1,,{case}" for c, d, at, case in rows]
    return (DEMO_HEADER + "\n".join(lines) + "\n").encode()


def open_dates(stores, client):
    return [d for d in stores.appointments.for_client(client.client_id) if d.open]


@pytest.mark.any_hour
def test_a_date_edited_after_the_plan_is_left_alone_as_changed_meanwhile(stores):
    from chalicelib.domain.appointments import AppointmentDetails
    from chalicelib.services import court_imports
    from chalicelib.services.appointments import department_texts, move

    client = new_client(stores)
    dana, deps = stores.users.get("dana"), deps_with(stores)
    import_whole(dana, deps, court_file((client, 30, "10:00", "S-1")))
    [stored] = open_dates(stores, client)
    record = court_imports.upload(
        dana, deps, "c.csv", court_file((client, 31, "10:00", "S-1")), real_now()
    )
    # the case manager moves it to day 32 before the import is applied
    texts = department_texts(stores.department_texts, deps.jurisdiction, "probation")
    starts = datetime.combine(day_ahead(32), time(9, 0), deps.jurisdiction.zone)
    details = AppointmentDetails(stored.kind, starts, stored.place, "moved by hand")
    move(stores.appointments, client, stored, details, texts, "kristina", real_now())
    done = court_imports.apply_next(dana, deps, record.import_id, real_now())
    assert (done.moved, done.skipped) == (0, {"changed meanwhile": 1})
    [kept] = open_dates(stores, client)
    assert (kept.starts_at, kept.notes) == (starts, "moved by hand")


@pytest.mark.any_hour
def test_a_cases_date_stored_by_another_file_first_is_not_stored_twice(stores):
    from chalicelib.services import court_imports

    client = new_client(stores)
    dana, deps = stores.users.get("dana"), deps_with(stores)
    now = real_now()
    earlier = court_imports.upload(
        dana, deps, "a.csv", court_file((client, 40, "10:00", "R-1")), now
    )
    later = court_imports.upload(dana, deps, "b.csv", court_file((client, 40, "14:00", "R-1")), now)
    assert court_imports.apply_next(dana, deps, earlier.import_id, now).added == 1
    second = court_imports.apply_next(dana, deps, later.import_id, now)
    assert (second.added, second.skipped) == (0, {"changed meanwhile": 1})
    [stored] = open_dates(stores, client)
    assert stored.starts_at.astimezone(deps.jurisdiction.zone).hour == 10
    # the next upload of the later file sees the stored date and moves it
    assert import_whole(dana, deps, court_file((client, 40, "14:00", "R-1"))).moved == 1


@pytest.mark.any_hour
def test_a_hearing_cancelled_and_listed_again_comes_back_as_a_date_of_its_own(stores):
    from chalicelib.services import court_imports

    client = new_client(stores)
    dana, deps = stores.users.get("dana"), deps_with(stores)
    data = court_file((client, 211, "10:00", "H-1"))
    import_whole(dana, deps, data)
    [first] = open_dates(stores, client)
    now = real_now()
    # a whole-calendar export of day 211 without it (no other test imports that day)
    other = new_client(stores)
    lacking = court_imports.upload(
        dana, deps, "c.csv", court_file((other, 211, "11:00", "O-1")), now
    )
    choice = court_imports.GoneChoice(cancel=True)
    while not lacking.done:
        lacking = court_imports.apply_next(dana, deps, lacking.import_id, now, choice=choice)
    assert stores.appointments.get(client.client_id, first.appointment_id).cancelled
    # the next export lists it again
    assert import_whole(dana, deps, data).added == 1
    [back] = open_dates(stores, client)
    assert back.appointment_id != first.appointment_id
    assert back.starts_at == first.starts_at
    reminders = stores.appointments.reminders_of(client.client_id, back.appointment_id)
    assert sorted(r.state.value for r in reminders) == ["scheduled"] * 3
