"""The local stack consumes SQS queues as Lambda's event source mapping does: real-shaped
events, batches and concurrency as declared, deleted when handled, shown again when not.

Each test builds a tiny Chalice app with its own ``@app.on_sqs_message`` and a fresh moto
queue; a function timeout of one second, and a queue hiding a received message as long, make
redelivery quick to watch.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from chalice import Chalice

from infra.local.sqs_source import LocalSqsSource, queue_bindings
from tests.clock import real_now
from tests.helpers import ROOT

DECLARED = "tiny-queue"


@pytest.fixture()
def sqs(stack):
    return boto3.client("sqs")


def new_queue(sqs, hidden_seconds: int) -> str:
    name = f"test-tiny-{secrets.token_hex(4)}"
    attributes = {"VisibilityTimeout": str(hidden_seconds)}
    return sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


@pytest.fixture()
def queue_url(sqs) -> str:
    return new_queue(sqs, hidden_seconds=1)


class Calls:
    """What the tiny handler saw, for a test to wait on from its own thread."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.millis_left: list[int] = []
        self.changed = threading.Condition()

    def add(self, event) -> None:
        with self.changed:
            self.events.append(event.to_dict())
            self.millis_left.append(event.context.get_remaining_time_in_millis())
            self.changed.notify_all()

    def wait(self, until: Callable[[list[dict]], bool], seconds: float = 10) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: until(self.events), timeout=seconds), self.events

    def bodies(self) -> list[str]:
        return sorted(record["body"] for event in self.events for record in event["Records"])


def tiny_app(handle: Callable, batch_size: int = 10, concurrency: int = 2, window: int = 0):
    app = Chalice(app_name="tiny")

    @app.on_sqs_message(
        queue=DECLARED,
        batch_size=batch_size,
        maximum_concurrency=concurrency,
        maximum_batching_window_in_seconds=window,
        name="consume",
    )
    def consume(event):
        return handle(event)

    return app


@contextmanager
def consuming(app: Chalice, url: str, project: Path, timeout: int = 1) -> Iterator[LocalSqsSource]:
    """The source over ``url``, its function's timeout from the project's config.json."""
    (project / ".chalice").mkdir(exist_ok=True)
    config = {"lambda_functions": {"consume": {"lambda_timeout": timeout}}}
    (project / ".chalice" / "config.json").write_text(json.dumps(config))
    source = LocalSqsSource(app, {DECLARED: url}, project).start()
    try:
        yield source
    finally:
        source.stop()


def queue_is_empty(sqs, url: str, seconds: float = 10) -> bool:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        if all(counts[name] == "0" for name in names):
            return True
        time.sleep(0.1)
    return False


