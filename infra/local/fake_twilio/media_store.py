"""Media kept by the fake, as Twilio keeps an MMS's media until someone DELETEs it.

Every piece of media belongs to one message (its ``parent_sid``): media a phone sent in an
inbound MMS, and media the fake fetched from an outbound MediaUrl. A deleted item stays
here for the simulator, because the phone still holds its own copy of the picture; the
REST API and the media URL treat it as gone (404).

Every GET of a media URL and every DELETE lands in an ordered event record, so tests can
ask "was ME… deleted, when, and was it fetched first" (``events``, ``deleted_at``).
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from .constants import API_VERSION
from .store import new_sid, rfc2822_now

GET, DELETE = "get", "delete"


@dataclass(frozen=True)
class MediaFile:
    """Bytes and their content type: what a phone attaches, or a MediaUrl answered."""

    content_type: str
    data: bytes


@dataclass(frozen=True)
class StoredMedia:
    """One Media resource: its sid, message, bytes and, once deleted, when (epoch s)."""

    sid: str
    parent_sid: str
    content_type: str
    data: bytes
    date_created: str
    deleted_at: float | None = None


@dataclass(frozen=True)
class MediaEvent:
    """A GET of a media URL, a download from the CDN URL it redirected to, or a DELETE
    of a Media resource, in the order they happened (kind "get", "download", "delete").

    ``at`` is epoch seconds; ``status`` the HTTP status answered (a dropped connection: 0).
    """

    seq: int
    kind: str
    sid: str
    at: float
    status: int

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "sid": self.sid,
            "at": self.at,
            "status": self.status,
        }


class MediaStore:
    """Media resources by sid and the event record, under one lock."""

    def __init__(self, account_sid: str) -> None:
        self._account_sid = account_sid
        self._lock = threading.Lock()
        self._items: dict[str, StoredMedia] = {}  # insertion order == creation order
        self._events: list[MediaEvent] = []
        self._seq = itertools.count(1)

    def add(self, parent_sid: str, media: MediaFile) -> StoredMedia:
        """Keep one piece of media of a message; returns it with its new ME sid."""
        item = StoredMedia(new_sid("ME"), parent_sid, media.content_type, media.data, rfc2822_now())
        with self._lock:
            self._items[item.sid] = item
        return item

    def get(self, sid: str, parent_sid: str | None = None) -> StoredMedia | None:
        """A media item not deleted (of that message, when given), else None."""
        with self._lock:
            item = self._items.get(sid)
        if item is None or item.deleted_at is not None:
            return None
        return item if parent_sid in (None, item.parent_sid) else None

    def phone_copy(self, sid: str) -> StoredMedia | None:
        """The item even after a DELETE: what the phone itself still shows."""
        with self._lock:
            return self._items.get(sid)

    def of_message(self, parent_sid: str, include_deleted: bool = False) -> list[StoredMedia]:
        """A message's media in the order it was attached."""
        with self._lock:
            items = [m for m in self._items.values() if m.parent_sid == parent_sid]
        return [m for m in items if include_deleted or m.deleted_at is None]

    def delete(self, sid: str, parent_sid: str | None = None) -> bool:
        """Mark one item deleted and record it; False when unknown or already deleted."""
        with self._lock:
            item = self._items.get(sid)
            if item is None or item.deleted_at is not None:
                return False
            if parent_sid is not None and item.parent_sid != parent_sid:
                return False
            now = time.time()
            self._items[sid] = replace(item, deleted_at=now)
            self._events.append(MediaEvent(next(self._seq), DELETE, sid, now, 204))
            return True

    def delete_message(self, parent_sid: str) -> None:
        """Twilio deletes a message's media with the message (since October 2020)."""
        for item in self.of_message(parent_sid):
            self.delete(item.sid)

    def record_get(self, sid: str, status: int, kind: str = GET) -> None:
        """A GET of the media URL (or, kind "download", of the CDN URL it redirected to)."""
        with self._lock:
            self._events.append(MediaEvent(next(self._seq), kind, sid, time.time(), status))

    def all_items(self) -> list[StoredMedia]:
        with self._lock:
            return list(self._items.values())

    def events(self, sid: str | None = None) -> list[MediaEvent]:
        with self._lock:
            return [e for e in self._events if sid is None or e.sid == sid]

    def deleted_at(self, sid: str) -> float | None:
        """When the media was deleted (epoch seconds), or None while it is still kept."""
        with self._lock:
            item = self._items.get(sid)
        return item.deleted_at if item is not None else None

    def uri(self, parent_sid: str, sid: str | None = None) -> str:
        """Relative URI of a message's media list, or of one item (``.json``)."""
        base = f"/{API_VERSION}/Accounts/{self._account_sid}/Messages/{parent_sid}/Media"
        return f"{base}/{sid}.json" if sid else f"{base}.json"

    def as_json(self, item: StoredMedia) -> dict[str, Any]:
        """The Media resource in Twilio's JSON shape."""
        return {
            "account_sid": self._account_sid,
            "content_type": item.content_type,
            "date_created": item.date_created,
            "date_updated": item.date_created,
            "parent_sid": item.parent_sid,
            "sid": item.sid,
            "uri": self.uri(item.parent_sid, item.sid),
        }
