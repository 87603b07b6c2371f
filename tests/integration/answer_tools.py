"""What the tests of a client's answers share: a client with an appointment whose first
reminder went out, the client's reply, and a look at the appointment and its reminders.

The clients are Marcus's: Kristina's caseload is the one other tests page through, and
these tests make many clients who texted."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.helpers import fresh_phone, new_sid
from tests.integration.test_appointments import DENVER, add, reminders, reply
from tests.integration.test_scheduled_sending import deliver, sweep

OWNER = "marcus"


def kristina(stores):
    return stores.users.get("kristina")


def new_client(stores):
    """A client of Marcus's with a name of its own, listed after the demo clients (other
    tests look for those on the first page of a list by name)."""
    import secrets

    from chalicelib.domain.clients import Client

    last = "Zz" + secrets.token_hex(3)
    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", OWNER, "Answer", last, fresh_phone())
    )


def department_texts(stores):
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.appointments import department_texts as texts_of

    return texts_of(stores.department_texts, get_jurisdiction(), "probation")


def reminded(stores, queue, sender, now: datetime, days: int = 8):
    """A new client with an appointment ``days`` ahead whose first reminder Twilio took;
    returns (client, appointment, the time just after that reminder went)."""
    staff = stores.users.get(OWNER)
    client = new_client(stores)
    texts = department_texts(stores)
    appt = add(stores, staff, texts, client, (now + timedelta(days=days)).astimezone(DENVER), now)
    first = reminders(stores, appt)[0]
    at = first.send_at + timedelta(seconds=1)
    sweep(stores, queue, at)
    assert "sent" in deliver(queue, sender, client, at)
    return client, appt, at


def answer(http, client, body: str, sid: str | None = None):
    return reply(http, client, body, sid or new_sid())


def appointment(stores, appt):
    return stores.appointments.get(appt.client_id, appt.appointment_id)


def waiting(stores, appt):
    """Its reminders not sent yet, by time: (offset, state, body)."""
    return [
        (r.reminder_offset, r.state.value, r.body)
        for r in reminders(stores, appt)
        if r.state.value in ("scheduled", "queued")
    ]
