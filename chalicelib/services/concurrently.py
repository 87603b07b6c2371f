"""Independent reads of one request, run at the same time.

A page that needs two Queries that do not depend on each other waits for the slower one
instead of both in turn. The reads go through the process's one DynamoDB client, which
botocore makes safe to share between threads (the connection pool holds
``store.connection.POOL_CONNECTIONS``); models and their connections are bound before a
request's first read (``bootstrap.stores``), so the threads only send requests.

Each task runs in a copy of the caller's context (log keys, and the benchmark's call
counter, follow it). A task never starts another and waits for it: on a pool thread,
``start`` runs the function at once instead, so a small pool can't deadlock.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
WORKERS = 4  # a Lambda container serves one request at a time; a page runs at most a few

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_on_pool = threading.local()


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(
                    max_workers=WORKERS, thread_name_prefix="reads", initializer=_mark
                )
    return _pool


def _mark() -> None:
    _on_pool.active = True


def start(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """``function(*args, **kwargs)`` on another thread; ``.result()`` waits for it (and
    raises what it raised). Every read it makes has its own timeouts."""
    if getattr(_on_pool, "active", False):
        done: Future[T] = Future()
        try:
            done.set_result(function(*args, **kwargs))
        except BaseException as exc:  # handed to whoever waits, as the pool would
            done.set_exception(exc)
        return done
    context = contextvars.copy_context()

    def run() -> T:
        return context.run(function, *args, **kwargs)

    return _executor().submit(run)


K = TypeVar("K")
V = TypeVar("V")


class Later(Mapping[K, V]):
    """A mapping still being read: the first look at it waits for the read."""

    def __init__(self, future: Future[Mapping[K, V]]) -> None:
        self._future = future

    def _mapping(self) -> Mapping[K, V]:
        return self._future.result()

    def __getitem__(self, key: K) -> V:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())


def later(function: Callable[P, Mapping[K, V]], *args: P.args, **kwargs: P.kwargs) -> Later[K, V]:
    """``function``'s mapping, read at the same time as whatever the caller does next."""
    return Later(start(function, *args, **kwargs))
