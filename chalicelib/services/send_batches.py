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
from collections import deque
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
# A handed-back text shows again this long before its slot: a sender gathering it (up to
# the 1 s batching window) and claiming it has it in hand when the slot comes. Shown at the
# slot itself, a long code's backlog came back as a trickle of batches of one or two, each
# late by its receive, and the number lost a sixth of its rate to that (bench/mass_text.py).
HAND_BACK_LEAD_SECONDS = 5.0


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
    lead_seconds: float = HAND_BACK_LEAD_SECONDS,
) -> BatchResult:
    """Send every text of the batch that can start within the horizon, up to ``workers``
    at once, the soonest-free number's first; hand the rest back to the queue."""
    result = BatchResult()
    if not records:
        return result
    plan = Plan(sender, [Waiting(i, r, parsed(r)) for i, r in enumerate(records)])
    horizon_ends = plan.now() + horizon_seconds
    free = threading.Semaphore(workers)
    pool = ThreadPoolExecutor(max_workers=min(workers, len(records)), thread_name_prefix="sends")
    with pool:  # leaving it waits for every text in flight
        while plan.lines:
            left_millis = millis_left()
            if left_millis < safety_millis:
                left = plan.left()
                result.fail([w.record.message_id for w in left])
                log.warning("%d message(s) left for redelivery: out of time", len(left))
                break
            line, starts = plan.soonest()
            budget_ends = plan.now() + (left_millis - safety_millis) / 1000
            if starts > min(horizon_ends, budget_ends):  # so are all the rest
                hand_back(plan, sender, result, lead_seconds)
                break
            free.acquire()  # a worker is free (released when its text is done)
            turn = plan.take(line)
            context = contextvars.copy_context()  # log keys and the bench's counter follow
            pool.submit(context.run, send_one, turn, sender, result, free)
    return result


def send_one(turn: Waiting, sender: Sender, result: BatchResult, free: threading.Semaphore) -> None:
    """One text on a worker: its outcome counted, or its message reported failed."""
    try:
        if turn.order is None:
            raise ValueError("not a send order")
        result.count(send_order(turn.order, sender, datetime.now(UTC)))
    # Anything at all: this message is reported failed (shown again), never lost. On a pool
    # thread even a BaseException would otherwise vanish with its unread future and the
    # message be deleted as handled; a repeat is harmless, the claim tells.
    except BaseException as exc:
        log.warning("a send message failed (%s); SQS shows it again", type(exc).__name__)
        result.fail([turn.record.message_id])
    finally:
        free.release()


NO_NUMBER = ""  # the line of texts with no number to wait for (they fail at once)


class Plan:
    """The batch's texts in one line per number (arrival order), and when each line's
    first text can start. A worker reserves its pacer slot only after its claim, so the
    plan also counts the texts it has handed out: a line's next text starts after both."""

    def __init__(self, sender: Sender, waiting: list[Waiting]) -> None:
        self.pacer = sender.pacer
        self.lines: dict[str, deque[Waiting]] = {}
        self.departments: dict[str, Department] = {}
        for text in waiting:
            department = (
                sender.jurisdiction.department(text.order.department_id) if text.order else None
            )
            number = department.twilio_number if department else NO_NUMBER
            if department:
                self.departments[number] = department
            self.lines.setdefault(number, deque()).append(text)
        self.next_start: dict[str, float] = {}  # number → after the texts handed out

    def now(self) -> float:
        return self.pacer.clock()

    def starts(self, number: str) -> float:
        """When the number may next send (a text with no number has nothing to wait for:
        its failure is recorded at once)."""
        if number == NO_NUMBER:
            return float("-inf")
        handed_out = self.next_start.get(number, float("-inf"))
        return max(self.pacer.free_at(self.departments[number]), handed_out)

    def soonest(self) -> tuple[str, float]:
        """The line whose number is free soonest (the earlier arrival among equals)."""
        starts = {number: self.starts(number) for number in self.lines}
        number = min(self.lines, key=lambda n: (starts[n], self.lines[n][0].arrival))
        return number, starts[number]

    def take(self, number: str) -> Waiting:
        """The line's first text, its slot now spoken for."""
        line = self.lines[number]
        text = line.popleft()
        if not line:
            del self.lines[number]
        if number != NO_NUMBER:
            after = max(self.starts(number), self.now()) + self.pacer.interval(
                self.departments[number]
            )
            self.next_start[number] = after
        return text

    def left(self) -> list[Waiting]:
        """Every text not handed out, in arrival order."""
        return sorted((t for line in self.lines.values() for t in line), key=arrival)


def hand_back(plan: Plan, sender: Sender, result: BatchResult, lead_seconds: float) -> None:
    """Put texts whose slot is beyond the horizon back on the queue, each hidden until
    ``lead_seconds`` before its own slot (after the texts this sender handed back before,
    so a long code's backlog comes back at its pace), in its department's fair-queue
    group. Their originals are deleted with the batch; a copy SQS did not keep is reported
    failed instead, so its original comes back. A copy and its original both delivered (a crash
    in between) are told apart by the claim."""
    now = plan.now()
    copies: list[tuple[Waiting, OutgoingMessage]] = []
    while plan.lines:  # every line has a number: texts without one start at once
        number, starts = plan.soonest()
        department = plan.departments[number]
        slot = plan.pacer.later_slot(department, starts)
        text = plan.take(number)
        delay = min(MAX_DELAY_SECONDS, max(0, math.ceil(slot - lead_seconds - now)))
        group = department.department_id
        copies.append((text, OutgoingMessage(text.record.body, group=group, delay_seconds=delay)))
    copies.sort(key=lambda copy: copy[0].arrival)
    for start in range(0, len(copies), 10):
        chunk = copies[start : start + 10]
        try:
            kept = sender.queue.send_batch([message for _, message in chunk])
        except QueueUnavailable:
            kept = [False] * len(chunk)
        failed = [
            text.record.message_id for (text, _), ok in zip(chunk, kept, strict=True) if not ok
        ]
        result.fail(failed)
        result.handed_back += kept.count(True)
    log.info("%d text(s) handed back for their number's later slots", result.handed_back)


def arrival(waiting: Waiting) -> int:
    return waiting.arrival


def parsed(record: QueueRecord) -> SendOrder | None:
    try:
        return SendOrder.from_json(record.body)
    except (ValueError, TypeError):
        return None
