"""A scheduled text Twilio asked us to send later ("not now": 429, 503) always goes on to an
outcome: it is never left `queued` with no message to send it, its conversation entry never
says "checking" for ever, and a message for an older version never decides the current one.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.integration.test_scheduled_sending import (
    MINUTE,
    deliver,
    new_client,
    plan,
    state_of,
    sweep,
    texts_to,
)

# reads the clock, but retries and queue mechanics: one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour


def entry_of(stores, text):
    entries = stores.conversations.newest(text.client_id)[0]
    return next(e for e in entries if e.entry_id == text.scheduled_id)


def deliver_until(queue, sender, client, now, wanted: int, seconds: float = 30.0) -> list[str]:
    """Deliver messages for ``client`` as they become visible (a retry waits out its delay)
    until ``wanted`` outcomes are in, or the time is up."""
    outcomes: list[str] = []
    deadline = time.monotonic() + seconds
    while len(outcomes) < wanted and time.monotonic() < deadline:
        outcomes += deliver(queue, sender, client, now)
        time.sleep(0.2)
    return outcomes


def twilio_says_not_now(twilio, client) -> None:
    """Twilio answers 429 to every try of the gateway's one call (it retries in the call)."""
    twilio.fail_next_creates(429, count=3, to=client.phone, retry_after=1)


class RefusingQueue:
    """SQS refusing to keep a message."""

    def send(self, body: str, delay_seconds: int = 0, group: str = "") -> str:
        from chalicelib.adapters.queue import QueueUnavailable

        raise QueueUnavailable("SQS did not keep the message: EndpointConnectionError")


def test_a_retry_the_queue_would_not_keep_ends_not_sent_rather_than_queued_for_ever(
    now, stores, queue, sender, twilio
):
    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    twilio_says_not_now(twilio, client)

    assert deliver(queue, replace(sender, queue=RefusingQueue()), client, now) == ["failed"]

    final = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert final.state.value == "failed" and "not sent" in final.failure
    assert entry_of(stores, text).status == "not_sent"
    assert stores.clients.get(client.client_id).scheduled_count == 0
    assert texts_to(twilio, client.phone) == []


def test_a_text_waiting_for_a_retry_holds_no_place_to_check_is_not_edited_and_goes_once(
    now, stores, queue, sender, twilio
):
    from chalicelib.store.scheduled import ChangeRefused

    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    twilio_says_not_now(twilio, client)
    assert deliver(queue, sender, client, now) == ["retry"]
    waiting = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert (waiting.state.value, waiting.attempts) == ("queued", 1)
    to_check = stores.outbound.unresolved(now + timedelta(hours=1), limit=1000)
    assert text.scheduled_id not in [s.outbound_id for s in to_check]  # no place held there

    refused = stores.scheduled.edit(waiting, "New words", now + timedelta(minutes=5), "kristina")

    assert isinstance(refused, ChangeRefused)
    sweep(stores, queue, now + timedelta(minutes=6))
    assert deliver_until(queue, sender, client, now, wanted=1) == ["sent"]
    assert texts_to(twilio, client.phone) == ["Court is Tuesday at 9"]
    assert state_of(stores, text) == "sent"
    assert entry_of(stores, text).sid


def test_cancelling_a_text_that_waits_for_a_retry_says_not_sent_on_its_entry(
    now, stores, queue, sender, twilio
):
    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    twilio_says_not_now(twilio, client)
    assert deliver(queue, sender, client, now) == ["retry"]

    waiting = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert stores.scheduled.cancel(waiting, "kristina").state.value == "cancelled"

    assert entry_of(stores, text).status == "not_sent"
    assert stores.clients.get(client.client_id).scheduled_count == 0
    assert deliver_until(queue, sender, client, now, wanted=1) == ["stale"]
    assert texts_to(twilio, client.phone) == []


def test_a_retry_that_overtakes_its_own_requeue_is_tried_again_not_dropped(
    now, stores, queue, sender, twilio
):
    """The retry message is on the queue before the text is marked as waiting for it; a
    second sender that gets it in that moment must leave it for later, not drop it."""
    from chalicelib.services.sending import SendOrder, send_order

    overtaken: list[str] = []

    class OvertakingQueue:
        def send(self, body: str, delay_seconds: int = 0, group: str = "") -> str:
            kept = queue.send(body, delay_seconds, group)
            if not overtaken:
                overtaken.append(send_order(SendOrder.from_json(body), sender, now))
            return kept

    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    twilio_says_not_now(twilio, client)
    assert deliver(queue, replace(sender, queue=OvertakingQueue()), client, now) == ["retry"]

    assert overtaken == ["later"]  # and on the queue again, a few seconds on (then stale)
    assert deliver_until(queue, sender, client, now, wanted=1) == ["sent"]
    assert texts_to(twilio, client.phone) == ["Court is Tuesday at 9"]
    assert state_of(stores, text) == "sent"


@pytest.mark.parametrize("refusal", ["expired", "opted out"])
def test_a_message_for_an_older_version_never_decides_the_current_one(
    refusal, now, stores, queue, sender, twilio, stack
):
    from chalicelib.domain.scheduling import ScheduledText

    client = new_client(stores)
    text = stores.scheduled.add(
        ScheduledText(
            client_id=client.client_id,
            scheduled_id=secrets.token_hex(16),
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            author_id=client.case_manager_id,
            body="Court is Tuesday at 9",
            send_at=now - MINUTE,
            not_after=now + timedelta(minutes=2),
        )
    )
    sweep(stores, queue, now)  # the message for version 1 is on the queue
    current = stores.scheduled.get(client.client_id, text.scheduled_id)
    edited = stores.scheduled.edit(current, "Court moved", now + timedelta(minutes=1), "kristina")
    assert edited.version == 2
    if refusal == "opted out":
        stack.twilio.send_inbound(from_=client.phone, to="+18015550100", body="STOP")
        assert stores.clients.get(client.client_id).opted_out
    when = now + timedelta(minutes=3) if refusal == "expired" else now

    assert deliver(queue, sender, client, when) == ["stale"]

    kept = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert (kept.state.value, kept.version) == ("scheduled", 2)
    lines = stores.conversations.newest(client.client_id)[0]
    assert not [e for e in lines if e.marker == "scheduled_not_sent"]
    assert stores.clients.get(client.client_id).scheduled_count == 1
