"""An answer whose reminder changes cannot ride on its text's transaction (a reminder
changed since it was read, or too many of them) is applied right after the text, once."""

from __future__ import annotations

import pytest

from tests.helpers import new_sid
from tests.integration.answer_tools import appointment, reminded, waiting
from tests.integration.test_answers_with_their_text import PROBATION, answers_of, receive


def inbound(client, body: str):
    from chalicelib.services.receiving import InboundText

    return InboundText(new_sid(), client.phone, PROBATION, body)


def answer_lines(stores, client) -> list:
    entries = stores.conversations.newest(client.client_id)[0]
    return [e for e in entries if e.marker == "appointment_answer"]


def test_a_yes_whose_reminder_changed_meanwhile_is_applied_after_its_text(
    now, stores, queue, sender
):
    from chalicelib.services.answers import Answers
    from chalicelib.store.models import ScheduledTextModel

    client, appt, _ = reminded(stores, queue, sender, now)

    class ReminderEditedMeanwhile(Answers):
        def plan(self, prepared, client, sid, body):
            riding = super().plan(prepared, client, sid, body)  # the reminders as read ...
            for reminder in stores.appointments.reminders_of(client.client_id, appt.appointment_id):
                if reminder.reminder_offset == 1:  # ... one of them edited before the write
                    ScheduledTextModel(client.client_id, reminder.scheduled_id).update(
                        actions=[ScheduledTextModel.version.add(1)]
                    )
            return riding

    base = answers_of(stores)
    handler = ReminderEditedMeanwhile(base.appointments, base.texts, base.jurisdiction)
    received = receive(stores, inbound(client, "Y"), handler)
    assert received.outcome == "stored" and received.reply.startswith("Thank you")
    assert appointment(stores, appt).confirmation.value == "confirmed"
    left = waiting(stores, appt)
    assert [o for o, _, _ in left] == [1] and "see you" in left[0][2]
    assert len(answer_lines(stores, client)) == 1


def test_a_yes_touching_too_many_reminders_to_ride_is_applied_after_its_text(
    now, stores, queue, sender, monkeypatch: pytest.MonkeyPatch
):
    from chalicelib.store import appointments as store

    monkeypatch.setattr(store, "MAX_RIDING_UPDATES", 0)
    client, appt, _ = reminded(stores, queue, sender, now)
    received = receive(stores, inbound(client, "Y"), answers_of(stores))
    assert received.outcome == "stored" and received.reply.startswith("Thank you")
    assert [o for o, _, _ in waiting(stores, appt)] == [1]
    assert len(answer_lines(stores, client)) == 1
