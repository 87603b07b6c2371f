"""One SQS batch of scheduled texts through one sender: which text goes next, and which
messages Lambda must show again.

Order: each text waits for its own number's next free slot (the pacer's), so the sender
always takes the text whose number is free soonest, in arrival order among equals. A
department whose number is idle is never held behind another number's backlog in the same
batch; per-number spacing is unchanged (the pacer still spaces each number's sends).

Failures are per message (Lambda's ``ReportBatchItemFailures``): a message whose handling
raised is reported alone and comes back after the visibility timeout; the others are
deleted. When the invocation is about to run out of time the messages not yet handled are
reported, instead of failing the whole batch (texts already sent would only have been
skipped by their claim, but every other text would have waited a visibility timeout).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .sending import Sender, SendOrder, send_order

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueRecord:
    """One message of the batch as Lambda hands it over: its SQS id and its body."""

    message_id: str
    body: str


@dataclass
class BatchResult:
    outcomes: dict[str, int] = field(default_factory=dict)  # send_order's answers, counted
    failed: list[str] = field(default_factory=list)  # message ids to show again


@dataclass(frozen=True)
class Waiting:
    arrival: int
    record: QueueRecord
    order: SendOrder | None  # None: the body is not a send order (fails when its turn comes)


def send_batch(
    records: list[QueueRecord],
    sender: Sender,
    millis_left: Callable[[], int],
    safety_millis: int,
) -> BatchResult:
    """Send every text of the batch, the soonest-free number's first."""
    result = BatchResult()
    waiting = [Waiting(i, record, parsed(record)) for i, record in enumerate(records)]
    while waiting:
        if millis_left() < safety_millis:
            result.failed += [w.record.message_id for w in sorted(waiting, key=arrival)]
            log.warning("%d message(s) left for redelivery: out of time", len(waiting))
            break
        turn = min(waiting, key=lambda w: (free_at(w, sender), w.arrival))
        waiting.remove(turn)
        try:
            if turn.order is None:
                raise ValueError("not a send order")
            outcome = send_order(turn.order, sender, datetime.now(UTC))
        except Exception as exc:  # this message is reported failed (shown again), never lost
            log.warning("a send message failed (%s); SQS shows it again", type(exc).__name__)
            result.failed.append(turn.record.message_id)
            continue
        result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
    return result


def arrival(waiting: Waiting) -> int:
    return waiting.arrival


def parsed(record: QueueRecord) -> SendOrder | None:
    try:
        return SendOrder.from_json(record.body)
    except (ValueError, TypeError):
        return None


def free_at(waiting: Waiting, sender: Sender) -> float:
    """When the text's number may send next for this sender (a text whose number is
    unknown has nothing to wait for: its failure is recorded at once)."""
    if waiting.order is None:
        return float("-inf")
    department = sender.jurisdiction.department(waiting.order.department_id)
    return sender.pacer.free_at(department) if department else float("-inf")
