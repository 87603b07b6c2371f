"""Counting the app's DynamoDB round trips per request (tests of issue 16's goals).

Calls are counted through botocore's ``before-call`` event on the app's one DynamoDB
client. A call counts when it is made in the measured block's context: reads the request
runs at once on other threads carry that context (``services/concurrently.py``); the
stack's own threads (stream readers, status callbacks) do not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_measuring: ContextVar[Counter | None] = ContextVar("measuring", default=None)
_registered: set[int] = set()


def _count(event_name: str, **_: object) -> None:
    calls = _measuring.get()
    if calls is not None:
        calls[event_name.rsplit(".", 1)[-1]] += 1


def _register() -> None:
    from chalicelib.config import get_settings
    from chalicelib.store.connection import shared_client

    settings = get_settings()
    client = shared_client(settings.region, settings.aws_endpoint_url).get()
    if id(client) not in _registered:
        client.meta.events.register("before-call.dynamodb", _count, unique_id="round-trips")
        _registered.add(id(client))


@contextmanager
def counting() -> Iterator[Counter]:
    """A Counter of the DynamoDB operations made inside the block, by name."""
    _register()
    calls: Counter = Counter()
    token = _measuring.set(calls)
    try:
        yield calls
    finally:
        _measuring.reset(token)


def total(calls: Counter) -> int:
    return sum(calls.values())
