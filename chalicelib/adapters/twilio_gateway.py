"""Twilio: sending texts through the REST API and checking that webhooks came from Twilio.

The SDK is imported only here and only when used. Locally the same SDK talks to the fake
Twilio (``TWILIO_API_BASE_URL``); nothing else in the app knows the difference.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..domain.delivery import OPTED_OUT

RETRYABLE_STATUS = frozenset({429, 503})  # Twilio did not take the request: safe to resend
INVALID_RECIPIENT = frozenset({21211, 21614, 21612})


class TwilioError(Exception):
    """Base of what sending can raise; ``code`` is Twilio's error code when there is one."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


class RecipientOptedOut(TwilioError):
    """Twilio refused: the number replied STOP to this sender (21610)."""


class InvalidRecipient(TwilioError):
    """Twilio refused the number itself."""


class TwilioUnavailable(TwilioError):
    """Twilio could not be reached or kept refusing; nothing was sent."""


@dataclass(frozen=True)
class SentMessage:
    sid: str
    status: str
    segments: int | None


class TwilioGateway:
    """Wraps a ``twilio.rest.Client`` (or anything shaped like one) handed in."""

    def __init__(self, client: Any, attempts: int = 3, backoff_seconds: float = 0.5):
        self.client = client
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds

    def send(self, *, from_: str, to: str, body: str, status_callback: str) -> SentMessage:
        from twilio.base.exceptions import TwilioRestException

        for attempt in range(1, self.attempts + 1):
            try:
                message = self.client.messages.create(
                    from_=from_, to=to, body=body, status_callback=status_callback
                )
            except TwilioRestException as exc:
                if exc.status in RETRYABLE_STATUS and attempt < self.attempts:
                    time.sleep(self.backoff_seconds * 2 ** (attempt - 1))
                    continue
                raise _our_error(exc) from exc
            segments = int(message.num_segments) if message.num_segments else None
            return SentMessage(message.sid, message.status or "queued", segments)
        raise TwilioUnavailable("Twilio kept refusing the request")  # pragma: no cover


def _our_error(exc: Any) -> TwilioError:
    code = int(exc.code) if exc.code else None
    if code == OPTED_OUT:
        return RecipientOptedOut(exc.msg, code)
    if code in INVALID_RECIPIENT:
        return InvalidRecipient(exc.msg, code)
    return TwilioUnavailable(exc.msg or f"Twilio answered {exc.status}", code)


@dataclass(frozen=True)
class TwilioCredentials:
    account_sid: str
    auth_token: str
    api_base_url: str | None  # the local fake's URL; None means Twilio itself


def credentials() -> TwilioCredentials:
    """From the environment locally; from SSM SecureStrings (cached per container) on AWS."""
    env = os.environ
    sid, token = env.get("TWILIO_ACCOUNT_SID"), env.get("TWILIO_AUTH_TOKEN")
    if not (sid and token):
        from aws_lambda_powertools.utilities import parameters

        sid = str(
            parameters.get_parameter(
                env["TWILIO_ACCOUNT_SID_PARAMETER"], decrypt=True, max_age=3600
            )
        )
        token = str(
            parameters.get_parameter(env["TWILIO_AUTH_TOKEN_PARAMETER"], decrypt=True, max_age=3600)
        )
    return TwilioCredentials(sid, token, env.get("TWILIO_API_BASE_URL") or None)


@lru_cache(maxsize=2)
def rest_client(creds: TwilioCredentials) -> Any:
    from twilio.rest import Client

    client = Client(creds.account_sid, creds.auth_token)
    if creds.api_base_url:
        client.region = client.edge = None  # else the SDK rewrites the host to twilio.com
        client.api.base_url = creds.api_base_url.rstrip("/")
    return client


def signature_is_valid(auth_token: str, url: str, params: dict[str, str], signature: str) -> bool:
    """Twilio signs the exact public URL it called plus the sorted form fields."""
    from twilio.request_validator import RequestValidator

    return bool(signature) and RequestValidator(auth_token).validate(url, params, signature)
