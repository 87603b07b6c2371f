"""The webhook log and the background worker that plays out delivery statuses.

Twilio reports delivery asynchronously: the create call answers "queued", and later
POSTs "sent" then "delivered"/"undelivered" to the StatusCallback, each request signed
with X-Twilio-Signature. The app must cope with that ordering, so the fake reproduces it
on one worker thread that only starts a message's steps after its create response went out
(and, for a paced sender, after the message left its queue: see send_queues.py).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .account import AuthTokens
from .constants import API_VERSION, DELIVERY_FAILURES
from .signed_post import PostResult, post_signed
from .store import MessageStore

logger = logging.getLogger(__name__)

LogEntry = tuple[str, dict[str, str], int | str]
Step = tuple[str, tuple[int, str] | None]  # a status and, for a failure, (code, message)


class CallbackLog:
    """Append-only record of every webhook the fake posted, for tests and debugging."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LogEntry] = []

    def record(self, url: str, params: dict[str, str], result: PostResult) -> None:
        outcome: int | str = result.status if result.status is not None else str(result.error)
        with self._lock:
            self._entries.append((url, dict(params), outcome))

    def entries(self) -> list[LogEntry]:
        with self._lock:
            return list(self._entries)


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    sid: str = field(compare=False)
    callback: str | None = field(compare=False)
    steps: list[Step] = field(compare=False)


class StatusDispatcher:
    """Moves outbound messages through sent -> delivered/undelivered on a worker thread."""

    def __init__(
        self, store: MessageStore, tokens: AuthTokens, delay: float, log: CallbackLog
    ) -> None:
        self._store = store
        self._tokens = tokens  # callbacks are signed with the primary token of the moment
        self._delay = max(0.0, delay)
        self._log = log
        self._heap: list[_Job] = []
        self._busy = 0  # jobs popped but not yet finished or rescheduled
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="fake-twilio-callbacks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Drop pending steps and end the worker; a fake that stopped posts nothing more."""
        with self._cond:
            self._stopping = True
            self._heap.clear()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def schedule(
        self,
        message: dict[str, Any],
        status_callback: str | None,
        steps: list[Step] | None = None,
    ) -> None:
        """Play out the rest of an outbound message's life, one step per callback_delay.

        By default that is sent, then delivered (or undelivered for the failure numbers);
        a message that never left its sender's queue is given its single "failed" step.
        """
        if steps is None:
            failure = DELIVERY_FAILURES.get(message["to"])
            final: Step = ("undelivered", failure) if failure else ("delivered", None)
            steps = [("sent", None), final]
        with self._cond:
            if not self._stopping:
                due = time.monotonic() + self._delay
                job = _Job(due, next(self._seq), message["sid"], status_callback, steps)
                heapq.heappush(self._heap, job)
            self._cond.notify_all()

    def wait(self, timeout: float) -> None:
        """Block until no step is pending; TimeoutError keeps tests from hanging silently."""
        with self._cond:
            if not self._cond.wait_for(self._idle, timeout):
                raise TimeoutError(f"status callbacks still pending after {timeout}s")

    def _idle(self) -> bool:
        return not (self._heap or self._busy)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (
                    not self._heap or self._heap[0].due > time.monotonic()
                ):
                    wait = self._heap[0].due - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                job = heapq.heappop(self._heap)
                self._busy += 1
            try:
                self._advance(job)
            except Exception:  # a bug in one step must not kill every later callback
                logger.exception("fake Twilio failed to advance %s", job.sid)
                job.steps.clear()
            finally:
                with self._cond:
                    self._busy -= 1
                    if job.steps and not self._stopping:
                        job.due = time.monotonic() + self._delay
                        job.seq = next(self._seq)
                        heapq.heappush(self._heap, job)
                    self._cond.notify_all()

    def _advance(self, job: _Job) -> None:
        """Apply one status step and post its callback; failures are logged, not raised."""
        status, error = job.steps.pop(0)
        message = self._store.set_status(job.sid, status, error)
        if message is None:
            job.steps.clear()  # deleted meanwhile; Twilio would stop reporting too
            return
        if job.callback:
            params = status_params(message, status, error)
            self._log.record(
                job.callback, params, post_signed(job.callback, params, self._tokens.primary)
            )


def status_params(
    message: dict[str, Any], status: str, error: tuple[int, str] | None
) -> dict[str, str]:
    """Form fields Twilio sends to a StatusCallback."""
    params = {
        "AccountSid": message["account_sid"],
        "ApiVersion": API_VERSION,
        "From": message["from"],
        "MessageSid": message["sid"],
        "MessageStatus": status,
        "SmsSid": message["sid"],
        "SmsStatus": status,
        "To": message["to"],
    }
    if error:
        params["ErrorCode"] = str(error[0])
    return params
