"""The stack's work queues, each with a dead-letter queue, encrypted and TLS only.

- **Inbound fallback**: Twilio calls a number's fallback URL when the SMS webhook fails after
  its retries. That route only stores the signed request here; the ``replay-fallback`` job
  receives and replays each one through the normal inbound path.
- **Send**: the ``sweep-scheduled`` job puts each due scheduled text here; Lambda's event
  source mapping hands batches to ``send-scheduled``, which sends them through Twilio.
- **Status callbacks**: Twilio never retries a status callback, so one the app cannot store
  when it comes is kept here (the signed request); ``replay-statuses`` applies it later.
- **Media copy**: the SMS webhook (and the fallback replay) put one job per inbound MMS file
  here once its text is stored; ``copy-media`` copies it into the media bucket and then
  deletes it at Twilio (its fifth receive marks the item failed instead of retrying).

A message that fails five times moves to its dead-letter queue, which alarms
(docs/operations.md says what to do). The queues hold people's phone numbers and texts, some
of them stored nowhere else yet: each is kept when the stack is deleted or the queue
replaced (``DeletionPolicy``/``UpdateReplacePolicy`` Retain), for a person to drain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.config import MEDIA_COPY_QUEUE_NAME, SEND_QUEUE_NAME

from . import names
from .functions import Handler
from .names import arn_of, ref, sub
from .permissions import COPY_MEDIA, REPLAY_FALLBACK_HANDLER, REPLAY_STATUSES, SEND_SCHEDULED
from .resources import RETAIN

FOURTEEN_DAYS = 14 * 24 * 3600  # SQS keeps a message at most this long
MAX_RECEIVES = 5
# AWS's rule for a queue a function consumes: hide a received message for at least six of
# the function's timeouts, so a slow or retried run never hands the same text to a second one.
VISIBILITY_TIMEOUTS_PER_RUN = 6


@dataclass(frozen=True)
class WorkQueue:
    """One queue of the stack, its dead letters, and the function that consumes it."""

    base_name: str  # after the stack's prefix
    queue_id: str
    dead_letters_id: str
    policy_id: str
    consumer: str  # a Chalice function name: its timeout sets the visibility timeout
    # Lambda deletes all but the messages the consumer reports failed (Chalice's decorator
    # cannot say so: the merge adds ``FunctionResponseTypes`` to its event source)
    reports_item_failures: bool = False

    def name(self, prefix: str) -> str:
        return f"{prefix}{self.base_name}"

    def dead_letters_name(self, prefix: str) -> str:
        return f"{self.name(prefix)}-dlq"


FALLBACK = WorkQueue(
    "inbound-fallback",
    names.FALLBACK_QUEUE,
    names.FALLBACK_DEAD_LETTERS,
    names.FALLBACK_QUEUE_POLICY,
    REPLAY_FALLBACK_HANDLER,
)
SEND = WorkQueue(
    "send",
    names.SEND_QUEUE,
    names.SEND_DEAD_LETTERS,
    names.SEND_QUEUE_POLICY,
    SEND_SCHEDULED,
    reports_item_failures=True,
)
STATUS = WorkQueue(
    "status-callbacks",
    names.STATUS_QUEUE,
    names.STATUS_DEAD_LETTERS,
    names.STATUS_QUEUE_POLICY,
    REPLAY_STATUSES,
)
MEDIA_COPY = WorkQueue(
    "media-copy",
    names.MEDIA_COPY_QUEUE,
    names.MEDIA_COPY_DEAD_LETTERS,
    names.MEDIA_COPY_QUEUE_POLICY,
    COPY_MEDIA,
    reports_item_failures=True,
)
WORK_QUEUES = (FALLBACK, SEND, STATUS, MEDIA_COPY)
# The queue names app.py gives ``@app.on_sqs_message`` → the stack's queue standing for each.
APP_QUEUES = {SEND_QUEUE_NAME: SEND, MEDIA_COPY_QUEUE_NAME: MEDIA_COPY}
# Those whose event source reports failures per message (the local event source too).
REPORTS_ITEM_FAILURES = frozenset(n for n, q in APP_QUEUES.items() if q.reports_item_failures)


def consumer_timeout(queue: WorkQueue, handlers: Iterable[Handler], default_timeout: int) -> int:
    """The consumer's timeout as Chalice packaged it (the stage default until declared)."""
    consumer_id = names.function_logical_id(queue.consumer)
    for handler in handlers:
        if handler.logical_id == consumer_id and handler.timeout:
            return handler.timeout
    return default_timeout