def test_a_message_reaches_the_handler_as_lambdas_sqs_event_and_is_deleted(
    sqs, queue_url, tmp_path
):
    calls = Calls()
    sent = sqs.send_message(
        QueueUrl=queue_url,
        MessageBody='{"scheduled_id": "abc"}',
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "reminder"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    with consuming(tiny_app(calls.add), queue_url, tmp_path):
        calls.wait(lambda events: len(events) == 1)
        assert queue_is_empty(sqs, queue_url)
    [record] = calls.events[0]["Records"]
    assert record["messageId"] == sent["MessageId"] and record["receiptHandle"]
    assert record["body"] == '{"scheduled_id": "abc"}'
    assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()  # noqa: S324
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert int(record["attributes"]["SentTimestamp"]) <= real_now().timestamp() * 1000
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "reminder",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AAE="
    assert record["eventSource"] == "aws:sqs" and record["awsRegion"] == "us-west-2"
    assert record["eventSourceARN"].endswith(":" + queue_url.rsplit("/", 1)[1])
    assert 0 < calls.millis_left[0] <= 1000  # counting down from config.json's timeout


def test_a_handler_that_raises_leaves_its_batch_to_be_delivered_again(
    sqs, queue_url, tmp_path, caplog
):
    calls = Calls()

    def fail_twice(event):
        calls.add(event)
        if len(calls.events) < 3:
            raise RuntimeError("Twilio is down")

    sqs.send_message(QueueUrl=queue_url, MessageBody="retry me")
    with consuming(tiny_app(fail_twice), queue_url, tmp_path):
        calls.wait(lambda events: len(events) == 3)
        assert queue_is_empty(sqs, queue_url)
    counts = [e["Records"][0]["attributes"]["ApproximateReceiveCount"] for e in calls.events]
    assert counts == ["1", "2", "3"]
    assert caplog.text.count("consume failed; its 1 message(s) return") == 2


def test_a_handler_that_outlasts_its_timeout_counts_as_failed(sqs, queue_url, tmp_path):
    calls = Calls()

    def slow_first(event):
        calls.add(event)
        if len(calls.events) == 1:
            time.sleep(1.1)  # Lambda would have stopped it at 1 s

    sqs.send_message(QueueUrl=queue_url, MessageBody="slow")
    with consuming(tiny_app(slow_first), queue_url, tmp_path):
        calls.wait(lambda events: len(events) == 2)
        assert queue_is_empty(sqs, queue_url)
    assert calls.millis_left[0] <= 1000
    assert calls.events[1]["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"


def test_batches_and_simultaneous_invocations_stay_within_what_the_app_declares(sqs, tmp_path):
    queue_url = new_queue(sqs, hidden_seconds=10)  # time enough to wait for each other
    calls, lock = Calls(), threading.Lock()
    running = {"now": 0, "most": 0, "started": 0}
    both_started = threading.Barrier(2, timeout=5)  # breaks unless two run at once

    def overlap(event):
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
            running["started"] += 1
            first_two = running["started"] <= 2
        try:
            if first_two:
                both_started.wait()
            time.sleep(0.05)
            calls.add(event)
        finally:
            with lock:
                running["now"] -= 1

    bodies = [f"text {n:02}" for n in range(12)]
    for body in bodies:
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    app = tiny_app(overlap, batch_size=3, concurrency=2)
    with consuming(app, queue_url, tmp_path, timeout=10) as source:
        assert [t.name for t in source.threads] == ["sqs-consume-0", "sqs-consume-1"]
        calls.wait(lambda events: sum(len(e["Records"]) for e in events) == 12)
        assert queue_is_empty(sqs, queue_url)
    assert calls.bodies() == bodies  # each exactly once
    assert max(len(e["Records"]) for e in calls.events) == 3
    assert running["most"] == 2


def test_a_batch_beyond_ten_is_gathered_within_the_batching_window(sqs, queue_url, tmp_path):
    calls = Calls()
    for start in (0, 10):
        entries = [{"Id": str(n), "MessageBody": f"m{start + n}"} for n in range(10)]
        sqs.send_message_batch(QueueUrl=queue_url, Entries=entries[: 12 - start])
    app = tiny_app(calls.add, batch_size=12, concurrency=1, window=1)
    with consuming(app, queue_url, tmp_path):
        calls.wait(lambda events: sum(len(e["Records"]) for e in events) == 12)
    assert [len(e["Records"]) for e in calls.events] == [12]


def test_a_queue_hiding_messages_for_less_than_the_function_timeout_is_refused(queue_url, tmp_path):
    refused = pytest.raises(ValueError, match="less than consume's 2 s timeout")
    with refused, consuming(tiny_app(lambda event: None), queue_url, tmp_path, timeout=2):
        pass


def test_stopping_ends_every_poller_promptly(queue_url, tmp_path):
    with consuming(tiny_app(lambda event: None), queue_url, tmp_path) as source:
        threads = list(source.threads)
    started = time.monotonic()
    source.stop()  # again: stopping twice is harmless
    assert threads and not any(t.is_alive() for t in threads)
    assert time.monotonic() - started < 0.5
    assert not [t for t in threading.enumerate() if t.name.startswith("sqs-consume")]


def test_the_stack_feeds_the_apps_send_queue_to_the_sender(stack, sqs, caplog):
    import os

    import app as app_module
    from chalicelib.config import SEND_BATCH_SIZE, SEND_QUEUE_NAME

    queues = stack.resources.event_source_queues()
    assert queues[SEND_QUEUE_NAME] == stack.resources.send_queue_url
    assert os.environ["SEND_QUEUE_URL"] == stack.resources.send_queue_url
    send_only = {SEND_QUEUE_NAME: queues[SEND_QUEUE_NAME]}  # the media-copy queue: its own test
    [binding] = queue_bindings(app_module.app, send_only, sqs, ROOT)
    assert (binding.name, binding.batch_size, binding.concurrency) == (
        "send-scheduled",
        SEND_BATCH_SIZE,
        2,
    )
    assert binding.handler is app_module.send_scheduled
    assert binding.queue_arn.endswith(":test-send")
    hidden = sqs.get_queue_attributes(QueueUrl=binding.queue_url, AttributeNames=["All"])
    assert int(hidden["Attributes"]["VisibilityTimeout"]) > binding.timeout_seconds
    assert queue_bindings(app_module.app, {}, sqs, ROOT) == []  # an unmapped queue is skipped
    assert "no local queue for send-scheduled" in caplog.text
