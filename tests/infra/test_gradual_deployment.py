"""Every function is published with the alias ``live`` and deployed gradually by CodeDeploy,
rolled back by alarms that read the new version; every event source invokes the alias.

The alias and the CodeDeploy resources are made by the SAM transform, which CloudFormation
runs and moto does not: these tests run the same transform offline (aws-sam-translator, the
library CloudFormation's transform is built from) and read what it makes.
"""

from __future__ import annotations

import json
import os
from typing import Any
from unittest import mock

import pytest
from samtranslator.translator.transform import transform

from tests.infra.packaging import EXAMPLES, FUNCTION, of_type

ALIAS = "live"
SCHEDULED = {
    "EmailNotifications",
    "RecordsRetention",
    "ReplayFallback",
    "ReplayStatuses",
    "SettleSends",
    "SocketUpkeep",
    "SweepScheduled",
    "WeeklyEmail",
}


class NoManagedPolicies:
    """The translator asks IAM for managed policies' ARNs only when a function names one."""

    def load(self) -> dict[str, str]:
        return {}


def translated(template: dict[str, Any]) -> dict[str, Any]:
    """The template as CloudFormation's SAM transform makes it (the zips' S3 URIs made up)."""
    copy = json.loads(json.dumps(template))
    for function in of_type(copy, FUNCTION).values():
        function["Properties"]["CodeUri"] = "s3://artifacts/clientcomm/release.zip"
    for layer in of_type(copy, "AWS::Serverless::LayerVersion").values():
        layer["Properties"]["ContentUri"] = "s3://artifacts/clientcomm/release.media-layer.zip"
    with mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": "us-west-2"}):
        return transform(copy, {}, NoManagedPolicies())


@pytest.fixture(scope="module")
def cloudformation(templates) -> dict[str, dict[str, Any]]:
    return {name: translated(templates[name]) for name in EXAMPLES}


def alias_of(function: str) -> dict[str, str]:
    return {"Ref": f"{function}Alias{ALIAS}"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_has_the_alias_and_a_deployment_preference_with_alarms(templates, name):
    resources = templates[name]["Resources"]
    for function_id, function in of_type(templates[name], FUNCTION).items():
        properties = function["Properties"]
        assert properties["AutoPublishAlias"] == ALIAS
        # Configuration (environment, memory) changes publish a version too, not only code.
        assert properties["AutoPublishAliasAllProperties"] is True
        preference = properties["DeploymentPreference"]
        expected = "AllAtOnce" if function_id in SCHEDULED else "Canary10Percent5Minutes"
        assert preference["Type"] == expected, function_id
        alarms = [alarm["Ref"] for alarm in preference["Alarms"]]
        assert f"{function_id}DeployErrorsAlarm" in alarms
        for alarm in alarms:
            assert resources[alarm]["Type"] == "AWS::CloudWatch::Alarm"
    api_alarms = resources["APIHandler"]["Properties"]["DeploymentPreference"]["Alarms"]
    assert {"Ref": "Api5xxAlarm"} in api_alarms


def test_the_rollback_alarm_reads_the_errors_of_the_version_being_deployed(templates):
    alarm = templates["multnomah-county"]["Resources"]["SendScheduledDeployErrorsAlarm"]
    dimensions = {d["Name"]: d["Value"] for d in alarm["Properties"]["Dimensions"]}
    assert alarm["Properties"]["MetricName"] == "Errors"
    assert dimensions == {
        "FunctionName": {"Ref": "SendScheduled"},
        "Resource": {"Fn::Sub": f"${{SendScheduled}}:{ALIAS}"},
        "ExecutedVersion": {"Fn::GetAtt": ["SendScheduled.Version", "Version"]},
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_codedeploy_gets_one_deployment_group_per_function_watching_its_alarms(
    cloudformation, templates, name
):
    resources = cloudformation[name]["Resources"]
    assert of_type(cloudformation[name], "AWS::CodeDeploy::Application")
    for function_id in of_type(templates[name], FUNCTION):
        group = resources[f"{function_id}DeploymentGroup"]["Properties"]
        watched = {alarm["Name"]["Ref"] for alarm in group["AlarmConfiguration"]["Alarms"]}
        assert f"{function_id}DeployErrorsAlarm" in watched
        assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]
        alias = resources[f"{function_id}Alias{ALIAS}"]
        assert "CodeDeployLambdaAliasUpdate" in alias["UpdatePolicy"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_event_source_invokes_the_alias_not_the_latest_code(cloudformation, name):
    template = cloudformation[name]
    functions = set(of_type(template, "AWS::Lambda::Function"))
    for mapping_id, mapping in of_type(template, "AWS::Lambda::EventSourceMapping").items():
        target = mapping["Properties"]["FunctionName"]["Ref"]
        assert target.endswith(f"Alias{ALIAS}"), mapping_id
    for rule_id, rule in of_type(template, "AWS::Events::Rule").items():
        for target in rule["Properties"]["Targets"]:
            assert target["Arn"]["Ref"].endswith(f"Alias{ALIAS}"), rule_id
    for permission_id, permission in of_type(template, "AWS::Lambda::Permission").items():
        function = permission["Properties"]["FunctionName"]
        assert function.get("Ref") not in functions, permission_id
        assert function["Ref"].endswith(f"Alias{ALIAS}"), permission_id


@pytest.mark.parametrize("name", EXAMPLES)
def test_both_apis_call_the_alias(cloudformation, name):
    resources = cloudformation[name]["Resources"]
    rest_api = json.dumps(resources["RestAPI"]["Properties"]["Body"])
    assert "${APIHandler.Arn}" not in rest_api
    assert "/functions/${APIHandlerAliaslive}/invocations" in rest_api
    for socket in ("WebsocketConnect", "WebsocketDisconnect"):
        uri = resources[f"{socket}APIIntegration"]["Properties"]["IntegrationUri"]
        assert uri == {
            "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
            f"2015-03-31/functions/${{{socket}Alias{ALIAS}}}/invocations"
        }


def test_the_rollback_alarm_names_the_version_the_transform_publishes(cloudformation):
    resources = cloudformation["multnomah-county"]["Resources"]
    alias = resources[f"SendScheduledAlias{ALIAS}"]["Properties"]
    alarm = resources["SendScheduledDeployErrorsAlarm"]["Properties"]
    (version,) = [d["Value"] for d in alarm["Dimensions"] if d["Name"] == "ExecutedVersion"]
    assert version == alias["FunctionVersion"]
    assert resources[version["Fn::GetAtt"][0]]["Type"] == "AWS::Lambda::Version"


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_websocket_stage_gets_a_deployment_made_after_its_integrations_call_the_alias(
    templates, name
):
    """A WebSocket stage serves a snapshot of its routes and integrations, taken by a
    deployment; Chalice's ``WebsocketAPIDeployment`` would not be made again, so a stack
    upgraded from a release without aliases would keep calling the function itself, whose
    invoke permission is gone."""
    resources = templates[name]["Resources"]
    deployment_id = resources["WebsocketAPIStage"]["Properties"]["DeploymentId"]["Ref"]
    assert deployment_id != "WebsocketAPIDeployment"
    assert "WebsocketAPIDeployment" not in resources
    deployment = resources[deployment_id]
    assert deployment["Type"] == "AWS::ApiGatewayV2::Deployment"
    assert set(deployment["DependsOn"]) == {"WebsocketConnectRoute", "WebsocketDisconnectRoute"}


def test_the_rollback_alarm_mails_nobody_since_outside_a_deploy_it_would_mail_each_error(
    templates,
):
    """The version ``live`` points at keeps its ``ExecutedVersion`` metrics after the
    deploy: one error a minute is a rollback signal during a canary, noise afterwards. The
    ``<Handler>ErrorsAlarm`` pages; a rolled-back deploy says why in its own output."""
    alarm = templates["multnomah-county"]["Resources"]["APIHandlerDeployErrorsAlarm"]
    assert "AlarmActions" not in alarm["Properties"]
    assert "OKActions" not in alarm["Properties"]
