"""Handlers are told where everything is; alarms reach ops; outputs say what to configure."""

from __future__ import annotations

import copy

import pytest

from infra.config_loader import load_stack_config
from infra.package.checks import find_cycle
from tests.helpers import ROOT
from tests.infra.packaging import EXAMPLES, FUNCTION, of_type

EXECUTE_API = "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api"
RETRIES = "#rc=2&rp=all&ct=3000&rt=5000&tt=14000"


def variables(template: dict, function: str) -> dict:
    return template["Resources"][function]["Properties"]["Environment"]["Variables"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_handler_is_told_the_stacks_resources_by_reference(templates, name):
    for function in of_type(templates[name], FUNCTION):
        env = variables(templates[name], function)
        assert env["STAGE"] == name
        assert env["TABLE_PREFIX"] == f"clientcomm-{name}-"
        assert env["COGNITO_USER_POOL_ID"] == {"Ref": "UserPool"}
        assert env["COGNITO_CLIENT_ID"] == {"Ref": "UserPoolClient"}
        assert env["MEDIA_BUCKET"] == {"Ref": "MediaBucket"}
        assert env["COOKIE_SECURE"] == "true"
        assert env["SESSION_SECRET_PARAMETER"] == f"/clientcomm/{name}/session_secret"
        assert env["TWILIO_ACCOUNT_SID_PARAMETER"] == f"/clientcomm/{name}/twilio/account_sid"
        assert env["TWILIO_AUTH_TOKEN_PARAMETER"] == f"/clientcomm/{name}/twilio/auth_token"
        assert env["POWERTOOLS_SERVICE_NAME"] == "clientcomm"
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == f"ClientComm/{name}"
        assert env["LOG_LEVEL"] == "INFO"


def test_a_custom_domain_is_the_public_base_url_of_every_handler(templates):
    template = templates["salt-lake-county"]
    for function in of_type(template, FUNCTION):
        env = variables(template, function)
        assert env["PUBLIC_BASE_URL"] == "https://clientcomm.cjs.saltlakecounty.example"


def test_without_a_custom_domain_the_sender_and_every_job_get_the_apis_stage_url(templates):
    """Queue-fed and scheduled functions have no request to take the base from; the sender
    needs it for the status callback URL it gives Twilio with each text."""
    template = templates["multnomah-county"]
    jobs = set(of_type(template, FUNCTION)) - {"APIHandler"}
    assert {"SendScheduled", "SweepScheduled", "SettleSends"} <= jobs
    for function in jobs:
        assert variables(template, function)["PUBLIC_BASE_URL"] == {"Fn::Sub": EXECUTE_API}


def test_notification_mail_is_sent_from_the_configured_sender_only_when_there_is_one(templates):
    with_sender = variables(templates["salt-lake-county"], "APIHandler")
    assert with_sender["NOTIFY_FROM_EMAIL"] == "clientcomm@cjs.saltlakecounty.example"
    assert "NOTIFY_FROM_EMAIL" not in variables(templates["multnomah-county"], "APIHandler")


def test_without_a_custom_domain_only_non_api_handlers_get_the_execute_api_url(
    templates, scheduled_template
):
    """The REST API refers to the API handler; a reference back would be a cycle."""
    assert "PUBLIC_BASE_URL" not in variables(templates["multnomah-county"], "APIHandler")
    assert variables(scheduled_template, "ProbeSweep")["PUBLIC_BASE_URL"] == {
        "Fn::Sub": EXECUTE_API
    }


def test_no_template_has_a_circular_dependency(templates, scheduled_template):
    for template in [*templates.values(), scheduled_template]:
        assert find_cycle(template["Resources"]) == []


def test_the_cycle_check_catches_an_api_handler_that_refers_to_its_own_api(templates):
    template = copy.deepcopy(templates["multnomah-county"])
    variables(template, "APIHandler")["PUBLIC_BASE_URL"] = {"Fn::Sub": EXECUTE_API}
    assert {"APIHandler", "RestAPI"} <= set(find_cycle(template["Resources"]))


@pytest.mark.parametrize("name", EXAMPLES)
def test_handlers_log_to_one_expiring_log_group(templates, name):
    template = templates[name]
    logs = template["Resources"]["FunctionLogs"]["Properties"]
    assert logs["LogGroupName"] == f"/clientcomm/{name}/lambda"
    assert logs["RetentionInDays"] > 0
    for function in of_type(template, FUNCTION).values():
        assert function["Properties"]["LoggingConfig"]["LogGroup"] == {"Ref": "FunctionLogs"}


def test_webhook_outputs_use_the_custom_domain_when_there_is_one(templates):
    outputs = templates["salt-lake-county"]["Outputs"]
    base = "https://clientcomm.cjs.saltlakecounty.example"
    assert outputs["AppUrl"]["Value"] == f"{base}/"
    assert outputs["TwilioSmsWebhookUrl"]["Value"] == f"{base}/webhooks/twilio/sms{RETRIES}"
    assert outputs["TwilioFallbackWebhookUrl"]["Value"] == f"{base}/webhooks/twilio/fallback"
    assert outputs["TwilioStatusWebhookUrl"]["Value"] == f"{base}/webhooks/twilio/status"


def test_webhook_outputs_use_the_execute_api_url_with_its_stage_otherwise(templates):
    outputs = templates["multnomah-county"]["Outputs"]
    assert outputs["TwilioSmsWebhookUrl"]["Value"] == {
        "Fn::Sub": f"{EXECUTE_API}/webhooks/twilio/sms{RETRIES}"
    }
    assert outputs["TwilioFallbackWebhookUrl"]["Value"] == {
        "Fn::Sub": f"{EXECUTE_API}/webhooks/twilio/fallback"
    }
    assert outputs["TwilioStatusWebhookUrl"]["Value"] == {
        "Fn::Sub": f"{EXECUTE_API}/webhooks/twilio/status"
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_outputs_name_the_ids_the_ops_scripts_need(templates, name):
    outputs = templates[name]["Outputs"]
    assert outputs["UserPoolId"]["Value"] == {"Ref": "UserPool"}
    assert outputs["UserPoolClientId"]["Value"] == {"Ref": "UserPoolClient"}
    assert outputs["MediaBucketName"]["Value"] == {"Ref": "MediaBucket"}
    assert outputs["SecretParameterPath"]["Value"] == f"/clientcomm/{name}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_alarms_go_to_a_topic_that_mails_the_jurisdictions_ops(templates, name):
    template = templates[name]
    topic = template["Resources"]["AlarmTopic"]["Properties"]
    assert topic["Subscription"] == [
        {"Protocol": "email", "Endpoint": load_stack_config(name).alarm_email}
    ]
    alarms = of_type(template, "AWS::CloudWatch::Alarm")
    assert alarms
    for alarm_id, alarm in alarms.items():
        if alarm_id.endswith("DeployErrorsAlarm"):
            continue  # CodeDeploy's, not ops' (test_gradual_deployment.py says why)
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]


@pytest.mark.parametrize("name", EXAMPLES)
def test_send_failure_rate_divides_failed_by_sent_texts_of_our_service(templates, name):
    alarm = templates[name]["Resources"]["SendFailureRateAlarm"]["Properties"]
    stats = {m["Id"]: m["MetricStat"]["Metric"] for m in alarm["Metrics"] if "MetricStat" in m}
    assert stats["failed"]["MetricName"] == "MessagesFailed"
    assert stats["sent"]["MetricName"] == "MessagesSent"
    for metric in stats.values():
        assert metric["Namespace"] == f"ClientComm/{name}"
        assert metric["Dimensions"] == [{"Name": "service", "Value": "clientcomm"}]
    (expression,) = [m for m in alarm["Metrics"] if m.get("ReturnData")]
    assert "failed" in expression["Expression"] and "/ sent" in expression["Expression"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_api_errors_are_watched_on_the_apis_own_name(templates, name):
    resources = templates[name]["Resources"]
    api_name = resources["RestAPI"]["Properties"]["Name"]
    assert api_name == resources["RestAPI"]["Properties"]["DefinitionBody"]["info"]["title"]
    alarm = resources["Api5xxAlarm"]["Properties"]
    assert alarm["MetricName"] == "5XXError"
    assert {"Name": "ApiName", "Value": api_name} in alarm["Dimensions"]
    assert {"Name": "Stage", "Value": "api"} in alarm["Dimensions"]
    assert resources["APIHandlerErrorsAlarm"]["Properties"]["Dimensions"] == [
        {"Name": "FunctionName", "Value": {"Ref": "APIHandler"}}
    ]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_alarm_but_the_per_handler_ones_is_explained_in_the_runbook(templates, name):
    runbook = (ROOT / "docs" / "operations.md").read_text()
    alarms = of_type(templates[name], "AWS::CloudWatch::Alarm")
    own = [a for a in alarms if not a.endswith(("ErrorsAlarm", "HeartbeatAlarm"))]
    assert "SendBacklogAlarm" in own
    assert [a for a in own if f"`{a}`" not in runbook] == []
