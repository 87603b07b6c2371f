"""The fake's HTTP plumbing: a threading loopback server that hands each request to a router.

Handlers stay free of Twilio logic: one function turns (method, target, headers, body) into
a Reply; this module reads the request, writes the reply (or drops the connection when a
fault asks for it) and only then runs ``reply.after``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email.message import Message as HeaderMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .replies import Reply, json_reply

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024 * 1024  # the simulator's API takes media, base64-encoded

Route = Callable[[str, str, HeaderMessage, bytes], Reply]


class LoopbackServer(ThreadingHTTPServer):
    """One thread per request; ``route`` answers them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], route: Route) -> None:
        super().__init__(address, RequestHandler)
        self.route = route


class RequestHandler(BaseHTTPRequestHandler):
    """Reads one request, asks the server's route for a Reply, writes it, then runs after."""

    server: LoopbackServer
    server_version = "FakeTwilio/1.0"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self._write(json_reply(413, {"error": "missing or too large request body"}))
            return
        body = self.rfile.read(length) if length else b""
        try:
            reply = self.server.route(self.command, self.path, self.headers, body)
        except Exception:
            logger.exception("fake Twilio failed on %s %s", self.command, self.path)
            reply = json_reply(500, {"error": "internal error in fake Twilio"})
        try:
            if reply.drop:
                self.close_connection = True  # finish() closes it with nothing written
            else:
                self._write(reply)
        except OSError as exc:  # the client gave up waiting (e.g. after a hang)
            logger.debug("fake Twilio could not answer %s: %s", self.path, exc)
        finally:  # even if the client hung up, the message was created and must progress
            if reply.after is not None:
                reply.after()

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake Twilio: " + format, *args)
