"""The build refuses a template in which something would call a function's newest code
directly instead of its alias ``live`` (it would skip the gradual deployment and its
rollback), or a function without the alias and its rollback alarm."""

from __future__ import annotations

import copy

import pytest

from infra.config_loader import load_stack_config
from infra.package.checks import problems
from infra.package.functions import Handler
from infra.package.merge import API_HANDLER, environment
from infra.package.policy import function_policies
from infra.package.tables import table_resources

JURISDICTION = "multnomah-county"


@pytest.fixture(scope="module")
def expectations() -> tuple[dict, set[str]]:
    """What ``problems`` compares the template with: the policies and settings declared."""
    config = load_stack_config(JURISDICTION)
    policies = function_policies(config, table_resources(config.table_prefix))
    return policies, set(environment(config, Handler("any", API_HANDLER, ())))


def test_a_permission_for_the_function_itself_is_refused(templates, expectations):
    template = copy.deepcopy(templates[JURISDICTION])
    permission = template["Resources"]["WebsocketConnectInvokePermission"]["Properties"]
    permission["FunctionName"] = {"Ref": "WebsocketConnect"}
    assert problems(template, *expectations) == [
        "WebsocketConnectInvokePermission calls WebsocketConnect past its alias live"
    ]


def test_an_api_calling_the_functions_arn_is_refused(templates, expectations):
    template = copy.deepcopy(templates[JURISDICTION])
    api = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    integration = api["/signin"]["get"]["x-amazon-apigateway-integration"]
    integration["uri"] = {
        "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
        "functions/${APIHandler.Arn}/invocations"
    }
    assert problems(template, *expectations) == ["RestAPI calls APIHandler past its alias live"]


def test_a_function_without_the_alias_or_its_rollback_alarm_is_refused(templates, expectations):
    template = copy.deepcopy(templates[JURISDICTION])
    del template["Resources"]["SettleSends"]["Properties"]["AutoPublishAlias"]
    del template["Resources"]["SweepScheduledDeployErrorsAlarm"]
    found = problems(template, *expectations)
    assert "SettleSends is not published with the alias live" in found
    assert "SweepScheduled has no deploy errors alarm to roll back on" in found
