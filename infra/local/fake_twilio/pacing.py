"""One sender's queue: Twilio releases a number's messages at its rate, oldest first.

Twilio admits each sender's messages at a fixed rate in message segments per second (a US
long code 1, toll-free 3, 10DLC 12-225 by trust score, a short code 100) and holds the rest
in a queue per number, in the order the requests arrived. A message still queued when its
validity period runs out is never sent: it fails with 30036 when the request set
ValidityPeriod, else with 30001 ("Queue overflow", Twilio's 10-hour limit). A queue holds
at most 10 hours of segments; Twilio refuses a create beyond that with 21611.

This module is pure bookkeeping with no threads and no clock of its own: every call says
what time it is, so tests can drive it with made-up times.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from . import constants as c

Message = dict[str, Any]
QUEUED, RELEASED, EXPIRED = "queued", "released", "expired"
QUEUE_OVERFLOW = (c.ERROR_QUEUE_OVERFLOW, "Queue overflow")
VALIDITY_EXPIRED = (c.ERROR_VALIDITY_EXPIRED, "Validity Period Expired")


@dataclass(eq=False)
class QueuedText:
    """A created message waiting for its sender; ``deadline`` = created + validity period."""

    message: Message
    callback: str | None
    segments: int
    queued_at: float
    deadline: float
    expiry_error: tuple[int, str] = QUEUE_OVERFLOW
    state: str = QUEUED
    order: float = math.inf  # creation order; a text without one goes behind those with


@dataclass(frozen=True)
class QueueEvent:
    """A text leaving the queue at ``at``: RELEASED to the carrier, or EXPIRED unsent."""

    at: float
    outcome: str
    text: QueuedText


@dataclass(frozen=True)
class Release:
    """When one message entered its sender's queue and when the sender let it go."""

    sid: str
    queued_at: float
    released_at: float

    def as_json(self) -> dict[str, Any]:
        return {"sid": self.sid, "queued_at": self.queued_at, "released_at": self.released_at}


@dataclass(frozen=True)
class NumberLoad:
    """What one sender's queue has done since the last reset (see ``NumberQueue.report``)."""

    rate: float | None
    created: int
    released: int
    expired: int
    expired_by_code: dict[int, int]
    refused: int
    depth: int
    max_depth: int
    releases: tuple[Release, ...] = ()

    def as_json(self, releases: bool = True) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "rate": self.rate,
            "created": self.created,
            "released": self.released,
            "expired": self.expired,
            "expired_by_code": {str(k): v for k, v in sorted(self.expired_by_code.items())},
            "refused": self.refused,
            "depth": self.depth,
            "max_depth": self.max_depth,
        }
        if releases:
            shown["releases"] = [r.as_json() for r in self.releases]
        return shown


@dataclass
class _Counts:
    created: int = 0
    released: int = 0
    refused: int = 0
    max_depth: int = 0
    expired_by_code: Counter[int] = field(default_factory=Counter)
    releases: list[Release] = field(default_factory=list)


