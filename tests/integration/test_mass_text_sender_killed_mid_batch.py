"""A sender killed in the middle of a mass text's batch (its Lambda container dies right
after Twilio took a text) never makes a recipient get the text twice: SQS shows the whole
batch again, the texts already claimed are recognised by their claim, and the one that was
in flight is found at Twilio by settle-sends."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.clock import real_now
from tests.integration.mass_tools import client_of, texts_of, written
from tests.integration.session_tools import new_staff

pytestmark = pytest.mark.any_hour  # due now, relative to the clock: any instant will do

RECIPIENTS = 5
KILLED_AFTER = 3  # Twilio takes the third text, then the container dies


class ContainerDied(BaseException):
    """Not an Exception: nothing in the sender may catch it, as nothing survives a kill."""


class DyingGateway:
    """The real gateway, until the container dies just after Twilio took a text."""

    def __init__(self, real, die_after: int):
        self.real = real
        self.left = die_after

    def send(self, **kwargs):
        answer = self.real.send(**kwargs)
        self.left -= 1
        if self.left == 0:
            raise ContainerDied()
        return answer


def test_a_sender_killed_mid_batch_sends_each_recipient_one_text(stack, stores, queue, sender):
    from dataclasses import replace

    from chalicelib.services.mass_texts import fan_out, start_mass_text
    from chalicelib.services.send_batches import QueueRecord, send_batch
    from chalicelib.services.sending import SendOrder, send_order, sweep
    from tests.integration.test_settling import settle

    manager = new_staff(stack, stores)
    clients = [client_of(stores, manager, f"Killed{n}") for n in range(RECIPIENTS)]
    mass = start_mass_text(
        manager,
        stores.clients,
        stores.mass_texts,
        [c.client_id for c in clients],
        "Office closed Monday, {first_name}",
        real_now(),
        "de" * 16,
    )
    fan_out(stores.mass_texts, stores.clients, stores.users, mass.mass_id)
    mass = written(stores, mass.mass_id)
    sweep(stores.scheduled, queue, real_now() + timedelta(seconds=1))
    ours = {c.client_id for c in clients}

    def batch():
        """Every visible message for our recipients (other tests' due texts are dropped)."""
        records = []
        deadline = time.monotonic() + 30  # a message taken shows again after 2 s (fixture)
        while len(records) < RECIPIENTS and time.monotonic() < deadline:
            for message in queue.receive(most=10, wait_seconds=1):
                if any(f'"client_id":"{c}"' in message.body for c in ours):
                    records.append((QueueRecord(message.receipt, message.body), message))
                else:
                    queue.delete(message.receipt)
        return records

    first = batch()
    assert len(first) == RECIPIENTS
    dying = replace(sender, gateway=DyingGateway(sender.gateway, KILLED_AFTER))
    for record, _ in first[: KILLED_AFTER - 1]:
        send_order(SendOrder.from_json(record.body), dying, real_now())
    with pytest.raises(ContainerDied):  # the process is gone: nothing after this runs
        send_order(SendOrder.from_json(first[KILLED_AFTER - 1][0].body), dying, real_now())
    # nothing was deleted: after the visibility timeout SQS shows the whole batch again
    again = batch()
    assert len(again) == RECIPIENTS
    result = send_batch([r for r, _ in again], sender, lambda: 600_000, 15_000, workers=1)
    assert not result.failed
    for _, message in again:
        queue.delete(message.receipt)
    settle(stores, minutes_later=4)  # the one in flight at the kill: found at Twilio
    for client in clients:
        bodies = [
            m["body"]
            for m in stack.twilio.messages(to=client.phone)
            if m["direction"] == "outbound-api"
        ]
        assert bodies == [f"Office closed Monday, {client.first_name}"], client.first_name
        (text,) = texts_of(stores, mass, client.client_id)
        assert stores.scheduled.get(client.client_id, text.scheduled_id).state.value == "sent"


def test_a_worker_hit_by_anything_at_all_reports_its_message_failed(stack, stores, sender):
    """Even an exception that is not an Exception, raised on a pool thread, must not let
    its message be deleted as handled."""
    from dataclasses import replace

    from chalicelib.domain.scheduling import ScheduledText
    from chalicelib.services.send_batches import QueueRecord, send_batch
    from chalicelib.services.sending import SendOrder

    manager = new_staff(stack, stores)
    client = client_of(stores, manager, "Struck")
    text = stores.scheduled.add(
        ScheduledText(
            client_id=client.client_id,
            scheduled_id="5f" * 16,
            department_id=client.department_id,
            case_manager_id=manager.user_id,
            author_id=manager.user_id,
            body="Struck on a worker",
            send_at=real_now(),
        )
    )

    class Struck:
        def send(self, **kwargs):
            raise ContainerDied()

    record = QueueRecord("struck-1", SendOrder.of(text).to_json())
    result = send_batch([record], replace(sender, gateway=Struck()), lambda: 600_000, 15_000)
    assert result.failed == ["struck-1"]
    stores.scheduled.fail(stores.scheduled.get(client.client_id, text.scheduled_id), "test over")
