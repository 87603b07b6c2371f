"""A scheduled handler added to app.py gets its rule, role, settings and heartbeat unasked."""

from __future__ import annotations

import pytest

from infra.package.functions import heartbeat_window
from tests.infra.packaging import EXTRA_HANDLER_ID, FUNCTION, of_type


def test_chalice_declares_an_every_minute_rule_for_the_new_handler(scheduled_template):
    function = of_type(scheduled_template, FUNCTION)[EXTRA_HANDLER_ID]["Properties"]
    assert function["Handler"] == "app.probe_sweep"
    (event,) = function["Events"].values()
    assert event == {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}}


def test_the_new_handler_has_a_heartbeat_alarm_that_treats_silence_as_an_outage(
    scheduled_template,
):
    alarm = scheduled_template["Resources"][f"{EXTRA_HANDLER_ID}HeartbeatAlarm"]["Properties"]
    assert alarm["Namespace"] == "AWS/Lambda" and alarm["MetricName"] == "Invocations"
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": EXTRA_HANDLER_ID}}]
    assert alarm["ComparisonOperator"] == "LessThanThreshold" and alarm["Threshold"] == 1
    assert (alarm["Period"], alarm["EvaluationPeriods"]) == (300, 3)
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_new_handler_also_has_an_errors_alarm_and_the_stacks_settings(scheduled_template):
    resources = scheduled_template["Resources"]
    assert f"{EXTRA_HANDLER_ID}ErrorsAlarm" in resources
    env = resources[EXTRA_HANDLER_ID]["Properties"]["Environment"]["Variables"]
    assert env["COGNITO_USER_POOL_ID"] == {"Ref": "UserPool"}


def test_exactly_the_scheduled_handlers_have_heartbeats(templates, scheduled_template):
    for template in [*templates.values(), scheduled_template]:
        functions = of_type(template, FUNCTION)
        scheduled = {
            k
            for k, f in functions.items()
            if any(e["Type"] == "Schedule" for e in (f["Properties"].get("Events") or {}).values())
        }
        beating = {
            k.removesuffix("HeartbeatAlarm")
            for k in template["Resources"]
            if k.endswith("HeartbeatAlarm")
        }
        assert beating == scheduled
        assert "APIHandler" not in beating
        assert "SendScheduled" not in beating  # fed by its queue: the backlog alarm watches it


@pytest.mark.parametrize(
    ("schedules", "window"),
    [
        (("rate(1 minute)",), (300, 3)),
        (("rate(10 minutes)",), (600, 3)),
        (("rate(2 hours)",), (7200, 3)),
        (("rate(1 day)",), (86400, 1)),
        (("cron(0 12 * * ? *)",), (86400, 1)),
    ],
)
def test_heartbeat_windows_allow_for_how_often_a_handler_runs(schedules, window):
    assert heartbeat_window(schedules) == window
