"""The HTTP client under the twilio SDK: every request bounded in time, nothing logged.

The SDK's ``TwilioHttpClient`` waits forever unless given a timeout, and its constructor
accepts only one number (it compares it with 0, so a tuple raises TypeError). Its
``request`` however hands ``self.timeout`` to ``requests`` unchanged, and ``requests`` reads
a ``(connect, read)`` pair there. So ``timeout`` here is a property worked out for each
request: the configured pair, cut to what is left of the call's deadline.

Imported only when a client is built, because it loads the SDK and ``requests``.
"""

from __future__ import annotations

import logging
from typing import Any

from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient

from ..config import SEND_WORKERS
from .twilio_timing import TwilioTimeouts, note_retry_after, parse_retry_after, seconds_left

SMALLEST_TIMEOUT = 0.05  # requests refuses 0; past the deadline a request fails at once
logger = logging.getLogger(__name__)


class BoundedHttpClient(TwilioHttpClient):
    """``TwilioHttpClient`` with (connect, read) timeouts and without request logging.

    The SDK logs each request's URL and query at INFO; a Messages list query holds
    phone numbers, which must stay out of our logs.
    """

    def __init__(self, timeouts: TwilioTimeouts | None = None) -> None:
        self.timeouts = timeouts  # None: read from the environment for each request
        super().__init__(pool_connections=True)
        # the sender hands over up to SEND_WORKERS texts at once: a kept connection each
        # (the SDK keeps cpu count + 4), so none pays a new TLS handshake per text
        adapter = HTTPAdapter(pool_maxsize=SEND_WORKERS)
        if self.session is not None:
            self.session.mount("https://", adapter)
            self.session.mount("http://", adapter)  # the local fake Twilio

    @property
    def timeout(self) -> tuple[float, float]:
        """What ``requests`` gets for the next request: (connect, read), within the deadline."""
        limits = self.timeouts or TwilioTimeouts.from_environment()
        left = seconds_left()
        bound = float("inf") if left is None else max(left, SMALLEST_TIMEOUT)
        return (min(limits.connect, bound), min(limits.read, bound))

    @timeout.setter
    def timeout(self, value: object) -> None:
        """The base constructor stores its number here; ours is derived, so it is dropped."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        """Send through the SDK's client; note Retry-After of a throttled or failed answer."""
        note_retry_after(None)
        response = super().request(*args, **kwargs)
        if response.status_code == 429 or response.status_code >= 500:
            note_retry_after(parse_retry_after((response.headers or {}).get("Retry-After")))
        return response

    def log_request(self, kwargs: dict[str, Any]) -> None:
        """Method only: the query may hold phone numbers."""
        logger.debug("Twilio request: %s", kwargs.get("method"))

    def log_response(self, status_code: int, response: Any) -> None:
        logger.debug("Twilio answered %s", status_code)
