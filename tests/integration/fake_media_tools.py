"""What the fake Twilio's media tests share: a loopback web site that records POSTs
(webhooks, status callbacks) and serves files (outbound MediaUrls), and plain HTTP calls."""

from __future__ import annotations

import base64
import http.client
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, FakeTwilio

PROBATION = "+18015550100"
BASIC_AUTH = (
    "Basic " + base64.b64encode(f"{LOCAL_ACCOUNT_SID}:{LOCAL_AUTH_TOKEN}".encode()).decode()
)


@dataclass
class Served:
    """A file the site serves: its type, bytes, status and a delay before answering."""

    content_type: str
    data: bytes
    status: int = 200
    delay: float = 0.0


class Site:
    """Records every POST (path and form) and serves ``files`` by path to GETs."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str]]] = []
        self.files: dict[str, Served] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
                site.posts.append((self.path, form))
                self._answer(200, "text/xml", b"<Response/>")

            def do_GET(self) -> None:
                served = site.files.get(self.path)
                if served is None:
                    self._answer(404, "text/plain", b"no such file")
                    return
                time.sleep(served.delay)
                self._answer(served.status, served.content_type, served.data)

            def _answer(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve(self, path: str, served: Served) -> str:
        self.files[path] = served
        return self.base_url + path

    def callbacks_for(self, sid: str) -> list[dict[str, str]]:
        return [form for _, form in self.posts if form.get("MessageSid") == sid]


@contextmanager
def running_site() -> Iterator[Site]:
    site = Site()
    thread = threading.Thread(
        target=site.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
        thread.join(timeout=5)


def get(
    url: str, authorization: str | None = None, timeout: float = 10.0
) -> tuple[int, dict[str, str], bytes]:
    """One GET without following redirects: status, headers, body."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {"Authorization": authorization} if authorization else {}
        conn.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def download(url: str, authorization: str | None = BASIC_AUTH) -> tuple[str, bytes]:
    """What an app's downloader does: GET with credentials, following the redirect."""
    request = urllib.request.Request(url, headers={"Authorization": authorization or ""})  # noqa: S310 - the fake's own http URL
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return response.headers.get_content_type(), response.read()


def fake_for(site: Site) -> FakeTwilio:
    """A fake whose number posts inbound texts to the site."""
    return FakeTwilio(
        owned_numbers={PROBATION: "Probation"},
        sms_webhook_url=f"{site.base_url}/webhooks/twilio/sms",
        callback_delay=0,
    ).start()
