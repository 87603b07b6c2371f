"""A transaction with optional parts: each dropped when only its own condition failed.

Some writes carry parts that are right only if the item still stands as read: last contact
moves only forward, a status only forward, a scheduled text settles only from the state it
is in. When DynamoDB names exactly such a part in a cancelled transaction, the same
transaction is written again without it; anything else is the caller's answer.
"""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.exceptions import PynamoDBException

from .write_failures import Cause, WriteNotStored, classify, retry_transient


class Parts:
    """The optional parts still on, and the item each took in the last try (``index``)."""

    def __init__(self, *names: str) -> None:
        self.on = set(names)
        self.index: dict[str, int] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.on


def written_dropping(
    what: str, write: Callable[[Parts], None], parts: Parts, guard_item: int | None = 0
) -> bool:
    """Run ``write(parts)``; a part whose item alone failed its condition is dropped and the
    rest written again. False when item ``guard_item`` failed its own condition (already
    there, or not a step forward); WriteNotStored for any other failure."""
    while True:
        try:
            retry_transient(what, lambda: write(parts))
            return True
        except PynamoDBException as exc:
            failure = classify(exc)
            if guard_item is not None and failure.item_failed_condition(guard_item):
                return False
            failed = {
                name
                for name in parts.on
                if name in parts.index and failure.item_failed_condition(parts.index[name])
            }
            if failure.cause is not Cause.CONDITION or not failed:
                raise WriteNotStored(what, failure.cause) from exc
            parts.on -= failed
