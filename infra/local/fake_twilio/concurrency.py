"""Twilio's account-wide cap on REST API requests in flight.

Twilio limits how many REST requests one account may have open at once; a request beyond
the limit is not processed and is answered at once with HTTP 429 and error 20429 ("Too
Many Requests"), safe to retry after backing off. Every REST endpoint counts (create,
fetch, list), as on Twilio. The fake's default limit (100) is generous enough that nothing
that worked before meets it; None switches the limit off.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from . import constants as c
from .replies import Reply, twilio_error


class ConcurrencyLimit:
    """Counts REST requests in flight and refuses the ones beyond ``limit``."""

    def __init__(self, limit: int | None = c.DEFAULT_MAX_CONCURRENT_REQUESTS) -> None:
        self._lock = threading.Lock()
        self.limit = limit
        self._in_flight = 0
        self.peak = 0
        self.refused = 0

    @property
    def limit(self) -> int | None:
        return self._limit

    @limit.setter
    def limit(self, limit: int | None) -> None:
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise ValueError(f"max_concurrent_requests must be a whole number or None: {limit!r}")
        if limit is not None and limit < 1:
            raise ValueError("max_concurrent_requests must be at least 1 (or None: no limit)")
        self._limit = limit

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields True with a slot held for the block, or False (counted) when all are taken."""
        with self._lock:
            admitted = self._limit is None or self._in_flight < self._limit
            if admitted:
                self._in_flight += 1
                self.peak = max(self.peak, self._in_flight)
            else:
                self.refused += 1
        try:
            yield admitted
        finally:
            if admitted:
                with self._lock:
                    self._in_flight -= 1

    def reset_counts(self) -> None:
        with self._lock:
            self.peak = self._in_flight
            self.refused = 0


def too_many_requests(retry_after: int = c.CONCURRENCY_RETRY_AFTER) -> Reply:
    """The answer to a request over the limit: 429, code 20429, and when to try again."""
    reply = twilio_error(c.ERROR_TOO_MANY_REQUESTS, 429, "Too Many Requests")
    reply.headers["Retry-After"] = str(retry_after)
    return reply
