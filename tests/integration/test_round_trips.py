"""DynamoDB round trips per request stay within their goals (issue 16, deliverable 4).

Each figure is a whole HTTP request as the app serves it (``tests/dynamodb_calls.py``
counts them), as ``bench/dynamodb_calls.py`` prints them.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import pytest

from tests.dynamodb_calls import counting, total
from tests.helpers import fresh_phone, new_sid, signed_webhook

# reads the clock, but round trips counted: one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour

PROBATION = "+18015550100"


def new_client(stores, case_manager: str = "kristina"):
    from chalicelib.domain.clients import Client

    name = "Trip" + secrets.token_hex(3)
    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", case_manager, name, name, fresh_phone())
    )


def text_from(http, client, body: str):
    params = {
        "MessageSid": new_sid(),
        "From": client.phone,
        "To": PROBATION,
        "Body": body,
        "NumMedia": "0",
    }
    return signed_webhook(http, "/webhooks/twilio/sms", params), params


def test_sending_a_text_takes_three_round_trips(web, stores):
    """The session batch also reads the client the URL names; then "sending" and Twilio's
    answer are one transaction each (the send's audit row rides in one, and is linked
    into its chain later, from the audit stream)."""
    client = new_client(stores)
    kristina = web.sign_in("kristina")
    page = kristina.get(f"/clients/{client.client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    with counting() as calls:
        sent = kristina.post(
            f"/clients/{client.client_id}/messages", {"body": "See you at 3", "draft_id": draft}
        )
    assert sent.status_code == 303, sent.body[:300]
    assert total(calls) == 3, calls
    assert calls["TransactWriteItems"] == 2, calls


def test_a_caseload_page_takes_three_round_trips(web):
    """Session, staff record and the department's waiting numbers in one batch; the page
    and the person's own unread items are one Query each."""
    kristina = web.sign_in("kristina")  # the first page a department shows counts its queue
    with counting() as calls:
        page = kristina.get("/caseload")
    assert page.status_code == 200
    assert total(calls) == 3, calls
    assert calls["BatchGetItem"] == 1, calls


def test_the_client_page_reads_its_client_with_the_session(web, stores):
    """Session, client, the person's unread of them and the navigation's count in one
    batch; the texts, the scheduled texts and the appointments one Query each; the view's
    audit row (10 round trips before)."""
    client = new_client(stores)
    kristina = web.sign_in("kristina")
    kristina.get(f"/clients/{client.client_id}")
    with counting() as calls:
        page = kristina.get(f"/clients/{client.client_id}")
    assert page.status_code == 200
    assert calls["GetItem"] == 0, calls  # neither the client nor anything else alone
    assert calls["BatchGetItem"] == 1, calls
    assert total(calls) == 5, calls


def test_the_conversations_live_refresh_and_the_poll_take_two_or_three(web, stores):
    client = new_client(stores)
    kristina = web.sign_in("kristina")
    background = {"X-ClientComm-Background": "1"}
    with counting() as calls:
        fragment = kristina.get(f"/clients/{client.client_id}/live", headers=background)
    assert fragment.status_code == 200
    assert total(calls) == 3, calls  # session + client, the texts, the scheduled texts
    with counting() as calls:
        assert kristina.get("/api/activity", headers=background).status_code == 200
    assert total(calls) == 2, calls


def test_the_caseload_unread_first_adds_only_the_pinned_clients(web):
    kristina = web.sign_in("kristina")
    with counting() as calls:
        page = kristina.get("/caseload?order=unread")
    assert page.status_code == 200
    assert total(calls) <= 4, calls  # + one BatchGetItem of the clients pinned on top


def test_an_inbound_text_takes_three_round_trips_and_its_retry_three(http, stores):
    client = new_client(stores)
    text_from(http, client, "first one warms the supervisors' cache")
    with counting() as calls:
        answered, params = text_from(http, client, "Running late, bus broke down")
    assert answered.status_code == 200
    assert total(calls) == 3, calls
    with counting() as calls:
        signed_webhook(http, "/webhooks/twilio/sms", params)
    assert total(calls) == 3, calls


def test_a_y_after_a_reminder_takes_five_round_trips(http, stores, now: datetime):
    """Route; the client with the department's texts (one batch) while the client's
    appointments, then the reminders the answer changes, are read; then the text, its
    answer and its reminders in one transaction (issue 18: the reminders still to come
    stop asking, so they are read: one Query more, beside the client's read)."""
    from chalicelib.config import get_jurisdiction
    from chalicelib.domain.appointments import Appointment, Kind
    from chalicelib.services.appointments import create, department_texts
    from chalicelib.store.models import AppointmentModel

    client = new_client(stores)
    text_from(http, client, "warming up")
    appointment = Appointment(
        client.client_id,
        secrets.token_hex(12),
        "probation",
        "kristina",
        Kind.COURT,
        now + timedelta(days=3),
        place="Room W43",
    )
    texts = department_texts(stores.department_texts, get_jurisdiction(), "probation")
    create(stores.appointments, client, appointment, texts, "kristina", now)
    AppointmentModel(client.client_id, appointment.appointment_id).update(
        actions=[AppointmentModel.reminded_at.set(now)]
    )
    with counting() as calls:
        answered, params = text_from(http, client, "Yes!")
    assert b"Thank you" in answered.body, answered.body[:300]
    assert total(calls) == 5, calls
    assert calls["TransactWriteItems"] == 1, calls
    confirmed = stores.appointments.get(client.client_id, appointment.appointment_id)
    assert confirmed.confirmation.value == "confirmed"
    assert confirmed.answered_sid == params["MessageSid"]
    summary = stores.clients.get(client.client_id).appointments
    assert summary[appointment.appointment_id].endswith("|confirmed")

    with counting() as calls:  # Twilio's retry: the thank-you comes back from the guard
        again = signed_webhook(http, "/webhooks/twilio/sms", params)
    assert b"Thank you" in again.body
    assert total(calls) <= 4, calls
    lines = [e for e in stores.conversations.newest(client.client_id)[0] if e.marker]
    assert sum(1 for e in lines if e.marker == "appointment_answer") == 1
