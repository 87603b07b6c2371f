"""The records-retention job in the packaged stack and on the laptop: an hourly function
with a 300 s timeout, its own role (the only one that may Scan, and only the stack's
tables), errors and heartbeat alarms sized to its hour, and its table kept like the others."""

from __future__ import annotations

import pytest

from tests.infra.packaging import EXAMPLES, FUNCTION, of_type
from tests.infra.test_template_security import function_statements, resources_of

JOB = "RecordsRetention"


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_job_runs_hourly_for_at_most_five_minutes(templates, name):
    function = of_type(templates[name], FUNCTION)[JOB]["Properties"]
    (event,) = function["Events"].values()
    assert event == {"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)"}}
    assert function["Timeout"] == 300


@pytest.mark.parametrize("name", EXAMPLES)
def test_only_the_job_may_scan_and_only_the_stacks_tables(templates, name):
    template = templates[name]
    # every table but the audit trail's, which has its own append-only grant (issue 21)
    tables = sorted(t for t in of_type(template, "AWS::DynamoDB::Table") if t != "AuditTable")
    for function in of_type(template, FUNCTION):
        scans = [
            s for s in function_statements(template, function) if "dynamodb:Scan" in s["Action"]
        ]
        if function != JOB:
            assert scans == [], function
            continue
        (scan,) = scans
        assert scan["Action"] == ["dynamodb:Scan"]
        assert {str(r) for r in resources_of(scan)} == {
            str({"Fn::GetAtt": [t, "Arn"]}) for t in tables
        } | {str({"Fn::Sub": f"${{{t}.Arn}}/index/*"}) for t in tables}


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_silent_or_failing_job_raises_its_alarms(templates, name):
    resources = templates[name]["Resources"]
    beat = resources[f"{JOB}HeartbeatAlarm"]["Properties"]
    assert (beat["Period"], beat["EvaluationPeriods"]) == (3600, 3)  # three missed hours
    assert beat["TreatMissingData"] == "breaching"
    assert f"{JOB}ErrorsAlarm" in resources


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_holds_and_checkpoint_table_is_kept_and_recoverable(templates, name):
    table = templates[name]["Resources"]["RecordsRetentionTable"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["TableName"] == f"clientcomm-{name}-records-retention"
    recovery = table["Properties"]["PointInTimeRecoverySpecification"]
    assert recovery == {"PointInTimeRecoveryEnabled": True}


def test_make_run_runs_the_job_too():
    import app as app_module
    from infra.local.scheduler import scheduled_handlers

    periods = {name: period for name, _, period in scheduled_handlers(app_module)}
    assert periods["records-retention"] == 3600
