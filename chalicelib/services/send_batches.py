"""One SQS batch of scheduled texts through one sender: several texts in flight at once,
each at its number's pace, and which messages Lambda must show again.

Why concurrently: one send costs a claim, a read and a record (~3 DynamoDB round trips)
plus Twilio's answer (100-200 ms), so a sender sending one text at a time hands over at
most ~6 texts a second; a short code admits 100. The event source keeps two senders
(``SEND_CONCURRENCY``), so each sends the texts of its batch from a small pool of
threads (``SEND_WORKERS``). Every text still waits for its number's slot from the
sender's one pacer (thread-safe), so each number's spacing is what it was.

Order: the sender hands the next free worker the text whose number is free soonest
(arrival order among equals, counting the texts already handed out), so a free number's
texts never wait behind a busy number's; the worker claims it and waits for its slot.
Waiting workers hold at most the horizon's worth of a slow number's slots, and the pool
is sized to leave room for the rest. A text whose slot comes later than
``HORIZON_SECONDS`` into the batch (a long code's backlog) is handed back: put on the
queue again, hidden until about its slot, and its original deleted. It is neither sent
late nor failed (failing would spend its receives toward the dead-letter queue), and the
sender is free again for other departments' texts within about the horizon.

Failures are per message (Lambda's ``ReportBatchItemFailures``): a message whose handling
raised is reported alone and comes back after the visibility timeout; the others are
deleted. When the invocation is about to run out of time the texts whose turn has not
started are reported; texts in flight are waited for, so each outcome is exact.
"""

from __future__ import annotations

import contextvars
import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..adapters.queue import OutgoingMessage, QueueUnavailable
from ..config import SEND_WORKERS
from ..domain.jurisdiction import Department
from .sending import Sender, SendOrder, send_order

log = logging.getLogger(__name__)
HORIZON_SECONDS = 20.0  # no text starts later than this into its batch: handed back instead
MAX_DELAY_SECONDS = 900  # SQS hides a message at most 15 minutes


@dataclass(frozen=True)
class QueueRecord:
    """One message of the batch as Lambda hands it over: its SQS id and its body."""

    message_id: str
    body: str


@dataclass
class BatchResult:
    outcomes: dict[str, int] = field(default_factory=dict)  # send_order's answers, counted
    failed: list[str] = field(default_factory=list)  # message ids to show again
    handed_back: int = 0  # texts put back on the queue for their number's later slot
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def fail(self, message_ids: list[str]) -> None:
        with self.lock:
            self.failed += message_ids


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
    workers: int = SEND_WORKERS,
    horizon_seconds: float = HORIZON_SECONDS,
) -> BatchResult:
    """Send every text of the batch that can start within the horizon, up to ``workers``
    at once, the soonest-free number's first; hand the rest back to the queue."""
    result = BatchResult()
    waiting = [Waiting(i, record, parsed(record)) for i, record in enumerate(records)]
    if not waiting:
        return result
    plan = Plan(sender)
    horizon_ends = plan.now() + horizon_seconds
    free = threading.Semaphore(workers)
    pool = ThreadPoolExecutor(max_workers=min(workers, len(waiting)), thread_name_prefix="sends")
    with pool:  # leaving it waits for every text in flight
        while waiting:
            left_millis = millis_left()
            if left_millis < safety_millis:
                result.fail([w.record.message_id for w in sorted(waiting, key=arrival)])
                log.warning("%d message(s) left for redelivery: out of time", len(waiting))
                break
            turn = min(waiting, key=plan.place)
            budget_ends = plan.now() + (left_millis - safety_millis) / 1000
            if plan.starts(turn) > min(horizon_ends, budget_ends):  # so are all the rest
                hand_back(sorted(waiting, key=arrival), sender, plan, result)
                break
            free.acquire()  # a worker is free (released when its text is done)
            waiting.remove(turn)
            plan.taken(turn)
            context = contextvars.copy_context()  # log keys and the bench's counter follow
            pool.submit(context.run, send_one, turn, sender, result, free)
    return result


def send_one(turn: Waiting, sender: Sender, result: BatchResult, free: threading.Semaphore) -> None:
    """One text on a worker: its outcome counted, or its message reported failed."""
    try:
        if turn.order is None:
            raise ValueError("not a send order")
        result.count(send_order(turn.order, sender, datetime.now(UTC)))
    except Exception as exc:  # this message is reported failed (shown again), never lost
        log.warning("a send message failed (%s); SQS shows it again", type(exc).__name__)
        result.fail([turn.record.message_id])
    finally:
        free.release()


class Plan:
    """When each text of the batch can start. A worker reserves its number's pacer slot
    only after its claim, so the batch counts the texts it has handed out but not yet
    seen reserved: a number's next text starts after both."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.pacer = sender.pacer
        self.next_start: dict[str, float] = {}  # number → after the texts handed out

    def now(self) -> float:
        return self.pacer.clock()

    def department(self, waiting: Waiting) -> Department | None:
        if waiting.order is None:
            return None
        return self.sender.jurisdiction.department(waiting.order.department_id)

    def starts(self, waiting: Waiting) -> float:
        """When the text's number may next send (a text whose number is unknown has
        nothing to wait for: its failure is recorded at once)."""
        department = self.department(waiting)
        if department is None:
            return float("-inf")
        handed_out = self.next_start.get(department.twilio_number, float("-inf"))
        return max(self.pacer.free_at(department), handed_out)

    def place(self, waiting: Waiting) -> tuple[float, int]:
        return (self.starts(waiting), waiting.arrival)

    def taken(self, waiting: Waiting) -> float:
        """Note that the text's slot is spoken for; returns the slot."""
        starts = self.starts(waiting)
        department = self.department(waiting)
        if department is not None:
            after = max(starts, self.now()) + self.pacer.interval(department)
            self.next_start[department.twilio_number] = after
        return starts


def hand_back(left: list[Waiting], sender: Sender, plan: Plan, result: BatchResult) -> None:
    """Put texts whose slot is beyond the horizon back on the queue, each hidden until
    about its own slot (so a long code's backlog comes back at its pace), in its
    department's fair-queue group. Their originals are deleted with the batch; a copy
    SQS did not keep is reported failed instead, so its original comes back. A copy and
    its original both delivered (a crash in between) are told apart by the claim."""
    now = plan.now()
    copies = []
    for waiting in left:  # each has an order and a number: the others start at once
        slot = plan.taken(waiting)
        delay = min(MAX_DELAY_SECONDS, max(1, math.ceil(slot - now)))
        group = waiting.order.department_id if waiting.order else ""
        copies.append(OutgoingMessage(waiting.record.body, group=group, delay_seconds=delay))
    for start in range(0, len(left), 10):
        chunk = left[start : start + 10]
        try:
            kept = sender.queue.send_batch(copies[start : start + 10])
        except QueueUnavailable:
            kept = [False] * len(chunk)
        result.fail([w.record.message_id for w, ok in zip(chunk, kept, strict=True) if not ok])
        result.handed_back += kept.count(True)
    log.info("%d text(s) handed back for their number's later slots", result.handed_back)


def arrival(waiting: Waiting) -> int:
    return waiting.arrival


def parsed(record: QueueRecord) -> SendOrder | None:
    try:
        return SendOrder.from_json(record.body)
    except (ValueError, TypeError):
        return None
