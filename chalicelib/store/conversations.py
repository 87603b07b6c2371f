"""Conversation entries under their client, newest first, paged by a cursor."""

from __future__ import annotations

from datetime import UTC, datetime

from ..domain.conversation import ConversationEntry, Direction, EntryKind, sort_key
from ..domain.delivery import rank
from ..domain.media import MediaItem, MediaState
from .models import ConversationEntryModel, MediaItemAttribute


def entry_key(at: datetime, entry_id: str) -> str:
    """Sort key: an ISO time that sorts as text, then an id that keeps equal times apart."""
    return sort_key(at, entry_id)


def time_of_key(key: str) -> datetime:
    """The time an entry's sort key starts with (see ``entry_key``)."""
    stamp = key.split("#", 1)[0]
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


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
        sid=entry.sid or None,
        status_rank=rank(entry.status) if entry.status else None,
        error_code=entry.error_code,
        sentiment=entry.sentiment,
        segments=entry.segments,
        from_old_number=entry.from_old_number or None,
        media=[media_row(item) for item in entry.media] or None,
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
        sid=row.sid or "",
        error_code=int(row.error_code) if row.error_code is not None else None,
        sentiment=float(row.sentiment) if row.sentiment is not None else None,
        segments=int(row.segments) if row.segments is not None else None,
        from_old_number=bool(row.from_old_number),
        media=tuple(media_item(item) for item in row.media or ()),
    )


def media_row(item: MediaItem) -> MediaItemAttribute:
    return MediaItemAttribute(
        index=item.index,
        content_type=item.content_type,
        state=item.state.value,
        key=item.key or None,
        thumb_key=item.thumb_key or None,
        size=item.size,
        name=item.name or None,
        note=item.note or None,
    )


def media_item(row: MediaItemAttribute) -> MediaItem:
    return MediaItem(
        index=int(row.index),
        content_type=row.content_type,
        state=MediaState(row.state),
        key=row.key or "",
        thumb_key=row.thumb_key or "",
        size=int(row.size) if row.size is not None else None,
        name=row.name or "",
        note=row.note or "",
    )


class ConversationStore:
    def add(self, entry: ConversationEntry) -> None:
        to_row(entry).save(condition=ConversationEntryModel.entry_key.does_not_exist())

    def one(self, client_id: str, key: str) -> ConversationEntry | None:
        """The entry at ``key`` (its sort key) under ``client_id``, or None: one GetItem
        (a media view finds the text that carries the photo)."""
        try:
            return to_entry(ConversationEntryModel.get(client_id, key))
        except ConversationEntryModel.DoesNotExist:
            return None

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

    def everything(self, client_id: str, limit: int) -> list[ConversationEntry]:
        """The conversation, oldest first, up to ``limit`` entries (exports and print; paged
        by PynamoDB). Ask for one more than you can use to learn whether it was cut."""
        rows = ConversationEntryModel.query(client_id, limit=limit, page_size=min(limit, 1000))
        return [to_entry(row) for row in rows]
