"""FakeTwilio: the loopback HTTP server tying the REST API, callbacks and simulator together."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from email.message import Message as HeaderMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import constants as c
from .callbacks import CallbackLog, LogEntry, StatusDispatcher
from .faults import DROP, ERROR, HANG, Fault, FaultControl, FaultPlan, faulty_reply
from .inbound import InboundResult, InboundSender
from .replies import Reply, json_reply
from .rest import RestApi, is_e164
from .simulator import Simulator
from .store import Message, MessageStore

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024


class FakeTwilio:
    """A local stand-in for api.twilio.com's Messages API plus a phone simulator.

    Point the official SDK at `base_url` (see `sdk_client`); status callbacks and inbound
    texts are POSTed signed with `auth_token`, exactly as Twilio signs them. Inbound texts
    follow the webhook URL's connection overrides and fall back to `sms_fallback_url`.
    """

    def __init__(
        self,
        account_sid: str = c.LOCAL_ACCOUNT_SID,
        auth_token: str = c.LOCAL_AUTH_TOKEN,
        owned_numbers: Mapping[str, str] | None = None,
        sms_webhook_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        callback_delay: float = 0.3,
        sms_fallback_url: str | None = None,
    ) -> None:
        owned = dict(owned_numbers or {})
        bad = [n for n in owned if not is_e164(n)]
        if bad:
            raise ValueError(f"owned numbers must be E.164: {bad}")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.owned_numbers: dict[str, str] = owned
        self._address = (host, port)
        self._store = MessageStore(account_sid)
        self._log = CallbackLog()
        self._dispatcher = StatusDispatcher(self._store, auth_token, callback_delay, self._log)
        self._inbound = InboundSender(
            self._store,
            account_sid,
            auth_token,
            owned,
            sms_webhook_url,
            self._log,
            self._dispatcher.schedule,
            sms_fallback_url,
        )
        self._rest = RestApi(self._store, account_sid, auth_token, owned, self._dispatcher.reserve)
        self._simulator = Simulator(self._store, owned, self._inbound.send)
        self._faults = FaultPlan()
        self._fault_control = FaultControl(self._faults)
        self._stopping = threading.Event()  # ends hanging requests when the fake stops
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def sms_webhook_url(self) -> str | None:
        """Where inbound texts are posted; kept in one place, so changing it takes effect."""
        return self._inbound.webhook_url

    @sms_webhook_url.setter
    def sms_webhook_url(self, url: str | None) -> None:
        self._inbound.webhook_url = url

    @property
    def sms_fallback_url(self) -> str | None:
        """Where inbound texts go when the webhook URL still fails after its retries."""
        return self._inbound.fallback_url

    @sms_fallback_url.setter
    def sms_fallback_url(self, url: str | None) -> None:
        self._inbound.fallback_url = url

    # lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeTwilio:
        """Bind and serve on a daemon thread; returns self for chaining."""
        if self._server is not None:
            raise RuntimeError("FakeTwilio is already running")
        server = _Server(self._address, _Handler)
        server.fake = self
        self._server = server
        self._stopping.clear()
        self._dispatcher.start()
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-twilio-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and posting; safe to call twice."""
        self._stopping.set()
        self._dispatcher.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """http://host:port of the running server (the SDK's api.base_url)."""
        if self._server is None:
            raise RuntimeError("FakeTwilio is not running; call start() first")
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    # test / script helpers -------------------------------------------------------------
    def messages(self, to: str | None = None, from_: str | None = None) -> list[Message]:
        """Snapshot of stored messages in Twilio's JSON shape, newest first."""
        return self._store.snapshot(to=to, from_=from_)

    def send_inbound(
        self,
        from_: str = "+13855550101",
        to: str = "+18015550100",
        body: str = "hi",
        media_urls: tuple[str, ...] | list[str] = (),
    ) -> InboundResult:
        """Text the app from a phone: signed POST to sms_webhook_url; returns its answer."""
        return self._inbound.send(from_, to, body, tuple(media_urls))

    def wait_for_callbacks(self, timeout: float = 5.0) -> None:
        """Block until every scheduled status step has been applied and posted."""
        self._dispatcher.wait(timeout)

    @property
    def callback_log(self) -> list[LogEntry]:
        """(url, params, http status or error text) for every callback and inbound POST.

        One entry per attempt: retries and fallback requests each add their own.
        """
        return self._log.entries()

    # faults: how the next Messages.create requests misbehave (see faults.py) -------------
    def hang_next_creates(
        self, seconds: float = 30.0, *, count: int = 1, to: str | None = None
    ) -> None:
        """Hold the next creates `seconds` before answering (and creating) them."""
        self._faults.add(Fault(HANG, count=count, to=to, seconds=seconds))

    def drop_next_creates(
        self, *, after_create: bool = False, count: int = 1, to: str | None = None
    ) -> None:
        """Close the next creates' connections unanswered; after_create: message exists."""
        self._faults.add(Fault(DROP, count=count, to=to, after_create=after_create))

    def fail_next_creates(
        self,
        status: int = 500,
        *,
        count: int = 1,
        to: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next creates with a Twilio error: 429 (20429), 500 or 503."""
        self._faults.add(Fault(ERROR, count=count, to=to, status=status, retry_after=retry_after))

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def pending_faults(self) -> list[dict[str, Any]]:
        """Faults not used up yet, as the control API lists them."""
        return self._faults.pending()

    def _route(self, method: str, target: str, headers: HeaderMessage, body: bytes) -> Reply:
        """Pick the fault control API, the REST API or the simulator for one request."""
        parts = urlsplit(target)
        if parts.path == c.FAULTS_PATH:
            return self._fault_control.handle(method, body)
        if self._rest.handles(parts.path):
            raw = body.decode("utf-8", errors="replace") if method == "POST" else parts.query
            form = parse_qs(raw, keep_blank_values=True)

            def answer() -> Reply:
                return self._rest.handle(method, target, form, headers.get("Authorization"))

            if self._rest.is_create(method, parts.path):
                fault = self._faults.take(to=(form.get("To") or [""])[0].strip())
                if fault is not None:
                    return faulty_reply(fault, answer, self._stopping)
            return answer()
        reply = self._simulator.handle(method, parts.path, headers.get("Content-Type", ""), body)
        return reply or json_reply(404, {"error": f"no such path: {parts.path}"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeTwilio


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, asks FakeTwilio for a Reply, writes it, then runs reply.after."""

    server: _Server
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
            reply = self.server.fake._route(self.command, self.path, self.headers, body)
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
