"""The account's auth tokens, as Twilio keeps them during a rotation.

Twilio has a primary auth token, which signs every webhook request and status callback,
and optionally a secondary one, which (like the primary) authenticates REST requests.
Promoting the secondary makes it the primary: from then on requests are signed with it and
the old primary no longer authenticates anything. The fake does the same, so the app's
rotation can be rehearsed locally (docs/operations.md, "Rotate secrets"):

    fake.create_secondary_auth_token()        # or over HTTP, as the SDK's accounts.v1 calls:
    fake.promote_secondary_auth_token()       # POST /v1/AuthTokens/Secondary, .../Promote
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from datetime import UTC, datetime

from . import constants as c
from .replies import Reply, json_reply, twilio_error

SECONDARY_PATH = "/v1/AuthTokens/Secondary"
PROMOTE_PATH = "/v1/AuthTokens/Promote"
ACCOUNTS_BASE = "https://accounts.twilio.com"


class AuthTokens:
    """The primary token (signs requests) and the secondary one, under one lock."""

    def __init__(self, primary: str) -> None:
        self._lock = threading.Lock()
        self._primary = primary
        self._secondary: str | None = None

    @property
    def primary(self) -> str:
        with self._lock:
            return self._primary

    @property
    def secondary(self) -> str | None:
        with self._lock:
            return self._secondary

    def authenticates(self, password: str) -> bool:
        """Either token opens the REST API; compared in constant time."""
        with self._lock:
            tokens = [self._primary, *([self._secondary] if self._secondary else [])]
        matches = [hmac.compare_digest(password.encode(), token.encode()) for token in tokens]
        return any(matches)

    def create_secondary(self, token: str | None = None) -> str:
        """A new secondary token (32 hex digits unless given), replacing any earlier one."""
        made = token or secrets.token_hex(16)
        with self._lock:
            self._secondary = made
        return made

    def delete_secondary(self) -> bool:
        with self._lock:
            had, self._secondary = self._secondary is not None, None
        return had

    def promote_secondary(self) -> str:
        """The secondary becomes the primary; the old primary stops working at once."""
        with self._lock:
            if self._secondary is None:
                raise ValueError("there is no secondary auth token to promote")
            self._primary, self._secondary = self._secondary, None
            return self._primary


def basic_auth_user(header: str | None, tokens: AuthTokens) -> str | None:
    """The account SID of a valid ``Authorization: Basic`` header, else None."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user if tokens.authenticates(password) else None


def unauthorised() -> Reply:
    reply = twilio_error(c.ERROR_AUTHENTICATE, 401, "Authenticate")
    reply.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    return reply


class AuthTokensApi:
    """accounts.twilio.com's AuthTokens resources (v1), as the SDK's ``accounts.v1`` calls them."""

    def __init__(self, account_sid: str, tokens: AuthTokens) -> None:
        self._account_sid = account_sid
        self._tokens = tokens

    def handles(self, path: str) -> bool:
        return path in (SECONDARY_PATH, PROMOTE_PATH)

    def handle(self, method: str, path: str, authorization: str | None) -> Reply:
        user = basic_auth_user(authorization, self._tokens)
        if user is None or not hmac.compare_digest(user.encode(), self._account_sid.encode()):
            return unauthorised()
        if path == SECONDARY_PATH and method == "POST":
            made = self._tokens.create_secondary()
            return json_reply(201, self._resource(path, secondary_auth_token=made))
        if path == SECONDARY_PATH and method == "DELETE":
            if self._tokens.delete_secondary():
                return Reply(204, content_type="")
            return twilio_error(c.ERROR_NOT_FOUND, 404, "No secondary auth token to delete")
        if path == PROMOTE_PATH and method == "POST":
            try:
                promoted = self._tokens.promote_secondary()
            except ValueError as exc:
                return twilio_error(c.ERROR_BAD_REQUEST, 400, str(exc))
            return json_reply(200, self._resource(path, auth_token=promoted))
        return twilio_error(c.ERROR_METHOD_NOT_ALLOWED, 405, f"Method {method} not allowed")

    def _resource(self, path: str, **token: str) -> dict[str, str]:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # v1 APIs use ISO 8601
        return {
            "account_sid": self._account_sid,
            **token,
            "date_created": now,
            "date_updated": now,
            "url": ACCOUNTS_BASE + path,
        }
