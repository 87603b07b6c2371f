"""The "next page" link of a list: DynamoDB's cursor, signed and tied to the list it
came from (who, which list, which search and order), so an edited or borrowed link gets a
clear 400 instead of a 500 or someone else's clients."""

from __future__ import annotations

import hashlib
from typing import Any

from chalice.app import Request

from ..domain.errors import ValidationFailed
from .signing import sign, unsign

PURPOSE = "list-cursor"
MAX_AGE = 24 * 3600
MAX_CURSOR = 4096  # a signed cursor is a few hundred characters
DAMAGED = "This list link is damaged or out of date. Open the list again from the start."


def asked_after(request: Request) -> str:
    """The ``after`` parameter as sent (Visit.query cuts values at 200 characters)."""
    params: dict[str, str] = dict(request.query_params or {})
    value = str(params.get("after", ""))
    if len(value) > MAX_CURSOR:
        raise ValidationFailed({"after": DAMAGED})
    return value


def list_id(*parts: str) -> str:
    """A short name for one list as one person asked for it."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def encode(secret: bytes, listed: str, after: dict[str, Any], shown_before: int) -> str:
    return sign(secret, PURPOSE, {"l": listed, "a": after, "n": shown_before})


def decode(secret: bytes, listed: str, value: str) -> tuple[dict[str, Any] | None, int]:
    """(cursor, how many were shown before it); (None, 0) for the first page."""
    if not value:
        return None, 0
    payload = unsign(secret, PURPOSE, value, MAX_AGE)
    if payload is None or payload.get("l") != listed:
        raise ValidationFailed({"after": DAMAGED})
    after, shown = payload.get("a"), payload.get("n")
    if not isinstance(after, dict) or not isinstance(shown, int) or shown < 0:
        raise ValidationFailed({"after": DAMAGED})
    return after, shown
