"""The stack's CloudWatch dashboard, ``clientcomm-<jurisdiction>``: what an ops person looks
at in the morning, built from the metrics the stack writes or AWS publishes for the stack's
own resources, and showing every metric an alarm reads."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra.config_loader import load_stack_config
from infra.definitions import metrics_namespace
from infra.package.merge import merge_template
from tests.helpers import ROOT
from tests.infra.packaging import EXAMPLES, of_type
from tests.infra.test_metrics_per_jurisdiction import metrics_of

DASHBOARD = "AWS::CloudWatch::Dashboard"
REFERENCE = re.compile(r"^\$\{([A-Za-z0-9]+)(?:\.([A-Za-z]+))?\}$")
# Which of the stack's resources each AWS dimension must name, and by which attribute.
OWN = {
    ("AWS/Lambda", "FunctionName"): ("AWS::Serverless::Function", None),
    ("AWS/SQS", "QueueName"): ("AWS::SQS::Queue", "QueueName"),
    ("AWS/DynamoDB", "TableName"): ("AWS::DynamoDB::Table", None),
    ("AWS/Backup", "BackupVaultName"): ("AWS::Backup::BackupVault", None),
}
APP_CODE = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "chalicelib").rglob("*.py"))


def body_of(template: dict[str, Any]) -> dict[str, Any]:
    (dashboard,) = of_type(template, DASHBOARD).values()
    return json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"])


def shown_metrics(body: dict[str, Any]) -> list[list[str]]:
    """Every metric the widgets draw: ``[namespace, name, dimension, value, ...]``."""
    found = []
    for widget in body["widgets"]:
        for entry in widget["properties"].get("metrics", []) if widget["type"] == "metric" else []:
            found.append([part for part in entry if isinstance(part, str)])
    return found


def as_shown(metric: dict[str, Any]) -> list[str]:
    """An alarm's metric as a widget of the ``Fn::Sub`` body names it."""
    found = [metric["Namespace"], metric["MetricName"]]
    for dimension in metric.get("Dimensions", []):
        value = dimension["Value"]
        if isinstance(value, dict) and "Ref" in value:
            value = f"${{{value['Ref']}}}"
        elif isinstance(value, dict):
            value = "${" + ".".join(value["Fn::GetAtt"]) + "}"
        found += [dimension["Name"], value]
    return found


def test_the_merge_template_has_a_dashboard_named_for_the_jurisdiction():
    resources = merge_template(load_stack_config("multnomah-county"), [])["Resources"]
    (dashboard,) = [r for r in resources.values() if r.get("Type") == DASHBOARD]
    assert dashboard["Properties"]["DashboardName"] == "clientcomm-multnomah-county"
    assert json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"])["widgets"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_widget_reads_the_stacks_own_region(templates, name):
    widgets = body_of(templates[name])["widgets"]
    drawn = [w for w in widgets if w["type"] == "metric"]
    assert len(drawn) >= 10
    assert {w["properties"]["region"] for w in drawn} == {"${AWS::Region}"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_metric_shown_is_the_stacks_own(templates, name):
    """Written by the app or the access log's filters under the jurisdiction's namespace,
    or published by AWS for a function, queue, table or API of this stack."""
    template = templates[name]
    resources = template["Resources"]
    filtered = {
        f["Properties"]["MetricTransformations"][0]["MetricName"]
        for f in of_type(template, "AWS::Logs::MetricFilter").values()
    }
    api = resources["RestAPI"]["Properties"]["Name"]
    shown = shown_metrics(body_of(template))
    assert len(shown) >= 40
    for metric in shown:
        namespace, metric_name, dimensions = metric[0], metric[1], metric[2:]
        pairs = dict(zip(dimensions[::2], dimensions[1::2], strict=True))
        if namespace == metrics_namespace(name):
            if pairs:
                assert pairs == {"service": "clientcomm"}, metric
                assert f'"{metric_name}"' in APP_CODE, f"the app never writes {metric}"
            else:
                assert metric_name in filtered, metric
        elif namespace == "AWS/ApiGateway":
            assert pairs == {"ApiName": api, "Stage": "api"}, metric
        else:
            ((key, value),) = pairs.items()
            kind, attribute = OWN[(namespace, key)]
            match = REFERENCE.match(value)
            assert match, metric
            assert resources[match.group(1)]["Type"] == kind, metric
            assert match.group(2) == attribute, metric


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_dashboard_shows_every_metric_an_alarm_reads_and_every_alarms_state(templates, name):
    template = templates[name]
    body = body_of(template)
    shown = shown_metrics(body)
    alarms = of_type(template, "AWS::CloudWatch::Alarm")
    for alarm_id, alarm in alarms.items():
        if alarm_id.endswith("DeployErrorsAlarm"):
            # Reads only the version being deployed (a new one each deploy); its errors are
            # the function's, shown per function. Its state is shown below like any alarm.
            continue
        for metric in metrics_of(alarm):
            assert as_shown(metric) in shown, f"{alarm_id} reads {metric}"
    (states,) = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert sorted(states["properties"]["alarms"]) == sorted(f"${{{a}.Arn}}" for a in alarms)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_dashboard_is_in_the_runbook_with_its_widgets(templates, name):
    runbook = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "## Dashboard" in runbook
    section = runbook.split("## Dashboard", 1)[1].split("\n## ", 1)[0]
    for widget in body_of(templates[name])["widgets"]:
        title = widget["properties"].get("title")
        if title:
            assert f"**{title}**" in section, f"explain the widget {title!r}"
