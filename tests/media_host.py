"""A loopback stand-in for Twilio's Media resource, for the inbound-media tests.

It speaks the contract the fake Twilio's media follows (issue 22, helper D): a MediaUrl
``{base}/2010-04-01/Accounts/{AC}/Messages/{MM}/Media/{ME}``; GET needs basic auth
(account SID, auth token) and returns the bytes; DELETE ``….json`` answers 204. It counts
every call and keeps their order, so a test can prove "copied before deleted" and "never
downloaded twice". Until the fake Twilio serves media itself, tests put files here.
"""

from __future__ import annotations

import base64
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN


@dataclass
class MediaHost:
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path → bytes, type
    calls: list[tuple[str, str]] = field(default_factory=list)  # (GET|DELETE, path)
    fail_next_gets: int = 0
    fail_next_deletes: int = 0
    on_delete: Callable[[str], None] | None = None  # runs before a DELETE is answered
    server: Any = None
    declare_length: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, data: bytes, content_type: str = "image/jpeg", sid: str = "") -> str:
        """Serve ``data``; its MediaUrl (under message ``sid``, or a new one)."""
        message = sid or "MM" + secrets.token_hex(16)
        path = (
            f"/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages/{message}"
            f"/Media/ME{secrets.token_hex(16)}"
        )
        self.files[path] = (data, content_type)
        return self.base + path

    def count(self, method: str, url: str) -> int:
        path = url.removeprefix(self.base)
        with self.lock:
            return sum(1 for m, p in self.calls if m == method and p == path)

    def deleted(self, url: str) -> bool:
        return url.removeprefix(self.base) not in self.files

    def start(self) -> MediaHost:
        host = self

        class Handler(BaseHTTPRequestHandler):
            def _authorised(self) -> bool:
                wanted = base64.b64encode(f"{LOCAL_ACCOUNT_SID}:{LOCAL_AUTH_TOKEN}".encode())
                return self.headers.get("Authorization", "") == "Basic " + wanted.decode()

            def do_GET(self) -> None:
                with host.lock:
                    host.calls.append(("GET", self.path))
                    failing = host.fail_next_gets > 0
                    host.fail_next_gets -= 1 if failing else 0
                if not self._authorised():
                    return self._answer(401, b"")
                if failing:
                    return self._answer(500, b"")
                found = host.files.get(self.path)
                if found is None:
                    return self._answer(404, b"")
                self._answer(200, found[0], found[1])

            def do_DELETE(self) -> None:
                path = self.path.removesuffix(".json")
                with host.lock:
                    host.calls.append(("DELETE", path))
                    failing = host.fail_next_deletes > 0
                    host.fail_next_deletes -= 1 if failing else 0
                if not self._authorised():
                    return self._answer(401, b"")
                if failing:
                    return self._answer(503, b"")
                if host.on_delete is not None:
                    host.on_delete(host.base + path)
                if host.files.pop(path, None) is None:
                    return self._answer(404, b"")
                self._answer(204, b"")

            def _answer(self, status: int, body: bytes, kind: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                if host.declare_length:
                    self.send_header("Content-Length", str(len(body)))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
