"""API Gateway's own answers (a path no route has, throttling, a timeout) are the site's
error page for browsers and JSON for scripts, in every packaged template."""

from __future__ import annotations

import json
import re

import pytest

from infra.package.gateway_responses import UNKNOWN_PATH, answer, gateway_responses
from tests.infra.packaging import EXAMPLES

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def responses_of(template: dict) -> dict:
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    return body["x-amazon-apigateway-gateway-responses"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_unknown_path_answers_404_with_the_sites_page_or_json(templates, name):
    unknown = responses_of(templates[name])[UNKNOWN_PATH]
    assert unknown["statusCode"] == "404"
    page = unknown["responseTemplates"]["text/html"]
    assert "<h1>Page not found</h1>" in page and "$" not in page
    assert unknown["responseTemplates"]["application/json"] == (
        '{"message":$context.error.messageString}'
    )
    headers = unknown["responseParameters"]
    assert headers["gatewayresponse.header.X-Content-Type-Options"] == "'nosniff'"
    assert headers["gatewayresponse.header.Strict-Transport-Security"].startswith("'max-age=")


@pytest.mark.parametrize("name", EXAMPLES)
def test_other_gateway_errors_keep_their_status_and_get_a_page_too(templates, name):
    responses = responses_of(templates[name])
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        assert "statusCode" not in responses[kind]  # API Gateway's own (429, 413, 504...)
        assert "<h1>" in responses[kind]["responseTemplates"]["text/html"]


def test_the_pages_assets_follow_the_public_urls_path(templates):
    by_domain = responses_of(templates["salt-lake-county"])[UNKNOWN_PATH]
    on_execute_api = responses_of(templates["multnomah-county"])[UNKNOWN_PATH]
    # the stylesheet by its content hash, as every page names it (web/static_files.py)
    sheet = r'href="{}/static/app\.[0-9a-f]+\.css"'
    assert re.search(sheet.format(""), by_domain["responseTemplates"]["text/html"])
    assert re.search(sheet.format("/api"), on_execute_api["responseTemplates"]["text/html"])
    assert 'href="/api/caseload"' in on_execute_api["responseTemplates"]["text/html"]


def test_the_template_is_chosen_by_accept_as_api_gateway_does():
    status, headers, body = answer(UNKNOWN_PATH, 403, "Missing Authentication Token", BROWSER, "")
    assert (status, headers["Content-Type"]) == (404, "text/html") and "Page not found" in body
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = answer(UNKNOWN_PATH, 403, "Missing Authentication Token", "*/*", "")
    assert (status, headers["Content-Type"]) == (404, "application/json")
    assert json.loads(body) == {"message": "Missing Authentication Token"}
    assert answer("DEFAULT_4XX", 429, "Too Many Requests", BROWSER, "")[0] == 429


def test_the_definitions_are_the_same_every_time():
    assert gateway_responses("/api") == gateway_responses("/api")
