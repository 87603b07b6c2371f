"""The public URL when the stack cannot be told its own execute-api address."""

from dataclasses import replace

import pytest
from chalice.app import Request

from chalicelib.config import get_settings
from chalicelib.web.public_url import path_prefix, public_base_url


def request(domain=None, stage=None, host=None) -> Request:
    context = {"httpMethod": "POST", "resourcePath": "/webhooks/twilio/sms"}
    if domain:
        context.update(domainName=domain, stage=stage)
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": {"host": host} if host else {},
            "pathParameters": None,
            "requestContext": context,
            "body": None,
            "stageVariables": None,
        }
    )


@pytest.fixture()
def settings(monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    return get_settings()


def test_an_execute_api_url_keeps_its_stage(settings):
    req = request("abc123.execute-api.us-west-2.amazonaws.com", "api")
    assert (
        public_base_url(req, settings) == "https://abc123.execute-api.us-west-2.amazonaws.com/api"
    )
    assert path_prefix(req, settings) == "/api"


def test_a_custom_domain_has_no_stage_in_its_paths(settings):
    req = request("texts.probation.example.gov", "api")
    assert public_base_url(req, settings) == "https://texts.probation.example.gov"
    assert path_prefix(req, settings) == ""


def test_a_configured_url_wins(settings):
    configured = replace(settings, public_base_url="https://x.example/base/")
    req = request("abc.execute-api.us-west-2.amazonaws.com", "api")
    assert public_base_url(req, configured) == "https://x.example/base"
    assert path_prefix(req, configured) == "/base"


def test_without_a_context_the_host_header_is_used(settings):
    assert public_base_url(request(host="127.0.0.1:9000"), settings) == "http://127.0.0.1:9000"
