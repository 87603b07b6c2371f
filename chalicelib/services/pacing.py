"""Spacing the sends from one department number to the rate Twilio admits from it.

On AWS each of the SEND_CONCURRENCY senders is its own Lambda container with its own pacer;
the local stack runs them as threads of one process, so each thread gets its own pacer
there too (``SenderPacers``), and each sender keeps SEND_CONCURRENCY / rate seconds
between its own sends. A sender sends several texts of its batch at once
(``send_batches``), all through its one pacer: the lock makes each slot one text's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..config import SEND_CONCURRENCY
from ..domain.jurisdiction import Department

# Slots a sender let pass in the last few seconds may still be used. Between two batches a
# sender's slots go unused for its last sends' answers and the next receive (a few hundred
# milliseconds: 7 % of a 250-text batch at 225/s), and a long code's handed-back texts may
# come back a little after their slot. Twilio queues what a number sends beyond its rate
# and releases it at that rate, so catching up keeps its queue fed through those gaps,
# holding at most this many seconds of the number's texts there (out of reach of an edit).
CATCH_UP_SECONDS = 3.0


class Pacer:
    """Spaces sends from one number so that ``senders`` senders (the event source's
    maximum concurrency) together stay at the rate Twilio admits from it: each waits
    senders / rate seconds between sends."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        senders: int = SEND_CONCURRENCY,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.senders = senders
        self.next_slot: dict[str, float] = {}
        self.handed_back: dict[str, float] = {}  # number → after the texts handed back
        self.lock = threading.Lock()

    def interval(self, department: Department) -> float:
        """Seconds between this sender's sends from the department's number."""
        return self.senders / department.messages_per_second

    def wait_turn(self, department: Department) -> None:
        """Wait for this sender's next slot from the department's number: the one after its
        last, or a missed one of the last CATCH_UP_SECONDS (none before its first send)."""
        interval = self.interval(department)
        with self.lock:
            now = self.clock()
            missed_from = now - CATCH_UP_SECONDS
            slot = max(missed_from, self.next_slot.get(department.twilio_number, now))
            self.next_slot[department.twilio_number] = slot + interval
        if slot > now:
            self.sleep(slot - now)

    def later_slot(self, department: Department, earliest: float) -> float:
        """A slot no sooner than ``earliest`` for a text handed back to the queue, after the
        texts this sender handed back before: a long code's backlog, handed back batch
        after batch, comes back spread at the number's pace instead of all at once."""
        with self.lock:
            number = department.twilio_number
            slot = max(earliest, self.handed_back.get(number, earliest))
            self.handed_back[number] = slot + self.interval(department)
            return slot

    def free_at(self, department: Department) -> float:
        """When this sender may next send from the department's number (now, if free)."""
        with self.lock:
            now = self.clock()
            return max(now, self.next_slot.get(department.twilio_number, now))


class SenderPacers:
    """One Pacer per sender. On AWS each concurrent sender is its own Lambda container,
    with its own pacer; locally the senders are threads of one process, so a pacer per
    thread keeps each at its own pace there too (one shared pacer halves the rate)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.own = threading.local()

    def for_this_sender(self) -> Pacer:
        pacer: Pacer | None = getattr(self.own, "pacer", None)
        if pacer is None:
            pacer = self.own.pacer = Pacer(self.clock, self.sleep)
        return pacer
