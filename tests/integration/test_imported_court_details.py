"""Issue 18: an imported court date keeps what the court's file says about it besides the
time and the place text: the courthouse code, the room and the kind of hearing. The code
and room are what let a courthouse's new wording find the dates it changes; the hearing
kind is shown on the client's page (never texted unless a template asks)."""

from __future__ import annotations

import html
import re

from tests.clock import real_now
from tests.helpers import csrf_in, page_text
from tests.integration.test_court_import_pages import apply_all, counts, day_ahead, upload, us
from tests.integration.test_court_import_pages import (
    nothing_left_waiting as nothing_left_waiting,  # each test's reminders finished after it
)
from tests.integration.test_import_formats_pages import (
    county_client,
    county_supervisor,
    post_multipart,
)

HEADER = "ofndr_num,crt_dt,crt_tm,crt_rm,(expression),hrg_typ\n"
COURTHOUSES = (
    b"code,description\n"
    b'SLC3,"Matheson Courthouse, 450 S State St"\n'
    b'WJ1,"West Jordan Courthouse, 8080 S Redwood Rd"\n'
)


def set_up_with_kind(web, sample: bytes) -> None:
    """The county format by position, its sixth column the kind of hearing."""
    token = csrf_in(web.get("/imports/formats").body.decode())
    shown = post_multipart(
        web, "/imports/formats/new", {"csrf_token": token}, {"sample_file": ("s.csv", sample)}
    )
    page = shown.body.decode()
    carried = re.search(r'name="sample" value="([^"]*)"', page).group(1)
    saved = web.post(
        "/imports/formats/save",
        {
            "csrf_token": csrf_in(page),
            "sample": html.unescape(carried),
            "version": "0",
            "name": "County export with hearings",
            "column_id_number": "1",
            "column_date": "2",
            "column_time": "3",
            "column_room": "4",
            "column_location": "5",
            "column_kind": "6",
            "date_format": "MM/DD/YYYY (or M/D/YYYY)",
            "time_format": "24-hour, HH:MM (14:30)",
        },
    )
    assert saved.status_code == 303, page_text(saved)[:800]


def courthouse_table(web, table: bytes = COURTHOUSES) -> None:
    token = csrf_in(web.get("/courthouses").body.decode())
    sent = post_multipart(
        web, "/courthouses/upload", {"csrf_token": token}, {"file": ("c.csv", table)}
    )
    assert sent.status_code == 303, page_text(sent)[:500]


def county_with_courthouses(http, stack, stores):
    """A county department of its own, its format and courthouses set up, one client."""
    web, department, manager = county_supervisor(http, stack, stores)
    client = county_client(stores, department, manager)
    set_up_with_kind(web, HEADER.encode())
    courthouse_table(web)
    return web, department, client


def imported(web, stores, department, rows: str):
    import_id = upload(web, f"{HEADER}{rows}".encode())
    apply_all(web, import_id)
    return import_id, stores.appointments.imported_in_department(department, real_now())


def test_an_imported_date_keeps_its_courthouse_code_room_and_hearing_kind(http, stack, stores):
    web, department, client = county_with_courthouses(http, stack, stores)
    day = us(day_ahead(30))
    _, [listed] = imported(
        web, stores, department, f"{client.id_number},{day},09:30,W42,SLC3,Arraignment\n"
    )

    stored = stores.appointments.get(client.client_id, listed.appointment_id)
    assert (stored.location_code, stored.room, stored.hearing) == ("SLC3", "W42", "Arraignment")
    assert stored.place == "Matheson Courthouse, 450 S State St, Room W42"
    reminder = stores.appointments.reminders_of(client.client_id, stored.appointment_id)[0]
    assert "Arraignment" not in reminder.body  # the default templates do not name it

    boss_view = web.get(f"/clients/{client.client_id}")
    assert "Arraignment" in page_text(boss_view)


def test_a_date_the_next_file_moves_to_another_courthouse_keeps_the_new_code(http, stack, stores):
    web, department, client = county_with_courthouses(http, stack, stores)
    day = us(day_ahead(30))
    first, [listed] = imported(
        web, stores, department, f"{client.id_number},{day},09:30,W42,SLC3,Arraignment\n"
    )
    moved_file = f"{client.id_number},{day},09:30,2B,WJ1,Pretrial conference\n"
    again = upload(web, f"{HEADER}{moved_file}".encode())
    assert counts(web.get(f"/imports/{again}").body.decode())["Changed"] == 1
    apply_all(web, again)

    stored = stores.appointments.get(client.client_id, listed.appointment_id)
    assert (stored.location_code, stored.room) == ("WJ1", "2B")
    assert stored.hearing == "Pretrial conference"
    assert stored.place == "West Jordan Courthouse, 8080 S Redwood Rd, Room 2B"
    assert first != again
