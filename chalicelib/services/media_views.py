"""Seeing a text's photo or file: who may, which object, and the audit row that says so.

A photo is never a public link. The viewer asks the app's route; this checks them as the
conversation page does (a case manager: their caseload; a supervisor: their department;
a waiting number's texts: its department), finds the item, writes ``view_media`` to the
audit trail, and only then signs a URL that works for VIEW_SECONDS. A thumbnail is a view
too (issue 22: every view is disclosable), so a page of ten photos writes ten rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..domain.conversation import ConversationEntry
from ..domain.errors import NotFound
from ..domain.media import MediaItem, MediaState
from ..domain.media_display import has_thumbnail, key_of_ref, opens_inline
from ..domain.users import User
from ..store.audit import AuditStore, client_subject
from ..store.clients import ClientStore
from ..store.partitions import audit_subject, unclaimed_partition
from ..store.unclaimed import UnclaimedStore
from .caseload import open_client
from .unclaimed import waiting_number

VIEW_SECONDS = 60  # long enough for the browser to follow the redirect, too short to share


class Entries(Protocol):
    def one(self, client_id: str, key: str) -> ConversationEntry | None: ...


class Signer(Protocol):
    def view_url(
        self, key: str, filename: str, inline: bool = True, seconds: int = VIEW_SECONDS
    ) -> str: ...


@dataclass(frozen=True)
class MediaRequest:
    """Which item of which entry (the route's path), and whether the thumbnail."""

    entry_ref: str
    index: str
    thumb: bool = False


def view_client_media(
    user: User,
    clients: ClientStore,
    entries: Entries,
    audit: AuditStore,
    bucket: Signer,
    client_id: str,
    asked: MediaRequest,
) -> str:
    """The signed URL of a client's photo or file, after the audit row is stored."""
    client = open_client(user, clients, client_id)
    entry, item = stored_item(entries, client.client_id, asked)
    _record(audit, client_subject(client.client_id), user, entry, item, asked)
    return signed(bucket, item, asked.thumb)


def view_waiting_media(
    user: User,
    unclaimed: UnclaimedStore,
    entries: Entries,
    audit: AuditStore,
    bucket: Signer,
    digits: str,
    asked: MediaRequest,
) -> str:
    """The same for a text from a number still in the department's unclaimed queue."""
    found = waiting_number(user, unclaimed, digits)
    partition = unclaimed_partition(found.department_id, found.phone)
    entry, item = stored_item(entries, partition, asked)
    _record(audit, audit_subject(partition), user, entry, item, asked)
    return signed(bucket, item, asked.thumb)


def stored_item(
    entries: Entries, partition: str, asked: MediaRequest
) -> tuple[ConversationEntry, MediaItem]:
    """The entry and its stored item, or NotFound (no such entry or item, not stored yet,
    refused, or no thumbnail asked for one)."""
    key = key_of_ref(asked.entry_ref)
    entry = entries.one(partition, key) if key else None
    item = next((m for m in entry.media if str(m.index) == asked.index), None) if entry else None
    if entry is None or item is None or item.state is not MediaState.STORED or not item.key:
        raise NotFound("There is no such photo or file, or it has not arrived yet.")
    if asked.thumb and not has_thumbnail(item):
        raise NotFound("This file has no small copy.")
    return entry, item


def signed(bucket: Signer, item: MediaItem, thumb: bool) -> str:
    if thumb:
        return bucket.view_url(item.thumb_key, "thumbnail.jpg", True, VIEW_SECONDS)
    return bucket.view_url(item.key, item.name, opens_inline(item), VIEW_SECONDS)


def _record(
    audit: AuditStore,
    subject: str,
    user: User,
    entry: ConversationEntry,
    item: MediaItem,
    asked: MediaRequest,
) -> None:
    """Ids only: never the URL, which would let a reader of the trail open the photo."""
    size = "thumb" if asked.thumb else "full"
    audit.record(
        subject, user.user_id, "view_media", entry=entry.entry_id, item=item.index, size=size
    )
