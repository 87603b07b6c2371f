"""API Gateway throttling for the stage Chalice emits (``AWS::Serverless::Api``).

SAM passes ``MethodSettings`` to the stage it creates. API Gateway applies a setting to each
method on its own: ``/*`` + ``*`` is every method's default; a setting naming a resource path
and method overrides it for that method. Twilio's webhooks get their own, higher limits,
read from the routes Chalice actually emitted (a setting naming a path the API lacks would
fail the deploy).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.config_loader import ApiThrottling

from . import names
from .webhooks import TWILIO_PREFIX

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def twilio_routes(template: dict[str, Any]) -> list[tuple[str, str]]:
    """``(path, METHOD)`` of every route under ``/webhooks/twilio/`` in Chalice's API."""
    api = template.get("Resources", {}).get(names.REST_API, {})
    paths = api.get("Properties", {}).get("DefinitionBody", {}).get("paths", {})
    return sorted(
        (path, method.upper())
        for path, operations in paths.items()
        if path.startswith(TWILIO_PREFIX)
        for method in operations
        if method in HTTP_METHODS
    )


def method_settings(
    limits: ApiThrottling, webhook_routes: Iterable[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The stage default first, then one override per Twilio webhook method."""
    settings = [setting("/*", "*", limits.rate_limit, limits.burst_limit)]
    for path, method in webhook_routes:
        settings.append(
            setting(
                resource_path(path), method, limits.webhook_rate_limit, limits.webhook_burst_limit
            )
        )
    return settings


def setting(path: str, method: str, rate: float, burst: int) -> dict[str, Any]:
    return {
        "ResourcePath": path,
        "HttpMethod": method,
        "ThrottlingRateLimit": rate,
        "ThrottlingBurstLimit": burst,
    }


def resource_path(path: str) -> str:
    """API Gateway's spelling of a path in a method setting: every ``/`` of the path is
    ``~1``, after a leading ``/`` (``/webhooks/twilio/sms`` → ``/~1webhooks~1twilio~1sms``)."""
    return "/" + path.replace("/", "~1")
