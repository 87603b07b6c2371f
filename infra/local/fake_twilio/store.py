"""Thread-safe in-memory message store shared by the REST API, callbacks and simulator.

Messages are kept as dicts already in Twilio's JSON shape so every reader (SDK, tests,
simulator) sees exactly what real Twilio would return; callers always get copies.
"""

from __future__ import annotations

import copy
import threading
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from chalicelib.domain.segments import count_segments

from .constants import API_VERSION, OPTED_OUT_NUMBER

Message = dict[str, Any]


def new_sid(prefix: str) -> str:
    """Twilio SIDs are a two-letter type prefix plus 32 lowercase hex characters."""
    return prefix + uuid.uuid4().hex


def rfc2822_now() -> str:
    """Twilio's v2010 API formats dates as RFC 2822 in UTC ("Thu, 30 Jul 2015 20:12:31 +0000")."""
    return format_datetime(datetime.now(UTC).replace(microsecond=0))


class MessageStore:
    """Messages in creation order plus the opt-out list, guarded by one lock."""

    def __init__(self, account_sid: str) -> None:
        self._account_sid = account_sid
        self._lock = threading.Lock()
        self._messages: dict[str, Message] = {}  # insertion order == creation order
        self._media: dict[str, tuple[str, ...]] = {}
        self._opt_outs: set[tuple[str, str]] = set()

    def messages_uri(self, sid: str | None = None) -> str:
        """Relative URI of the collection or of one message, as Twilio reports it."""
        base = f"/{API_VERSION}/Accounts/{self._account_sid}/Messages"
        return f"{base}/{sid}.json" if sid else f"{base}.json"

    def add(
        self,
        *,
        to: str,
        from_: str,
        body: str,
        direction: str,
        status: str,
        media_urls: tuple[str, ...] = (),
        sid: str | None = None,
        num_media: int | None = None,
    ) -> Message:
        """Record a message and return its Twilio JSON.

        ``media_urls`` are links kept as given; media the fake holds itself (media.py)
        counts in ``num_media`` (default: the number of links)."""
        sid = sid or new_sid("SM")
        now = rfc2822_now()
        message: Message = {
            "account_sid": self._account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": now if direction == "inbound" else None,
            "date_updated": now,
            "direction": direction,
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": None,
            "num_media": str(len(media_urls) if num_media is None else num_media),
            "num_segments": str(count_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": status,
            "subresource_uris": {"media": self.messages_uri(sid).replace(".json", "/Media.json")},
            "to": to,
            "uri": self.messages_uri(sid),
        }
        with self._lock:
            self._messages[sid] = message
            self._media[sid] = tuple(media_urls)
            return copy.deepcopy(message)

    def get(self, sid: str) -> Message | None:
        """One message's JSON, or None when unknown (or deleted)."""
        with self._lock:
            found = self._messages.get(sid)
            return copy.deepcopy(found) if found else None

    def media_urls(self, sid: str) -> tuple[str, ...]:
        """Media URLs sent with a message; Twilio only exposes them via a subresource."""
        with self._lock:
            return self._media.get(sid, ())

    def set_status(
        self, sid: str, status: str, error: tuple[int, str] | None = None
    ) -> Message | None:
        """Advance a message's delivery status the way Twilio's status callbacks do."""
        with self._lock:
            message = self._messages.get(sid)
            if message is None:
                return None
            now = rfc2822_now()
            message["status"] = status
            message["date_updated"] = now
            if status == "sent":
                message["date_sent"] = now
            if error:
                message["error_code"], message["error_message"] = error
            return copy.deepcopy(message)

    def delete(self, sid: str) -> bool:
        """Remove a message; True when it existed."""
        with self._lock:
            self._media.pop(sid, None)
            return self._messages.pop(sid, None) is not None

    def snapshot(self, to: str | None = None, from_: str | None = None) -> list[Message]:
        """All messages matching the filters, newest first (Twilio's list order)."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in reversed(self._messages.values())
                if (to is None or m["to"] == to) and (from_ is None or m["from"] == from_)
            ]

    def conversation(self, phone: str) -> list[Message]:
        """Every message to or from one phone, oldest first, for a chat-style view."""
        with self._lock:
            return [
                copy.deepcopy(m) for m in self._messages.values() if phone in (m["to"], m["from"])
            ]

    def recipients(self, exclude: set[str]) -> list[str]:
        """Phones that received outbound texts, most recent first (simulator shortcuts)."""
        seen: list[str] = []
        with self._lock:
            for message in reversed(self._messages.values()):
                phone = message["to"]
                if phone not in exclude and phone not in seen:
                    seen.append(phone)
        return seen

    def opt_out(self, phone: str, sender: str) -> None:
        """Remember that a phone texted STOP to one of our numbers."""
        with self._lock:
            self._opt_outs.add((phone, sender))

    def opt_in(self, phone: str, sender: str) -> None:
        """Undo an opt-out after START/UNSTOP, as Twilio does."""
        with self._lock:
            self._opt_outs.discard((phone, sender))

    def is_opted_out(self, phone: str, sender: str) -> bool:
        """Twilio refuses (21610) to text a phone that opted out of this sender."""
        if phone == OPTED_OUT_NUMBER:
            return True
        with self._lock:
            return (phone, sender) in self._opt_outs
