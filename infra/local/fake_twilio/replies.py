"""The small response value that route handlers return to the HTTP server.

Handlers stay free of socket code (easy to reason about and test); the server writes
the reply and only then runs `after`, which is how status callbacks are guaranteed to
start after the create response has been sent. A reply with `drop` set is never written:
the server closes the connection instead (a fault injected on purpose).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from . import constants as c
from .constants import error_body

JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Reply:
    """An HTTP response plus an optional action to run once it has been flushed."""

    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    after: Callable[[], None] | None = None
    drop: bool = False  # close the connection without answering


def json_reply(
    status: int,
    payload: object,
    headers: dict[str, str] | None = None,
    after: Callable[[], None] | None = None,
) -> Reply:
    """Serialise payload as UTF-8 JSON."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, JSON_TYPE, headers or {}, after)


def twilio_error(code: int, status: int, message: str) -> Reply:
    """A Twilio-shaped error that the SDK raises as TwilioRestException(status, code)."""
    return json_reply(status, error_body(code, status, message))


# A form-encoded request body, as parse_qs gives it: each key with every value sent.
Form = Mapping[str, list[str]]


def first_value(form: Form, key: str) -> str:
    values = form.get(key)
    return values[0] if values else ""


def int_or(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def not_found(path: str) -> Reply:
    return twilio_error(c.ERROR_NOT_FOUND, 404, f"The requested resource {path} was not found")


def not_allowed(method: str, path: str) -> Reply:
    return twilio_error(c.ERROR_METHOD_NOT_ALLOWED, 405, f"Method {method} not allowed for {path}")


def page_size(query: Form) -> int:
    """PageSize as Twilio reads it: the default when absent or not a number, within 1..max."""
    return min(max(int_or(first_value(query, "PageSize"), c.DEFAULT_PAGE_SIZE), 1), c.MAX_PAGE_SIZE)
