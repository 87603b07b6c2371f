"""The phone simulator: a web page plus a tiny JSON API that also suits scripts.

It shows the conversation one pretend phone has with the department numbers and lets a
person reply as that phone, so the whole texting loop can be tried without real phones.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import constants as c
from .inbound import InboundResult
from .media_store import MediaFile, MediaStore
from .replies import Reply, json_reply
from .samples import sample
from .store import Message, MessageStore

STATIC_DIR = Path(__file__).with_name("static")
STATIC_FILES = {
    "simulator.js": "text/javascript; charset=utf-8",
    "simulator.css": "text/css; charset=utf-8",
}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_PHONE_MESSAGES = re.compile(r"^/simulator/api/phones/(?P<phone>[^/]+)/messages$")
_PHONE_MEDIA = re.compile(r"^/simulator/media/(?P<sid>ME[0-9a-f]{32})$")
_CONTENT_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
MAX_JSON_BYTES = 16 * 1024 * 1024  # room for a few MB of media, base64-encoded

SendInbound = Callable[[str, str, str, tuple[str, ...], tuple[MediaFile, ...]], InboundResult]


class Simulator:
    """Serves the page, its static files and /simulator/api/* endpoints."""

    def __init__(
        self,
        store: MessageStore,
        owned_numbers: Mapping[str, str],
        send_inbound: SendInbound,
        media: MediaStore | None = None,
    ) -> None:
        self._store = store
        self._owned = owned_numbers
        self._send_inbound = send_inbound
        self._media = media

    def handle(self, method: str, path: str, content_type: str, body: bytes) -> Reply | None:
        """A reply for simulator paths, or None so the server can answer 404."""
        if path in ("/", "/simulator", "/simulator/"):
            return (
                self._static("simulator.html", "text/html; charset=utf-8")
                if method == "GET"
                else _bad_method()
            )
        if path == "/favicon.ico":
            return Reply(204, content_type="")  # keeps browser consoles free of 404 noise
        if path.startswith("/simulator/static/"):
            name = path.removeprefix("/simulator/static/")
            if name in STATIC_FILES and method == "GET":
                return self._static(name, STATIC_FILES[name])
            return None
        if path == "/simulator/api/config" and method == "GET":
            return json_reply(200, self._config(), headers=_no_store())
        if path == "/simulator/api/phones" and method == "GET":
            return json_reply(200, {"phones": self._phones()}, headers=_no_store())
        match = _PHONE_MESSAGES.match(path)
        if match and method == "GET":
            phone = unquote(match["phone"])
            messages = [self._view(m, phone) for m in self._store.conversation(phone)]
            payload = {"phone": phone, "messages": [m for m in messages if m]}
            return json_reply(200, payload, headers=_no_store())
        if path == "/simulator/api/inbound":
            return self._inbound(content_type, body) if method == "POST" else _bad_method()
        media_match = _PHONE_MEDIA.match(path)
        if media_match and method == "GET":
            return self._phone_media(media_match["sid"])
        return None

    def _phone_media(self, sid: str) -> Reply | None:
        """The phone's own copy of a picture it sent or received (kept after a DELETE)."""
        item = self._media.phone_copy(sid) if self._media else None
        if item is None:
            return None
        headers = {**PAGE_HEADERS, "Content-Security-Policy": "default-src 'none'"}
        return Reply(200, item.data, item.content_type, headers)

    def _static(self, name: str, content_type: str) -> Reply:
        data = (STATIC_DIR / name).read_bytes()
        return Reply(200, data, content_type, dict(PAGE_HEADERS))

    def _config(self) -> dict[str, Any]:
        numbers = [{"number": n, "label": label} for n, label in self._owned.items()]
        return {"numbers": numbers, "phones": self._phones()}

    def _phones(self) -> list[str]:
        return self._store.recipients(exclude=set(self._owned))[:8]

    def _view(self, message: Message, phone: str) -> dict[str, Any] | None:
        """A message as the phone sees it, or None when it isn't with a department."""
        incoming = message["to"] == phone
        department = message["from"] if incoming else message["to"]
        if department not in self._owned:
            return None
        return {
            "sid": message["sid"],
            "incoming": incoming,
            "department": department,
            "department_label": self._owned[department],
            "body": message["body"],
            "status": message["status"],
            "error_code": message["error_code"],
            "date_created": message["date_created"],
            **self._media_view(message["sid"]),
        }

    def _media_view(self, sid: str) -> dict[str, list[Any]]:
        """Media the fake holds (shown from /simulator/media/), else the links as given."""
        held = self._media.of_message(sid, include_deleted=True) if self._media else []
        return {
            "media": [
                {"url": f"/simulator/media/{m.sid}", "content_type": m.content_type} for m in held
            ],
            "media_urls": [] if held else list(self._store.media_urls(sid)),
        }

    def _inbound(self, content_type: str, body: bytes) -> Reply:
        """POST {from, to, body[, media_urls][, media]} as JSON: the phone texts a department.

        ``media`` lists attachments: ``{"sample": "jpeg"}`` (jpeg, png, gif, heic, pdf) or
        ``{"content_type": "image/png", "data": "<base64>"}``.
        """
        if content_type.split(";")[0].strip().lower() != "application/json":
            return json_reply(415, {"error": "send JSON with Content-Type: application/json"})
        if len(body) > MAX_JSON_BYTES:
            return json_reply(413, {"error": "request too large"})
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return json_reply(400, {"error": "body is not valid JSON"})
        if not isinstance(data, dict):
            return json_reply(400, {"error": "expected a JSON object"})
        fields = (data.get("from"), data.get("to"), data.get("body", ""))
        media = data.get("media_urls", [])
        if not all(isinstance(v, str) for v in fields) or not isinstance(media, list):
            return json_reply(400, {"error": "from, to and body must be strings"})
        from_, to, text = (str(value) for value in fields)
        try:
            files = attachments(data.get("media", []))
            result = self._send_inbound(from_, to, text, tuple(str(u) for u in media), files)
        except ValueError as exc:
            return json_reply(400, {"error": str(exc)})
        return json_reply(
            200,
            {
                "message_sid": result.message_sid,
                "status_code": result.status_code,
                "twiml": result.body,
                "replies": list(result.replies),
                "error": result.error,
            },
        )


def attachments(listed: object) -> tuple[MediaFile, ...]:
    """The ``media`` of a simulator request as files; ValueError says what is wrong."""
    if not isinstance(listed, list) or len(listed) > c.MAX_MEDIA:
        raise ValueError(f"media must be a list of at most {c.MAX_MEDIA} attachments")
    files = []
    for entry in listed:
        if not isinstance(entry, dict):
            raise ValueError("each media entry must be an object")
        if "sample" in entry:
            files.append(sample(str(entry["sample"])))
            continue
        kind, data = entry.get("content_type"), entry.get("data")
        if not isinstance(kind, str) or not _CONTENT_TYPE.match(kind):
            raise ValueError("each media entry needs a content_type such as image/jpeg")
        try:
            decoded = base64.b64decode(data if isinstance(data, str) else "", validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("media data must be base64") from None
        if not decoded:
            raise ValueError("media data must not be empty")
        files.append(MediaFile(kind.lower(), decoded))
    return tuple(files)


def _no_store() -> dict[str, str]:
    return {"Cache-Control": "no-store"}


def _bad_method() -> Reply:
    return json_reply(405, {"error": "method not allowed"})
