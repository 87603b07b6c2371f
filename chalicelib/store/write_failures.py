"""Why a DynamoDB write failed, and retrying the causes that pass.

A cancelled transaction is not one thing. DynamoDB answers ``TransactionCanceledException``
with one reason per item: ``ConditionalCheckFailed`` on an idempotency guard means "already
stored" (a Twilio retry, a double click); ``TransactionConflict`` means another transaction
touched the same item at that moment; throttling and service errors mean "not now". Only the
first is a success; the others are retried with jittered back-off and, if they still fail,
surface as ``WriteNotStored`` so a webhook answers 5xx and Twilio tries again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from pynamodb.exceptions import PynamoDBException

from ..domain.errors import NotStored

log = logging.getLogger(__name__)
T = TypeVar("T")


class Cause(StrEnum):
    """What stopped a write, in the words the code acts on."""

    CONDITION = "condition"  # an item's condition was false (a duplicate, a stale status)
    CONFLICT = "conflict"  # another transaction had the item in flight
    THROTTLED = "throttled"  # capacity or request-rate limits
    SERVICE = "service"  # DynamoDB or the network failed; nothing to learn from the item


TRANSIENT = frozenset({Cause.CONFLICT, Cause.THROTTLED, Cause.SERVICE})
THROTTLING_CODES = frozenset(
    {
        "ThrottlingError",
        "ThrottlingException",
        "ProvisionedThroughputExceeded",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionInProgressException",
    }
)


class WriteNotStored(NotStored):
    """A write failed for a reason other than "already there", after retrying.

    Nothing was stored; the caller must not report success (a webhook answers 5xx).
    """

    def __init__(self, what: str, cause: Cause):
        super().__init__(f"{what} was not stored ({cause.value})")
        self.cause = cause


@dataclass(frozen=True)
class Failure:
    """The cause of the whole failure and, for a cancelled transaction, of each item."""

    cause: Cause
    item_codes: tuple[str | None, ...] = ()

    def item_failed_condition(self, index: int) -> bool:
        """Did item ``index`` (in the order PynamoDB sends them: condition checks, deletes,
        puts, updates) fail its own condition?"""
        return index < len(self.item_codes) and self.item_codes[index] == "ConditionalCheckFailed"

    @property
    def only_conditions(self) -> bool:
        """Every reason given is a failed condition: nothing transient happened."""
        codes = [code for code in self.item_codes if code is not None]
        return bool(codes) and all(code == "ConditionalCheckFailed" for code in codes)


def classify(exc: PynamoDBException) -> Failure:
    """Read ``CancellationReasons`` (or the error code of a plain request) into a Failure."""
    code = exc.cause_response_code or ""
    reasons: Sequence[object] = getattr(exc.cause, "cancellation_reasons", None) or ()
    item_codes = tuple(getattr(reason, "code", None) for reason in reasons)
    if code == "TransactionCanceledException" and item_codes:
        given = {c for c in item_codes if c is not None}
        if given and given <= {"ConditionalCheckFailed"}:
            return Failure(Cause.CONDITION, item_codes)
        if given & THROTTLING_CODES:
            return Failure(Cause.THROTTLED, item_codes)
        if "TransactionConflict" in given:
            return Failure(Cause.CONFLICT, item_codes)
        return Failure(Cause.SERVICE, item_codes)
    if code == "ConditionalCheckFailedException":
        return Failure(Cause.CONDITION, ("ConditionalCheckFailed",))
    if code in THROTTLING_CODES:
        return Failure(Cause.THROTTLED)
    if code == "TransactionConflictException":
        return Failure(Cause.CONFLICT)
    return Failure(Cause.SERVICE)


@dataclass(frozen=True)
class Backoff:
    """Full-jitter exponential back-off: attempt n waits uniform(0, min(cap, base * 2**n)).

    Eight attempts span about two seconds at most: inside a webhook's 15 s and a page's
    patience, and enough for 20 texts from one client arriving at the same instant.
    """

    attempts: int = 8
    base_seconds: float = 0.025
    cap_seconds: float = 0.8

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap_seconds, self.base_seconds * 2**attempt)
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not secrecy


DEFAULT_BACKOFF = Backoff()


def retry_transient(
    what: str,
    write: Callable[[], T],
    *,
    backoff: Backoff = DEFAULT_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``write``; retry conflicts, throttling and service errors; raise WriteNotStored
    when they persist. A failed condition is not retried: it is re-raised for the caller,
    who knows what that condition meant."""
    for attempt in range(backoff.attempts):
        try:
            return write()
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause not in TRANSIENT:
                raise
            if attempt + 1 == backoff.attempts:
                log.warning("%s not stored after %d attempts: %s", what, attempt + 1, failure.cause)
                raise WriteNotStored(what, failure.cause) from exc
            sleep(backoff.delay(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def written_unless_guarded(what: str, write: Callable[[], None], guard_item: int = 0) -> bool:
    """Run a write whose item ``guard_item`` carries an idempotency or ordering condition.

    True when it was written; False when only that condition stopped it (already stored,
    or not a step forward); WriteNotStored for anything else, after the retries.
    """
    try:
        retry_transient(what, write)
    except PynamoDBException as exc:
        if classify(exc).item_failed_condition(guard_item):
            return False
        raise WriteNotStored(what, Cause.CONDITION) from exc
    return True
