"""Twilio's Media subresource of a Message, the media URL itself, and the fake's media knobs.

- ``GET …/Messages/{MessageSid}/Media/{MediaSid}`` (the MediaUrl of an inbound MMS): with
  "HTTP Basic Authentication for media" on (the fake's default, and what the app must
  cope with) a request without the account SID and an auth token gets 401 (20003). An
  answered GET redirects (307) to a short-lived CDN URL that needs no credentials, as
  Twilio redirects to mms.twiliocdn.com; that URL serves the bytes with their
  Content-Type. Media faults (faults.py, ``on="media"``) make this GET slow, fail or 404.
- ``GET …/Media/{MediaSid}.json`` and ``GET …/Messages/{MessageSid}/Media.json`` (key
  ``media_list``): the resource's JSON (sid, parent_sid, account_sid, content_type,
  date_created, date_updated, uri), always behind the REST API's basic auth.
- ``DELETE …/Media/{MediaSid}.json``: 204, then every GET above answers 404 (20404).

``/_fake/media`` on the fake's port: GET shows ``basic_auth``, every media item and the
ordered GET/DELETE events; POST ``{"basic_auth": false}`` switches the setting.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from . import constants as c
from .account import AuthTokens, basic_auth_user, unauthorised
from .faults import MEDIA, FaultPlan, faulty_reply
from .media_store import MediaStore, StoredMedia
from .replies import Form, Reply, first_value, int_or, json_reply, not_allowed, not_found

_MEDIA = re.compile(
    rf"^/{c.API_VERSION}/Accounts/(?P<account>[^/]+)/Messages/(?P<message>[^/]+)"
    r"/Media(?:/(?P<sid>[^/.]+))?(?P<json>\.json)?$"
)
DOWNLOAD = "download"  # a GET of the CDN URL a media GET redirected to


class MediaApi:
    """Answers media URLs, the Media REST resource, the CDN URLs and the control path."""

    def __init__(
        self,
        store: MediaStore,
        account_sid: str,
        tokens: AuthTokens,
        faults: FaultPlan,
        base_url: Callable[[], str],
        stopping: threading.Event,
    ) -> None:
        self._store = store
        self._account_sid = account_sid
        self._tokens = tokens
        self._faults = faults
        self._base_url = base_url
        self._stopping = stopping
        self.basic_auth = True  # Twilio's "Enforce HTTP Auth on Media URLs"
        self._cdn_lock = threading.Lock()
        self._cdn: dict[str, tuple[str, float]] = {}  # token -> (MediaSid, expires at)

    def handles(self, path: str) -> bool:
        return _MEDIA.match(path) is not None

    def media_url(self, item: StoredMedia) -> str:
        """The MediaUrl Twilio puts in an inbound webhook: the resource URI without .json."""
        return self._base_url() + self._store.uri(item.parent_sid, item.sid).removesuffix(".json")

    # the REST side -----------------------------------------------------------------------
    def handle(self, method: str, path: str, query: Form, authorization: str | None) -> Reply:
        match = _MEDIA.match(path)
        if match is None or match["account"] != self._account_sid:
            return not_found(path)
        message, sid = match["message"], match["sid"]
        if sid is not None and method == "GET" and not match["json"]:
            return self._raw_get(message, sid, authorization)
        if not self._authorised(authorization):
            return unauthorised()
        if sid is None:
            if match["json"] and method == "GET":
                return self._list(message, query)
            return not_allowed(method, path) if match["json"] else not_found(path)
        if method == "GET":
            item = self._store.get(sid, message)
            return json_reply(200, self._store.as_json(item)) if item else not_found(path)
        if method == "DELETE":
            deleted = self._store.delete(sid, message)
            return Reply(204, content_type="") if deleted else not_found(path)
        return not_allowed(method, path)

    def _authorised(self, header: str | None) -> bool:
        user = basic_auth_user(header, self._tokens)
        return user is not None and hmac.compare_digest(user.encode(), self._account_sid.encode())

    def _raw_get(self, message: str, sid: str, authorization: str | None) -> Reply:
        """The media URL: basic auth when on, then any media fault, then the redirect."""
        if self.basic_auth and not self._authorised(authorization):
            reply = unauthorised()
        else:
            fault = self._faults.take(sid, on=MEDIA)

            def answer() -> Reply:
                return self._redirect(message, sid)

            reply = answer() if fault is None else faulty_reply(fault, answer, self._stopping)
        self._store.record_get(sid, reply.status)
        return reply

    def _redirect(self, message: str, sid: str) -> Reply:
        item = self._store.get(sid, message)
        if item is None:
            return not_found(self._store.uri(message, sid).removesuffix(".json"))
        token = secrets.token_hex(16)
        with self._cdn_lock:
            self._cdn[token] = (sid, time.time() + c.MEDIA_CDN_SECONDS)
        location = f"{self._base_url()}{c.MEDIA_CDN_PREFIX}{self._account_sid}/{token}"
        return Reply(307, content_type="", headers={"Location": location})

    def _list(self, message: str, query: Form) -> Reply:
        """Media.json with Twilio's paging envelope (PageSize, Page)."""
        items = [self._store.as_json(m) for m in self._store.of_message(message)]
        size = min(max(int_or(first_value(query, "PageSize"), c.DEFAULT_PAGE_SIZE), 1), 1000)
        page = max(int_or(first_value(query, "Page"), 0), 0)
        chunk = items[page * size : (page + 1) * size]
        base = self._store.uri(message)

        def uri(number: int) -> str:
            return f"{base}?PageSize={size}&Page={number}"

        more = (page + 1) * size < len(items)
        return json_reply(
            200,
            {
                "media_list": chunk,
                "end": page * size + max(len(chunk) - 1, 0),
                "first_page_uri": uri(0),
                "next_page_uri": uri(page + 1) if more else None,
                "page": page,
                "page_size": size,
                "previous_page_uri": uri(page - 1) if page > 0 else None,
                "start": page * size,
                "uri": uri(page),
            },
        )

    # the CDN URL a media GET redirects to ------------------------------------------------
    def handles_cdn(self, path: str) -> bool:
        return path.startswith(c.MEDIA_CDN_PREFIX)

    def cdn_get(self, method: str, path: str) -> Reply:
        """Bytes with their Content-Type while the link lives and the media is kept."""
        token = path.rsplit("/", 1)[-1]
        with self._cdn_lock:
            sid, expires = self._cdn.get(token, ("", 0.0))
        item = self._store.get(sid) if sid and time.time() < expires else None
        if method != "GET":
            reply = json_reply(405, {"error": "method not allowed"})
        elif item is None:
            reply = not_found(path)
        else:
            headers = {"Cache-Control": "private, max-age=14400"}
            reply = Reply(200, item.data, item.content_type, headers)
        if sid:
            self._store.record_get(sid, reply.status, kind=DOWNLOAD)
        return reply

    # /_fake/media ------------------------------------------------------------------------
    def control(self, method: str, body: bytes) -> Reply:
        if method == "POST":
            try:
                data = json.loads(body or b"{}")
                if not isinstance(data, dict) or not isinstance(data.get("basic_auth"), bool):
                    raise ValueError('send {"basic_auth": true} or {"basic_auth": false}')
            except ValueError as exc:
                return json_reply(400, {"error": str(exc)})
            self.basic_auth = data["basic_auth"]
        elif method != "GET":
            return json_reply(405, {"error": "use GET or POST"})
        return json_reply(200, self.report(), {"Cache-Control": "no-store"})

    def report(self) -> dict[str, Any]:
        """The setting, every item (no bytes) and the ordered events."""
        media = [
            {
                "sid": m.sid,
                "parent_sid": m.parent_sid,
                "content_type": m.content_type,
                "size": len(m.data),
                "deleted_at": m.deleted_at,
            }
            for m in self._store.all_items()
        ]
        events = [e.as_json() for e in self._store.events()]
        return {"basic_auth": self.basic_auth, "media": media, "events": events}
