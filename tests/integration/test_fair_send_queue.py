"""The send queue is used as an SQS fair queue: every message carries its department as
its ``MessageGroupId`` (sweep and retries), and a backlog of one department does not hold
back another department's text (the local queue models AWS's fairness, see
infra/local/moto_fair_queues.py)."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import boto3
import pytest

from tests.clock import real_now
from tests.integration.test_scheduled_sending import MINUTE, new_client, plan, sweep, texts_to

pytestmark = pytest.mark.any_hour  # sends what is due relative to now

BACKLOG = 60  # probation texts ahead of pretrial's one: a minute at the number's 1 text/s
BOUND_SECONDS = 20  # pretrial's text must leave within this, backlog or not


def received_with_groups(queue) -> list[tuple[str, dict]]:
    """Every visible message: its group id and its order (deleted as read)."""
    found = []
    while True:
        answer = queue.sqs.receive_message(
            QueueUrl=queue.url,
            MaxNumberOfMessages=10,
            MessageSystemAttributeNames=["MessageGroupId"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            return found
        for m in messages:
            found.append((m.get("Attributes", {}).get("MessageGroupId", ""), json.loads(m["Body"])))
            queue.sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=m["ReceiptHandle"])


def test_every_message_the_sweep_queues_carries_its_department_as_its_group(stores, queue):
    probation = new_client(stores)
    pretrial = new_client(stores, department="pretrial")
    plan(stores, probation, real_now() - MINUTE)
    plan(stores, pretrial, real_now() - MINUTE)
    sweep(stores, queue, real_now())
    groups = {order["client_id"]: group for group, order in received_with_groups(queue)}
    assert groups[probation.client_id] == "probation"
    assert groups[pretrial.client_id] == "pretrial"
    assert all(groups.values())  # other tests' texts too: never without a group


def test_a_retry_after_twilios_not_now_keeps_its_department_as_its_group(
    stores, queue, sender, twilio
):
    from chalicelib.services.sending import SendOrder, send_order

    client = new_client(stores, department="pretrial")
    plan(stores, client, real_now() - MINUTE)
    twilio.fail_next_creates(429, count=3, to=client.phone, retry_after=1)
    sweep(stores, queue, real_now())
    mine = [o for _, o in received_with_groups(queue) if o["client_id"] == client.client_id]
    assert send_order(SendOrder(**mine[0]), sender, real_now()) == "retry"
    time.sleep(1.5)  # the retry's delay
    retries = [(g, o) for g, o in received_with_groups(queue) if o["client_id"] == client.client_id]
    assert [(g, o["attempts"]) for g, o in retries] == [("pretrial", 1)]


def test_the_local_queue_offers_a_quiet_departments_message_before_a_backlog(stack):
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"test-fair-{secrets.token_hex(4)}")["QueueUrl"]
    for start in range(0, 50, 10):
        entries = [
            {"Id": str(n), "MessageBody": f"a{start + n}", "MessageGroupId": "probation"}
            for n in range(10)
        ]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    sqs.send_message(QueueUrl=url, MessageBody="b0", MessageGroupId="pretrial")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert "b0" in [m["Body"] for m in first]


def test_a_backlog_of_one_department_does_not_hold_back_anothers_text(
    stores, stack, twilio, tmp_path
):
    """The app's own sender on the local event source, two at once in batches of ten, as
    Lambda runs it, over a queue holding a minute of probation's texts first."""
    import app as app_module
    from chalicelib.adapters.queue import MessageQueue
    from chalicelib.config import SEND_QUEUE_NAME
    from infra.local.sqs_source import LocalSqsSource
    from infra.package.queues import REPORTS_ITEM_FAILURES
    from tests.helpers import ROOT

    sqs = boto3.client("sqs")
    url = sqs.create_queue(
        QueueName=f"test-fair-send-{secrets.token_hex(4)}",
        Attributes={"VisibilityTimeout": "720"},
    )["QueueUrl"]
    queue = MessageQueue(sqs, url)
    backlog = [new_client(stores) for _ in range(BACKLOG)]
    for client in backlog:
        plan(stores, client, real_now() - 2 * MINUTE, body="The office is closed Monday")
    other = new_client(stores, department="pretrial")
    due = real_now() - MINUTE
    plan(stores, other, due, body="Court tomorrow at 9")
    sweep(stores, queue, real_now())  # probation's texts first on the queue, pretrial's last

    started = time.monotonic()
    source = LocalSqsSource(
        app_module.app, {SEND_QUEUE_NAME: url}, Path(ROOT), item_failures=REPORTS_ITEM_FAILURES
    ).start()
    try:
        deadline = started + BOUND_SECONDS + 60  # time enough to see it fail, not only pass
        while not texts_to(twilio, other.phone) and time.monotonic() < deadline:
            time.sleep(0.2)
        waited = time.monotonic() - started
    finally:
        source.stop()
    assert texts_to(twilio, other.phone) == ["Court tomorrow at 9"]
    assert waited < BOUND_SECONDS, f"pretrial's text waited {waited:.0f} s behind the backlog"
    assert sum(1 for c in backlog if texts_to(twilio, c.phone)) < BACKLOG  # still draining
