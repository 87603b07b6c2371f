"""A scheduled text and the conversation entry it becomes end agreeing about what happened,
whichever of the sender, Twilio's status callback or the settle-sends job learns it first;
and a text is never left "sending now" because the one that would have settled it died.

The sender runs in the test process (as in test_scheduled_sending.py); callbacks come from
the fake Twilio through the app's webhook, as they would from Twilio.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from tests.helpers import new_sid, signed_webhook
from tests.integration.test_scheduled_sending import (
    MINUTE,
    deliver,
    new_client,
    plan,
    state_of,
    sweep,
    texts_to,
)

# reads the clock, but outcomes of a send, relative to now: one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour


class SenderDied(Exception):
    """The sender's Lambda stopped right after Twilio took the text."""


class DiesAfterTwilioTook:
    """A gateway whose sender dies once Twilio has accepted the text."""

    def __init__(self, real) -> None:
        self.real = real

    def send(self, **kwargs):
        self.real.send(**kwargs)
        raise SenderDied()


def last_write_fails(stores):
    """The outbound store as it is when DynamoDB refuses the sender's last write."""
    from chalicelib.store.outbound import OutboundStore
    from chalicelib.store.write_failures import Cause, WriteNotStored

    class LastWriteFails(OutboundStore):
        def record_sent(self, *args, **kwargs):
            raise WriteNotStored("sent text", Cause.SERVICE)

    return LastWriteFails()


def settle(stores, at: datetime) -> dict:
    from chalicelib import bootstrap
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.settling import settle_unresolved_sends

    report = settle_unresolved_sends(
        stores.outbound,
        stores.clients,
        bootstrap.twilio(),
        get_jurisdiction(),
        at,
        scheduled=stores.scheduled,
    )
    return vars(report)


def entry_of(stores, text):
    entries = stores.conversations.newest(text.client_id)[0]
    return next(e for e in entries if e.entry_id == text.scheduled_id)


def becomes(read, wanted, seconds: float = 20.0):
    """Wait for a condition the fake Twilio's callbacks bring about (on their own thread)."""
    deadline = time.monotonic() + seconds
    while (value := read()) != wanted and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


@pytest.mark.parametrize("how", ["sender dies", "last write fails"])
def test_a_text_twilio_took_is_settled_by_its_callback_when_its_sender_could_not(
    how, now, stores, queue, sender, twilio
):
    from chalicelib.store.scheduled import ChangeRefused

    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    if how == "sender dies":
        broken = replace(sender, gateway=DiesAfterTwilioTook(sender.gateway))
        with pytest.raises(SenderDied):
            deliver(queue, broken, client, now)
    else:
        broken = replace(sender, outbound=last_write_fails(stores))
        with pytest.raises(Exception, match="not stored"):
            deliver(queue, broken, client, now)
    assert texts_to(twilio, client.phone) == ["Court is Tuesday at 9"]

    assert becomes(lambda: entry_of(stores, text).status, "delivered") == "delivered"
    assert becomes(lambda: state_of(stores, text), "sent") == "sent"
    assert stores.scheduled.pending_for_client(client.client_id) == []
    assert stores.clients.get(client.client_id).scheduled_count == 0
    current = stores.scheduled.get(client.client_id, text.scheduled_id)
    refused = stores.scheduled.cancel(current, "kristina")
    assert isinstance(refused, ChangeRefused) and refused.current.state.value == "sent"
    settle(
        stores, now + timedelta(minutes=30)
    )  # nothing is left for the job, and it changes nothing
    assert (state_of(stores, text), entry_of(stores, text).status) == ("sent", "delivered")
    assert stores.clients.get(client.client_id).scheduled_count == 0


def test_a_callback_that_settles_before_the_sender_records_leaves_one_outcome_and_count(
    now, stores, queue, sender, twilio
):
    class CallbackFirst:
        def __init__(self, real) -> None:
            self.real = real

        def send(self, **kwargs):
            sent = self.real.send(**kwargs)
            twilio.wait_for_callbacks()
            becomes(lambda: state_of(stores, text), "sent")
            return sent

    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    callback_first = replace(sender, gateway=CallbackFirst(sender.gateway))
    assert deliver(queue, callback_first, client, now) == ["sent"]
    assert state_of(stores, text) == "sent"
    assert entry_of(stores, text).sid and entry_of(stores, text).status == "delivered"
    assert stores.clients.get(client.client_id).scheduled_count == 0


def test_a_scheduled_text_twilio_never_got_ends_failed_like_its_entry(
    now, stores, queue, sender, twilio
):
    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    twilio.drop_next_creates(to=client.phone)  # the connection drops before Twilio creates it
    assert deliver(queue, sender, client, now) == ["unknown"]
    assert stores.scheduled.pending_for_client(client.client_id) == []  # handed over

    settle(stores, now + timedelta(minutes=11))

    assert entry_of(stores, text).status == "not_sent"
    final = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert final.state.value == "failed" and "never received" in final.failure
    assert stores.clients.get(client.client_id).scheduled_count == 0
    assert texts_to(twilio, client.phone) == []


def test_a_callback_after_settling_gave_up_makes_both_say_sent(
    now, stores, queue, sender, twilio, http
):
    """Twilio's list missed the text, so settling called it not sent; then its callback
    came (a later callback always wins): the scheduled text follows its entry."""
    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    twilio.drop_next_creates(to=client.phone)
    assert deliver(queue, sender, client, now) == ["unknown"]
    settle(stores, now + timedelta(minutes=11))
    assert state_of(stores, text) == "failed"

    form = {"MessageSid": new_sid(), "MessageStatus": "delivered", "To": client.phone}
    answer = signed_webhook(http, f"/webhooks/twilio/status/{text.scheduled_id}", form)

    assert answer.status_code == 204
    assert entry_of(stores, text).status == "delivered"
    assert state_of(stores, text) == "sent"
    assert stores.clients.get(client.client_id).scheduled_count == 0
