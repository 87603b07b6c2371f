"""Throttling anywhere in the stack is counted and alarmed, to the same topic as the rest.

API Gateway (REST) publishes no throttle count: its 429s hide inside ``4XXError``. The
stage writes an access log (one JSON line per request, in a log group of the template) and
two metric filters count its 429s: all of them, and Twilio's webhooks' alone (a refused
inbound text is retried or goes to the fallback; a refused status callback is lost). Lambda
throttles per function and DynamoDB throttles per table have alarms too.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from infra.config_loader import load_stack_config
from infra.definitions import (
    API_THROTTLED_METRIC,
    WEBHOOK_THROTTLED_METRIC,
    metrics_namespace,
)
from infra.package import access_log
from infra.package.merge import merge_template
from infra.package.throttling import twilio_routes
from tests.infra.packaging import EXAMPLES, FUNCTION, of_type

ROUTES = [
    ("/webhooks/twilio/fallback", "POST"),
    ("/webhooks/twilio/sms", "POST"),
    ("/webhooks/twilio/status", "POST"),
    ("/webhooks/twilio/status/{outbound_id}", "POST"),
]
SAMPLE = {  # what API Gateway puts in for each $context variable of a throttled request
    "$context.requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "$context.requestTime": "09/Apr/2027:12:34:56 +0000",
    "$context.httpMethod": "POST",
    "$context.resourcePath": "/webhooks/twilio/status/{outbound_id}",
    "$context.status": "429",
    "$context.error.responseType": "THROTTLED",
    "$context.responseLatency": "3",
    "$context.integrationLatency": "-",
    "$context.identity.sourceIp": "203.0.113.9",
}


def merged(name: str = "multnomah-county", tmp_path=None, **settings) -> dict:
    config = load_stack_config(name)
    if settings:
        raw = json.loads(config.source.read_text(encoding="utf-8"))
        (tmp_path / "tuned-county.json").write_text(
            json.dumps({**raw, "name": "tuned-county", **settings})
        )
        config = load_stack_config("tuned-county", tmp_path)
    return merge_template(config, [], ROUTES)["Resources"]


def typed(resources: dict, kind: str) -> dict:
    return {k: v for k, v in resources.items() if v.get("Type") == kind}


def test_each_request_is_logged_as_one_json_line_with_ids_and_no_private_data():
    line = access_log.FORMAT
    for variable, value in sorted(SAMPLE.items(), key=lambda item: -len(item[0])):
        line = line.replace(variable, value)
    assert "$context" not in line, "a variable the sample does not cover"
    found = json.loads(line)
    assert found["requestId"] == SAMPLE["$context.requestId"]
    assert found["status"] == "429"
    assert found["resourcePath"] == "/webhooks/twilio/status/{outbound_id}"
    assert "\n" not in access_log.FORMAT
    # the route's template, never the path with its ids, a query string or a body
    assert not re.search(r"\$context\.(path|requestOverride|authorizer|identity\.user)", line)


def test_the_stage_writes_its_access_log_to_the_stacks_log_group():
    resources = merged()
    setting = resources["RestAPI"]["Properties"]["AccessLogSetting"]
    assert setting == {
        "DestinationArn": {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]},
        "Format": access_log.FORMAT,
    }
    group = resources["ApiAccessLogs"]
    assert group["Properties"]["LogGroupName"] == "/clientcomm/multnomah-county/api-access"


def test_two_metric_filters_count_every_429_and_the_webhooks_429s_in_the_stacks_namespace():
    filters = typed(merged(), "AWS::Logs::MetricFilter")
    by_metric = {}
    for found in filters.values():
        properties = found["Properties"]
        assert properties["LogGroupName"] == {"Ref": "ApiAccessLogs"}
        (transform,) = properties["MetricTransformations"]
        assert transform["MetricNamespace"] == metrics_namespace("multnomah-county")
        assert transform["MetricValue"] == "1"
        by_metric[transform["MetricName"]] = properties["FilterPattern"]
    assert set(by_metric) == {API_THROTTLED_METRIC, WEBHOOK_THROTTLED_METRIC}
    assert by_metric[API_THROTTLED_METRIC] == '{ $.status = "429" }'
    webhooks = by_metric[WEBHOOK_THROTTLED_METRIC]
    assert webhooks.startswith('{ $.status = "429" && (')
    named = re.findall(r'\$\.resourcePath = "([^"]+)"', webhooks)
    assert sorted(named) == sorted(path for path, _ in ROUTES)
    assert len(webhooks) <= 1024  # CloudWatch Logs' limit for a filter pattern


@pytest.mark.parametrize(
    ("alarm", "metric"),
    [
        ("ApiThrottlingAlarm", API_THROTTLED_METRIC),
        ("WebhookThrottlingAlarm", WEBHOOK_THROTTLED_METRIC),
    ],
)
def test_throttled_requests_alarm_to_the_alarm_topic(alarm, metric):
    found = merged()[alarm]["Properties"]
    assert (found["Namespace"], found["MetricName"]) == (
        metrics_namespace("multnomah-county"),
        metric,
    )
    assert found["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert found["Statistic"] == "Sum"


def test_a_single_throttled_webhook_alarms_at_once():
    found = merged()["WebhookThrottlingAlarm"]["Properties"]
    assert (found["ComparisonOperator"], found["Threshold"]) == ("GreaterThanThreshold", 0)
    assert found["EvaluationPeriods"] == 1


def test_the_stack_sets_api_gateways_logging_role_unless_told_one_is_set(tmp_path):
    resources = merged()
    account = resources["ApiGatewayAccount"]
    assert account["Properties"]["CloudWatchRoleArn"] == {
        "Fn::GetAtt": ["ApiGatewayLoggingRole", "Arn"]
    }
    role = resources["ApiGatewayLoggingRole"]
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "apigateway.amazonaws.com"}]
    assert "Policies" not in role["Properties"]
    (managed,) = role["Properties"]["ManagedPolicyArns"]
    assert managed["Fn::Sub"].endswith(
        ":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    )
    for kept in (account, role):  # every stack's API in the region uses it: never deleted
        assert (kept["DeletionPolicy"], kept["UpdateReplacePolicy"]) == ("Retain", "Retain")
    # the stage (which names the log group) is made once API Gateway may write logs
    assert resources["ApiAccessLogs"]["DependsOn"] == "ApiGatewayAccount"

    left_alone = merged(tmp_path=tmp_path, set_api_gateway_logging_role=False)
    assert "ApiGatewayAccount" not in left_alone
    assert "ApiGatewayLoggingRole" not in left_alone
    assert "DependsOn" not in left_alone["ApiAccessLogs"]
    assert "AccessLogSetting" in left_alone["RestAPI"]["Properties"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_webhook_filter_names_exactly_the_twilio_routes_the_api_has(templates, name):
    template = templates[name]
    webhooks = next(
        f["Properties"]["FilterPattern"]
        for f in of_type(template, "AWS::Logs::MetricFilter").values()
        if f["Properties"]["MetricTransformations"][0]["MetricName"] == WEBHOOK_THROTTLED_METRIC
    )
    named = sorted(re.findall(r'\$\.resourcePath = "([^"]+)"', webhooks))
    assert named == sorted(path for path, _ in twilio_routes(template))
    assert "/webhooks/twilio/sms" in named


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_has_a_throttles_alarm_on_its_own_name(templates, name):
    resources = templates[name]["Resources"]
    for function in of_type(templates[name], FUNCTION):
        alarm = resources[f"{function}ThrottlesAlarm"]["Properties"]
        assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Lambda", "Throttles")
        assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}]
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_a_throttled_request_to_the_web_function_alarms_at_once_a_jobs_only_when_it_lasts(
    templates,
):
    """The API's function answers people and Twilio: one throttle is a refused request.
    Lambda retries a throttled scheduled, queue or stream invocation by itself."""
    resources = templates["multnomah-county"]["Resources"]
    web = resources["APIHandlerThrottlesAlarm"]["Properties"]
    job = resources["SweepScheduledThrottlesAlarm"]["Properties"]
    assert (web["Threshold"], web["EvaluationPeriods"]) == (0, 1)
    assert job["Threshold"] == 0 and job["EvaluationPeriods"] == job["DatapointsToAlarm"] == 3


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_table_has_a_throttles_alarm_reading_its_read_and_write_throttles(templates, name):
    resources = templates[name]["Resources"]
    tables = of_type(templates[name], "AWS::DynamoDB::Table")
    assert len(tables) >= 10
    for table in tables:
        alarm = resources[f"{table}ThrottlesAlarm"]["Properties"]
        read = {
            q["MetricStat"]["Metric"]["MetricName"]: q["MetricStat"]["Metric"]
            for q in alarm["Metrics"]
            if "MetricStat" in q
        }
        assert set(read) == {"ReadThrottleEvents", "WriteThrottleEvents"}
        for metric in read.values():
            assert metric["Namespace"] == "AWS/DynamoDB"
            assert metric["Dimensions"] == [{"Name": "TableName", "Value": {"Ref": table}}]
        (total,) = [q for q in alarm["Metrics"] if q.get("ReturnData")]
        assert "Expression" in total
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_build_names_a_function_left_without_a_throttles_alarm(scheduled_template):
    """A handler app.py adds later gets one too, or the build says so."""
    from infra.package.checks import problems
    from infra.package.functions import Handler
    from infra.package.merge import API_HANDLER, environment
    from infra.package.policy import function_policies
    from infra.package.tables import table_resources
    from tests.infra.packaging import EXTRA_HANDLER_ID, SCHEDULE_JURISDICTION

    config = load_stack_config(SCHEDULE_JURISDICTION)
    policies = function_policies(config, table_resources(config.table_prefix))
    needed = set(environment(config, Handler("any", API_HANDLER, ())))
    assert f"{EXTRA_HANDLER_ID}ThrottlesAlarm" in scheduled_template["Resources"]
    template = copy.deepcopy(scheduled_template)
    del template["Resources"][f"{EXTRA_HANDLER_ID}ThrottlesAlarm"]
    assert problems(template, policies, needed) == [f"{EXTRA_HANDLER_ID} has no throttles alarm"]
