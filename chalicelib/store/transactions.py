"""Helpers for DynamoDB transactions: one connection, and reading why one was cancelled."""

from __future__ import annotations

from functools import lru_cache

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model


@lru_cache(maxsize=1)
def transactions() -> Connection:
    """One connection for transactions per process: building a botocore client costs ~0.2 s."""
    return Connection()


def condition_failed(exc: TransactWriteError, index: int) -> bool | None:
    """Did item ``index`` of a cancelled transaction fail its condition? None if unknown.

    Items are numbered as PynamoDB sends them: condition checks, deletes, puts, updates.
    """
    reasons = exc.cancellation_reasons or []
    if index >= len(reasons):
        return None
    reason = reasons[index]
    return reason is not None and reason.code == "ConditionalCheckFailed"


def item_exists(model: type[Model], hash_key: str) -> bool:
    try:
        model.get(hash_key)
    except model.DoesNotExist:
        return False
    return True
