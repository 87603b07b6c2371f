"""Kristina keeps a client's appointments from the client page: add, change, cancel,
record what happened; refusals keep what she typed; the caseload shows the next one."""

from __future__ import annotations

import html
import re
import secrets
import string
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from tests.helpers import caseload_row as caseload_row_html
from tests.helpers import csrf_in, fresh_phone, page_text

PROBATION = "+18015550100"
MADE: list[str] = []  # clients made by the running test


@pytest.fixture(autouse=True)
def nothing_left_waiting(stores):
    """Reminders are scheduled texts: a test's are finished when it ends, so no later
    sweep on the shared stack finds them due."""
    MADE.clear()
    yield
    for client_id in MADE:
        for text in stores.scheduled.pending_for_client(client_id):
            stores.scheduled.fail(text, "the test is over")


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


@pytest.fixture(scope="module")
def zone():
    from chalicelib.config import get_jurisdiction

    return get_jurisdiction().zone


def add_client(visitor, first="Ana", last="Appointed", phone=None) -> str:
    visitor.get("/clients/new")
    made = visitor.post(
        "/clients", {"first_name": first, "last_name": last, "phone": phone or fresh_phone()}
    )
    assert made.status_code == 303, made.body[:400]
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    MADE.append(client_id)
    return client_id


def local_day(now: datetime, zone, days: int) -> str:
    return (now.astimezone(zone).date() + timedelta(days=days)).isoformat()


def add(visitor, client_id, day, at="10:30", place="Courtroom W43", **extra):
    visitor.get(f"/clients/{client_id}")
    form = {"kind": "court", "date": day, "time": at, "place": place, "notes": "", **extra}
    return visitor.post(f"/clients/{client_id}/appointments", form)


def only_appointment(stores, client_id):
    [appt] = stores.appointments.for_client(client_id)
    return appt


def past_appointment(now, stores, client_id, kind="treatment"):
    """One that began yesterday, added (through the use case) two hours before it began:
    the page only adds future ones, and its reminders' times had all passed."""
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.appointments import add_appointment, department_texts

    starts = (now - timedelta(days=1)).astimezone(get_jurisdiction().zone)
    form = {"kind": kind, "date": starts.date().isoformat(), "time": starts.strftime("%H:%M")}
    texts = department_texts(stores.department_texts, get_jurisdiction(), "probation")
    return add_appointment(
        stores.users.get("kristina"),
        stores.clients,
        stores.appointments,
        texts,
        client_id,
        form,
        now - timedelta(days=1, hours=2),
    )


def words(response) -> str:
    """The page as a person reads it: tags dropped, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.body.decode())).split())


def field_value(page: str, field_id: str) -> str:
    found = re.search(rf'<input id="{field_id}"[^>]*value="([^"]*)"', page)
    assert found, f"no input #{field_id}"
    return html.unescape(found.group(1))


def field_error(page: str, name: str) -> str:
    found = re.search(rf'id="appointment-{name}-error">([^<]*)<', page)
    return html.unescape(found.group(1)) if found else ""


def caseload_row(visitor, client_id: str) -> str:
    """The client's caseload row as text, on whichever page it is."""
    row = caseload_row_html(visitor, client_id)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", "<li" + row)).split())


