"""A court file said to be the court's whole calendar for its dates: the imported dates it
lacks on those days are listed as "No longer in the court's calendar", and Dana chooses to
keep them (the default) or cancel them with their waiting reminders, optionally texting
each client. Dates on other days and dates staff added are never touched; applying twice
cancels once and texts once. Apply is offered only when something would change.

A whole-calendar comparison covers the department's every imported date on the file's
days, so these tests import into the pretrial department (Priya's; no other test imports
there) and each on days of its own, 100 days ahead and more.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import pytest

from tests.aws_calls import writes
from tests.clock import real_now
from tests.helpers import FORM, csrf_in, fresh_phone, page_text
from tests.integration.test_court_import_pages import (  # noqa: F401 (a fixture)
    DEMO_HEADER,
    MADE,
    apply_all,
    day_ahead,
    nothing_left_waiting,
    upload,
)

GONE = "No longer in the court's calendar"


@pytest.fixture()
def dana(web):
    """Named for the file the helpers come from; Priya supervises pretrial."""
    return web.sign_in("priya")


def new_client(stores):
    """A pretrial client with an id number of its own."""
    import secrets

    from chalicelib.domain.clients import Client

    client = stores.clients.add(
        Client(
            secrets.token_hex(10),
            "pretrial",
            "tom",
            "Whole",
            "Calendar",
            fresh_phone(),
            id_number=f"W{secrets.token_hex(4).upper()}",
        )
    )
    MADE.append(client.client_id)
    return client


def court_file(*rows: tuple) -> bytes:
    lines = [f"{c.id_number},{day_ahead(d)},10:00,W1,,{case}" for c, d, case in rows]
    return (DEMO_HEADER + "\n".join(lines) + "\n").encode()


def staff_date(stores, client, days: int):
    """A court date a case manager typed in (never an import's to cancel)."""
    import secrets
    from datetime import datetime, time

    from chalicelib.config import get_jurisdiction
    from chalicelib.domain.appointments import Appointment, Kind
    from chalicelib.services.appointments import create, department_texts

    jurisdiction = get_jurisdiction()
    starts = datetime.combine(day_ahead(days), time(11, 0), jurisdiction.zone)
    appt = Appointment(
        client_id=client.client_id,
        appointment_id=secrets.token_hex(12),
        department_id=client.department_id,
        case_manager_id=client.case_manager_id,
        kind=Kind.COURT,
        starts_at=starts,
        place="Room 2",
    )
    texts = department_texts(stores.department_texts, jurisdiction, client.department_id)
    create(stores.appointments, client, appt, texts, "kristina", real_now())
    return appt


def first_export(dana, stores, base: int):
    """a on day 0, b on day 5, c on day 20 (from ``base``), imported; b also has a staff
    date on day 6. The next export lists a on days 0 and 10 only: b's day 5 is on its
    days and not in it; c's day 20 is past its last day."""
    a, b, c = (new_client(stores) for _ in range(3))
    first = court_file((a, base, "A-1"), (b, base + 5, "B-1"), (c, base + 20, "C-1"))
    apply_all(dana, upload(dana, first))
    typed = staff_date(stores, b, base + 6)
    later = court_file((a, base, "A-1"), (a, base + 10, "A-2"))
    return a, b, c, typed, later


def open_dates(stores, client):
    return [d for d in stores.appointments.for_client(client.client_id) if d.open]


def apply_with(dana, import_id: str, fields: dict[str, str]):
    """The Apply form sent with its choices, then every further step."""
    token = csrf_in(dana.get(f"/imports/{import_id}?whole=yes").body.decode())
    headers = dana._headers({**FORM, "Accept": "application/json"})
    body = urlencode({"csrf_token": token, **fields})
    first = dana.http.post(f"/imports/{import_id}/apply", headers=headers, body=body)
    assert first.status_code == 200, page_text(first)[:400]
    return apply_all(dana, import_id) if b'"done": false' in first.body else None


def test_the_dates_a_whole_calendar_lacks_are_listed_only_when_asked(dana, stores):
    _a, b, _c, _, later = first_export(dana, stores, 100)
    import_id = upload(dana, later)
    partial = page_text(dana.get(f"/imports/{import_id}"))
    assert GONE not in partial
    assert "complete calendar from" in partial and "show the dates it lacks" in partial
    whole = page_text(dana.get(f"/imports/{import_id}?whole=yes"))
    assert whole.count(GONE) == 2  # counted, and the listed date
    assert "1 court date no longer in the court's calendar" in whole  # the choice
    [b_date] = [d for d in open_dates(stores, b) if d.case_number == "B-1"]
    assert f"Case {b_date.case_number}" in whole and b.full_name in whole
    assert "Case C-1" not in whole and "Room 2" not in whole  # other days; staff's date
    assert 'value="keep" checked' in dana.last_page


def test_keeping_the_missing_dates_is_the_default_and_changes_nothing_of_them(dana, stores):
    a, b, c, _, later = first_export(dana, stores, 125)
    import_id = upload(dana, later)
    before = {d.appointment_id for d in open_dates(stores, b) + open_dates(stores, c)}
    apply_with(dana, import_id, {"whole": "yes"})
    assert {d.appointment_id for d in open_dates(stores, b) + open_dates(stores, c)} == before
    assert len(open_dates(stores, a)) == 2  # the new day-30 date was added all the same


def test_cancelling_the_missing_dates_cancels_them_their_reminders_and_texts_once(dana, stores):
    from chalicelib.config import get_jurisdiction
    from chalicelib.services import court_imports

    a, b, c, typed, later = first_export(dana, stores, 150)
    [b_date] = [d for d in open_dates(stores, b) if d.case_number == "B-1"]
    import_id = upload(dana, later)
    at_start = stores.court_imports.get(import_id)
    apply_with(dana, import_id, {"whole": "yes", "gone": "cancel", "notify": "yes"})

    cancelled = stores.appointments.get(b.client_id, b_date.appointment_id)
    assert cancelled.cancelled
    states = {
        r.state.value for r in stores.appointments.reminders_of(b.client_id, b_date.appointment_id)
    }
    assert states == {"cancelled"}
    assert [d.appointment_id for d in open_dates(stores, b)] == [typed.appointment_id]
    assert [d.case_number for d in open_dates(stores, c)] == ["C-1"]  # after the last day
    [notice] = [t for t in stores.scheduled.pending_for_client(b.client_id) if not t.appointment_id]
    assert "cancel" in notice.body.lower()
    done = page_text(dana.get(f"/imports/{import_id}"))
    assert "1 no longer in the court's calendar cancelled" in done

    # a second tab that read the import as the first request started does it all again
    stale = replace(
        at_start, state=court_imports.ImportState.APPLYING, cancel_gone=True, notify_gone=True
    )

    class StaleTab(type(stores.court_imports)):  # type: ignore[misc]
        def get(self, wanted: str):
            return stale

    deps = court_imports.collaborators(
        stores.clients, stores.appointments, stores.department_texts, StaleTab(), get_jurisdiction()
    )
    with writes() as tried:
        court_imports.apply_next(stores.users.get("priya"), deps, import_id, real_now())
    # a's new date tried again (refused: it is there) and the progress (refused); the
    # cancellation is not even tried: the date is past the version the plan saw
    assert list(tried) == ["dynamodb:TransactWriteItems", "dynamodb:UpdateItem"]
    assert len(open_dates(stores, a)) == 2
    assert stores.appointments.get(b.client_id, b_date.appointment_id) == cancelled
    texts = stores.scheduled.pending_for_client(b.client_id)
    assert [t.scheduled_id for t in texts if not t.appointment_id] == [notice.scheduled_id]


def test_apply_is_offered_only_when_something_would_change(dana, stores):
    a, b, c, _, _ = first_export(dana, stores, 175)
    again = upload(dana, court_file((a, 175, "A-1"), (b, 180, "B-1")))
    page = page_text(dana.get(f"/imports/{again}"))
    assert "Nothing to apply" in page and "Apply these changes" not in page
    # as the whole calendar of days 0 to 5, c's day 20 is not missing: still nothing
    assert "Apply these changes" not in page_text(dana.get(f"/imports/{again}?whole=yes"))
    lacking = upload(dana, court_file((a, 175, "A-1"), (c, 195, "C-1")))  # lacks b's day 5
    assert "Apply these changes" not in page_text(dana.get(f"/imports/{lacking}"))
    assert "Apply these changes" in page_text(dana.get(f"/imports/{lacking}?whole=yes"))
