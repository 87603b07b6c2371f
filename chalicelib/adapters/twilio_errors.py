"""What a Twilio call can end in, named by what the caller may safely do next.

The split that matters is whether Twilio may have taken the message: a refusal or a
certain "not sent" can be handled (or retried) at once, while an unknown outcome must be
resolved first (status callback, or ``TwilioGateway.find_sent``) or the client could get
the same text twice.
"""

from __future__ import annotations

import json
from typing import Any

from ..domain.delivery import OPTED_OUT

# Twilio error codes (https://www.twilio.com/docs/api/errors) the adapter acts on.
RECIPIENT_OPTED_OUT = OPTED_OUT  # 21610: the number replied STOP to this sender
INVALID_TO_NUMBER = 21211
REGION_NOT_ENABLED = 21408  # the account may not text that country
UNREACHABLE_BY_SMS = 21612
NOT_A_MOBILE_NUMBER = 21614
TOO_MANY_REQUESTS = 20429
INTERNAL_SERVER_ERROR = 20500
SERVICE_UNAVAILABLE = 20503
INVALID_RECIPIENT_CODES = frozenset(
    {INVALID_TO_NUMBER, REGION_NOT_ENABLED, UNREACHABLE_BY_SMS, NOT_A_MOBILE_NUMBER}
)

# HTTP answers after which Twilio certainly did not create the message.
NOT_TAKEN_STATUSES = frozenset({429, 503})


class TwilioError(Exception):
    """Base of what calling Twilio can raise; ``code`` is Twilio's error code when known."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class RecipientOptedOut(TwilioError):
    """Twilio refused: the number replied STOP to this sender (21610). Permanent."""


class InvalidRecipient(TwilioError):
    """Twilio refused the number itself (not a phone, not textable, not routable). Permanent."""


class TwilioRefused(TwilioError):
    """Twilio rejected the request itself (credentials, From number, body...). Nothing sent.

    Sending it again unchanged gets the same answer, so it is not retried.
    """


class TwilioNotSent(TwilioError):
    """Twilio certainly did not take the message: retrying is safe.

    Raised for a refused or timed-out connection, a failed DNS lookup or TLS handshake, and
    for 429/503 answers. ``retry_after`` is Twilio's Retry-After in seconds, when it sent one.
    """

    def __init__(
        self, message: str, code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after


class TwilioOutcomeUnknown(TwilioError):
    """The request may have reached Twilio and no usable answer came back.

    A read timeout, a connection dropped after the request went out, or a 500-class answer
    (Twilio documents that retrying a send after a 500 can deliver it twice). Do not resend
    blindly: wait for the status callback or look the message up with ``find_sent``.
    """


# Kept for callers written before the split; the same class, not a subclass.
TwilioUnavailable = TwilioNotSent


def error_from_answer(
    status: int,
    code: int | None,
    message: str,
    retry_after: float | None = None,
    server_errors_not_sent: bool = False,
) -> TwilioError:
    """Our error for an error answer from Twilio: HTTP status plus Twilio's error code."""
    if code == RECIPIENT_OPTED_OUT:
        return RecipientOptedOut(message, code)
    if code in INVALID_RECIPIENT_CODES:
        return InvalidRecipient(message, code)
    if status in NOT_TAKEN_STATUSES or (server_errors_not_sent and status >= 500):
        return TwilioNotSent(message, code, retry_after)
    if status >= 500:
        return TwilioOutcomeUnknown(message, code)
    return TwilioRefused(message, code)


def error_from_rest(
    exc: Any, retry_after: float | None = None, server_errors_not_sent: bool = False
) -> TwilioError:
    """Our error for a ``TwilioRestException`` (create and fetch raise it)."""
    code = int(exc.code) if exc.code else None
    status = int(exc.status or 0)
    message = str(exc.msg or f"Twilio answered {status}")
    return error_from_answer(status, code, message, retry_after, server_errors_not_sent)


def error_from_page(exc: Any, retry_after: float | None = None) -> TwilioError:
    """Our error for the plain ``TwilioException`` a list raises: ("...", response)."""
    response = exc.args[1] if len(exc.args) > 1 else None
    status = int(getattr(response, "status_code", 0) or 0)
    if response is None or not status:
        return TwilioOutcomeUnknown(f"Twilio SDK failed: {exc}")
    try:
        payload = json.loads(response.text)
        code = int(payload["code"]) if payload.get("code") else None
        message = str(payload.get("message") or f"Twilio answered {status}")
    except (ValueError, TypeError, AttributeError, KeyError):
        code, message = None, f"Twilio answered {status}"
    return error_from_answer(status, code, message, retry_after)


def error_from_transport(exc: Exception) -> TwilioError:
    """Our error for a ``requests`` failure: did it happen before the request went out?"""
    from requests.exceptions import ConnectTimeout, SSLError
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    cause = exc.args[0] if exc.args else None
    before_sending = isinstance(exc, ConnectTimeout | SSLError) or (
        isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError)
    )
    if before_sending:
        return TwilioNotSent(f"Could not connect to Twilio: {type(exc).__name__}")
    return TwilioOutcomeUnknown(f"No answer from Twilio: {type(exc).__name__}")
