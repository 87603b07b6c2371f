"""Every sender's queue, and the thread that lets each message go when its sender may.

A created message is handed on only after its create response was written (so no status
callback can overtake the answer). From an unpaced number (no rate: the default) it goes
straight to the status dispatcher, exactly as before pacing existed. From a paced number
it waits in that number's queue (``pacing.py``); when released it turns "sending" and the
dispatcher plays out sent -> delivered/undelivered; when its validity runs out first it
fails (30001 or 30036) with a status callback.
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections.abc import Iterable
from typing import Protocol

from . import constants as c
from .callbacks import StatusDispatcher, Step
from .pacing import (
    QUEUE_OVERFLOW,
    RELEASED,
    VALIDITY_EXPIRED,
    Message,
    NumberLoad,
    NumberQueue,
    QueuedText,
    QueueEvent,
)
from .store import MessageStore

logger = logging.getLogger(__name__)


class Submit(Protocol):
    """Hands a created message on; ``failed`` ends it at once instead (e.g. its media
    could not be fetched), with one "failed" status callback."""

    def __call__(
        self,
        message: Message,
        callback: str | None,
        validity: int | None,
        failed: tuple[int, str] | None = None,
    ) -> None: ...


class SendQueues:
    """The queues of all senders, guarded by one condition, released by one thread."""

    def __init__(
        self,
        store: MessageStore,
        dispatcher: StatusDispatcher,
        numbers: Iterable[str] = (),
        validity_period: float | None = None,
    ) -> None:
        """Every number starts unpaced; ``set_rate`` paces one."""
        self._store = store
        self._dispatcher = dispatcher
        self._queues = {number: NumberQueue(number) for number in numbers}
        self.validity_period = validity_period
        self._pending = 0  # created, answer not written yet
        self._created = itertools.count()  # the order creates were taken in
        self._busy = 0  # taken out of a queue, not yet handed to the dispatcher
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    # settings ----------------------------------------------------------------------------
    @property
    def validity_period(self) -> float | None:
        """Fake-wide stand-in for Twilio's 10-hour queue limit (None: 36000 s), for tests."""
        return self._validity_period

    @validity_period.setter
    def validity_period(self, seconds: float | None) -> None:
        if seconds is not None and not seconds > 0:
            raise ValueError("validity_period must be a positive number of seconds or None")
        self._validity_period = seconds

    def set_rate(self, number: str, rate: float | None) -> None:
        """Pace ``number`` at ``rate`` segments per second; None stops pacing it."""
        with self._cond:
            self._queue(number).rate = rate
            self._cond.notify_all()

    def rates(self) -> dict[str, float | None]:
        with self._cond:
            return {number: queue.rate for number, queue in self._queues.items()}

    # the way in --------------------------------------------------------------------------
    def admits(self, number: str, segments: int) -> bool:
        """False when the number's queue already holds 10 hours of segments (Twilio's 21611)."""
        with self._cond:
            return self._queue(number).admits(segments)

    def reserve(self) -> Submit:
        """Count a message as pending from its creation; the returned function hands it on.

        The REST API reserves before writing the create response and submits after it, so
        wait() cannot slip through the gap in between; the validity period counts from now.
        """
        created_at = time.time()
        with self._cond:
            self._pending += 1
            order = next(self._created)
        done = threading.Event()

        def submit(
            message: Message,
            callback: str | None,
            validity: int | None,
            failed: tuple[int, str] | None = None,
        ) -> None:
            if done.is_set():
                return
            done.set()
            try:
                if failed is not None:
                    self._dispatcher.schedule(message, callback, steps=[("failed", failed)])
                else:
                    self._submit(message, callback, validity, created_at, order)
            finally:
                with self._cond:
                    self._pending -= 1
                    self._cond.notify_all()

        return submit

    def submit_now(self, message: Message, callback: str | None = None) -> None:
        """A reply Twilio itself creates (TwiML, keyword answers): queued like any other."""
        self._submit(message, callback, None, time.time())

    def _submit(
        self,
        message: Message,
        callback: str | None,
        validity: int | None,
        created_at: float,
        order: float = math.inf,
    ) -> None:
        now = time.time()
        with self._cond:
            queue = self._queue(message["from"])
            if queue.rate is None and queue.depth == 0:
                queue.pass_through(message["sid"], now)
            else:
                queue.push(self._queued(message, callback, validity, created_at, now, order))
                self._cond.notify_all()
                return
        self._dispatcher.schedule(message, callback)

    def _queued(
        self,
        message: Message,
        callback: str | None,
        validity: int | None,
        created_at: float,
        now: float,
        order: float = math.inf,
    ) -> QueuedText:
        if validity is not None:
            lifetime, error = float(validity), VALIDITY_EXPIRED
        else:
            lifetime, error = self.validity_period or c.MAX_VALIDITY_SECONDS, QUEUE_OVERFLOW
        segments = max(int(message.get("num_segments") or 1), 1)
        return QueuedText(
            message, callback, segments, now, created_at + lifetime, error, order=order
        )

    # looking on --------------------------------------------------------------------------
    def report(self, releases: bool = True) -> dict[str, NumberLoad]:
        with self._cond:
            return {n: q.report(releases) for n, q in sorted(self._queues.items())}

    def reset_counts(self) -> None:
        with self._cond:
            for queue in self._queues.values():
                queue.reset_counts()

    def idle(self) -> bool:
        with self._cond:
            return self._idle()

    def wait(self, timeout: float) -> None:
        """Block until no message is pending or queued; TimeoutError says it never was."""
        with self._cond:
            if not self._cond.wait_for(self._idle, timeout):
                raise TimeoutError(f"messages still queued at their senders after {timeout}s")

    def _idle(self) -> bool:
        return not (self._pending or self._busy or any(q.depth for q in self._queues.values()))

    def _queue(self, number: str) -> NumberQueue:
        if number not in self._queues:
            self._queues[number] = NumberQueue(number)
        return self._queues[number]

    # the releasing thread ----------------------------------------------------------------
    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="fake-twilio-senders", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the thread; a stopped fake releases nothing more (what waits stays counted)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while True:
            with self._cond:
                events = self._due_events()
                if events is None:
                    return
                self._busy += 1
            try:
                for event in sorted(events, key=lambda e: e.at):
                    self._hand_on(event)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _due_events(self) -> list[QueueEvent] | None:
        """Wait (holding the condition) until something leaves a queue; None when stopping."""
        while not self._stopping:
            now = time.time()
            events = [e for queue in self._queues.values() for e in queue.advance(now)]
            if events:
                return events
            moments = [m for q in self._queues.values() if (m := q.next_event()) is not None]
            self._cond.wait(min(moments) - now if moments else None)
        return None

    def _hand_on(self, event: QueueEvent) -> None:
        """Released: "sending", then the usual steps. Expired: "failed" with its error."""
        text = event.text
        try:
            if event.outcome == RELEASED:
                message = self._store.set_status(text.message["sid"], "sending")
                if message is not None:  # deleted while it waited: nothing more to report
                    self._dispatcher.schedule(message, text.callback)
            else:
                failed: Step = ("failed", text.expiry_error)
                self._dispatcher.schedule(text.message, text.callback, steps=[failed])
        except Exception:  # one bad hand-off must not stop every later release
            logger.exception("fake Twilio failed to hand on %s", text.message.get("sid"))
