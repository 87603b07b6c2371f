"""Conversation entries under their client, newest first, paged by a cursor."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from ..domain.conversation import ConversationEntry, Direction, EntryKind
from .models import ConversationEntryModel


def entry_key(at: datetime, entry_id: str) -> str:
    """Sort key: an ISO time that sorts as text, then an id that keeps equal times apart."""
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{entry_id}"


def new_entry_id() -> str:
    return secrets.token_hex(8)


def to_row(entry: ConversationEntry) -> ConversationEntryModel:
    return ConversationEntryModel(
        entry.client_id,
        entry_key(entry.at, entry.entry_id),
        kind=entry.kind.value,
        at=entry.at,
        body=entry.body,
        direction=entry.direction.value if entry.direction else None,
        phone=entry.phone or None,
        status=entry.status or None,
        author_id=entry.author_id or None,
        marker=entry.marker or None,
        details=dict(entry.details) if entry.details else None,
    )


def to_entry(row: ConversationEntryModel) -> ConversationEntry:
    return ConversationEntry(
        client_id=row.client_id,
        entry_id=row.entry_key.rsplit("#", 1)[-1],
        at=row.at,
        kind=EntryKind(row.kind),
        body=row.body or "",
        direction=Direction(row.direction) if row.direction else None,
        phone=row.phone or "",
        status=row.status or "",
        author_id=row.author_id or "",
        marker=row.marker or "",
        details=row.details.as_dict() if row.details else {},
    )


class ConversationStore:
    def add(self, entry: ConversationEntry) -> None:
        to_row(entry).save(condition=ConversationEntryModel.entry_key.does_not_exist())

    def newest(
        self, client_id: str, limit: int = 50, before: str | None = None
    ) -> tuple[list[ConversationEntry], str | None]:
        """One page, newest first, and the cursor for the page before it (None at the start)."""
        condition = ConversationEntryModel.entry_key < before if before else None
        rows = ConversationEntryModel.query(
            client_id,
            range_key_condition=condition,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
        )
        found = list(rows)
        more = rows.last_evaluated_key is not None and len(found) == limit
        cursor = found[-1].entry_key if more else None
        return [to_entry(row) for row in found], cursor
