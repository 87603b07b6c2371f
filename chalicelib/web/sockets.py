"""The WebSocket side of the pages: the ticket a page connects with, the connect and
disconnect handlers, and turning stream records into rows a page can patch in.

Pages and the WebSocket API live on different hosts in AWS (two execute-api domains), so
the session cookie does not travel with the connection. Each page is rendered with a signed
socket ticket naming its session; ``$connect`` checks that session as a request would, but
without counting it as activity. The ticket lets nobody do anything but listen, and only
while the session lasts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from chalice import Response

from ..config import Settings, get_jurisdiction, get_session_secret, get_settings
from ..domain.appointments import flags, summary_digest
from ..domain.clients import Client
from ..domain.conversation import ConversationEntry
from ..domain.live import Change, ChangeKind, Listener
from ..domain.sessions import SESSION_LIFETIME
from ..domain.users import User
from .public_url import path_prefix
from .rendering import environment
from .signing import sign, unsign

log = logging.getLogger(__name__)

SOCKET_PURPOSE = "cc_socket"


def socket_ticket(secret: bytes, session_id: str, user_id: str) -> str:
    return sign(secret, SOCKET_PURPOSE, {"s": session_id, "u": user_id})


def read_socket_ticket(secret: bytes, value: str | None) -> Any:
    """The ticket's session and person, or None when it is missing, forged or too old."""
    from ..services.push import SocketTicket

    data = unsign(secret, SOCKET_PURPOSE, value, int(SESSION_LIFETIME.total_seconds()))
    if not data or not isinstance(data.get("s"), str) or not isinstance(data.get("u"), str):
        return None
    return SocketTicket(data["s"], data["u"])


def page_socket(settings: Settings, session_id: str | None, user: User | None) -> dict[str, str]:
    """What a signed-in page needs to connect; empty when the stage has no WebSocket API."""
    if not settings.websocket_url or not session_id or user is None:
        return {}
    ticket = socket_ticket(get_session_secret(), session_id, user.user_id)
    return {"url": settings.websocket_url, "ticket": ticket}


def close_pages_of(settings: Settings, user_id: str, session_id: str) -> None:
    """Sign-out: every open page of this sign-in hears it and closes, in every tab.

    Best effort by design: the session is already deleted, so a page that misses this
    message is refused at its next request and at the next upkeep run.
    """
    from .. import bootstrap
    from ..services import push

    if not settings.websocket_push_url:
        return
    try:
        push.signed_out(
            user_id,
            session_id,
            "signed_out",
            connections=bootstrap.connections(settings),
            gateway=bootstrap.push_gateway(settings),
        )
    except Exception:  # sign-out itself has already happened
        log.warning("closing the open pages of a sign-out failed", exc_info=True)


def on_connect(event: Any) -> Response:
    """``$connect``: 200 admits the page; 401/403 refuse it (the browser sees a failed open)."""
    from .. import bootstrap
    from ..services import push

    settings = get_settings()
    params = event.to_dict().get("queryStringParameters") or {}
    ticket = read_socket_ticket(get_session_secret(), params.get("ticket"))
    stores = bootstrap.stores(settings)
    try:
        push.connect(
            ticket,
            event.connection_id,
            (params.get("client") or "")[:64] or None,
            sessions=bootstrap.session_store(settings),
            clients=stores.clients,
            connections=bootstrap.connections(settings),
            idle_limit=timedelta(seconds=settings.idle_timeout_seconds),
        )
    except push.SocketRefused as refused:
        log.info("socket refused", extra={"status": refused.status})
        return Response(body="", status_code=refused.status)
    return Response(body="", status_code=200)


def on_disconnect(event: Any) -> None:
    from .. import bootstrap
    from ..services import push

    push.disconnect(event.connection_id, bootstrap.connections())


def push_stream_records(records: list[dict[str, Any]]) -> dict[str, int]:
    """The stream handlers' work: each change rendered with the pages' macros and posted."""
    from .. import bootstrap
    from ..services import push

    settings = get_settings()
    if not settings.websocket_push_url:
        return {"changes": 0, "delivered": 0, "gone": 0}
    stores = bootstrap.stores(settings)

    def renderer(
        clients: dict[str, Client | None], entries: dict[tuple[str, str], ConversationEntry]
    ) -> Any:
        staff = partial(push.department_staff, stores.users)
        unread = stores.unread.count
        return RowRenderer(settings, clients, entries, staff, unread).render

    result = push.push_stream(
        records,
        renderer,
        clients=stores.clients,
        connections=bootstrap.connections(settings),
        gateway=bootstrap.push_gateway(settings),
        users=stores.users,
    )
    return {"changes": result.changes, "delivered": result.delivered, "gone": result.gone}


