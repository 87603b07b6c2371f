"""What a signed-in request reads with its session, in the session's one round trip.

Before its first read a request already knows more keys than the session's: the client
its URL names, and, for a page with the navigation, each department's count of waiting
numbers (the person's department is only known once their record is read, so all of the
jurisdiction's few departments are read; only theirs is shown). Nothing read ahead is used
unless the session is good, and a client read ahead answers only the request's first look
at that client: anything shown after a write reads again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain.clients import Client
from ..domain.unread import Unread
from ..store.batch import Along
from ..store.clients import ClientStore
from ..store.unclaimed import UnclaimedStore
from ..store.unread import UnreadStore
from ..store.waiting import Waiting

Clients = ClientStore  # for views, which name no store module themselves


@dataclass
class ReadAhead:
    client: Along[Client | None] | None = None
    waiting: dict[str, Along[Waiting]] = field(default_factory=dict)
    keep: bool = False  # a request that writes nothing to the client: every look may use it
    unread: Along[Unread | None] | None = None  # the person's unread texts of that client

    @property
    def items(self) -> list[Along[Any]]:
        single = [a for a in (self.client, self.unread) if a is not None]
        return [*single, *self.waiting.values()]


def planned(
    clients: ClientStore,
    unclaimed: UnclaimedStore,
    unread: UnreadStore,
    *,
    user_id: str,
    client_id: str | None = None,
    departments: Sequence[str] = (),
    keep: bool = False,
) -> ReadAhead:
    """``client_id``: strongly consistent, as a send must see the number as it is now.
    ``departments``: a page with the navigation, which on a client's page also shows how
    many of their texts ``user_id`` has not seen. ``keep``: the request changes nothing
    about the client (a GET), so each look at them may use this read, not only the first."""
    return ReadAhead(
        client=clients.along(client_id, consistent=True) if client_id else None,
        waiting={d: unclaimed.waiting_along(d) for d in departments},
        keep=keep,
        unread=unread.along(user_id, client_id) if client_id and departments else None,
    )


def clients_of(clients: ClientStore, ahead: ReadAhead) -> ClientStore:
    """``clients``, answering the first look at the client read ahead (every look when
    ``ahead.keep``; else once per request)."""
    found = ahead.client
    if found is None or not found.read:
        return clients
    if not ahead.keep:
        ahead.client = None
    client_id = next(iter(found.key.values()))["S"]
    return clients.read_ahead({client_id: found.value})


def unread_count(ahead: ReadAhead | None) -> int | None:
    """How many of the client's texts the person has not seen, if read ahead."""
    found = ahead.unread if ahead else None
    if found is None or not found.read:
        return None
    return found.value.count if found.value is not None else 0


def waiting_of(ahead: ReadAhead, department_id: str) -> Waiting | None:
    found = ahead.waiting.get(department_id)
    return found.value if found is not None and found.read else None
