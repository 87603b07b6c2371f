"""What API Gateway itself answers when no route takes a request, as the site's own page.

API Gateway answers a path no resource has, or a method a resource lacks, with 403
``{"message": "Missing Authentication Token"}`` before the function runs. Its gateway
responses (``x-amazon-apigateway-gateway-responses`` in the API's definition) replace
that: a 404 with ``problem.html`` for browsers and the same JSON for scripts, and the site's
page for its other 4xx and 5xx errors (throttling, a body too large, a timeout) with their
own status. Gateway response templates are static text with ``$context`` substitution only,
so the page is rendered here, at packaging time. The local gateway applies the same
definitions (``infra/local/lambda_worker.py``), so ``make run`` answers as AWS does.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.web.browser_errors import problem_page
from chalicelib.web.security_headers import ALWAYS

HTML = "text/html"
JSON = "application/json"
JSON_TEMPLATE = '{"message":$context.error.messageString}'
# Static header values are quoted in single quotes; the app's own security headers (no
# value of theirs holds a quote) plus no caching of an error.
HEADERS = {
    f"gatewayresponse.header.{name}": f"'{value}'"
    for name, value in {**ALWAYS, "Cache-Control": "no-store"}.items()
}
# response type → the status it answers with (None keeps API Gateway's own) and the page's
UNKNOWN_PATH = "MISSING_AUTHENTICATION_TOKEN"
TYPES: dict[str, tuple[int | None, int]] = {
    UNKNOWN_PATH: (404, 404),
    "DEFAULT_4XX": (None, 400),
    "DEFAULT_5XX": (None, 500),
}


def page_html(status: int, prefix: str) -> str:
    body = problem_page(status, prefix).body
    assert isinstance(body, str)
    if "$" in body:  # API Gateway would read it as a variable
        raise ValueError("a gateway response page must not contain '$'")
    return body


def gateway_responses(prefix: str) -> dict[str, Any]:
    """The ``x-amazon-apigateway-gateway-responses`` of the API; ``prefix`` is the path the
    public URL adds before our routes ("/api" on the execute-api URL, "" on a domain)."""
    responses: dict[str, Any] = {}
    for kind, (status, page_status) in TYPES.items():
        response: dict[str, Any] = {
            "responseParameters": dict(HEADERS),
            "responseTemplates": {HTML: page_html(page_status, prefix), JSON: JSON_TEMPLATE},
        }
        if status is not None:
            response["statusCode"] = str(status)
        responses[kind] = response
    return responses


def template_for(templates: dict[str, str], accept: str) -> tuple[str, str]:
    """(content type, template) as API Gateway chooses: the first type the request's
    Accept names that has a template, else application/json."""
    for part in accept.split(","):
        kind = part.split(";")[0].strip().lower()
        if kind in templates:
            return kind, templates[kind]
    return JSON, templates[JSON]


def answer(
    kind: str, default_status: int, message: str, accept: str, prefix: str
) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) for a gateway error of ``kind``, as API Gateway would
    answer it with these definitions: for the local gateway."""
    response = gateway_responses(prefix)[kind]
    status = int(response.get("statusCode", default_status))
    content_type, template = template_for(response["responseTemplates"], accept)
    body = template.replace("$context.error.messageString", json.dumps(message))
    headers = {
        name.removeprefix("gatewayresponse.header."): value.strip("'")
        for name, value in response["responseParameters"].items()
    }
    return status, {**headers, "Content-Type": content_type}, body