def push_unclaimed_records(records: list[dict[str, Any]]) -> dict[str, int]:
    """The unclaimed stream's work: the department's pages get the navigation's new count."""
    from ..services import push

    return _told(
        lambda stores, **sent: push.push_unclaimed(
            records, unclaimed_payload, unclaimed=stores.unclaimed, **sent
        )
    )


def push_setting_records(records: list[dict[str, Any]]) -> dict[str, int]:
    """The department-settings stream's work: pages listing what changed refetch it."""
    from ..services import settings_push

    return _told(lambda _stores, **sent: settings_push.push_settings(records, **sent))


def push_mass_text_records(records: list[dict[str, Any]]) -> dict[str, int]:
    """The mass-texts stream's second reader: lists and progress pages of a mass text."""
    from ..services import settings_push

    return _told(
        lambda stores, **sent: settings_push.push_mass_texts(
            records, mass_texts=stores.mass_texts, **sent
        )
    )


def _told(push: Callable[..., Any]) -> dict[str, int]:
    """A stream push's common part: nothing to do without a WebSocket API; else ``push``
    is handed the stores, the open pages, the gateway and the staff; its counts returned."""
    from .. import bootstrap

    settings = get_settings()
    if not settings.websocket_push_url:
        return {"changes": 0, "delivered": 0, "gone": 0}
    stores = bootstrap.stores(settings)
    result = push(
        stores,
        connections=bootstrap.connections(settings),
        gateway=bootstrap.push_gateway(settings),
        users=stores.users,
    )
    return {"changes": result.changes, "delivered": result.delivered, "gone": result.gone}


def unclaimed_payload(waiting: int) -> dict[str, Any]:
    """The navigation's count, rendered by the macro the page layout uses."""
    macros = environment().get_template("_nav.html").make_module({})
    return {"type": "unclaimed", "waiting": waiting, "html": str(macros.unclaimed_count(waiting))}


def blocked_reason(client: Client) -> str:
    """Why nothing can be sent to this client now ("" when texts can go): the same words
    the page shows when it is rendered (``domain/send_block.py``)."""
    from ..domain.send_block import why_sending_is_off

    return why_sending_is_off(client)


class RowRenderer:
    """Renders a change with the pages' own macros, once per kind of listener."""

    def __init__(
        self,
        settings: Settings,
        clients: dict[str, Client | None],
        entries: dict[tuple[str, str], ConversationEntry],
        staff: Callable[[str], dict[str, User]],
        unread: Callable[[str, str], int],
    ):
        self.settings = settings
        self.clients = clients
        self.entries = entries
        self.staff_of = staff
        self.unread_of = unread
        self.unread: dict[tuple[str, str], int] = {}
        self.jurisdiction = get_jurisdiction()
        self.cache: dict[tuple[str, str, bool, int], dict[str, Any] | None] = {}
        self.staff: dict[str, dict[str, User]] = {}

    def render(self, change: Change, listener: Listener) -> dict[str, Any] | None:
        wide = listener.oversees_department
        unread = 0
        if change.kind is ChangeKind.CLIENT:  # the row's badge is this person's own count
            pair = (listener.user_id, change.client_id)
            if pair not in self.unread:
                self.unread[pair] = self.unread_of(*pair)
            unread = self.unread[pair]
        key = (change.kind.value, f"{change.client_id}#{change.entry_id}", wide, unread)
        if key not in self.cache:
            self.cache[key] = self._render(change, wide, unread)
        return self.cache[key]

    def _render(self, change: Change, wide: bool, unread: int) -> dict[str, Any] | None:
        from datetime import UTC, datetime

        client = self.clients.get(change.client_id)
        if client is None:
            return None
        macros = (
            environment()
            .get_template("_live_rows.html")
            .make_module({"url": self._url, "jurisdiction": self.jurisdiction})
        )
        if change.kind is ChangeKind.ENTRY:
            entry = self.entries.get((change.client_id, change.entry_id))
            if entry is None:
                return None
            html = str(macros.entry_row(entry, client, self.jurisdiction, False))
            return {
                "type": "entry",
                "client_id": client.client_id,
                "entry_id": entry.entry_id,
                "at": entry.at.isoformat(),
                "html": html,
            }
        appts = flags(client.appointments or {}, datetime.now(UTC))
        names = self._staff(client.department_id) if wide else {}
        html = str(macros.client_row(client, appts, wide, names, self.jurisdiction, unread))
        return {
            "type": "client",
            "client_id": client.client_id,
            "html": html,
            "blocked_reason": blocked_reason(client),
            # an open conversation lists its scheduled texts: a new count means refetch them
            "scheduled_count": client.scheduled_count,
            # and its appointments: another fingerprint means refetch their list
            "appointments": summary_digest(client.appointments or {}),
        }

    def _staff(self, department_id: str) -> dict[str, User]:
        if department_id not in self.staff:
            self.staff[department_id] = self.staff_of(department_id)
        return self.staff[department_id]

    def _url(self, path: str) -> str:
        return path_prefix(None, self.settings) + path
