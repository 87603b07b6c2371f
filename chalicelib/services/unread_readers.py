"""Who gets a client's new text as unread: asked on every inbound text, so kept small (the
webhook's cold start loads it) and cheap (the department's supervisors are cached)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..domain.clients import Client
from ..domain.unread import readers
from ..store.users import UserStore

OVERSEERS_FOR_SECONDS = 60.0  # a new supervisor starts getting unread texts within a minute

Readers = Callable[[Client], tuple[str, ...]]


class _Overseers:
    """Each department's supervisors and admins, read once a minute per container (a Query
    on every inbound text would add a round trip to the webhook)."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[float, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def of(self, users: UserStore, department_id: str) -> tuple[str, ...]:
        now = time.monotonic()
        with self._lock:
            cached = self._known.get(department_id)
        if cached and now - cached[0] < OVERSEERS_FOR_SECONDS:
            return cached[1]
        found = tuple(
            u.user_id
            for u in users.in_department(department_id)
            if u.active and u.oversees_department
        )
        with self._lock:
            self._known[department_id] = (now, found)
        return found


_overseers = _Overseers()


def readers_for(users: UserStore) -> Readers:
    """Who gets a client's new texts as unread (for the inbound path)."""

    def of(client: Client) -> tuple[str, ...]:
        return readers(client.case_manager_id, _overseers.of(users, client.department_id))

    return of