def test_a_court_date_is_listed_with_its_reminders_and_staff_notes(now, kristina, stores, zone):
    client_id = add_client(kristina)
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Reminders are texted 7, 3 and 1 days before, at 9:00, in English" in page
    response = add(
        kristina, client_id, local_day(now, zone, 10), notes="Bring the treatment letter"
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("?appointment=added#appointments")
    page = words(kristina.get(f"/clients/{client_id}?appointment=added"))
    assert "Appointment added." in page
    appt = only_appointment(stores, client_id)
    when = appt.starts_at.astimezone(zone)
    assert when.strftime("%Y-%m-%d %H:%M") == f"{local_day(now, zone, 10)} 10:30"
    assert f"Court date · {when:%a %b %-d}, 10:30 AM" in page
    assert "Courtroom W43" in page and "Not confirmed" in page
    assert "Notes for staff (never texted)" in page and "Bring the treatment letter" in page
    assert page.count("9:00 AM (scheduled)") == 3
    assert "Ana reads: “Hi Ana, reminder: your court date is" in page
    assert "Reply Y to confirm" in page and "(1 segment)" in page
    edit_link = f"/clients/{client_id}/appointments/{appt.appointment_id}/edit"
    assert edit_link in kristina.get(f"/clients/{client_id}").body.decode()


REFUSALS = {
    "no day": ("", "10:30", "date", "Choose the date."),
    "a time already past": (-1, "10:30", "date", "already passed"),
    "no time": (3, "", "time", "Choose the time."),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refusal_keeps_what_was_typed_and_says_why_next_to_the_field(
    now, case, kristina, stores, zone
):
    days, at, field, message = REFUSALS[case]
    client_id = add_client(kristina)
    day = local_day(now, zone, days) if isinstance(days, int) else ""
    response = add(kristina, client_id, day, at, place="<b>Room 5</b>", notes="Keep me")
    assert response.status_code == 400
    page = response.body.decode()
    assert message in field_error(page, field)
    assert 'id="form-errors"' in page and 'aria-invalid="true"' in page
    assert "&lt;b&gt;Room 5&lt;/b&gt;" in page and "<b>Room 5</b>" not in page
    assert field_value(page, "appointment-place") == "<b>Room 5</b>"
    assert field_value(page, "appointment-date") == day
    assert ">Keep me</textarea>" in page
    assert stores.appointments.for_client(client_id) == []


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_html_in_the_place_is_shown_as_text(now, kristina, zone):
    client_id = add_client(kristina)
    add(kristina, client_id, local_day(now, zone, 5), place="<script>alert(1)</script> Room 2")
    page = kristina.get(f"/clients/{client_id}").body.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Room 2" in page
    assert "<script>alert(1)" not in page


def test_editing_moves_it_and_its_waiting_reminders(now, kristina, stores, zone):
    client_id = add_client(kristina)
    add(kristina, client_id, local_day(now, zone, 10))
    appt = only_appointment(stores, client_id)
    path = f"/clients/{client_id}/appointments/{appt.appointment_id}"
    form = kristina.get(path + "/edit").body.decode()
    assert field_value(form, "appointment-date") == local_day(now, zone, 10)
    assert field_value(form, "appointment-time") == "10:30"
    assert 'name="version" value="1"' in form
    changed = {
        "kind": "treatment",
        "date": local_day(now, zone, 12),
        "time": "14:00",
        "version": "1",
    }
    response = kristina.post(path, {**changed, "place": "Room 2", "notes": ""})
    assert response.status_code == 303
    assert "appointment=changed" in response.headers["Location"]
    moved = only_appointment(stores, client_id)
    assert (moved.kind.value, moved.version, moved.place) == ("treatment", 2, "Room 2")
    assert moved.starts_at.astimezone(zone).strftime("%H:%M") == "14:00"
    reminders = stores.appointments.reminders_of(client_id, appt.appointment_id)
    assert len(reminders) == 3 and all("2:00 PM" in r.body for r in reminders)
    page = words(kristina.get(f"/clients/{client_id}?appointment=changed"))
    assert "Treatment class · " in page and "2:00 PM" in page


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_a_stale_edit_is_refused_with_409_and_shows_the_appointment_as_it_is(
    now, kristina, stores, zone
):
    client_id = add_client(kristina)
    add(kristina, client_id, local_day(now, zone, 10))
    appt = only_appointment(stores, client_id)
    path = f"/clients/{client_id}/appointments/{appt.appointment_id}"
    kristina.get(path + "/edit")
    first = {"kind": "court", "date": local_day(now, zone, 11), "time": "09:30", "version": "1"}
    assert kristina.post(path, first).status_code == 303
    kristina.get(path + "/edit")
    late = {"kind": "court", "date": local_day(now, zone, 14), "time": "15:00", "version": "1"}
    response = kristina.post(path, {**late, "place": "Typed late"})
    assert response.status_code == 409
    page = page_text(response)
    assert "Someone changed this appointment" in page and "What it says now" in page
    assert 'name="version" value="2"' in response.body.decode()
    assert field_value(response.body.decode(), "appointment-place") == "Typed late"
    assert only_appointment(stores, client_id).version == 2


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_cancelling_can_text_the_client_and_lists_it_as_cancelled(now, kristina, stores, zone):
    client_id = add_client(kristina, "Cai", "Cancelled")
    add(kristina, client_id, local_day(now, zone, 10))
    appt = only_appointment(stores, client_id)
    path = f"/clients/{client_id}/appointments/{appt.appointment_id}/cancel"
    page = kristina.get(f"/clients/{client_id}").body.decode()
    assert "Text Cai that it is cancelled" in page
    response = kristina.post(path, {"version": "1", "notify": "yes"})
    assert response.status_code == 303 and "appointment=cancelled" in response.headers["Location"]
    assert only_appointment(stores, client_id).cancelled
    states = {
        r.state.value for r in stores.appointments.reminders_of(client_id, appt.appointment_id)
    }
    assert states == {"cancelled"}
    [notice] = stores.scheduled.pending_for_client(client_id)
    assert "cancelled" in notice.body
    page = page_text(kristina.get(f"/clients/{client_id}?appointment=cancelled"))
    assert "Appointment cancelled" in page and "No upcoming appointments." in page
    assert "Past and cancelled (1)" in page
    again = kristina.post(path, {"version": "2"})
    assert again.status_code == 409 and "was cancelled" in page_text(again)


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_a_stale_cancel_is_refused_with_409(now, kristina, stores, zone):
    client_id = add_client(kristina)
    add(kristina, client_id, local_day(now, zone, 10))
    appt = only_appointment(stores, client_id)
    path = f"/clients/{client_id}/appointments/{appt.appointment_id}"
    kristina.get(path + "/edit")
    kristina.post(
        path, {"kind": "court", "date": local_day(now, zone, 9), "time": "09:00", "version": "1"}
    )
    response = kristina.post(path + "/cancel", {"version": "1"})
    assert response.status_code == 409
    assert "Someone changed this appointment" in page_text(response)
    assert not only_appointment(stores, client_id).cancelled


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_a_client_who_opted_out_cannot_be_texted_about_a_cancellation(
    now, kristina, stack, stores, zone
):
    phone = fresh_phone()
    client_id = add_client(kristina, "Opal", "Stopped", phone)
    add(kristina, client_id, local_day(now, zone, 10))
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="STOP")
    appt = only_appointment(stores, client_id)
    page = kristina.get(f"/clients/{client_id}").body.decode()
    assert re.search(rf'id="notify-{appt.appointment_id}"[^>]* disabled', page)
    assert "Opal opted out, so no text can be sent." in page
    path = f"/clients/{client_id}/appointments/{appt.appointment_id}/cancel"
    response = kristina.post(path, {"version": "1", "notify": "yes"})
    assert response.status_code == 400 and "replied STOP" in page_text(response)
    assert not only_appointment(stores, client_id).cancelled


def test_an_outcome_is_one_tap_once_the_appointment_has_begun(now, kristina, stores):
    client_id = add_client(kristina, "Otto", "Outcome")
    appt = past_appointment(now, stores, client_id)
    assert "Outcome needed" in caseload_row(kristina, client_id)
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "What happened at the treatment class on" in page
    assert all(label in page for label in ("Attended", "Missed", "Rescheduled"))
    path = f"/clients/{client_id}/appointments/{appt.appointment_id}/outcome"
    response = kristina.post(path, {"version": "1", "outcome": "missed"})
    assert response.status_code == 303 and "appointment=outcome" in response.headers["Location"]
    assert only_appointment(stores, client_id).outcome.value == "missed"
    page = page_text(kristina.get(f"/clients/{client_id}?appointment=outcome"))
    assert "Outcome recorded." in page and "Missed" in page
    assert "Outcome needed" not in caseload_row(kristina, client_id)
    again = kristina.post(path, {"version": "2", "outcome": "attended"})
    assert again.status_code == 409 and "already recorded" in page_text(again)


def test_an_outcome_is_refused_before_the_appointment_and_on_a_stale_page(
    now, kristina, stores, zone
):
    client_id = add_client(kristina)
    add(kristina, client_id, local_day(now, zone, 4))
    upcoming = only_appointment(stores, client_id)
    path = f"/clients/{client_id}/appointments/{upcoming.appointment_id}/outcome"
    early = kristina.post(path, {"version": "1", "outcome": "attended"})
    assert early.status_code == 400 and "has not happened yet" in page_text(early)
    past = past_appointment(now, stores, add_client(kristina))
    path = f"/clients/{past.client_id}/appointments/{past.appointment_id}/outcome"
    stale = kristina.post(path, {"version": "7", "outcome": "attended"})
    assert stale.status_code == 409 and "Someone changed this appointment" in page_text(stale)


def test_the_caseload_shows_the_next_appointment_filters_and_sorts_by_it(
    now, kristina, stores, zone
):
    from chalicelib.domain.appointments import Confirmation
    from chalicelib.store.appointments import AppointmentChange

    family = "Apptfilter" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
    soon = add_client(kristina, "Sonia", family)
    later = add_client(kristina, "Lars", family)
    never = add_client(kristina, "Nils", family)
    add(kristina, soon, local_day(now, zone, 3), "09:00")
    add(kristina, later, local_day(now, zone, 20), "09:00", kind="check_in")
    appt = only_appointment(stores, soon)
    stores.appointments.apply(
        AppointmentChange(replace(appt, confirmation=Confirmation.CONFIRMED), "test", "answer")
    )
    row = caseload_row(kristina, soon)
    day = datetime.fromisoformat(local_day(now, zone, 3))
    assert f"Next: Court {day:%a %b %-d}, 9:00 AM" in row and "Confirmed" in row
    assert "Next: Check-in" in caseload_row(kristina, later)
    assert "Next:" not in caseload_row(kristina, never)

    page = kristina.get(f"/caseload?q={family}&appointments=soon").body.decode()
    assert f"{family}, Sonia" in page
    assert f"{family}, Lars" not in page and f"{family}, Nils" not in page
    assert "1 of" in page and "with an appointment in the next 7 days" in page
    assert 'id="appointments" name="appointments" type="checkbox" value="soon" checked' in page
    assert "appointments=soon" in re.search(r'data-live-src="([^"]+)"', page).group(1)
    ordered = kristina.get(f"/caseload?q={family}&order=appointment").body.decode()
    names = re.findall(r'class="client-name"[^>]*>([^<]+)<', ordered)
    assert names == [f"{family}, Sonia", f"{family}, Lars", f"{family}, Nils"]
    assert 'value="appointment" selected' in ordered


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_a_supervisor_sees_it_in_the_department_scope_and_adds_for_kristinas_client(
    now, kristina, web, stores, zone
):
    client_id = add_client(kristina, "Dora", "Supervised")
    dana = web.sign_in("dana")
    response = add(dana, client_id, local_day(now, zone, 5), place="Intake office")
    assert response.status_code == 303
    appt = only_appointment(stores, client_id)
    assert (appt.case_manager_id, appt.place) == ("kristina", "Intake office")
    page = page_text(dana.get("/caseload?scope=department&q=Supervised&appointments=soon"))
    assert "Supervised, Dora" in page and "Next: Court" in page


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_another_caseloads_case_manager_is_refused_on_every_route(now, kristina, web, stores, zone):
    client_id = add_client(kristina, "Priv", "Appointments")
    add(kristina, client_id, local_day(now, zone, 6))
    appt = only_appointment(stores, client_id)
    base = f"/clients/{client_id}/appointments"
    one = f"{base}/{appt.appointment_id}"
    marcus = web.sign_in("marcus")
    token = csrf_in(marcus.get("/caseload").body.decode())
    form = {"kind": "court", "date": local_day(now, zone, 8), "time": "09:00", "version": "1"}
    responses = [
        marcus.get(one + "/edit"),
        marcus.post(base, form, csrf=token),
        marcus.post(one, form, csrf=token),
        marcus.post(one + "/cancel", {"version": "1", "notify": "yes"}, csrf=token),
        marcus.post(one + "/outcome", {"version": "1", "outcome": "missed"}, csrf=token),
    ]
    assert [r.status_code in (403, 404) for r in responses] == [True] * 5
    assert all("Courtroom W43" not in page_text(r) for r in responses)
    assert stores.appointments.for_client(client_id) == [appt]
