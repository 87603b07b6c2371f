"""A conversation belongs to a client: texts both ways plus markers (transfers, number changes)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from .delivery import explain_status
from .media import MediaItem
from .sentiment import tone


class EntryKind(StrEnum):
    TEXT = "text"
    MARKER = "marker"
    SYSTEM = "system"  # a text no person wrote: an auto-reply (see domain/system_texts.py)


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
    media: tuple[MediaItem, ...] = ()  # photos and files it carries (domain/media.py)

    @property
    def tone(self) -> str:
        return tone(self.sentiment)

    @property
    def automatic(self) -> str:
        """How an automatic reply is marked everywhere it is shown; "" for other entries."""
        if self.kind is not EntryKind.SYSTEM:
            return ""
        from .system_texts import describe

        return describe(self)

    @property
    def problem(self) -> str:
        """Plain-language reason a text did not arrive (or may not have), if so."""
        return explain_status(self.status, self.error_code)

    @property
    def sort_key(self) -> str:
        """Where the entry stands in its conversation (see ``sort_key``)."""
        return sort_key(self.at, self.entry_id)


def sort_key(at: datetime, entry_id: str) -> str:
    """The conversation's order: an ISO time that sorts as text, then an id that keeps
    equal times apart. The store keys entries by it; a page inserts a pushed one by it."""
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{entry_id}"


def new_entry_id() -> str:
    return secrets.token_hex(8)


def marker(
    client_id: str, name: str, body: str, author_id: str = "", details: dict[str, str] | None = None
) -> ConversationEntry:
    """A line in the conversation saying what happened (a move, a number change, STOP)."""
    return ConversationEntry(
        client_id=client_id,
        entry_id=new_entry_id(),
        at=datetime.now(UTC),
        kind=EntryKind.MARKER,
        marker=name,
        body=body,
        author_id=author_id,
        details=details or {},
    )


def transfer_marker_text(from_name: str, to_name: str, by_name: str) -> str:
    return f"Moved from {from_name}'s caseload to {to_name}'s by {by_name}."
