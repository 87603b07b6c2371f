"""Delivering one webhook request like Twilio: overrides, retries, then the fallback URL.

Each URL is tried under its own connection overrides (``overrides.py``). When the primary
URL still fails, Twilio requests the number's fallback URL with the same parameters plus
``ErrorCode`` (why the primary failed, a 112xx code) and ``ErrorUrl`` (the URL that failed),
signed for the fallback URL. Every attempt lands in the callback log, so tests can count
retries.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from . import constants as c
from .callbacks import CallbackLog
from .overrides import parse_overrides
from .signed_post import PostResult, post_signed, without_fragment


@dataclass(frozen=True)
class Delivery:
    """What came of delivering one request: the answer used and how it was reached.

    ``result`` is the last attempt's (the fallback's, when it was tried); ``error_code``
    says why the primary URL failed (None when it answered 2xx).
    """

    result: PostResult
    attempts: int
    used_fallback: bool = False
    error_code: int | None = None

    @property
    def succeeded(self) -> bool:
        return failure_class(self.result) is None


def failure_class(result: PostResult) -> str | None:
    """None for a 2xx answer, else the class Twilio's retry policy names (4xx, 5xx, ct, rt)."""
    if result.status is None:
        return result.failed_in or "ct"
    if 200 <= result.status < 300:
        return None
    return f"{result.status // 100}xx"


def deliver(
    url: str,
    params: dict[str, str],
    auth_token: str,
    log: CallbackLog,
    fallback_url: str | None = None,
) -> Delivery:
    """POST to url (with retries per its fragment), then to fallback_url if it still failed."""
    primary = _try_url(url, params, auth_token, log)
    if primary.succeeded or not fallback_url:
        return primary
    fallback_params = {
        **params,
        "ErrorCode": str(primary.error_code),
        "ErrorUrl": without_fragment(url),
    }
    fallback = _try_url(fallback_url, fallback_params, auth_token, log)
    return Delivery(
        fallback.result,
        primary.attempts + fallback.attempts,
        used_fallback=True,
        error_code=primary.error_code,
    )


def _try_url(url: str, params: dict[str, str], auth_token: str, log: CallbackLog) -> Delivery:
    """Attempts at one URL until one answers 2xx, retries run out, or total time is up."""
    overrides = parse_overrides(url)
    deadline = time.monotonic() + overrides.total_ms / 1000
    attempts = 0
    while True:
        left = deadline - time.monotonic()
        connect = min(overrides.connect_ms / 1000, left)
        read = min(overrides.read_ms / 1000, left)
        result = post_signed(url, params, auth_token, timeout=connect, read_timeout=read)
        log.record(url, params, result)
        attempts += 1
        failure = failure_class(result)
        if failure is None:
            return Delivery(result, attempts)
        out_of_time = deadline - time.monotonic() <= 0.001
        if out_of_time or attempts > overrides.retries or not overrides.retries_on(failure):
            return Delivery(result, attempts, error_code=_error_code(result, out_of_time))


def _error_code(result: PostResult, out_of_time: bool) -> int:
    """The 112xx code Twilio reports (and sends to the fallback URL) for a failed request."""
    if result.status is not None:
        return c.ERROR_HTTP_RETRIEVAL
    if result.bad_host:
        return c.ERROR_HTTP_BAD_HOST
    if out_of_time:
        return c.ERROR_HTTP_TOTAL_TIMEOUT
    return c.ERROR_HTTP_CONNECTION
