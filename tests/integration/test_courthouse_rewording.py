"""Issue 18: changing a courthouse's wording shows, before anything is saved, which waiting
reminders it changes (client, date, old and new place, how many); confirming saves it and
moves those court dates' place with their waiting reminders, once however often it is sent.
An uploaded table that rewords a code does the same; a code upcoming dates use stays."""

from __future__ import annotations

import re

from tests.aws_calls import writes
from tests.helpers import csrf_in, page_text
from tests.integration.test_court_import_pages import day_ahead, tables, us
from tests.integration.test_court_import_pages import (
    nothing_left_waiting as nothing_left_waiting,  # each test's reminders finished after it
)
from tests.integration.test_import_formats_pages import post_multipart
from tests.integration.test_imported_court_details import county_with_courthouses, imported

NEW_WORDING = "Scott M. Matheson Courthouse, 450 South State Street"


def imported_date(http, stack, stores):
    web, department, client = county_with_courthouses(http, stack, stores)
    row = f"{client.id_number},{us(day_ahead(30))},09:30,W42,SLC3,Arraignment\n"
    _, [listed] = imported(web, stores, department, row)
    return web, client, listed


def reword(web, code: str, description: str, version: str = "1"):
    token = csrf_in(web.get("/courthouses").body.decode())
    fields = {"csrf_token": token, "code": code, "description": description}
    return web.post("/courthouses", {**fields, "version": version, "action": "save"})


def confirmed_fields(page: str) -> dict[str, str]:
    """The confirmation form's hidden fields, as the browser would send them."""
    import html

    form = page[page.index('action="/courthouses/confirm"') :]
    form = form[: form.index("</form>")]
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return {name: html.unescape(value) for name, value in found}


def test_a_new_wording_lists_the_reminders_it_changes_and_saves_nothing_yet(http, stack, stores):
    web, client, listed = imported_date(http, stack, stores)

    with writes() as written:
        shown = reword(web, "SLC3", NEW_WORDING)
    assert shown.status_code == 200, page_text(shown)[:500]
    text = page_text(shown)
    assert "1 upcoming court date would name its place differently" in text
    assert client.full_name in text
    assert "Matheson Courthouse, 450 S State St, Room W42" in text
    assert f"{NEW_WORDING}, Room W42" in text
    assert not written
    stored = stores.appointments.get(client.client_id, listed.appointment_id)
    assert stored.place == "Matheson Courthouse, 450 S State St, Room W42"


def test_confirming_moves_the_place_and_rewords_waiting_reminders_exactly_once(http, stack, stores):
    web, client, listed = imported_date(http, stack, stores)
    fields = confirmed_fields(reword(web, "SLC3", NEW_WORDING).body.decode())

    done = web.post("/courthouses/confirm", fields)
    assert done.status_code == 303, page_text(done)[:500]
    assert "1 upcoming court date and its waiting reminders now name the new wording" in (
        page_text(web.get(done.headers["Location"]))
    )
    stored = stores.appointments.get(client.client_id, listed.appointment_id)
    assert stored.place == f"{NEW_WORDING}, Room W42"
    assert stored.version == listed.version + 1
    waiting = stores.appointments.reminders_of(client.client_id, listed.appointment_id)
    assert waiting and all(NEW_WORDING in r.body for r in waiting if r.state.editable)

    before = tables("appointments", "scheduled-texts", "department-settings")
    again = web.post("/courthouses/confirm", fields)  # a retry, a second tab
    assert again.status_code == 303, page_text(again)[:500]
    assert tables("appointments", "scheduled-texts", "department-settings") == before


def test_an_uploaded_table_that_rewords_a_code_shows_the_changes_before_saving(http, stack, stores):
    web, client, listed = imported_date(http, stack, stores)
    table = f'code,description\nSLC3,"{NEW_WORDING}"\n'.encode()
    token = csrf_in(web.get("/courthouses").body.decode())

    with writes() as written:
        shown = post_multipart(
            web, "/courthouses/upload", {"csrf_token": token}, {"file": ("c.csv", table)}
        )
    assert shown.status_code == 200 and not written
    assert f"{NEW_WORDING}, Room W42" in page_text(shown)

    done = web.post("/courthouses/confirm", confirmed_fields(shown.body.decode()))
    assert done.status_code == 303, page_text(done)[:500]
    stored = stores.appointments.get(client.client_id, listed.appointment_id)
    assert stored.place == f"{NEW_WORDING}, Room W42"


def test_a_code_that_upcoming_court_dates_use_cannot_be_removed(http, stack, stores):
    web, _, _ = imported_date(http, stack, stores)
    token = csrf_in(web.get("/courthouses").body.decode())
    fields = {"csrf_token": token, "code": "SLC3", "description": "", "version": "1"}

    with writes() as written:
        refused = web.post("/courthouses", {**fields, "action": "remove"})
    assert refused.status_code == 400
    assert "1 upcoming court date(s) are at SLC3" in page_text(refused)
    assert not written


def test_a_courthouse_with_more_dates_than_one_request_goes_on_when_continued(
    http, stack, stores, monkeypatch
):
    from types import SimpleNamespace

    from chalicelib.services import courthouse_wording
    from tests.integration.test_import_formats_pages import county_client

    web, department, first = county_with_courthouses(http, stack, stores)
    second = county_client(stores, department, SimpleNamespace(user_id=first.case_manager_id))
    rows = "".join(
        f"{c.id_number},{us(day_ahead(30 + n))},09:30,W42,SLC3,Arraignment\n"
        for n, c in enumerate((first, second))
    )
    imported(web, stores, department, rows)
    fields = confirmed_fields(reword(web, "SLC3", NEW_WORDING).body.decode())
    monkeypatch.setattr(courthouse_wording, "BUDGET_SECONDS", 0.0)  # one date per request

    part = web.post("/courthouses/confirm", fields)
    assert part.status_code == 200, page_text(part)[:500]
    assert "1 more still says the old wording" in page_text(part)
    places = {a.place for c in (first, second) for a in stores.appointments.for_client(c.client_id)}
    assert len(places) == 2  # one reworded, one not yet

    done = web.post("/courthouses/confirm", confirmed_fields(part.body.decode()))
    assert done.status_code == 303, page_text(done)[:500]
    places = {a.place for c in (first, second) for a in stores.appointments.for_client(c.client_id)}
    assert places == {f"{NEW_WORDING}, Room W42"}
