"""The disclosure export: everything sent to or by a client (or done by a member of staff)
between two dates, as one CSV file a records officer can open, and every audit row about
it. The export itself is written to the trail.

A client's file: each text (received or sent, with its time, who sent it, the number and
its delivery status), each conversation event (a number change, an opt-out, ...), and each
audit row about the client (every view, send, export, schedule, change). A staff member's
file: the texts they sent (from the conversations their "send" rows name) and every audit
row of theirs. At most MAX_ROWS rows of each kind; a file that had to stop says so.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..domain.conversation import ConversationEntry, Direction, EntryKind
from ..domain.errors import ValidationFailed
from ..domain.media_display import listing
from ..domain.spreadsheet_cells import neutralised
from ..domain.users import User
from ..store.audit import AuditEntry, client_subject, department_subject
from .audit_trail import Search, TrailDeps, may_read_trail

MAX_ROWS = 5000
MAX_CLIENTS = 500  # a staff member's export reads at most this many conversations
HEADER = ("record", "when", "who", "what", "about", "number", "text or details")
CUT = "cut short: more than {n} {kind} in this range; export a shorter range for the rest"


class Conversations(Protocol):
    def everything(self, client_id: str, limit: int) -> list[ConversationEntry]: ...


@dataclass(frozen=True)
class ExportDeps:
    trail: TrailDeps
    conversations: Conversations


@dataclass(frozen=True)
class Export:
    filename: str
    text: str


def export(user: User, deps: ExportDeps, search: Search) -> Export:
    """The file for ``search`` (a client, a member of staff, or both); the export is
    recorded under the client (else the department) before the file is handed over."""
    may_read_trail(user)
    if search.client is None and search.staff is None:
        raise ValidationFailed({"client": "Choose a client or a member of staff to export."})
    since, until = search.window(deps.trail.zone)
    out = io.StringIO()
    writer = SafeWriter(csv.writer(out))
    writer.writerow(HEADER)
    about = ""
    audit = _audit_rows(deps, search, since, until)
    if search.client is not None:
        client = search.client
        about = f"{client.first_name} {client.last_name}"
        _texts(writer, deps, client.client_id, about, since, until)
    elif search.staff is not None:
        _texts_sent_by(writer, deps, search.staff.user_id, audit, since, until)
    for row in audit:
        writer.writerow(_audit_line(row, deps, about))
    if len(audit) > MAX_ROWS:
        writer.writerow(["note", "", "", CUT.format(n=MAX_ROWS, kind="audit rows"), "", "", ""])
    subject = (
        client_subject(search.client.client_id)
        if search.client is not None
        else department_subject(user.department_id)
    )
    deps.trail.audit.record(subject, user.user_id, "disclosure_export", **search.described())
    who = search.described()["client"] or search.described()["staff"]
    name = f"disclosure-{who}-{search.since.isoformat()}-to-{search.until.isoformat()}.csv"
    return Export(name, out.getvalue())


class SafeWriter:
    """Every cell as text: a client's text, a name or a detail that a spreadsheet would run
    as a formula gets a leading apostrophe (domain/spreadsheet_cells.py)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: Any) -> None:
        self.writer.writerow([neutralised(str(cell)) for cell in row])


def _local(at: datetime, deps: ExportDeps) -> str:
    return at.astimezone(deps.trail.zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _texts(
    writer: Any, deps: ExportDeps, client_id: str, about: str, since: datetime, until: datetime
) -> None:
    entries = deps.conversations.everything(client_id, MAX_ROWS * 4)
    kept = [e for e in entries if since <= e.at <= until]
    for entry in kept[:MAX_ROWS]:
        writer.writerow(_text_line(entry, deps, about))
    if len(kept) > MAX_ROWS or len(entries) >= MAX_ROWS * 4:
        writer.writerow(["note", "", "", CUT.format(n=MAX_ROWS, kind="texts"), "", "", ""])


def _texts_sent_by(
    writer: Any,
    deps: ExportDeps,
    staff_id: str,
    audit: list[AuditEntry],
    since: datetime,
    until: datetime,
) -> None:
    """The texts a member of staff sent in the range: read from the conversations of the
    clients their "send" rows name (one read per client, at most MAX_CLIENTS)."""
    client_ids = list(
        dict.fromkeys(
            row.subject.removeprefix("client#")
            for row in audit
            if row.action == "send" and row.subject.startswith("client#")
        )
    )
    for client_id in client_ids[:MAX_CLIENTS]:
        client = deps.trail.clients.get(client_id)
        about = f"{client.first_name} {client.last_name}" if client else client_id
        for entry in deps.conversations.everything(client_id, MAX_ROWS):
            sent = entry.direction is Direction.OUTBOUND and entry.author_id == staff_id
            if sent and since <= entry.at <= until:
                writer.writerow(_text_line(entry, deps, about))
    if len(client_ids) > MAX_CLIENTS:
        writer.writerow(["note", "", "", CUT.format(n=MAX_CLIENTS, kind="clients"), "", "", ""])


def _who(actor: str, deps: ExportDeps) -> str:
    if not actor or actor.startswith("system:") or actor == "ops":
        return actor
    user = deps.trail.users.get(actor)
    return f"{user.display_name} ({actor})" if user else actor


def _text_line(entry: ConversationEntry, deps: ExportDeps, about: str) -> list[str]:
    when = _local(entry.at, deps)
    if entry.kind is EntryKind.MARKER:
        details = ", ".join(f"{k}: {v}" for k, v in sorted(entry.details.items()))
        return ["event", when, "", entry.marker, about, entry.phone, details]
    text = _with_media(entry)
    if entry.direction is Direction.INBOUND:
        return ["text received", when, about, entry.status, about, entry.phone, text]
    sender = "automatic reply" if entry.kind is EntryKind.SYSTEM else _who(entry.author_id, deps)
    return ["text sent", when, sender, entry.status, about, entry.phone, text]


def _with_media(entry: ConversationEntry) -> str:
    """The text's body, then its photos and files by name, type and size (never a URL)."""
    attached = listing(entry.media)
    return f"{entry.body}\n[attachments: {attached}]" if attached else entry.body


def _audit_rows(
    deps: ExportDeps, search: Search, since: datetime, until: datetime
) -> list[AuditEntry]:
    """Oldest first, up to MAX_ROWS + 1 (one more tells the file was cut)."""
    found: list[AuditEntry] = []
    after = None
    while len(found) <= MAX_ROWS:
        if search.client is not None:
            actor = search.staff.user_id if search.staff else None
            subject = client_subject(search.client.client_id)
            page = deps.trail.pages.of_subject(subject, since, until, 500, after, actor)
        else:
            assert search.staff is not None
            page = deps.trail.pages.of_actor(search.staff.user_id, since, until, 500, after)
        found.extend(page.entries)
        if page.after is None:
            break
        after = page.after
    found.sort(key=lambda e: e.at or e.at_id)
    return found


def _audit_line(row: AuditEntry, deps: ExportDeps, about: str) -> list[str]:
    when = row.when
    details = ", ".join(f"{k}: {v}" for k, v in sorted(row.details.items()))
    target = about or row.subject
    return [
        "audit",
        _local(when, deps) if when else "",
        _who(row.actor, deps),
        row.action.replace("_", " "),
        target,
        "",
        details,
    ]
