"""A department's history written as the conversations stream would hand it to the
dashboard's rollup: entries at fixed times, turned into stream records."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from chalicelib.domain.clients import Client
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.domain.users import Role, User
from tests.helpers import fresh_phone

ARN = "arn:aws:dynamodb:us-west-2:1:table/clientcomm-local-conversations/stream/2026"


def new_department() -> str:
    return "dash" + secrets.token_hex(4)


def person(stores, department: str, name: str, role: Role = Role.CASE_MANAGER) -> User:
    user = User(name.lower() + secrets.token_hex(3), name, f"{name}@x.invalid", role, department)
    stores.users.save(user)
    return user


def client_of(stores, case_manager: User, last_contact_at: datetime | None = None) -> Client:
    name = "Dash" + secrets.token_hex(3)
    return stores.clients.add(
        Client(
            secrets.token_hex(10),
            case_manager.department_id,
            case_manager.user_id,
            name,
            name,
            fresh_phone(),
            last_contact_at=last_contact_at,
        )
    )


def inbound(client: Client, at: datetime) -> ConversationEntry:
    return ConversationEntry(
        client.client_id,
        secrets.token_hex(8),
        at,
        EntryKind.TEXT,
        "hello",
        Direction.INBOUND,
        client.phone,
        "received",
        sid="SM" + secrets.token_hex(16),
    )


def outbound(
    client: Client,
    at: datetime,
    author: str,
    status: str = "delivered",
    details: dict[str, str] | None = None,
    entry_id: str = "",
) -> ConversationEntry:
    return ConversationEntry(
        client.client_id,
        entry_id or secrets.token_hex(8),
        at,
        EntryKind.TEXT,
        "see you",
        Direction.OUTBOUND,
        client.phone,
        status,
        author,
        details=details or {},
        sid="SM" + secrets.token_hex(16),
    )


def marker(client: Client, at: datetime, name: str, **details: str) -> ConversationEntry:
    return ConversationEntry(
        client.client_id,
        secrets.token_hex(8),
        at,
        EntryKind.MARKER,
        name,
        marker=name,
        details=details,
    )


def record(entry: ConversationEntry, event: str = "INSERT") -> dict[str, Any]:
    """The stream record DynamoDB writes for ``entry`` (NEW_IMAGE)."""
    from chalicelib.store.conversations import to_row

    return {
        "eventName": event,
        "eventSourceARN": ARN,
        "dynamodb": {"NewImage": to_row(entry).serialize()},
    }


def roll_up(stores, entries: list[ConversationEntry], now: datetime) -> int:
    from zoneinfo import ZoneInfo

    from chalicelib.services.dashboard_rollup import roll_up as rollup
    from chalicelib.store.dashboard_counts import DashboardCounts

    zone = ZoneInfo("America/Denver")
    return rollup(
        [record(e) for e in entries], DashboardCounts(), stores.clients, stores.users, zone, now
    )


def mass_text_to(client: Client, author: User, at: datetime) -> ConversationEntry:
    """A mass text's recipient's text as the sender writes it: its scheduled row (written
    by the fan-out, naming the mass text) and its conversation entry under the same id."""
    from chalicelib.domain.scheduling import ScheduledText
    from chalicelib.store.mass_texts import of_mass
    from chalicelib.store.scheduled import new_row

    text = ScheduledText(
        client.client_id,
        secrets.token_hex(16),
        client.department_id,
        client.case_manager_id,
        author.user_id,
        "Office closed Friday",
        at,
    )
    of_mass(new_row(text, at), "mass" + secrets.token_hex(6)).save()
    return outbound(
        client,
        at,
        author.user_id,
        details={"scheduled_for": at.isoformat()},
        entry_id=text.scheduled_id,
    )
