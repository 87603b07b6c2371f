"""The inbound fallback queue: where a text waits when the app could not take it at once.

Twilio calls a number's fallback URL when the SMS webhook fails after its retries. That route
only stores the signed request on this queue; the ``replay-fallback`` job replays each one
through the normal inbound path. A message that fails five replays moves to the dead-letter
queue, which alarms (docs/operations.md says what to do).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import names
from .functions import Handler
from .names import arn_of, ref
from .permissions import REPLAY_FALLBACK_HANDLER

FOURTEEN_DAYS = 14 * 24 * 3600  # SQS keeps a message at most this long
MAX_RECEIVES = 5
# AWS's rule for a queue a function consumes: hide a received message for at least six of
# the function's timeouts, so a slow or retried run never hands the same text to a second one.
VISIBILITY_TIMEOUTS_PER_RUN = 6


def fallback_queue_name(table_prefix: str) -> str:
    return f"{table_prefix}inbound-fallback"


def dead_letter_queue_name(table_prefix: str) -> str:
    return f"{fallback_queue_name(table_prefix)}-dlq"


def replay_timeout(handlers: Iterable[Handler], default_timeout: int) -> int:
    """The replay function's timeout as Chalice packaged it (the stage default until declared)."""
    replay_id = names.function_logical_id(REPLAY_FALLBACK_HANDLER)
    for handler in handlers:
        if handler.logical_id == replay_id and handler.timeout:
            return handler.timeout
    return default_timeout


def queue_resources(table_prefix: str, replay_timeout_seconds: int) -> dict[str, Any]:
    return {
        names.FALLBACK_QUEUE: fallback_queue(table_prefix, replay_timeout_seconds),
        names.FALLBACK_DEAD_LETTERS: dead_letter_queue(table_prefix),
        names.FALLBACK_QUEUE_POLICY: tls_only_policy(),
    }


def fallback_queue(table_prefix: str, replay_timeout_seconds: int) -> dict[str, Any]:
    """Encrypted (SQS-managed keys: no KMS grant needed), kept as long as SQS allows."""
    return {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "QueueName": fallback_queue_name(table_prefix),
            "SqsManagedSseEnabled": True,
            "MessageRetentionPeriod": FOURTEEN_DAYS,
            "VisibilityTimeout": VISIBILITY_TIMEOUTS_PER_RUN * replay_timeout_seconds,
            "RedrivePolicy": {
                "deadLetterTargetArn": arn_of(names.FALLBACK_DEAD_LETTERS),
                "maxReceiveCount": MAX_RECEIVES,
            },
        },
    }


def dead_letter_queue(table_prefix: str) -> dict[str, Any]:
    """Texts the replay gave up on: they stay 14 days for a person to look at and redrive."""
    return {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "QueueName": dead_letter_queue_name(table_prefix),
            "SqsManagedSseEnabled": True,
            "MessageRetentionPeriod": FOURTEEN_DAYS,
        },
    }


def tls_only_policy() -> dict[str, Any]:
    """Both queues hold people's texts: refuse any request not made over TLS."""
    queues = [arn_of(names.FALLBACK_QUEUE), arn_of(names.FALLBACK_DEAD_LETTERS)]
    return {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [ref(names.FALLBACK_QUEUE), ref(names.FALLBACK_DEAD_LETTERS)],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "TlsOnly",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "sqs:*",
                        "Resource": queues,
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        },
    }