class NumberQueue:
    """Messages from one number in arrival order, released ``rate`` segments per second.

    ``rate`` None means unpaced: nothing waits (today's behaviour, and the fake's default).
    Releases are spaced by the segments of the message released before, and an idle
    sender saves up no burst: after a pause the next message goes at once, the one after
    it a full interval later.
    """

    def __init__(self, number: str, rate: float | None = None) -> None:
        self.number = number
        self.rate = rate
        self._fifo: deque[QueuedText] = deque()
        self._deadlines: list[tuple[float, int, QueuedText]] = []
        self._seq = itertools.count()
        self._last_release = (-math.inf, 0)  # when the sender last let a text go, its segments
        self._depth = 0
        self._queued_segments = 0
        self._counts = _Counts()

    @property
    def rate(self) -> float | None:
        return self._rate

    @rate.setter
    def rate(self, rate: float | None) -> None:
        if rate is not None and not (rate > 0 and math.isfinite(rate)):
            raise ValueError(f"a sender's rate must be a positive number, not {rate!r}")
        self._rate = rate

    @property
    def depth(self) -> int:
        """Messages waiting now (neither released nor expired)."""
        return self._depth

    def admits(self, segments: int) -> bool:
        """Whether a create of ``segments`` fits in 10 hours of this sender's rate (else 21611)."""
        if self.rate is None:
            return True
        fits = self._queued_segments + segments <= c.MAX_VALIDITY_SECONDS * self.rate
        if not fits:
            self._counts.refused += 1
        return fits

    def push(self, text: QueuedText) -> None:
        """Add a created message in creation order, as Twilio queues them. It is almost
        always the last: a create's text reaches its queue just after its answer is written,
        so the next create (sent on that answer) can get here a moment before it."""
        place = len(self._fifo)
        while place and self._fifo[place - 1].order > text.order:
            place -= 1
        self._fifo.insert(place, text)
        heapq.heappush(self._deadlines, (text.deadline, next(self._seq), text))
        self._depth += 1
        self._queued_segments += text.segments
        self._counts.created += 1
        self._counts.max_depth = max(self._counts.max_depth, self._depth)

    def pass_through(self, sid: str, now: float) -> None:
        """Count a message an unpaced sender handed on at once, as created and released."""
        self._counts.created += 1
        self._counts.released += 1
        self._counts.releases.append(Release(sid, now, now))

    def next_event(self) -> float | None:
        """When the next message leaves the queue (released or expired); None when empty."""
        head, first_deadline = self._head(), self._earliest()
        if head is None or first_deadline is None:
            return None
        return min(self._release_moment(head), first_deadline.deadline)

    def advance(self, now: float) -> list[QueueEvent]:
        """Release and expire everything due by ``now``, in the order it happened."""
        events: list[QueueEvent] = []
        while True:
            head, soonest = self._head(), self._earliest()
            if head is None or soonest is None:
                return events
            release_at = self._release_moment(head)
            if soonest.deadline < release_at and soonest.deadline <= now:
                events.append(self._expire(soonest))
            elif release_at <= now:
                events.append(self._release(head, release_at))
            else:
                return events

    def report(self, releases: bool = True) -> NumberLoad:
        counts = self._counts
        return NumberLoad(
            rate=self.rate,
            created=counts.created,
            released=counts.released,
            expired=sum(counts.expired_by_code.values()),
            expired_by_code=dict(counts.expired_by_code),
            refused=counts.refused,
            depth=self._depth,
            max_depth=counts.max_depth,
            releases=tuple(counts.releases) if releases else (),
        )

    def reset_counts(self) -> None:
        """Start counting afresh (e.g. between benchmark runs); waiting messages stay."""
        self._counts = _Counts(max_depth=self._depth)

    def _release_moment(self, text: QueuedText) -> float:
        """One interval per segment after the last release, at the rate set now (so a
        new rate applies at once); pacing switched off lets everything waiting go."""
        last_at, last_segments = self._last_release
        free_at = last_at + (last_segments / self.rate if self.rate is not None else 0.0)
        return max(free_at, text.queued_at)

    def _release(self, text: QueuedText, at: float) -> QueueEvent:
        self._fifo.popleft()
        self._leave(text, RELEASED)
        self._last_release = (at, text.segments)
        self._counts.released += 1
        self._counts.releases.append(Release(text.message["sid"], text.queued_at, at))
        return QueueEvent(at, RELEASED, text)

    def _expire(self, text: QueuedText) -> QueueEvent:
        heapq.heappop(self._deadlines)
        self._leave(text, EXPIRED)
        self._counts.expired_by_code[text.expiry_error[0]] += 1
        return QueueEvent(text.deadline, EXPIRED, text)

    def _leave(self, text: QueuedText, state: str) -> None:
        text.state = state
        self._depth -= 1
        self._queued_segments -= text.segments

    def _head(self) -> QueuedText | None:
        """The oldest message still waiting (expired ones are dropped from the front lazily)."""
        while self._fifo and self._fifo[0].state != QUEUED:
            self._fifo.popleft()
        return self._fifo[0] if self._fifo else None

    def _earliest(self) -> QueuedText | None:
        """The waiting message whose validity runs out first (released ones dropped lazily)."""
        while self._deadlines and self._deadlines[0][2].state != QUEUED:
            heapq.heappop(self._deadlines)
        return self._deadlines[0][2] if self._deadlines else None
