"""The local event source honours a handler's ``batchItemFailures`` as Lambda does when the
event source has ``ReportBatchItemFailures``: the named messages come back, the rest of
the batch is deleted; an answer naming a message not in the batch fails all of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from chalice import Chalice

from infra.local.sqs_source import LocalSqsSource
from tests.integration.test_local_sqs_source import (
    DECLARED,
    Calls,
    new_queue,
    queue_is_empty,
    tiny_app,
)


@pytest.fixture()
def sqs(stack):
    import boto3

    return boto3.client("sqs")


@contextmanager
def reporting(app: Chalice, url: str, project: Path) -> Iterator[LocalSqsSource]:
    """The source over ``url`` with ReportBatchItemFailures on its event source."""
    (project / ".chalice").mkdir(exist_ok=True)
    config = {"lambda_functions": {"consume": {"lambda_timeout": 1}}}
    (project / ".chalice" / "config.json").write_text(json.dumps(config))
    source = LocalSqsSource(app, {DECLARED: url}, project, item_failures={DECLARED}).start()
    try:
        yield source
    finally:
        source.stop()


def test_only_the_message_the_handler_reports_failed_comes_back(sqs, tmp_path):
    url = new_queue(sqs, hidden_seconds=1)
    calls = Calls()

    def fail_bad_once(event):
        calls.add(event)
        if len(calls.events) > 1:
            return {"batchItemFailures": []}
        bad = [r["messageId"] for r in event.to_dict()["Records"] if r["body"] == "bad"]
        return {"batchItemFailures": [{"itemIdentifier": m} for m in bad]}

    entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(["a", "bad", "c"])]
    sqs.send_message_batch(QueueUrl=url, Entries=entries)
    with reporting(tiny_app(fail_bad_once, concurrency=1), url, tmp_path):
        calls.wait(lambda events: len(events) == 2)
        assert queue_is_empty(sqs, url)
    first, again = calls.events
    assert sorted(r["body"] for r in first["Records"]) == ["a", "bad", "c"]
    assert [r["body"] for r in again["Records"]] == ["bad"]  # retried alone
    assert again["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"


def test_an_answer_naming_a_message_not_in_the_batch_fails_the_whole_batch(sqs, tmp_path):
    url = new_queue(sqs, hidden_seconds=1)
    calls = Calls()

    def confused_once(event):
        calls.add(event)
        if len(calls.events) == 1:
            return {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]}
        return None

    entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(["a", "b"])]
    sqs.send_message_batch(QueueUrl=url, Entries=entries)
    with reporting(tiny_app(confused_once, concurrency=1), url, tmp_path):
        calls.wait(lambda events: sum(len(e["Records"]) for e in events) == 4)
        assert queue_is_empty(sqs, url)


def test_without_report_batch_item_failures_the_answer_is_ignored(sqs, tmp_path):
    from tests.integration.test_local_sqs_source import consuming

    url = new_queue(sqs, hidden_seconds=1)
    calls = Calls()

    def report_everything(event):
        calls.add(event)
        ids = [r["messageId"] for r in event.to_dict()["Records"]]
        return {"batchItemFailures": [{"itemIdentifier": m} for m in ids]}

    sqs.send_message(QueueUrl=url, MessageBody="once")
    with consuming(tiny_app(report_everything), url, tmp_path):
        calls.wait(lambda events: len(events) == 1)
        assert queue_is_empty(sqs, url)
    assert len(calls.events) == 1


def test_the_stack_reports_item_failures_for_the_send_queue():
    from chalicelib.config import SEND_QUEUE_NAME
    from infra.package.queues import REPORTS_ITEM_FAILURES

    assert SEND_QUEUE_NAME in REPORTS_ITEM_FAILURES
