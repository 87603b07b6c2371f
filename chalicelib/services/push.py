"""Pushed updates: open pages connect, changes fan out to them, ended sessions close them.

- **Connect**: the page presents the signed socket ticket it was rendered with. The session
  behind it must still be usable (not signed out, not idle, not past its lifetime); the
  person's role and department are copied from the Users table. Connecting never counts as
  activity: a socket cannot keep a session alive.
- **Fan-out**: DynamoDB streams on the clients and conversations tables hand every change to
  ``fan_out``, whichever code path wrote it (a webhook, the sender, a status callback, an
  import). Each change reaches the listeners who may see it (``domain.live.may_hear``) and
  carries the changed item itself, rendered, so the page patches one row. Who may see it
  is decided with the person as they are now (``CurrentPeople``: their staff records, read
  at most every few seconds), not as they connected: the pages of someone deactivated,
  demoted or moved are told the session ended and closed instead. The unclaimed table's
  stream (keys only) gives the department's pages the new count of waiting numbers.
- **Upkeep** (every few minutes): pages whose session has ended are told so and closed;
  the others get a keep-alive, since API Gateway closes a connection idle for 10 minutes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..adapters.websocket_push import PushGateway
from ..domain.clients import Client
from ..domain.conversation import ConversationEntry
from ..domain.errors import ClientCommError
from ..domain.live import Change, ChangeKind, Listener, may_hear
from ..domain.permissions import can_view_client
from ..domain.sessions import EndReason, reason_to_refuse, session_key
from ..domain.users import Role, User
from ..store.clients import ClientStore
from ..store.connections import ConnectionStore
from ..store.sessions import SessionStore
from ..store.streams import read_records, unclaimed_departments
from ..store.unclaimed import UnclaimedStore
from ..store.users import UserStore

log = logging.getLogger(__name__)

PEOPLE_FOR_SECONDS = 5.0  # a deactivation or a new role silences an open page this soon
# API Gateway answers 410 for a connection until its $connect has returned (at most its
# 29 s integration timeout) and the handshake is done, while $connect has stored it: a
# connection this young that answers 410 may be a page still opening, not one gone.
OPENING = timedelta(seconds=30)
Payload = dict[str, Any]
# Renders one change for one listener; None when there is nothing to show them.
Render = Callable[[Change, Listener], Payload | None]


class SocketRefused(ClientCommError):
    """The connection is refused; ``status`` is what API Gateway answers the browser."""

    def __init__(self, status: int, why: str):
        super().__init__(why)
        self.status = status


@dataclass(frozen=True)
class SocketTicket:
    """What the page's signed ticket says: whose session, and which conversation it shows."""

    session_id: str
    user_id: str


def connect(
    ticket: SocketTicket | None,
    connection_id: str,
    watching_client_id: str | None,
    *,
    sessions: SessionStore,
    clients: ClientStore,
    connections: ConnectionStore,
    idle_limit: timedelta,
    now: datetime | None = None,
) -> Listener:
    now = now or datetime.now(UTC)
    if ticket is None:
        raise SocketRefused(401, "no valid ticket")
    key = session_key(ticket.session_id)
    session, user = sessions.with_user(key, ticket.user_id)
    if reason_to_refuse(session, user, ticket.user_id, now, idle_limit) is not None:
        raise SocketRefused(401, "session ended")
    assert user is not None
    if watching_client_id:
        client = clients.get(watching_client_id)
        if client is None or not can_view_client(user, client):
            raise SocketRefused(403, "not this person's client")
    listener = Listener(
        connection_id=connection_id,
        user_id=user.user_id,
        department_id=user.department_id,
        role=user.role,
        session_key=key,
        watching_client_id=watching_client_id or None,
        connected_at=now,
    )
    connections.add(listener)
    return listener


def disconnect(connection_id: str, connections: ConnectionStore) -> None:
    connections.remove(connection_id)


@dataclass(frozen=True)
class FanOutResult:
    changes: int
    delivered: int
    gone: int
    ended: int = 0  # pages closed because their person is no longer who connected


class CurrentPeople:
    """Staff records as they are now, each read again after ``PEOPLE_FOR_SECONDS``: one
    BatchGetItem for the listeners of a batch whose records are older than that."""

    def __init__(
        self,
        users: UserStore,
        *,
        clock: Callable[[], float] = time.monotonic,
        known: dict[str, tuple[float, User | None]] | None = None,
    ):
        self.users = users
        self.clock = clock
        self.known = {} if known is None else known
        self.lock = threading.Lock()

    def __call__(self, user_ids: Iterable[str]) -> Mapping[str, User | None]:
        wanted = sorted(set(user_ids))
        now = self.clock()
        with self.lock:
            stale = [
                u
                for u in wanted
                if u not in self.known or now - self.known[u][0] >= PEOPLE_FOR_SECONDS
            ]
        if stale:
            found = self.users.many(stale)
            with self.lock:
                self.known.update({u: (now, found.get(u)) for u in stale})
        with self.lock:
            return {u: self.known[u][1] for u in wanted}


