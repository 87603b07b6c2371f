"""Unread texts per member of staff.

A new text is unread for the client's case manager and for each supervisor of the
department, each on their own: one person reading it changes nobody else's state. A page
marks a conversation read only once its newest text has been on screen in a focused tab
(``mark_read`` with the time of the newest text seen); a text that arrived meanwhile keeps
it unread. "Mark unread" puts it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ..domain.unread import Unread, total
from ..domain.users import User
from ..store.clients import ClientStore
from ..store.inbound import InboundStore
from ..store.unread import UnreadStore
from . import concurrently
from .caseload import open_client


def unread_of(user: User, unread: UnreadStore) -> dict[str, Unread]:
    """Everything this person has unread (their own department's clients only)."""
    return unread.for_user(user.user_id)


def unread_of_later(user: User, unread: UnreadStore) -> Mapping[str, Unread]:
    """``unread_of``, read while the caller reads its page: the first look waits for it."""
    return concurrently.later(unread_of, user, unread)


def unread_here(user: User, unread: UnreadStore, client_id: str, known: int | None = None) -> int:
    """How many of this client's texts this person has not seen (``known``: as read with
    the session already)."""
    return known if known is not None else unread.count(user.user_id, client_id)


def unread_total(user: User, unread: UnreadStore) -> int:
    return total(unread_of(user, unread))


def mark_read(
    user: User,
    clients: ClientStore,
    unread: UnreadStore,
    inbound: InboundStore,
    client_id: str,
    seen_up_to: datetime,
) -> bool:
    """The person has seen the conversation up to ``seen_up_to`` (the newest text shown).

    The case manager's reading also clears the client's shared count, which decides the
    e-mail reminders about unread texts (those go to the case manager).
    """
    client = open_client(user, clients, client_id)
    done = unread.mark_read(user.user_id, client.client_id, seen_up_to)
    if user.user_id == client.case_manager_id and client.unread_count:
        inbound.mark_read(client, user.user_id, audit=False)
    return done


def mark_unread(user: User, clients: ClientStore, unread: UnreadStore, client_id: str) -> None:
    client = open_client(user, clients, client_id)
    unread.mark_unread(user.user_id, client.client_id, client.department_id, datetime.now(UTC))
