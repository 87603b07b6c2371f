"""A conversation belongs to a client: texts both ways plus markers (transfers, number changes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .delivery import PROBLEMS, explain
from .sentiment import tone


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
    sid: str = ""
    error_code: int | None = None
    sentiment: float | None = None
    segments: int | None = None
    from_old_number: bool = False

    @property
    def tone(self) -> str:
        return tone(self.sentiment)

    @property
    def problem(self) -> str:
        """Plain-language reason a text did not arrive, if it did not."""
        return explain(self.error_code) if self.status in PROBLEMS else ""


def transfer_marker_text(from_name: str, to_name: str, by_name: str) -> str:
    return f"Moved from {from_name}'s caseload to {to_name}'s by {by_name}."
