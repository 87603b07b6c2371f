"""Logs are kept as long as the jurisdiction says, in log groups the stack itself makes.

Lambda would otherwise create ``/aws/lambda/<function>`` and API Gateway
``API-Gateway-Execution-Logs_<id>/<stage>`` on their own, kept forever and outside the
template; every log group a stack causes is a template resource with the jurisdiction's
retention.
"""

from __future__ import annotations

import json

import pytest

from infra.config_loader import JurisdictionConfigError, load_stack_config
from infra.definitions import LOG_RETENTION_DAYS
from infra.jurisdiction_schema.model import LOG_RETENTION_CHOICES
from infra.package.merge import merge_template
from tests.infra.packaging import EXAMPLES, of_type

LOG_GROUP = "AWS::Logs::LogGroup"
MULTNOMAH = json.loads((load_stack_config("multnomah-county").source).read_text(encoding="utf-8"))
# What CloudWatch Logs accepts for a log group's retention (PutRetentionPolicy).
CLOUDWATCH_ACCEPTS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096)
CLOUDWATCH_ACCEPTS += (1827, 2192, 2557, 2922, 3288, 3653)


def write(tmp_path, **settings) -> str:
    data = {**MULTNOMAH, "name": "kept-county", **settings}
    (tmp_path / "kept-county.json").write_text(json.dumps(data))
    return "kept-county"


def test_the_choices_are_exactly_what_cloudwatch_logs_accepts():
    assert tuple(LOG_RETENTION_CHOICES) == CLOUDWATCH_ACCEPTS
    assert LOG_RETENTION_DAYS == 90


def test_without_the_setting_logs_are_kept_90_days(tmp_path):
    config = load_stack_config(write(tmp_path), tmp_path)
    assert config.log_retention_days == 90


@pytest.mark.parametrize("days", [1, 400, 3653])
def test_every_log_group_of_the_stack_keeps_logs_as_long_as_the_jurisdiction_says(tmp_path, days):
    config = load_stack_config(write(tmp_path, log_retention_days=days), tmp_path)
    resources = merge_template(config, [])["Resources"]
    groups = {k: v for k, v in resources.items() if v.get("Type") == LOG_GROUP}
    assert groups
    assert {g["Properties"]["RetentionInDays"] for g in groups.values()} == {days}


@pytest.mark.parametrize("wrong", [100, 0, 90.0, "90", True, None])
def test_a_retention_cloudwatch_would_refuse_is_refused_listing_the_accepted_values(
    tmp_path, wrong
):
    with pytest.raises(JurisdictionConfigError) as caught:
        load_stack_config(write(tmp_path, log_retention_days=wrong), tmp_path)
    message = caught.value.problems["log_retention_days"]
    if not isinstance(wrong, int) or isinstance(wrong, bool):
        assert "whole number" in message
    else:
        assert "1, 3, 5, 7, 14, 30, 60, 90" in message and "3653" in message


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_log_group_in_the_template_has_the_jurisdictions_retention(templates, name):
    days = load_stack_config(name).log_retention_days
    groups = of_type(templates[name], LOG_GROUP)
    assert len(groups) >= 2  # the functions' and the API's access log
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == days


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_logs_into_a_log_group_of_the_template_and_cannot_make_another(
    templates, name
):
    template = templates[name]
    groups = of_type(template, LOG_GROUP)
    for function, resource in of_type(template, "AWS::Serverless::Function").items():
        target = resource["Properties"]["LoggingConfig"]["LogGroup"]
        assert target["Ref"] in groups, function
    for role, resource in of_type(template, "AWS::IAM::Role").items():
        text = json.dumps(resource["Properties"].get("Policies", []))
        assert "logs:CreateLogGroup" not in text, role
        assert "logs:*" not in text, role


@pytest.mark.parametrize("name", EXAMPLES)
def test_api_gateway_writes_only_its_access_log_to_a_group_of_the_template(templates, name):
    """Execution logging would make a group outside the template, kept forever, holding
    request bodies (phone numbers, texts): it stays off."""
    template = templates[name]
    api = template["Resources"]["RestAPI"]["Properties"]
    for setting in api["MethodSettings"]:
        assert setting.get("LoggingLevel", "OFF") == "OFF"
        assert not setting.get("DataTraceEnabled", False)
    destination = api["AccessLogSetting"]["DestinationArn"]
    assert destination["Fn::GetAtt"][0] in of_type(template, LOG_GROUP)
    for stage in of_type(template, "AWS::ApiGatewayV2::Stage").values():
        assert "DefaultRouteSettings" not in stage["Properties"]
