"""Reading a conversation: newest page first, marking it read, exporting it."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry
from ..domain.errors import ClientCommError
from ..domain.media_display import listing
from ..domain.spreadsheet_cells import neutralised
from ..domain.users import User
from ..store.audit import AuditStore, client_subject
from ..store.clients import ClientStore
from ..store.conversations import ConversationStore
from ..store.inbound import InboundStore
from .caseload import open_client

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo  # only named in hints; importing it costs ~2.5 ms of cold start

PAGE = 30  # a phone screen shows ~8 texts; older ones are one tap away
TREND = 12
# An export or print is built in the Lambda (6 MB answer, 29 s); past this many entries it
# needs the S3 route, which is not built yet, so it is refused rather than cut short.
MAX_EXPORT_ENTRIES = 20_000


class TooLongToExport(ClientCommError):
    """The conversation is longer than an export built in one request can hold."""


def whole_conversation(conversations: ConversationStore, client_id: str) -> list[ConversationEntry]:
    """Every entry, oldest first, or TooLongToExport: never a silently shortened record."""
    entries = conversations.everything(client_id, limit=MAX_EXPORT_ENTRIES + 1)
    if len(entries) > MAX_EXPORT_ENTRIES:
        raise TooLongToExport(
            f"This conversation has more than {MAX_EXPORT_ENTRIES:,} entries, too many to "
            "export from the page. Ask your administrator for a bulk export."
        )
    return entries


def print_conversation(
    user: User,
    clients: ClientStore,
    conversations: ConversationStore,
    audit: AuditStore,
    client_id: str,
) -> tuple[Client, list[ConversationEntry]]:
    """The client and every entry for the print view; printing is audited like an export."""
    client = open_client(user, clients, client_id)
    entries = whole_conversation(conversations, client.client_id)
    audit.record(client_subject(client.client_id), user.user_id, "print", entries=len(entries))
    return client, entries


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
    entries (a Query with a Limit), and the audit record of the view. Opening a page does
    not mark it read: the page reports what was on screen in a focused tab
    (``services/unread.py``)."""
    client = open_client(user, clients, client_id)
    newest, cursor = conversations.newest(client.client_id, limit=PAGE, before=before)
    if before is None and record_view:
        inbound.record_view(client, user.user_id)
    entries = list(reversed(newest))
    scores = [e.sentiment for e in entries if e.sentiment is not None]
    return ConversationView(client, entries, cursor, scores[-TREND:])


EXPORT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FIELDS = (
    "time",
    "direction",
    "number",
    "status",
    "problem",
    "author",
    "text",
    "marker",
    "tone",
    "automatic_reply",  # who sent a text no person wrote, and why (domain/system_texts.py)
    "attachments",  # its photos and files by name, type and size; never a URL (issue 22)
)


def export_conversation(
    user: User,
    clients: ClientStore,
    conversations: ConversationStore,
    audit: AuditStore,
    client_id: str,
    fmt: str,
    zone: ZoneInfo,
) -> tuple[str, str, str]:
    """(filename, content type, body). Every export is written to the audit trail."""
    client = open_client(user, clients, client_id)
    rows = [_row(e, zone) for e in whole_conversation(conversations, client.client_id)]
    audit.record(
        client_subject(client.client_id), user.user_id, "export", format=fmt, entries=len(rows)
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
            elif r["automatic_reply"]:
                lines.append(
                    f"[{r['time']}] to {r['number']} [{r['automatic_reply']}]: {r['text']}"
                )
            else:
                arrow = "from" if r["direction"] == "inbound" else "to"
                status = f" ({r['status']})" if r["status"] else ""
                lines.append(f"[{r['time']}] {arrow} {r['number']}{status}: {r['text']}")
            if r["attachments"]:
                lines.append(f"    attachments: {r['attachments']}")
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
        "automatic_reply": entry.automatic,
        "attachments": listing(entry.media),
    }


def _csv_safe(value: Any) -> Any:
    """Spreadsheets run cells starting with = + - @ (or a TAB or CR before one, or any of
    them written fullwidth) as formulas; a client's text must not."""
    return neutralised(value) if isinstance(value, str) else value