# Kept between invocations of one container, as the stream handler's warm Lambda is.
_recently_read: dict[str, tuple[float, User | None]] = {}


def current_people(users: UserStore) -> CurrentPeople:
    """The stream handlers' view of staff: shared by the batches one container runs."""
    return CurrentPeople(users, known=_recently_read)


def fan_out(
    changes: Iterable[Change],
    render: Render,
    *,
    connections: ConnectionStore,
    gateway: PushGateway,
    people: Callable[[Iterable[str]], Mapping[str, User | None]] | None = None,
    now: datetime | None = None,
) -> FanOutResult:
    """Post each change to every listener who may hear it; forget connections that are gone.

    One Query of the connections per department per batch; with ``people``, the listeners'
    current staff records (usually cached): a page whose person was deactivated, given
    another role or moved is ended, not told. Rendering is the caller's (the web layer
    owns the templates).
    """
    now = now or datetime.now(UTC)
    by_department: dict[str, list[Listener]] = {}
    delivered = gone = count = ended = 0
    for change in changes:
        count += 1
        if change.department_id not in by_department:
            listeners = connections.in_department(change.department_id)
            if people is not None and listeners:
                listeners, closed = _still_entitled(listeners, people, connections, gateway, now)
                ended += closed
            by_department[change.department_id] = listeners
        for listener in by_department[change.department_id]:
            if not may_hear(listener, change):
                continue
            payload = render(change, listener)
            if payload is None:
                continue
            if gateway.post(listener.connection_id, payload):
                delivered += 1
            else:
                gone += 1
                _forget_if_gone(listener, connections, now)
                by_department[change.department_id] = [
                    one
                    for one in by_department[change.department_id]
                    if one.connection_id != listener.connection_id
                ]
    return FanOutResult(count, delivered, gone, ended)


def _still_entitled(
    listeners: list[Listener],
    people: Callable[[Iterable[str]], Mapping[str, User | None]],
    connections: ConnectionStore,
    gateway: PushGateway,
    now: datetime,
) -> tuple[list[Listener], int]:
    """The listeners whose person is still active in the same role and department; the
    others' pages are told their session ended and closed, as upkeep would later."""
    current = people(one.user_id for one in listeners)
    kept: list[Listener] = []
    for listener in listeners:
        user = current.get(listener.user_id)
        if user is not None and user.active and _still_same(listener, user):
            kept.append(listener)
        else:
            expired = str(EndReason.EXPIRED)
            _end(listener.connection_id, expired, connections, gateway, _opening(listener, now))
    return kept, len(listeners) - len(kept)


RenderFactory = Callable[
    [dict[str, Client | None], dict[tuple[str, str], ConversationEntry]], Render
]


def push_stream(
    records: list[dict[str, Any]],
    renderer: RenderFactory,
    *,
    clients: ClientStore,
    connections: ConnectionStore,
    gateway: PushGateway,
    users: UserStore | None = None,
) -> FanOutResult:
    """Stream records → changes with their owners → rendered, posted to who may hear them.

    An entry's owner (department, case manager) comes from its client: read once per batch,
    and not at all when the batch also carries that client's row.
    """
    found = read_records(records)
    owners: dict[str, Client | None] = {c.client_id: c for c in found.clients}
    changes = [
        Change(ChangeKind.CLIENT, c.client_id, c.department_id, c.case_manager_id)
        for c in found.clients
    ]
    entries: dict[tuple[str, str], ConversationEntry] = {}
    for entry in found.entries:
        if entry.client_id not in owners:
            owners[entry.client_id] = clients.get(entry.client_id)
        owner = owners[entry.client_id]
        if owner is None:
            continue
        entries[(entry.client_id, entry.entry_id)] = entry
        changes.append(
            Change(
                ChangeKind.ENTRY,
                owner.client_id,
                owner.department_id,
                owner.case_manager_id,
                entry.entry_id,
            )
        )
    return fan_out(
        changes,
        renderer(owners, entries),
        connections=connections,
        gateway=gateway,
        people=current_people(users) if users is not None else None,
    )


