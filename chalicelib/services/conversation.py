"""Reading a conversation: newest page first, marking it read, exporting it."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry
from ..domain.users import User
from ..store.activity import ActivityStore
from ..store.clients import ClientStore
from ..store.conversations import ConversationStore
from ..store.inbound import InboundStore
from .caseload import open_client

PAGE = 30  # a phone screen shows ~8 texts; older ones are one tap away
TREND = 12


@dataclass(frozen=True)
class ConversationView:
    client: Client
    entries: list[ConversationEntry]  # oldest first, as people read them
    older_cursor: str | None
    trend: list[float]  # tone of the recent inbound texts on this page, oldest first


def view_conversation(
    user: User,
    clients: ClientStore,
    conversations: ConversationStore,
    inbound: InboundStore,
    client_id: str,
    before: str | None = None,
    record_view: bool = True,
) -> ConversationView:
    """Three round trips whatever the conversation's length: the client, one page of
    entries (a Query with a Limit), and marking it read with the audit record."""
    client = open_client(user, clients, client_id)
    newest, cursor = conversations.newest(client.client_id, limit=PAGE, before=before)
    if before is None:
        inbound.mark_read(client, user.user_id, audit=record_view)
    entries = list(reversed(newest))
    scores = [e.sentiment for e in entries if e.sentiment is not None]
    return ConversationView(client, entries, cursor, scores[-TREND:])


EXPORT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FIELDS = ("time", "direction", "number", "status", "problem", "author", "text", "marker", "tone")


def export_conversation(
    user: User,
    clients: ClientStore,
    conversations: ConversationStore,
    activity: ActivityStore,
    client_id: str,
    fmt: str,
    zone: ZoneInfo,
) -> tuple[str, str, str]:
    """(filename, content type, body). Every export is written to the audit trail."""
    client = open_client(user, clients, client_id)
    rows = [_row(e, zone) for e in conversations.everything(client.client_id)]
    activity.record(
        f"client#{client.client_id}", user.user_id, "export", format=fmt, entries=len(rows)
    )
    name = f"conversation-{client.last_name}-{client.first_name}".lower().replace(" ", "-")
    if fmt == "json":
        body = json.dumps(
            {
                "client": {
                    "name": client.full_name,
                    "current_number": client.phone,
                    "old_numbers": list(client.old_phones),
                },
                "time_zone": str(zone),
                "entries": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows({k: _csv_safe(v) for k, v in r.items()} for r in rows)
        body = out.getvalue()
    else:
        lines = [
            f"Conversation with {client.full_name} (current number {client.phone})",
            f"Times in {zone}",
            "",
        ]
        for r in rows:
            if r["marker"]:
                lines.append(f"[{r['time']}] -- {r['text']}")
            else:
                arrow = "from" if r["direction"] == "inbound" else "to"
                status = f" ({r['status']})" if r["status"] else ""
                lines.append(f"[{r['time']}] {arrow} {r['number']}{status}: {r['text']}")
        body = "\n".join(lines) + "\n"
    return f"{name}.{fmt}", EXPORT_TYPES[fmt], body


def _row(entry: ConversationEntry, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "time": entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z"),
        "direction": entry.direction.value if entry.direction else "",
        "number": entry.phone,
        "status": entry.status,
        "problem": entry.problem,
        "author": entry.author_id,
        "text": entry.body,
        "marker": entry.marker,
        "tone": entry.tone,
    }


def _csv_safe(value: Any) -> Any:
    """Spreadsheets run cells starting with = + - @ as formulas; a client's text must not."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
