"""The sender's event source reports failures per message: the packaged template says
``FunctionResponseTypes: [ReportBatchItemFailures]`` (Chalice's decorator cannot), so one
bad text is retried alone instead of its whole batch."""

from __future__ import annotations

import pytest

from chalicelib.config import SEND_QUEUE_NAME
from infra.package.queues import event_source_properties
from tests.infra.packaging import EXAMPLES


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_senders_event_source_reports_batch_item_failures(templates, name):
    (event,) = templates[name]["Resources"]["SendScheduled"]["Properties"]["Events"].values()
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["Queue"] == {"Fn::Sub": "${SendQueue.Arn}"}


def test_a_queue_the_stack_does_not_know_gets_no_event_source_properties():
    assert event_source_properties("elsewhere") is None
    assert event_source_properties(SEND_QUEUE_NAME) == {
        "Queue": {"Fn::Sub": "${SendQueue.Arn}"},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }
