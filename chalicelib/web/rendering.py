"""Jinja2 pages. Autoescape is on for every template: nothing a client texts is trusted."""

from __future__ import annotations

from datetime import UTC, date, datetime
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
    env.filters["local_day"] = local_day
    from .media_links import FILTERS  # photos and files of a text (issue 22)

    env.filters.update(FILTERS)
    env.globals["static_url"] = jinja2.pass_context(static_url)
    env.globals["module_preload_urls"] = jinja2.pass_context(module_preload_urls)
    return env


def static_url(context: Any, name: str) -> str:
    """A static file's content-hashed URL (``static_url('app.css')``), through the page's
    own ``url`` helper so it carries the stage prefix the page's links carry."""
    from .static_files import static_path

    return _page_url(context, static_path(name))


def module_preload_urls(context: Any, entry: str) -> list[str]:
    """The hashed URLs of every module ``entry`` imports, to preload from the head."""
    from .static_files import module_preloads

    return [_page_url(context, path) for path in module_preloads(entry)]


def _page_url(context: Any, path: str) -> str:
    url = context.get("url")
    return str(url(path)) if callable(url) else path


def local_time(
    value: datetime | None,
    zone: Any = None,
    fmt: str = "%b %-d, %-I:%M %p",
    now: datetime | None = None,
) -> str:
    """A stored UTC time as the jurisdiction's clock shows it, with its year when that is
    not this year ("Mar 5, 2020, 11:30 AM")."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone) if zone else value
    today = (now or datetime.now(UTC)).astimezone(local.tzinfo).date()
    return local.strftime(with_year(fmt, local.date(), today))


def local_day(
    value: date, zone: Any = None, fmt: str = "%a %b %-d", now: datetime | None = None
) -> str:
    """A calendar day of the jurisdiction's, with its year when not this year there."""
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    return value.strftime(with_year(fmt, value, today))


def with_year(fmt: str, day: date, today: date) -> str:
    """``fmt`` with the year after the day of the month when ``day`` is in another year
    than ``today``: a date without a year reads as this year's."""
    if day.year == today.year or "%Y" in fmt or "%-d" not in fmt:
        return fmt
    return fmt.replace("%-d", "%-d, %Y", 1)


def socket_origin() -> str:
    """The WebSocket API's origin, which the page may connect to (" wss://host", or "")."""
    from urllib.parse import urlsplit

    from ..config import get_settings

    url = get_settings().websocket_url
    if not url:
        return ""
    parts = urlsplit(url)
    return f" {parts.scheme}://{parts.netloc}"


def media_origin() -> str:
    """Where the media bucket's signed URLs point, view links and upload forms alike, which
    pages may load images from and post attachments to (" origin", or "")."""
    from .media_links import bucket_origin

    return bucket_origin()


def render(
    template: str,
    status: int = 200,
    headers: dict[str, str | list[str]] | None = None,
    **context: Any,
) -> Response:
    body = environment().get_template(template).render(**context)
    bucket = media_origin()
    all_headers: dict[str, str | list[str]] = {
        "Content-Type": HTML,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": (
            f"default-src 'self'; img-src 'self' data: blob:{bucket}; style-src 'self'; "
            "script-src 'self'; "
            f"connect-src 'self'{socket_origin()}{bucket}; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
    }
    all_headers.update(headers or {})
    return Response(body=body, status_code=status, headers=all_headers)
