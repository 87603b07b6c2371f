"""An appointment counts as reminded (so a "Y" may confirm it) only once Twilio took one of
its reminders, never when a sender merely claimed one that then did not go."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import fresh_phone, new_sid
from tests.integration.answer_tools import department_texts, kristina
from tests.integration.test_appointments import DENVER, add, new_client, reminders, reply
from tests.integration.test_scheduled_sending import deliver, sweep


@pytest.fixture()
def staff(stores):
    return kristina(stores)


@pytest.fixture()
def texts(stack, stores):
    return department_texts(stores)


def test_a_yes_after_a_reminder_twilio_did_not_take_confirms_nothing(
    now, stores, staff, texts, queue, sender, twilio, http
):
    client = new_client(stores, fresh_phone())
    appt = add(stores, staff, texts, client, (now + timedelta(days=2)).astimezone(DENVER), now)
    first = reminders(stores, appt)[0]
    at = first.send_at + timedelta(seconds=1)
    twilio.fail_next_creates(503, count=1, to=client.phone, retry_after=60)
    sweep(stores, queue, at)
    assert deliver(queue, sender, client, at) == ["retry"]  # claimed, but Twilio said not now

    assert stores.appointments.get(client.client_id, appt.appointment_id).reminded_at is None
    answered = reply(http, client, "Y", new_sid())
    assert b"Thank you" not in answered.body
    still = stores.appointments.get(client.client_id, appt.appointment_id)
    assert still.confirmation.value == "none"


def test_the_reminder_twilio_takes_marks_the_appointment_reminded_once(
    now, stores, staff, texts, queue, sender, twilio, http
):
    client = new_client(stores, fresh_phone())
    appt = add(stores, staff, texts, client, (now + timedelta(days=2)).astimezone(DENVER), now)
    first = reminders(stores, appt)[0]
    at = first.send_at + timedelta(seconds=1)
    sweep(stores, queue, at)
    assert deliver(queue, sender, client, at, times=2) == ["sent", "stale"]  # SQS redelivery
    stamped = stores.appointments.get(client.client_id, appt.appointment_id)
    assert stamped.reminded_at is not None
    assert b"Thank you" in reply(http, client, "Y", new_sid()).body
