"""A reminder whose time has come still goes when its appointment is edited meanwhile (a
note, a room from a re-import): only a reminder that is really cancelled stays unsent,
and then the conversation says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.test_appointments import (
    DENVER,
    add,
    form_for,
    new_client,
    reminders,
)
from tests.integration.test_scheduled_sending import deliver, state_of, sweep, texts_to


@pytest.fixture()
def staff(stores):
    return stores.users.get("kristina")


@pytest.fixture()
def texts(stack, stores):
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.appointments import department_texts

    return department_texts(stores.department_texts, get_jurisdiction(), "probation")


def edit(stores, staff, texts, appt, now, **form):
    from chalicelib.domain.appointments import AppointmentDetails
    from chalicelib.services.appointments import move

    fresh = stores.appointments.get(appt.client_id, appt.appointment_id)
    starts = fresh.starts_at.astimezone(DENVER)
    details = AppointmentDetails.from_form({**form_for(starts), **form}, DENVER, now)
    client = stores.clients.get(appt.client_id)
    return move(stores.appointments, client, fresh, details, texts, staff.user_id, now)


def queued_reminder(stores, staff, texts, queue, client, now):
    """An appointment two days ahead whose first reminder the sweep has just queued."""
    appt = add(stores, staff, texts, client, (now + timedelta(days=2)).astimezone(DENVER), now)
    first = reminders(stores, appt)[0]
    due = first.send_at + timedelta(seconds=1)
    sweep(stores, queue, due)
    assert state_of(stores, first) == "queued"
    return appt, first, due


def test_a_note_added_while_a_reminder_waits_in_the_queue_still_lets_it_go(
    now, stores, staff, texts, queue, sender, twilio
):
    client = new_client(stores)
    appt, first, due = queued_reminder(stores, staff, texts, queue, client, now)

    edit(stores, staff, texts, appt, due, notes="Called to say he has a ride")

    outcomes = deliver(queue, sender, client, due)
    sweep(stores, queue, due + timedelta(minutes=1))  # if the edit changed it: queued again
    outcomes += deliver(queue, sender, client, due + timedelta(minutes=1))
    assert outcomes.count("sent") == 1
    assert len(texts_to(twilio, client.phone)) == 1
    assert state_of(stores, first) == "sent"


def test_a_new_room_from_a_reimport_while_a_reminder_is_due_sends_it_with_the_new_room(
    now, stores, staff, texts, queue, sender, twilio
):
    client = new_client(stores)
    appt, first, due = queued_reminder(stores, staff, texts, queue, client, now)

    edit(stores, staff, texts, appt, due, place="Room S12")

    assert deliver(queue, sender, client, due) == ["stale"]  # the message had the old room
    sweep(stores, queue, due + timedelta(minutes=1))
    assert deliver(queue, sender, client, due + timedelta(minutes=1)) == ["sent"]
    [reminder] = texts_to(twilio, client.phone)
    assert "Room S12" in reminder and "W43" not in reminder
    assert state_of(stores, first) == "sent"
    assert stores.clients.get(client.client_id).scheduled_count == 0


def test_cancelling_an_appointment_whose_reminder_is_due_says_so_in_the_conversation(
    now, stores, staff, texts, queue, sender, twilio
):
    from chalicelib.services.appointments import cancel_appointment

    client = new_client(stores)
    appt, _, due = queued_reminder(stores, staff, texts, queue, client, now)

    cancel_appointment(
        staff,
        stores.clients,
        stores.appointments,
        texts,
        client.client_id,
        appt.appointment_id,
        {"version": str(appt.version)},
        due,
    )

    assert deliver(queue, sender, client, due) == ["stale"]
    assert texts_to(twilio, client.phone) == []
    lines = [e.body for e in stores.conversations.newest(client.client_id)[0] if e.marker]
    assert any("reminder" in line and "not sent" in line and "cancelled" in line for line in lines)