def push_unclaimed(
    records: list[dict[str, Any]],
    render: Callable[[int], Payload],
    *,
    unclaimed: UnclaimedStore,
    connections: ConnectionStore,
    gateway: PushGateway,
    users: UserStore | None = None,
) -> FanOutResult:
    """Unclaimed-queue stream records → every open page of each department changed hears
    its new count of waiting numbers (``render`` says it). The count is read once per
    department, and only when a page of it is listening; as with every push, a person no
    longer in the department (or active) is told their session ended instead."""
    said: dict[str, Payload] = {}

    def for_listener(change: Change, _listener: Listener) -> Payload:
        if change.department_id not in said:
            said[change.department_id] = render(unclaimed.waiting_count(change.department_id))
        return said[change.department_id]

    changes = [
        Change(ChangeKind.UNCLAIMED, "", department, "")
        for department in unclaimed_departments(records)
    ]
    return fan_out(
        changes,
        for_listener,
        connections=connections,
        gateway=gateway,
        people=current_people(users) if users is not None else None,
    )


def department_staff(users: UserStore, department_id: str) -> dict[str, User]:
    """Names for the case-manager column of a supervisor's rows."""
    return {u.user_id: u for u in users.in_department(department_id)}


def signed_out(
    user_id: str,
    session_id: str,
    reason: EndReason | str,
    *,
    connections: ConnectionStore,
    gateway: PushGateway,
) -> int:
    """Tell every open page of one sign-in that it has ended, and close them."""
    closed = 0
    for connection_id in connections.of_session(user_id, session_key(session_id)):
        _end(connection_id, str(reason), connections, gateway)
        closed += 1
    return closed


@dataclass(frozen=True)
class UpkeepResult:
    kept: int
    closed: int


def upkeep(
    department_ids: Iterable[str],
    *,
    connections: ConnectionStore,
    sessions: SessionStore,
    users: UserStore,
    gateway: PushGateway,
    idle_limit: timedelta,
    now: datetime | None = None,
) -> UpkeepResult:
    """Close the pages of ended sessions; keep the others' connections from going idle."""
    now = now or datetime.now(UTC)
    kept = closed = 0
    for department_id in department_ids:
        listeners = connections.in_department(department_id)
        if not listeners:
            continue
        stored = sessions.many([one.session_key for one in listeners])
        people = users.many(sorted({one.user_id for one in listeners}))
        for listener in listeners:
            session = stored.get(listener.session_key)
            user = people.get(listener.user_id)
            reason = reason_to_refuse(session, user, listener.user_id, now, idle_limit)
            if reason is None and user is not None and _still_same(listener, user):
                if gateway.post(listener.connection_id, {"type": "keepalive"}):
                    kept += 1
                else:
                    _forget_if_gone(listener, connections, now)
                continue
            why = str(reason or EndReason.EXPIRED)
            _end(listener.connection_id, why, connections, gateway, _opening(listener, now))
            closed += 1
    return UpkeepResult(kept, closed)


def _still_same(listener: Listener, user: User) -> bool:
    """A move to another department or a new role ends what this page may hear."""
    return user.department_id == listener.department_id and user.role == listener.role


def _end(
    connection_id: str,
    reason: str,
    connections: ConnectionStore,
    gw: PushGateway,
    opening: bool = False,
) -> None:
    """Tell the page why and close it. One that may be still opening (``opening``) and
    could not be told is kept, for the next change or the upkeep to end once it is open."""
    told = gw.post(connection_id, {"type": "signed-out", "reason": reason})
    gw.close(connection_id)
    if told or not opening:
        connections.remove(connection_id)


def _opening(listener: Listener, now: datetime) -> bool:
    """Stored by ``$connect`` moments ago: a 410 may mean its handshake is not done yet."""
    return now - listener.connected_at < OPENING


def _forget_if_gone(listener: Listener, connections: ConnectionStore, now: datetime) -> None:
    """A connection that answered 410 is forgotten, unless it may be a page still opening:
    that page catches up when its socket opens, and hears what comes after."""
    if not _opening(listener, now):
        connections.remove(listener.connection_id)


def pages_of_person_ended(
    user_id: str, reason: str, *, connections: ConnectionStore, gateway: PushGateway
) -> int:
    """Every open page of one person, in every sign-in, told and closed at once: an admin
    deactivated them, or changed what they may see (role, department)."""
    closed = 0
    for connection_id in connections.of_user(user_id):
        _end(connection_id, reason, connections, gateway)
        closed += 1
    return closed


def tell_admins(
    department_ids: Iterable[str],
    message: Payload,
    *,
    connections: ConnectionStore,
    gateway: PushGateway,
) -> int:
    """``message`` to every open page of an admin, in every department (admins manage the
    whole jurisdiction's staff): one Query per department, a handful."""
    told = 0
    for department_id in department_ids:
        for listener in connections.in_department(department_id):
            if listener.role is Role.ADMIN and gateway.post(listener.connection_id, message):
                told += 1
    return told
