"""A client's "Y" after a reminder is written in its text's own transaction, and whatever
could not be written with it is still applied, once (services/answers.py)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from tests.dynamodb_calls import counting, total
from tests.helpers import fresh_phone, new_sid, signed_webhook

PROBATION = "+18015550100"


def reminded_client(stores, now: datetime):
    """A client of Kristina's with a court date in 3 days whose first reminder went."""
    from chalicelib.config import get_jurisdiction
    from chalicelib.domain.appointments import Appointment, Kind
    from chalicelib.domain.clients import Client
    from chalicelib.services.appointments import create, department_texts
    from chalicelib.store.models import AppointmentModel

    name = "Answer" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )
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
    return client, appointment


def inbound(client, body: str, sid: str | None = None):
    from chalicelib.services.receiving import InboundText

    return InboundText(sid or new_sid(), client.phone, PROBATION, body)


def receive(stores, text, answers):
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.receiving import receive_text

    return receive_text(
        text, get_jurisdiction(), stores.clients, stores.inbound, stores.unclaimed, answers
    )


def answers_of(stores):
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.answers import answer_handler

    return answer_handler(stores.appointments, stores.department_texts, get_jurisdiction())


def answer_lines(stores, client) -> list:
    entries = stores.conversations.newest(client.client_id)[0]
    return [e for e in entries if e.marker == "appointment_answer"]


def test_an_answer_whose_appointment_changed_meanwhile_is_applied_after_its_text(
    stores, now: datetime
):
    from chalicelib.services.answers import Answers
    from chalicelib.store.models import AppointmentModel

    client, appointment = reminded_client(stores, now)

    class EditedMeanwhile(Answers):
        def prepare(self, client_id, department_id, body):
            prepared = super().prepare(client_id, department_id, body)
            prepared.appointments.result()  # read as it was ...
            AppointmentModel(client_id, appointment.appointment_id).update(
                actions=[AppointmentModel.notes.set("moved rooms"), AppointmentModel.version.add(1)]
            )  # ... and changed before the text is written
            return prepared

    base = answers_of(stores)
    text = inbound(client, "Y")
    received = receive(
        stores, text, EditedMeanwhile(base.appointments, base.texts, base.jurisdiction)
    )
    assert received.outcome == "stored"
    assert received.reply and received.reply.startswith("Thank you")
    confirmed = stores.appointments.get(client.client_id, appointment.appointment_id)
    assert confirmed.confirmation.value == "confirmed"
    assert confirmed.answered_sid == text.sid and confirmed.notes == "moved rooms"
    assert len(answer_lines(stores, client)) == 1
    texts = [e for e in stores.conversations.newest(client.client_id)[0] if e.sid == text.sid]
    assert len(texts) == 1


def test_a_retry_of_a_text_stored_without_its_answer_applies_it_once(stores, http, now: datetime):
    client, appointment = reminded_client(stores, now)
    text = inbound(client, "yes")
    first = receive(stores, text, None)  # stored, its answer not applied (as before a crash)
    assert first.outcome == "stored" and first.reply is None
    params = {
        "MessageSid": text.sid,
        "From": client.phone,
        "To": PROBATION,
        "Body": "yes",
        "NumMedia": "0",
    }
    retried = signed_webhook(http, "/webhooks/twilio/sms", params)
    assert b"Thank you" in retried.body
    again = signed_webhook(http, "/webhooks/twilio/sms", params)
    assert b"Thank you" in again.body
    confirmed = stores.appointments.get(client.client_id, appointment.appointment_id)
    assert confirmed.confirmation.value == "confirmed" and confirmed.answered_sid == text.sid
    assert len(answer_lines(stores, client)) == 1


def test_a_yes_with_nothing_reminded_is_an_ordinary_text_in_four_round_trips(stores, http):
    from chalicelib.domain.clients import Client

    name = "Answer" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )
    params = {
        "MessageSid": new_sid(),
        "From": client.phone,
        "To": PROBATION,
        "Body": "Yes",
        "NumMedia": "0",
    }
    signed_webhook(http, "/webhooks/twilio/sms", {**params, "MessageSid": new_sid()})  # warm
    with counting() as calls:
        answered = signed_webhook(http, "/webhooks/twilio/sms", params)
    assert answered.status_code == 200 and b"<Message>" not in answered.body
    assert total(calls) == 4, calls  # route, client + wording, appointments, the text
    assert answer_lines(stores, client) == []
