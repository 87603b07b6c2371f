"""A conversation belongs to a client: texts both ways plus markers (transfers, number changes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EntryKind(StrEnum):
    TEXT = "text"
    MARKER = "marker"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


@dataclass(frozen=True)
class ConversationEntry:
    """One line of a conversation. Markers carry ``marker`` (what happened) and ``details``."""

    client_id: str
    entry_id: str
    at: datetime
    kind: EntryKind
    body: str = ""
    direction: Direction | None = None
    phone: str = ""
    status: str = ""
    author_id: str = ""
    marker: str = ""
    details: dict[str, str] = field(default_factory=dict)


def transfer_marker_text(from_name: str, to_name: str, by_name: str) -> str:
    return f"Moved from {from_name}'s caseload to {to_name}'s by {by_name}."
