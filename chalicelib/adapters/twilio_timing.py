"""How long a Twilio call may take, and the per-call deadline its requests share.

Kept apart from the HTTP client so the gateway can use it without importing the SDK
(cold start: the SDK is loaded only when a text is actually sent).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_deadline: ContextVar[float | None] = ContextVar("twilio_call_deadline", default=None)
_retry_after: ContextVar[float | None] = ContextVar("twilio_retry_after", default=None)


@dataclass(frozen=True)
class TwilioTimeouts:
    """Seconds: to connect, to wait for an answer, and for a whole call with its retries.

    ``total`` stays well under API Gateway's 29 s and Twilio's 15 s webhook wait, so a
    request that sends a text never hangs the page, nor a webhook that calls Twilio.
    """

    connect: float = 3.0
    read: float = 5.0
    total: float = 8.0

    def __post_init__(self) -> None:
        if min(self.connect, self.read, self.total) <= 0:
            raise ValueError(f"Twilio timeouts must be positive: {self}")

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> TwilioTimeouts:
        """TWILIO_CONNECT_TIMEOUT, TWILIO_READ_TIMEOUT, TWILIO_TOTAL_TIMEOUT (seconds).

        Read when a call runs (cheap), so a stage's settings apply without a rebuild.
        """
        env = os.environ if env is None else env
        default = cls()
        return cls(
            connect=_seconds(env, "TWILIO_CONNECT_TIMEOUT", default.connect),
            read=_seconds(env, "TWILIO_READ_TIMEOUT", default.read),
            total=_seconds(env, "TWILIO_TOTAL_TIMEOUT", default.total),
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number of seconds, not {value!r}") from exc


class Deadline:
    """The moment a call must be over by."""

    def __init__(self, at: float) -> None:
        self.at = at

    def remaining(self) -> float:
        return self.at - time.monotonic()


@contextmanager
def call_deadline(seconds: float) -> Iterator[Deadline]:
    """Bound every Twilio request made inside the block by one shared deadline.

    Nested blocks keep the earlier deadline. A ContextVar, so threads don't share it.
    """
    outer = _deadline.get()
    at = time.monotonic() + seconds
    if outer is not None:
        at = min(at, outer)
    token = _deadline.set(at)
    try:
        yield Deadline(at)
    finally:
        _deadline.reset(token)


def seconds_left() -> float | None:
    """What is left of the current call's deadline; None outside ``call_deadline``."""
    at = _deadline.get()
    return None if at is None else at - time.monotonic()


def note_retry_after(seconds: float | None) -> None:
    """Remember Retry-After of the answer just received (the SDK's exception drops headers)."""
    _retry_after.set(seconds)


def last_retry_after() -> float | None:
    """Retry-After (seconds) of the last answer received in this context, if it had one."""
    return _retry_after.get()


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header, which holds either seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)
