"""Shared set-up for the benchmarks: a local stack in-process and a DynamoDB call counter.

Calls are counted through botocore's event system: every botocore client created after
``install_counter()`` reports each DynamoDB API call it makes (PynamoDB's included).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CALLS: Counter = Counter()
WAITED = {"seconds": 0.0, "items": 0}
_started: dict[int, float] = {}


_watched: set[int] = set()


def _count(event_name: str, **_: object) -> None:
    """Only calls made by the request being measured: the fake Twilio's status callbacks
    reach the app's server thread meanwhile, and are not part of this operation."""
    if threading.get_ident() not in _watched:
        return
    CALLS[event_name.rsplit(".", 1)[-1]] += 1
    _started[threading.get_ident()] = time.perf_counter()


def _finished(parsed: dict | None = None, **_: object) -> None:
    """Time spent waiting on DynamoDB (moto here) and items it returned."""
    began = _started.pop(threading.get_ident(), None)
    if began is not None:
        WAITED["seconds"] += time.perf_counter() - began
    if parsed:
        WAITED["items"] += len(parsed.get("Items", ())) + (1 if "Item" in parsed else 0)


def install_counter() -> None:
    import botocore.session

    original = botocore.session.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        client = original(self, service_name, *args, **kwargs)
        if service_name == "dynamodb":
            client.meta.events.register("before-call.dynamodb", _count)
            client.meta.events.register("after-call.dynamodb", _finished)
        return client

    botocore.session.Session.create_client = create_client


@contextmanager
def counting():
    """Yields a Counter of DynamoDB operations made inside the block."""
    CALLS.clear()
    WAITED.update(seconds=0.0, items=0)
    seen: Counter = Counter()
    _watched.add(threading.get_ident())
    try:
        yield seen
    finally:
        _watched.discard(threading.get_ident())
        seen.update(CALLS)


def start_stack(seed: bool = True):
    from infra.local.stack import LocalStack

    stack = LocalStack(
        app_port=0,
        twilio_port=0,
        moto_port=0,
        websocket_port=0,
        prefix="bench-",
        seed=seed,
        callback_delay=0.05,
    )
    return stack.start()


def web_client():
    from chalice.test import Client

    import app

    return Client(app.app, stage_name="local", project_dir=str(ROOT))
