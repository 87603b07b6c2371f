"""Twilio: sending texts through the REST API and checking that webhooks came from Twilio.

The SDK is imported only when a client is built or a call is made. Locally the same SDK
talks to the fake Twilio (``TWILIO_API_BASE_URL``); nothing else in the app knows the
difference. Every call is bounded in time (``TwilioTimeouts``) and ends in a named outcome
(``twilio_errors``) saying whether Twilio may have taken the message.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from .twilio_errors import (
    INVALID_RECIPIENT_CODES,
    InvalidRecipient,
    RecipientOptedOut,
    TwilioError,
    TwilioNotSent,
    TwilioOutcomeUnknown,
    TwilioRefused,
    TwilioUnavailable,
    error_from_page,
    error_from_rest,
    error_from_transport,
)
from .twilio_secrets import twilio_secrets
from .twilio_signature import signature_is_valid
from .twilio_timing import TwilioTimeouts, call_deadline, last_retry_after

__all__ = [
    "INVALID_RECIPIENT_CODES",
    "InvalidRecipient",
    "RecipientOptedOut",
    "SentMessage",
    "TwilioCredentials",
    "TwilioError",
    "TwilioGateway",
    "TwilioNotSent",
    "TwilioOutcomeUnknown",
    "TwilioRefused",
    "TwilioTimeouts",
    "TwilioUnavailable",
    "credentials",
    "rest_client",
    "signature_is_valid",
]

MIN_ATTEMPT_SECONDS = 1.0  # no retry starts unless this much of the budget is left for it
MAX_BACKOFF_SECONDS = 2.0
CLOCK_SKEW = timedelta(seconds=30)  # our clock against Twilio's, when matching a lost send
LOOKUP_LIMIT = 50  # the newest messages between two numbers that find_sent looks through


@dataclass(frozen=True)
class SentMessage:
    sid: str
    status: str
    segments: int | None


class TwilioGateway:
    """Wraps a ``twilio.rest.Client`` (or anything shaped like one) handed in.

    ``send`` retries only what Twilio certainly did not take, with jittered back-off,
    and never past ``timeouts.total`` seconds in all (``TwilioTimeouts.from_environment``
    when not given). ``server_errors_not_sent=True`` also retries 500/502/504, which
    Twilio warns may already have sent the text.
    """

    def __init__(
        self,
        client: Any,
        attempts: int = 3,
        backoff_seconds: float = 0.25,
        timeouts: TwilioTimeouts | None = None,
        server_errors_not_sent: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.attempts = max(1, attempts)
        self.backoff_seconds = backoff_seconds
        self.timeouts = timeouts
        self.server_errors_not_sent = server_errors_not_sent
        self.sleep = sleep

    def send(
        self,
        *,
        from_: str,
        to: str,
        body: str,
        status_callback: str,
        media_url: list[str] | None = None,
    ) -> SentMessage:
        """Hand one text to Twilio. Raises a ``TwilioError`` subclass saying what happened.
        ``media_url``: the URLs Twilio fetches the text's photos or files from (an MMS)."""
        with call_deadline(self._total_seconds()) as deadline:
            attempt = 1
            while True:
                try:
                    return self._create(from_, to, body, status_callback, media_url or [])
                except TwilioNotSent as exc:
                    pause = self._pause_before(attempt + 1, exc.retry_after)
                    if pause is None or deadline.remaining() - pause < MIN_ATTEMPT_SECONDS:
                        raise
                    self.sleep(pause)
                    attempt += 1

    def find_sent(
        self, *, from_: str, to: str, sent_after: datetime, body: str
    ) -> SentMessage | None:
        """The message an unknown outcome may have created, if Twilio has it at all.

        Lists the newest messages From/To (Twilio lists newest first) without a date
        filter, because a message still waiting in Twilio's queue has no DateSent yet and
        a DateSent filter would hide exactly the one being looked for; the body and the
        creation time are matched here. None means Twilio has no such message.
        """
        since = sent_after.astimezone(UTC) if sent_after.tzinfo else sent_after.replace(tzinfo=UTC)
        with call_deadline(self._total_seconds()):
            found = self._call(
                lambda: self.client.messages.list(to=to, from_=from_, limit=LOOKUP_LIMIT)
            )
        for message in found:
            created = message.date_created
            if message.body == body and (created is None or created >= since - CLOCK_SKEW):
                return _sent_message(message)
        return None

    def _total_seconds(self) -> float:
        return (self.timeouts or TwilioTimeouts.from_environment()).total

    def _create(
        self, from_: str, to: str, body: str, status_callback: str, media_url: list[str]
    ) -> SentMessage:
        media = {"media_url": media_url} if media_url else {}  # the SDK repeats MediaUrl
        message = self._call(
            lambda: self.client.messages.create(
                from_=from_, to=to, body=body, status_callback=status_callback, **media
            )
        )
        return _sent_message(message)

    def _call(self, request: Callable[[], Any]) -> Any:
        """Run one SDK request, turning its failures into our named errors."""
        from requests.exceptions import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            return request()
        except TwilioRestException as exc:
            raise error_from_rest(exc, last_retry_after(), self.server_errors_not_sent) from exc
        except TwilioException as exc:  # a list page that failed: the SDK's plain exception
            raise error_from_page(exc, last_retry_after()) from exc
        except RequestException as exc:
            raise error_from_transport(exc) from exc

    def _pause_before(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before ``attempt``, or None when no attempt is left.

        Full jitter spreads retries of many senders; Twilio's Retry-After is a floor.
        """
        if attempt > self.attempts:
            return None
        ceiling = min(self.backoff_seconds * 2 ** (attempt - 2), MAX_BACKOFF_SECONDS)
        pause = random.SystemRandom().uniform(0, ceiling)
        return max(pause, retry_after or 0.0)


def _sent_message(message: Any) -> SentMessage:
    segments = int(message.num_segments) if message.num_segments else None
    return SentMessage(message.sid, message.status or "queued", segments)


@dataclass(frozen=True)
class TwilioCredentials:
    account_sid: str
    auth_token: str
    api_base_url: str | None  # the local fake's URL; None means Twilio itself


def credentials() -> TwilioCredentials:
    """From the environment locally; from SSM SecureStrings on AWS (a copy per container,
    see ``twilio_secrets``): during a rotation, the current token."""
    held = twilio_secrets()
    return TwilioCredentials(
        held.account_sid, held.auth_token, os.environ.get("TWILIO_API_BASE_URL") or None
    )


@lru_cache(maxsize=4)
def rest_client(creds: TwilioCredentials, timeouts: TwilioTimeouts | None = None) -> Any:
    """One SDK client per credentials, reused across calls (keeps connections open).

    Without ``timeouts`` each request reads them from the environment.
    """
    from twilio.rest import Client

    from .twilio_http import BoundedHttpClient

    client = Client(creds.account_sid, creds.auth_token, http_client=BoundedHttpClient(timeouts))
    if creds.api_base_url:
        client.region = client.edge = None  # else the SDK rewrites the host to twilio.com
        client.api.base_url = creds.api_base_url.rstrip("/")
    return client
