"""API Gateway throttles every method of the stage by default and lets Twilio's webhooks
through at their own, higher limits; a jurisdiction file can change both, within reason."""

from __future__ import annotations

import json

import pytest

from infra.config_loader import (
    ApiThrottling,
    JurisdictionConfigError,
    load_stack_config,
)
from infra.package.throttling import method_settings, resource_path, twilio_routes
from tests.infra.packaging import EXAMPLES

MULTNOMAH = json.loads((load_stack_config("multnomah-county").source).read_text(encoding="utf-8"))


def settings_of(template: dict) -> dict[tuple[str, str], tuple[float, int]]:
    api = template["Resources"]["RestAPI"]["Properties"]
    return {
        (s["ResourcePath"], s["HttpMethod"]): (s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"])
        for s in api["MethodSettings"]
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_method_has_the_default_limits_and_each_twilio_webhook_its_own(templates, name):
    limits = load_stack_config(name).throttling
    found = settings_of(templates[name])
    assert found.pop(("/*", "*")) == (limits.rate_limit, limits.burst_limit)
    assert ("/~1webhooks~1twilio~1sms", "POST") in found
    assert ("/~1webhooks~1twilio~1status", "POST") in found
    assert set(found.values()) == {(limits.webhook_rate_limit, limits.webhook_burst_limit)}


@pytest.mark.parametrize("name", EXAMPLES)
def test_only_routes_the_api_has_are_named(templates, name):
    """A method setting for a path the API lacks fails the deploy."""
    paths = templates[name]["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    named = {path for path, _ in settings_of(templates[name])} - {"/*"}
    assert named == {resource_path(p) for p in paths if p.startswith("/webhooks/twilio/")}


def test_twilio_routes_are_read_from_chalices_api_definition():
    template = {
        "Resources": {
            "RestAPI": {
                "Properties": {
                    "DefinitionBody": {
                        "paths": {
                            "/webhooks/twilio/status/{outbound_id}": {"post": {}},
                            "/webhooks/twilio/sms": {"post": {}, "x-amazon-x": {}},
                            "/signin": {"get": {}, "post": {}},
                        }
                    }
                }
            }
        }
    }
    routes = twilio_routes(template)
    assert routes == [
        ("/webhooks/twilio/sms", "POST"),
        ("/webhooks/twilio/status/{outbound_id}", "POST"),
    ]
    settings = method_settings(ApiThrottling(), routes)
    assert settings[1]["ResourcePath"] == "/~1webhooks~1twilio~1sms"
    assert settings[2]["ResourcePath"] == "/~1webhooks~1twilio~1status~1{outbound_id}"


def test_webhook_limits_default_well_above_a_mass_texts_burst():
    limits = ApiThrottling()
    assert limits.webhook_burst_limit >= 10 * limits.burst_limit
    assert limits.webhook_rate_limit >= 10 * limits.rate_limit


def write(tmp_path, **throttling) -> str:
    data = {**MULTNOMAH, "name": "tuned-county", "api_throttling": throttling}
    (tmp_path / "tuned-county.json").write_text(json.dumps(data))
    return "tuned-county"


def test_a_jurisdiction_file_can_set_its_own_limits(tmp_path):
    name = write(tmp_path, rate_limit=20, burst_limit=40, webhook_burst_limit=2000)
    limits = load_stack_config(name, tmp_path).throttling
    assert limits == ApiThrottling(20, 40, ApiThrottling().webhook_rate_limit, 2000)


@pytest.mark.parametrize(
    ("throttling", "field"),
    [
        ({"rate_limit": 0}, "rate_limit"),
        ({"burst_limit": 2.5}, "burst_limit"),
        ({"burst_limit": True}, "burst_limit"),
        ({"webhook_rate_limit": 20_000}, "webhook_rate_limit"),
        ({"rate_limit": 800}, "webhook_rate_limit"),
        ({"webhook_burst_limit": 50, "burst_limit": 10}, "webhook_burst_limit"),
        ({"burstlimit": 10}, "burstlimit"),
    ],
)
def test_limits_that_would_throttle_twilio_or_exceed_the_account_are_refused(
    tmp_path, throttling, field
):
    name = write(tmp_path, **throttling)
    with pytest.raises(JurisdictionConfigError) as caught:
        load_stack_config(name, tmp_path)
    message = str(caught.value)
    assert "tuned-county.json" in message
    assert f"  api_throttling.{field}:" in message
