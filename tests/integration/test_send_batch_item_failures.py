"""One SQS batch of scheduled texts: a message that fails is reported alone (Lambda's
``ReportBatchItemFailures``) and the rest of its batch is sent; within a batch the text
whose number is free goes first, so one department's backlog never holds another's text."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import pairwise

import pytest

from tests.clock import real_now
from tests.integration.test_scheduled_sending import (
    MINUTE,
    drain,
    new_client,
    plan,
    sweep,
    texts_to,
)

pytestmark = pytest.mark.any_hour  # sends what is due relative to now


def batch_for(queue, clients) -> list:
    """The queue's messages for ``clients`` (other tests' due texts share the table and are
    dropped), as Lambda's records: SQS's message id and the body."""
    from chalicelib.services.send_batches import QueueRecord

    ids = {c.client_id for c in clients}
    records = []
    for message in drain(queue):
        if json.loads(message.body)["client_id"] in ids:
            records.append(QueueRecord(f"message-{len(records)}", message.body))
        queue.delete(message.receipt)
    return records


class ExplodingClients:
    """The client store, except that reading one client fails (a bug, an outage)."""

    def __init__(self, real, bad_client_id: str):
        self.real = real
        self.bad = bad_client_id

    def get(self, client_id: str, along=()):
        if client_id == self.bad:
            raise RuntimeError("this one message cannot be handled")
        return self.real.get(client_id, along)


def test_a_message_that_raises_is_reported_alone_and_the_rest_of_its_batch_is_sent(
    stores, queue, sender, twilio
):
    from chalicelib.services.send_batches import send_batch

    clients = [new_client(stores) for _ in range(3)]
    for client in clients:
        plan(stores, client, real_now() - MINUTE, body=f"Hello {client.client_id[:4]}")
    sweep(stores, queue, real_now())
    records = batch_for(queue, clients)
    bad = next(r for r in records if json.loads(r.body)["client_id"] == clients[1].client_id)
    exploding = replace(sender, clients=ExplodingClients(stores.clients, clients[1].client_id))

    result = send_batch(records, exploding, lambda: 600_000, 15_000)

    assert result.failed == [bad.message_id]
    assert result.outcomes == {"sent": 2}
    assert texts_to(twilio, clients[0].phone) == [f"Hello {clients[0].client_id[:4]}"]
    assert texts_to(twilio, clients[1].phone) == []
    assert texts_to(twilio, clients[2].phone) == [f"Hello {clients[2].client_id[:4]}"]


def test_the_sender_answers_lambda_with_only_the_message_it_could_not_read(stack):
    from chalicelib.jobs import entry_points

    answer = entry_points.send_scheduled([("m-1", "not json at all")], lambda: 600_000)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_messages_left_when_time_runs_out_are_reported_for_redelivery(
    stores, queue, sender, twilio
):
    from chalicelib.services.send_batches import send_batch

    clients = [new_client(stores) for _ in range(3)]
    for client in clients:
        plan(stores, client, real_now() - MINUTE)
    sweep(stores, queue, real_now())
    records = batch_for(queue, clients)
    left = iter([60_000, 10_000, 10_000])  # time for one text, then too little

    result = send_batch(records, sender, lambda: next(left), 15_000)

    assert result.outcomes == {"sent": 1}
    assert result.failed == [r.message_id for r in records[1:]]


def test_a_free_numbers_text_goes_before_a_busy_numbers_backlog_in_the_same_batch(
    stores, queue, sender, twilio
):
    from chalicelib.services.send_batches import send_batch
    from chalicelib.services.sending import Pacer

    clock = [1000.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    paced = replace(sender, pacer=Pacer(clock=lambda: clock[0], sleep=sleep))
    backlog = [new_client(stores) for _ in range(4)]  # probation: 1 text/s, 2 s per sender
    other = new_client(stores, department="pretrial")
    for client in backlog:
        plan(stores, client, real_now() - MINUTE, body="Office closed Monday")
    plan(stores, other, real_now() - MINUTE, body="Court tomorrow at 9")
    sweep(stores, queue, real_now())
    records = batch_for(queue, [*backlog, other])
    records.sort(key=lambda r: json.loads(r.body)["department_id"] == "pretrial")  # last in

    sent_at: dict[str, float] = {}
    gateway = paced.gateway

    class Timed:
        def send(self, **kwargs):
            sent_at[kwargs["to"]] = clock[0]
            return gateway.send(**kwargs)

    # one worker: the fake clock stands for one sleeper (several threads sleeping on it
    # would add their waits up); sends in flight together: test_concurrent_batch_sends.py
    result = send_batch(
        records, replace(paced, gateway=Timed()), lambda: 600_000, 15_000, workers=1
    )

    assert result.outcomes == {"sent": 5}
    started = min(sent_at.values())
    assert sent_at[other.phone] - started == 0  # not four sends of 2 s behind the backlog
    spacing = sorted(sent_at[c.phone] for c in backlog)
    assert [b - a for a, b in pairwise(spacing)] == [2.0, 2.0, 2.0]
