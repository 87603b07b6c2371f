"""FakeTwilio: the loopback HTTP server tying the REST API, callbacks and simulator together."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from email.message import Message as HeaderMessage
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import constants as c
from .account import AuthTokens, AuthTokensApi
from .callbacks import CallbackLog, LogEntry, StatusDispatcher
from .concurrency import ConcurrencyLimit, too_many_requests
from .faults import (
    DROP,
    ERROR,
    HANG,
    MEDIA,
    NOT_FOUND,
    Fault,
    FaultControl,
    FaultPlan,
    faulty_reply,
)
from .http_server import LoopbackServer
from .inbound import InboundResult, InboundSender
from .load import LoadControl, LoadReport
from .media import MediaApi
from .media_fetch import OutboundMedia
from .media_store import MediaEvent, MediaFile, MediaStore
from .phone_numbers import PhoneNumbers
from .replies import Reply, json_reply
from .rest import RestApi, is_e164
from .samples import sample
from .send_queues import SendQueues
from .simulator import Simulator
from .store import Message, MessageStore


class FakeTwilio:
    """A local stand-in for api.twilio.com's Messages API plus a phone simulator.

    Point the official SDK at `base_url` (see `sdk_client`); status callbacks and inbound
    texts are POSTed signed with `auth_token`, exactly as Twilio signs them. Inbound texts
    go to their number's SMS URL (`sms_webhook_url` sets every number's; the
    IncomingPhoneNumbers API sets one), follow its connection overrides and fall back to
    the number's fallback URL (`sms_fallback_url`). The auth token rotates as Twilio's
    does: `create_secondary_auth_token`, then `promote_secondary_auth_token` (account.py).

    Under load it behaves as Twilio does: at most `max_concurrent_requests` REST requests
    in flight (None: no limit), the rest answered 429/20429; each number in `rates` sends
    that many segments per second and queues the rest, failing what waits longer than
    its validity period (`validity_period` overrides Twilio's 10 hours fake-wide).
    Numbers without a rate are not paced, as before.
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
        max_concurrent_requests: int | None = c.DEFAULT_MAX_CONCURRENT_REQUESTS,
        rates: Mapping[str, float] | None = None,
        validity_period: float | None = None,
    ) -> None:
        owned = dict(owned_numbers or {})
        bad = [n for n in owned if not is_e164(n)]
        if bad:
            raise ValueError(f"owned numbers must be E.164: {bad}")
        self.account_sid = account_sid
        self._tokens = AuthTokens(auth_token)
        self.owned_numbers: dict[str, str] = owned
        self._address = (host, port)
        self._store = MessageStore(account_sid)
        self._numbers = PhoneNumbers(account_sid, owned, sms_webhook_url, sms_fallback_url)
        self._log = CallbackLog()
        self._dispatcher = StatusDispatcher(self._store, self._tokens, callback_delay, self._log)
        self._queues = SendQueues(self._store, self._dispatcher, owned, validity_period)
        self._concurrency = ConcurrencyLimit(max_concurrent_requests)
        self._load = LoadControl(self._concurrency, self._queues, owned)
        for number, rate in (rates or {}).items():
            self._load.set_rate(number, rate)
        self._faults = FaultPlan()
        self._fault_control = FaultControl(self._faults)
        self._stopping = threading.Event()  # ends hanging requests when the fake stops
        self._media = MediaStore(account_sid)
        self._media_api = MediaApi(
            self._media, account_sid, self._tokens, self._faults, self._base, self._stopping
        )
        self._outbound_media = OutboundMedia(self._media)
        self._inbound = InboundSender(
            self._store,
            account_sid,
            self._tokens,
            owned,
            self._numbers,
            self._log,
            self._queues.submit_now,
            self._media,
            self._media_api.media_url,
        )
        self._rest = RestApi(
            self._store,
            account_sid,
            self._tokens,
            owned,
            self._queues,
            self._numbers,
            self._outbound_media,
        )
        self._auth_tokens_api = AuthTokensApi(account_sid, self._tokens)
        self._simulator = Simulator(self._store, owned, self._inbound.send, self._media)
        self._server: LoopbackServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def sms_webhook_url(self) -> str | None:
        """Where inbound texts are posted: setting it points every owned number there
        (checked when set, so a bad connection override fails where it was configured)."""
        return self._numbers.sms_url

    @sms_webhook_url.setter
    def sms_webhook_url(self, url: str | None) -> None:
        self._numbers.point_all(sms_url=url, fallback_url=self._numbers.fallback_url)

    @property
    def sms_fallback_url(self) -> str | None:
        """Where inbound texts go when the webhook URL still fails after its retries."""
        return self._numbers.fallback_url

    @sms_fallback_url.setter
    def sms_fallback_url(self, url: str | None) -> None:
        self._numbers.point_all(sms_url=self._numbers.sms_url, fallback_url=url)

    def number_webhooks(self, number: str) -> tuple[str | None, str | None]:
        """Where a text to one owned number goes now: its SMS URL and its fallback URL."""
        return self._numbers.webhooks(number)

    # the auth token, rotated as on Twilio (account.py) ------------------------------------
    @property
    def auth_token(self) -> str:
        """The primary token: it signs every request the fake makes."""
        return self._tokens.primary

    @property
    def secondary_auth_token(self) -> str | None:
        return self._tokens.secondary

    def create_secondary_auth_token(self, token: str | None = None) -> str:
        """A secondary token: it authenticates REST requests; requests are still signed
        with the primary one."""
        return self._tokens.create_secondary(token)

    def promote_secondary_auth_token(self) -> str:
        """From now on requests are signed with the secondary token, and the old primary
        no longer authenticates (ValueError without a secondary)."""
        return self._tokens.promote_secondary()

    # lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeTwilio:
        """Bind and serve on a daemon thread; returns self for chaining."""
        if self._server is not None:
            raise RuntimeError("FakeTwilio is already running")
        server = LoopbackServer(self._address, self._route)
        self._server = server
        self._stopping.clear()
        self._dispatcher.start()
        self._queues.start()
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
        self._queues.stop()
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

    def _base(self) -> str:
        """base_url, or a placeholder before start (media URLs are only made while serving)."""
        return self.base_url if self._server is not None else "http://127.0.0.1"

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
        media: tuple[MediaFile | str, ...] | list[MediaFile | str] = (),
    ) -> InboundResult:
        """Text the app from a phone: signed POST to sms_webhook_url; returns its answer.

        ``media`` attaches files as a phone does (an MMS): each a MediaFile(content_type,
        data) or a sample's name ("jpeg", "png", "gif", "heic", "pdf"); the webhook gets
        MediaUrl{i} on this fake, behind basic auth (``media_basic_auth``).
        """
        files = tuple(sample(m) if isinstance(m, str) else m for m in media)
        return self._inbound.send(from_, to, body, tuple(media_urls), files)

    def wait_for_callbacks(self, timeout: float = 5.0) -> None:
        """Block until every message left its sender's queue and every status step was posted."""
        deadline = time.monotonic() + timeout
        while True:  # a message goes queue -> dispatcher, never back: both idle at once ends it
            self._queues.wait(max(deadline - time.monotonic(), 0.0))
            self._dispatcher.wait(max(deadline - time.monotonic(), 0.0))
            if self._queues.idle():
                return

    @property
    def callback_log(self) -> list[LogEntry]:
        """(url, params, http status or error text) for every callback and inbound POST.

        One entry per attempt: retries and fallback requests each add their own.
        """
        return self._log.entries()

    # media: what Twilio keeps of an MMS (media.py, media_store.py) ------------------------
    @property
    def media_basic_auth(self) -> bool:
        """Twilio's "HTTP Basic Authentication for media": on, a media URL needs credentials."""
        return self._media_api.basic_auth

    @media_basic_auth.setter
    def media_basic_auth(self, on: bool) -> None:
        self._media_api.basic_auth = on

    def media_of(self, message_sid: str, include_deleted: bool = False) -> list[MediaFile]:
        """The media Twilio holds for a message (fetched ones for an outbound MMS)."""
        items = self._media.of_message(message_sid, include_deleted)
        return [MediaFile(m.content_type, m.data) for m in items]

    def media_urls(self, message_sid: str) -> tuple[str, ...]:
        """The MediaUrls a create was given, as sent (Twilio itself shows only the Media
        it fetched from them: ``media_of``)."""
        return self._store.media_urls(message_sid)

    def media_sids(self, message_sid: str, include_deleted: bool = False) -> list[str]:
        return [m.sid for m in self._media.of_message(message_sid, include_deleted)]

    def media_events(self, sid: str | None = None) -> list[MediaEvent]:
        """Every GET of a media URL, download of its redirect and DELETE, in order."""
        return self._media.events(sid)

    def media_deleted_at(self, sid: str) -> float | None:
        """When the media was DELETEd (epoch seconds), None while Twilio still keeps it."""
        return self._media.deleted_at(sid)

    def slow_next_media_gets(
        self, seconds: float = 30.0, *, count: int = 1, sid: str | None = None
    ) -> None:
        """Answer the next GETs of a media URL only after `seconds`."""
        self._faults.add(Fault(HANG, count=count, seconds=seconds, on=MEDIA, sid=sid))

    def fail_next_media_gets(
        self, status: int = 500, *, count: int = 1, sid: str | None = None
    ) -> None:
        """Answer the next GETs of a media URL with a Twilio error: 429, 500 or 503."""
        self._faults.add(Fault(ERROR, count=count, status=status, on=MEDIA, sid=sid))

    def lose_next_media_gets(self, *, count: int = 1, sid: str | None = None) -> None:
        """Answer the next GETs of a media URL 404 (20404), as for media not stored yet."""
        self._faults.add(Fault(NOT_FOUND, count=count, on=MEDIA, sid=sid))

    def drop_next_media_gets(self, *, count: int = 1, sid: str | None = None) -> None:
        """Close the next media GETs' connections unanswered."""
        self._faults.add(Fault(DROP, count=count, on=MEDIA, sid=sid))

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

    # load: concurrency limit, senders' queues, and what they counted (see load.py) --------
    @property
    def max_concurrent_requests(self) -> int | None:
        """REST requests the account may have in flight; beyond it 429/20429. None: no limit."""
        return self._concurrency.limit

    @max_concurrent_requests.setter
    def max_concurrent_requests(self, limit: int | None) -> None:
        self._concurrency.limit = limit

    @property
    def validity_period(self) -> float | None:
        """Seconds a message without ValidityPeriod may wait (None: Twilio's 36000)."""
        return self._queues.validity_period

    @validity_period.setter
    def validity_period(self, seconds: float | None) -> None:
        self._queues.validity_period = seconds

    def set_rate(self, number: str, rate: float | None) -> None:
        """Pace an owned number at `rate` segments per second (None: unpaced, the default)."""
        self._load.set_rate(number, rate)

    def load(self, releases: bool = True) -> LoadReport:
        """429s answered, peak requests in flight, and per number its queue's counts."""
        return self._load.report(releases)

    def reset_load_counts(self) -> None:
        """Start the load counts afresh (between benchmark runs); settings stay."""
        self._load.reset_counts()

    def _route(self, method: str, target: str, headers: HeaderMessage, body: bytes) -> Reply:
        """Pick a control API, the REST API or the simulator for one request."""
        parts = urlsplit(target)
        if parts.path == c.FAULTS_PATH:
            return self._fault_control.handle(method, body)
        if parts.path == c.LOAD_PATH:
            return self._load.handle(method, parts.query, body)
        if parts.path == c.MEDIA_PATH:
            return self._media_api.control(method, body)
        if self._media_api.handles_cdn(parts.path):
            return self._media_api.cdn_get(method, parts.path)
        if self._auth_tokens_api.handles(parts.path):
            return self._auth_tokens_api.handle(method, parts.path, headers.get("Authorization"))
        if self._rest.handles(parts.path):
            with self._concurrency.slot() as admitted:
                if not admitted:
                    return too_many_requests()
                return self._rest_reply(method, target, headers, body)
        reply = self._simulator.handle(method, parts.path, headers.get("Content-Type", ""), body)
        return reply or json_reply(404, {"error": f"no such path: {parts.path}"})

    def _rest_reply(self, method: str, target: str, headers: HeaderMessage, body: bytes) -> Reply:
        """One REST request, with any fault set for creates played out (a hang holds its slot)."""
        parts = urlsplit(target)
        raw = body.decode("utf-8", errors="replace") if method == "POST" else parts.query
        form = parse_qs(raw, keep_blank_values=True)

        def answer() -> Reply:
            if self._media_api.handles(parts.path):
                return self._media_api.handle(
                    method, parts.path, form, headers.get("Authorization")
                )
            return self._rest.handle(method, target, form, headers.get("Authorization"))

        if self._rest.is_create(method, parts.path):
            fault = self._faults.take(to=(form.get("To") or [""])[0].strip())
            if fault is not None:
                return faulty_reply(fault, answer, self._stopping)
        return answer()
