"""Make DynamoDB fail the way it fails in production, inside the test process.

moto runs one request at a time, so it never answers ``TransactionConflict`` or throttles.
These helpers sit where botocore hands a request to the network and answer some requests
with the error DynamoDB would have sent, built the same way (``CancellationReasons`` per
item), so PynamoDB and our code see exactly what they would see on AWS.

Only the test's own calls are failed or recorded: those made in its context, which the
app's request threads carry (services/concurrently.py). The local stack's threads in the
same process (stream readers, the sweep, a sender) go on as they would: a fault meant for
the test must not land on them, nor their calls be counted as the test's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from botocore.client import BaseClient
from botocore.exceptions import ClientError

_current: ContextVar[tuple[Injected, ...]] = ContextVar("injected", default=())


@dataclass(eq=False)  # told apart by identity (see ``_current``)
class Injected:
    """What was failed and what went through, for the test to assert on."""

    failed: int = 0
    passed: list[dict[str, Any]] = field(default_factory=list)


def cancelled(items: int, code: str, on_item: int | None) -> ClientError:
    reasons = [
        {"Code": code, "Message": code} if on_item in (None, i) else {"Code": "None"}
        for i in range(items)
    ]
    return ClientError(
        {
            "Error": {
                "Code": "TransactionCanceledException",
                "Message": f"Transaction cancelled, please refer cancellation reasons [{code}]",
            },
            "CancellationReasons": reasons,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "TransactWriteItems",
    )


def request_error(operation: str, code: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": 400}},
        operation,
    )


@contextmanager
def failing_dynamodb(
    operation: str = "TransactWriteItems",
    *,
    reason: str = "TransactionConflict",
    times: int = 1,
    on_item: int | None = 0,
    whole_request: bool = False,
) -> Iterator[Injected]:
    """Fail the next ``times`` calls of ``operation``: a transaction cancelled with ``reason``
    on item ``on_item`` (None: every item), or with ``whole_request`` the request itself
    refused with error code ``reason`` (e.g. ThrottlingException, InternalServerError)."""
    injected = Injected()
    real = BaseClient._make_api_call

    def fake(self: BaseClient, name: str, params: dict[str, Any]) -> Any:
        if injected not in _current.get():  # another thread's call, not the test's
            return real(self, name, params)
        if name == operation and injected.failed < times:
            injected.failed += 1
            if whole_request or name != "TransactWriteItems":
                raise request_error(name, reason)
            raise cancelled(len(params["TransactItems"]), reason, on_item)
        if name == operation:
            injected.passed.append(params)
        return real(self, name, params)

    token = _current.set((*_current.get(), injected))
    try:
        with mock.patch.object(BaseClient, "_make_api_call", fake):
            yield injected
    finally:
        _current.reset(token)


@contextmanager
def recording_dynamodb(operation: str = "TransactWriteItems") -> Iterator[Injected]:
    """Let every call through and keep the parameters of each ``operation`` call."""
    with failing_dynamodb(operation, times=0) as seen:
        yield seen
