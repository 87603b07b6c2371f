"""A text due before the next sweep is queued by this one, hidden on the queue until its
time (DelaySeconds), so it leaves within seconds of its minute rather than up to a minute
late; an edit or cancel after it was queued ahead still wins at the claim."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from tests.clock import real_now
from tests.integration.test_scheduled_sending import new_client, plan, state_of, texts_to

pytestmark = pytest.mark.any_hour  # sends relative to now

LEAD = timedelta(seconds=4)  # due this far ahead of the sweep


def sweep_ahead(stores, queue, now: datetime):
    from chalicelib.services.sending import QUEUE_AHEAD, sweep

    return sweep(stores.scheduled, queue, now, ahead=QUEUE_AHEAD)


def first_for(queue, client, seconds: float = 30):
    """Wait for the client's message to become visible; its order and when it did.
    Other tests' messages are dropped."""
    from chalicelib.services.sending import SendOrder

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in queue.receive(most=10, wait_seconds=1):
            queue.delete(message.receipt)
            order = SendOrder.from_json(message.body)
            if order.client_id == client.client_id:
                return order, real_now()
    raise AssertionError("the queued-ahead message never became visible")


def test_the_sweep_looks_ahead_at_least_to_its_next_run():
    from chalicelib.services.sending import QUEUE_AHEAD

    assert timedelta(minutes=1) <= QUEUE_AHEAD  # app.py runs the sweep every minute


def test_a_text_due_before_the_next_sweep_is_queued_now_and_sent_at_its_time(
    stores, queue, sender, twilio
):
    from chalicelib.services.sending import send_order

    client = new_client(stores)
    swept_at = real_now()
    text = plan(stores, client, swept_at + LEAD, body="Class starts in a minute")
    sweep_ahead(stores, queue, swept_at)
    assert state_of(stores, text) == "queued"

    order, visible_at = first_for(queue, client)

    assert visible_at >= text.send_at  # hidden until its time, never early
    assert (visible_at - text.send_at) < timedelta(seconds=30)  # and not a sweep later
    assert send_order(order, sender, real_now()) == "sent"
    assert texts_to(twilio, client.phone) == ["Class starts in a minute"]


def test_an_edit_after_the_text_was_queued_ahead_wins(stores, queue, sender, twilio):
    from chalicelib.services.sending import send_order

    client = new_client(stores)
    swept_at = real_now()
    text = plan(stores, client, swept_at + LEAD, body="Old wording")
    sweep_ahead(stores, queue, swept_at)
    queued = stores.scheduled.get(client.client_id, text.scheduled_id)
    later = swept_at + timedelta(minutes=10)
    stores.scheduled.edit(queued, "New wording", later, "kristina")

    order, _ = first_for(queue, client)
    assert send_order(order, sender, real_now()) == "stale"  # for the old version
    assert state_of(stores, text) == "scheduled" and texts_to(twilio, client.phone) == []
    sweep_ahead(stores, queue, later)
    order, _ = first_for(queue, client)
    assert send_order(order, sender, real_now()) == "sent"
    assert texts_to(twilio, client.phone) == ["New wording"]


def test_a_cancel_after_the_text_was_queued_ahead_wins(stores, queue, sender, twilio):
    from chalicelib.services.sending import send_order

    client = new_client(stores)
    swept_at = real_now()
    text = plan(stores, client, swept_at + LEAD)
    sweep_ahead(stores, queue, swept_at)
    queued = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert stores.scheduled.cancel(queued, "kristina").state.value == "cancelled"

    order, _ = first_for(queue, client)
    assert send_order(order, sender, real_now()) == "stale"
    assert texts_to(twilio, client.phone) == []
