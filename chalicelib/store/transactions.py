"""Helpers for DynamoDB transactions: one connection, and reading why one was cancelled."""

from __future__ import annotations

from functools import lru_cache

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model

from ..config import get_settings
from .connection import SharedClientConnection, shared_client


def transactions() -> Connection:
    """The connection for transactions: the same client (and timeouts) the models use."""
    settings = get_settings()
    return _transaction_connection(settings.region, settings.aws_endpoint_url)


@lru_cache(maxsize=4)
def _transaction_connection(region: str, endpoint_url: str | None) -> Connection:
    return SharedClientConnection(shared_client(region, endpoint_url))


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
