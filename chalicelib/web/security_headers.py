"""Headers every answer carries: pages, redirects, JSON, exports, static files and webhooks.

Set once, in an HTTP middleware, so no response path can forget them. A view may set its
own value (pages add a Content-Security-Policy); the middleware only fills what is missing.
"""

from __future__ import annotations

from collections.abc import Callable

from chalice import Response
from chalice.app import Request

HSTS_SECONDS = 2 * 365 * 24 * 3600  # two years, the preload list's expectation

ALWAYS = {
    "Strict-Transport-Security": f"max-age={HSTS_SECONDS}; includeSubDomains",
    # Nothing in ClientComm uses these browser features; a script smuggled in can't either.
    "Permissions-Policy": (
        "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
        "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def with_security_headers(response: Response) -> Response:
    for name, value in ALWAYS.items():
        if not any(existing.lower() == name.lower() for existing in response.headers):
            response.headers[name] = value
    return response


def add_security_headers(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice HTTP middleware: wraps every route, including refusals raised as errors."""
    return with_security_headers(get_response(event))