def replay_timeout(handlers: Iterable[Handler], default_timeout: int) -> int:
    return consumer_timeout(FALLBACK, handlers, default_timeout)


def queue_resources(
    table_prefix: str, handlers: Iterable[Handler], default_timeout: int
) -> dict[str, Any]:
    """Every work queue with its dead-letter queue and TLS-only policy."""
    handlers = list(handlers)
    resources: dict[str, Any] = {}
    for queue in WORK_QUEUES:
        timeout = consumer_timeout(queue, handlers, default_timeout)
        resources[queue.queue_id] = work_queue(queue, table_prefix, timeout)
        resources[queue.dead_letters_id] = dead_letter_queue(queue, table_prefix)
        resources[queue.policy_id] = tls_only_policy(queue)
    return resources


def work_queue(queue: WorkQueue, table_prefix: str, consumer_timeout: int) -> dict[str, Any]:
    """Encrypted (SQS-managed keys: no KMS grant needed), kept as long as SQS allows."""
    return {
        "Type": "AWS::SQS::Queue",
        **RETAIN,
        "Properties": {
            "QueueName": queue.name(table_prefix),
            "SqsManagedSseEnabled": True,
            "MessageRetentionPeriod": FOURTEEN_DAYS,
            "VisibilityTimeout": VISIBILITY_TIMEOUTS_PER_RUN * consumer_timeout,
            "RedrivePolicy": {
                "deadLetterTargetArn": arn_of(queue.dead_letters_id),
                "maxReceiveCount": MAX_RECEIVES,
            },
        },
    }


def fallback_queue(table_prefix: str, replay_timeout_seconds: int) -> dict[str, Any]:
    return work_queue(FALLBACK, table_prefix, replay_timeout_seconds)


def dead_letter_queue(queue: WorkQueue, table_prefix: str) -> dict[str, Any]:
    """Messages given up on: they stay 14 days for a person to look at and redrive."""
    return {
        "Type": "AWS::SQS::Queue",
        **RETAIN,
        "Properties": {
            "QueueName": queue.dead_letters_name(table_prefix),
            "SqsManagedSseEnabled": True,
            "MessageRetentionPeriod": FOURTEEN_DAYS,
        },
    }


def tls_only_policy(queue: WorkQueue) -> dict[str, Any]:
    """A queue and its dead letters hold people's texts: refuse any request not over TLS."""
    ids = [queue.queue_id, queue.dead_letters_id]
    return {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [ref(i) for i in ids],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "TlsOnly",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "sqs:*",
                        "Resource": [arn_of(i) for i in ids],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        },
    }


def event_source_queue(queue_name: str) -> dict[str, Any] | None:
    """What an ``SQS`` event's ``Queue`` becomes: the ARN of the stack's own queue.

    Chalice writes ``{"Fn::Sub": "arn:...:<name>"}`` and its merge combines dictionaries key
    by key, so a ``Fn::GetAtt`` beside it would leave both keys; replacing the ``Fn::Sub``
    text with ``${Queue.Arn}`` is the same reference in the form the merge can express.
    None for a name this stack has no queue for (``checks.py`` refuses that template).
    """
    queue = APP_QUEUES.get(queue_name)
    return sub(f"${{{queue.queue_id}.Arn}}") if queue else None


def event_source_properties(queue_name: str) -> dict[str, Any] | None:
    """What the merge sets on an ``SQS`` event: the stack's own queue, and
    ``FunctionResponseTypes: [ReportBatchItemFailures]`` when its consumer answers with
    the messages that failed (so one bad text is retried alone, not its whole batch)."""
    queue = event_source_queue(queue_name)
    if queue is None:
        return None
    properties: dict[str, Any] = {"Queue": queue}
    if queue_name in REPORTS_ITEM_FAILURES:
        properties["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    return properties
