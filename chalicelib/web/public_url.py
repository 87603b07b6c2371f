"""The URL people and Twilio use to reach us, which the Lambda itself cannot always see.

``PUBLIC_BASE_URL`` wins when set (a custom domain, or the local stack). Otherwise it is
rebuilt from API Gateway's request context: ``https://{domainName}/{stage}``. The stack's
template cannot hand the API's own URL to the API's function (that would be a circular
reference), so an execute-api deployment relies on this.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from chalice.app import Request

from ..config import Settings


def public_base_url(request: Request | None, settings: Settings) -> str:
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    context = (request.context if request is not None else None) or {}
    domain = context.get("domainName")
    if domain:
        stage = context.get("stage")
        on_execute_api = ".execute-api." in domain
        return f"https://{domain}/{stage}" if stage and on_execute_api else f"https://{domain}"
    host = (request.headers.get("host") if request is not None else None) or "127.0.0.1:8000"
    return f"http://{host}"


def path_prefix(request: Request | None, settings: Settings) -> str:
    """What the public URL adds before our routes ("/api" on an execute-api URL)."""
    return urlsplit(public_base_url(request, settings)).path.rstrip("/")
