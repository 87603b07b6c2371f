"""Shared set-up for the benchmarks: a local stack in-process and a DynamoDB call counter.

Calls are counted through botocore's event system: every botocore client created after
``install_counter()`` reports each DynamoDB API call it makes (PynamoDB's included).

``BENCH_DYNAMODB_MS`` (default 0) adds that many milliseconds before each measured call
is sent, on the thread that sends it: a model of DynamoDB's round trip in a region
(moto answers on the loopback in a fraction of it, one request at a time), so reads a
request runs at once overlap as they would on AWS and the printed times show the waits
a request makes in turn.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CALLS: Counter = Counter()
WAITED = {"seconds": 0.0, "items": 0}
INTERVALS: list[tuple[float, float]] = []  # each measured call: (sent, answered)
LATENCY_SECONDS = float(os.environ.get("BENCH_DYNAMODB_MS", "0") or 0) / 1000
_started: dict[int, float] = {}
_lock = threading.Lock()


_watched: set[int] = set()
# Set inside ``counting()``: reads the measured request runs on other threads carry it
# (chalicelib/services/concurrently.py copies the caller's context), callbacks do not.
_in_measured: ContextVar[bool] = ContextVar("in_measured", default=False)


def _measured() -> bool:
    return threading.get_ident() in _watched or _in_measured.get()


def _count(event_name: str, **_: object) -> None:
    """Only calls made by the request being measured: the fake Twilio's status callbacks
    reach the app's server thread meanwhile, and are not part of this operation."""
    if not _measured():
        return
    with _lock:
        CALLS[event_name.rsplit(".", 1)[-1]] += 1
    _started[threading.get_ident()] = time.perf_counter()


def _network(**_: object) -> None:
    if LATENCY_SECONDS and _measured():
        time.sleep(LATENCY_SECONDS)


def _finished(parsed: dict | None = None, **_: object) -> None:
    """Time spent waiting on DynamoDB (moto here) and items it returned."""
    began = _started.pop(threading.get_ident(), None)
    with _lock:
        if began is not None:
            WAITED["seconds"] += time.perf_counter() - began
            INTERVALS.append((began, time.perf_counter()))
        if parsed:
            WAITED["items"] += len(parsed.get("Items", ())) + (1 if "Item" in parsed else 0)


def install_counter() -> None:
    import botocore.session

    original = botocore.session.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        client = original(self, service_name, *args, **kwargs)
        if service_name == "dynamodb":
            client.meta.events.register("before-call.dynamodb", _count)
            client.meta.events.register("before-send.dynamodb", _network)
            client.meta.events.register("after-call.dynamodb", _finished)
        return client

    botocore.session.Session.create_client = create_client


def waiting_in_turn() -> float:
    """Seconds during which at least one measured call was in flight: calls made at the
    same time count once (the union of their intervals)."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(INTERVALS):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def calls_in_turn() -> int:
    """How many measured calls were made one after another: the longest chain of calls
    each sent after the one before it was answered. Calls in flight together count once,
    whatever order moto (one request at a time) answers them in: the request's latency on
    DynamoDB is about this many round trips."""
    chain, reach = 0, float("-inf")
    for start, end in sorted(INTERVALS, key=lambda interval: interval[1]):
        if start >= reach:
            chain, reach = chain + 1, end
    return chain


@contextmanager
def counting():
    """Yields a Counter of DynamoDB operations made inside the block."""
    CALLS.clear()
    INTERVALS.clear()
    WAITED.update(seconds=0.0, items=0)
    seen: Counter = Counter()
    _watched.add(threading.get_ident())
    token = _in_measured.set(True)
    try:
        yield seen
    finally:
        _in_measured.reset(token)
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


def on_a_stack(run, seed: bool = True) -> None:
    """``run(stack)`` against a local stack of its own, stopped whatever happens."""
    stack = start_stack(seed=seed)
    try:
        run(stack)
    finally:
        stack.stop()


def web_client():
    from chalice.test import Client

    import app

    return Client(app.app, stage_name="local", project_dir=str(ROOT))
