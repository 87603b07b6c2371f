"""One signed form POST, the way Twilio makes a webhook request.

Twilio signs the URL it requests plus the sorted form fields. A URL fragment (where
connection overrides such as ``#rc=2`` live) is never sent over HTTP, so it is neither
requested nor signed: the app rebuilds the URL from its public base URL and the request
path, and must arrive at the same string.

Failures say in which phase they happened, because Twilio's retry policy tells
connect failures (``ct``) from answers that never came (``rt``).
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from twilio.request_validator import RequestValidator

CONNECT = "ct"  # no TCP connection: refused, unreachable, timed out, bad host name
READ = "rt"  # connected and sent, but no (complete) answer in time


@dataclass(frozen=True)
class PostResult:
    """Outcome of one webhook POST: HTTP status and body, or a connection error.

    ``failed_in`` is CONNECT or READ for a connection error; ``bad_host`` marks a failed
    DNS lookup; ``seconds`` is how long the attempt took.
    """

    status: int | None
    body: str = ""
    error: str | None = None
    failed_in: str | None = None
    bad_host: bool = False
    seconds: float = 0.0


def without_fragment(url: str) -> str:
    """The URL as it goes over the wire, and as Twilio signs it."""
    return urlunsplit(urlsplit(url)._replace(fragment=""))


def post_signed(
    url: str,
    params: dict[str, str],
    auth_token: str,
    timeout: float = 5.0,
    read_timeout: float | None = None,
) -> PostResult:
    """POST form params to url signed like Twilio; never raises for network failures.

    ``timeout`` bounds the TCP connect, ``read_timeout`` (default: the same) each wait
    for the answer, as Twilio's ct/rt do.
    """
    started = time.monotonic()
    target_url = without_fragment(url)
    parts = urlsplit(target_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return PostResult(None, error=f"unsupported callback URL: {url!r}", failed_in=CONNECT)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "User-Agent": "TwilioProxy/1.1",
        "X-Twilio-Signature": RequestValidator(auth_token).compute_signature(target_url, params),
    }
    conn_cls = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_cls(parts.hostname, parts.port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def failure(exc: BaseException, phase: str) -> PostResult:
        return PostResult(
            None,
            error=f"{type(exc).__name__}: {exc}",
            failed_in=phase,
            bad_host=isinstance(exc, socket.gaierror),
            seconds=time.monotonic() - started,
        )

    try:
        try:
            conn.connect()
        except OSError as exc:
            return failure(exc, CONNECT)
        if conn.sock is not None:
            conn.sock.settimeout(timeout if read_timeout is None else read_timeout)
        try:
            conn.request("POST", target, body=urlencode(params).encode("utf-8"), headers=headers)
            response = conn.getresponse()
            body = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            return failure(exc, READ)
        return PostResult(response.status, body, seconds=time.monotonic() - started)
    finally:
        conn.close()
