"""Jinja2 pages. Autoescape is on for every template: nothing a client texts is trusted."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalice import Response

from ..domain.phones import display_phone

# The repo keeps templates/ beside app.py; the deployment zip ships it at the same place.
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"
HTML = "text/html; charset=utf-8"


@lru_cache(maxsize=1)
def environment() -> Any:
    import jinja2  # only page views need it; webhooks and the sweep never do

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["phone"] = display_phone
    env.filters["local_time"] = local_time
    return env


def local_time(value: datetime | None, zone: Any = None, fmt: str = "%b %-d, %-I:%M %p") -> str:
    """A stored UTC time as the jurisdiction's clock shows it."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).strftime(fmt) if zone else value.strftime(fmt)


def socket_origin() -> str:
    """The WebSocket API's origin, which the page may connect to (" wss://host", or "")."""
    from urllib.parse import urlsplit

    from ..config import get_settings

    url = get_settings().websocket_url
    if not url:
        return ""
    parts = urlsplit(url)
    return f" {parts.scheme}://{parts.netloc}"


def render(
    template: str,
    status: int = 200,
    headers: dict[str, str | list[str]] | None = None,
    **context: Any,
) -> Response:
    body = environment().get_template(template).render(**context)
    all_headers: dict[str, str | list[str]] = {
        "Content-Type": HTML,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"connect-src 'self'{socket_origin()}; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
    }
    all_headers.update(headers or {})
    return Response(body=body, status_code=status, headers=all_headers)
