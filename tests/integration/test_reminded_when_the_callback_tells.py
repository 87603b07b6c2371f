"""A reminder Twilio took counts as reminded however we learn that Twilio took it: from the
send's own answer, or, when its sender died or handed it over unsure, from its status
callback (and, failing that, from settle-sends finding it at Twilio)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.integration.answer_tools import answer, appointment, reminders
from tests.integration.test_scheduled_outcomes_agree import (
    DiesAfterTwilioTook,
    SenderDied,
    becomes,
)
from tests.integration.test_scheduled_sending import deliver, sweep

pytestmark = pytest.mark.any_hour


class UnsureAfterTwilioTook:
    """A gateway whose answer from Twilio is lost after Twilio accepted the text."""

    def __init__(self, real) -> None:
        self.real = real

    def send(self, **kwargs):
        from chalicelib.adapters.twilio_errors import TwilioOutcomeUnknown

        self.real.send(**kwargs)
        raise TwilioOutcomeUnknown("read timed out")


def with_appointment(stores, now):
    from tests.integration.answer_tools import DENVER, OWNER, add, department_texts, new_client

    client = new_client(stores)
    starts = (now + timedelta(days=8)).astimezone(DENVER)
    appt = add(stores, stores.users.get(OWNER), department_texts(stores), client, starts, now)
    return client, appt


@pytest.mark.parametrize("how", ["sender dies", "answer lost"])
def test_a_reminder_twilio_took_counts_once_its_callback_says_so(
    how, now, stores, queue, sender, twilio, http
):
    client, appt = with_appointment(stores, now)
    first = reminders(stores, appt)[0]
    at = first.send_at + timedelta(seconds=1)
    sweep(stores, queue, at)
    if how == "sender dies":
        with pytest.raises(SenderDied):
            deliver(queue, replace(sender, gateway=DiesAfterTwilioTook(sender.gateway)), client, at)
    else:
        broken = replace(sender, gateway=UnsureAfterTwilioTook(sender.gateway))
        assert deliver(queue, broken, client, at) == ["unknown"]

    reminded = becomes(lambda: appointment(stores, appt).reminded_at is not None, True)
    assert reminded, "the callback of the reminder Twilio took marks the appointment reminded"
    assert b"Thank you" in answer(http, client, "Y").body


class DiesAndNoCallbackCame:
    """Twilio took the reminder, its sender died, and its status callback never came."""

    def __init__(self, real) -> None:
        self.real = real

    def send(self, **kwargs):
        self.real.send(**{**kwargs, "status_callback": None})
        raise SenderDied()


def test_a_reminder_settle_sends_finds_at_twilio_counts(now, stores, queue, sender, http):
    from tests.integration.test_scheduled_outcomes_agree import settle

    client, appt = with_appointment(stores, now)
    first = reminders(stores, appt)[0]
    at = first.send_at + timedelta(seconds=1)
    sweep(stores, queue, at)
    broken = replace(sender, gateway=DiesAndNoCallbackCame(sender.gateway))
    with pytest.raises(SenderDied):
        deliver(queue, broken, client, now)  # sent at the clock's time: Twilio lists it so
    assert appointment(stores, appt).reminded_at is None  # nobody knows yet

    assert settle(stores, now + timedelta(minutes=4))["found_at_twilio"] >= 1
    assert appointment(stores, appt).reminded_at is not None
    assert b"Thank you" in answer(http, client, "Y").body
