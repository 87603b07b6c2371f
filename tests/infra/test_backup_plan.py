"""Every stack backs its tables up with AWS Backup beyond point-in-time recovery's 35 days:
a vault that outlives the stack, a daily and a monthly rule kept as the jurisdiction file
says, exactly the stack's tables selected by ARN, and an alarm when a job is not made. A
jurisdiction that backs up centrally turns all of it off."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.config_loader import load_stack_config
from infra.package.merge import merge_template
from tests.infra.packaging import EXAMPLES, of_type

MULTNOMAH = json.loads(load_stack_config("multnomah-county").source.read_text(encoding="utf-8"))
BACKUP_TYPES = ("AWS::Backup::BackupVault", "AWS::Backup::BackupPlan",
                "AWS::Backup::BackupSelection")  # fmt: skip
RETAINED = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
MANAGED = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyFor"


def merged(tmp_path, **settings: Any) -> dict[str, Any]:
    """The merge template of a copy of Multnomah's file with ``settings`` changed."""
    data = {**MULTNOMAH, "name": "backup-county", **settings}
    (tmp_path / "backup-county.json").write_text(json.dumps(data), encoding="utf-8")
    return merge_template(load_stack_config("backup-county", tmp_path), [])


def typed(template: dict[str, Any], kind: str) -> dict[str, Any]:
    """``of_type`` for a merge template too (its patches of Chalice's resources have no type)."""
    return {k: v for k, v in template["Resources"].items() if v.get("Type") == kind}


def only(template: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = typed(template, kind).values()
    return found


def rules(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    plan = only(template, "AWS::Backup::BackupPlan")["Properties"]["BackupPlan"]
    return {rule["RuleName"]: rule for rule in plan["BackupPlanRule"]}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_table_of_the_stack_is_selected_by_arn_and_nothing_else(templates, name):
    template = templates[name]
    selection = only(template, "AWS::Backup::BackupSelection")["Properties"]["BackupSelection"]
    tables = of_type(template, "AWS::DynamoDB::Table")
    assert len(tables) >= 15
    assert sorted(r["Fn::GetAtt"][0] for r in selection["Resources"]) == sorted(tables)
    assert {r["Fn::GetAtt"][1] for r in selection["Resources"]} == {"Arn"}
    # by tag, a drill's restored copy (it carries the live table's tags) would be backed up too
    assert set(selection) == {"SelectionName", "IamRoleArn", "Resources"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_vault_is_named_for_the_jurisdiction_and_outlives_the_stack(templates, name):
    vault = only(templates[name], "AWS::Backup::BackupVault")
    assert {k: vault.get(k) for k in RETAINED} == RETAINED
    assert vault["Properties"]["BackupVaultName"] == f"clientcomm-{name}"
    for rule in rules(templates[name]).values():
        assert rule["TargetBackupVault"] == {"Ref": "BackupVault"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_backups_are_kept_as_long_as_the_file_says_at_night_in_the_jurisdictions_zone(
    templates, name
):
    config = load_stack_config(name)
    found = rules(templates[name])
    assert found["daily"]["Lifecycle"] == {"DeleteAfterDays": config.backups.daily_keep_days}
    assert found["monthly"]["Lifecycle"] == {"DeleteAfterDays": config.backups.monthly_keep_days()}
    assert found["daily"]["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert found["monthly"]["ScheduleExpression"] == "cron(0 3 1 * ? *)"
    for rule in found.values():
        assert rule["ScheduleExpressionTimezone"] == config.jurisdiction.time_zone
        assert rule["RecoveryPointTags"]["clientcomm:jurisdiction"] == name


def test_the_example_files_settings_reach_the_packaged_plan(templates):
    """salt-lake-county.json sets 14 days and 24 months; multnomah-county.json the defaults."""
    salt_lake = rules(templates["salt-lake-county"])
    assert salt_lake["daily"]["Lifecycle"]["DeleteAfterDays"] == 14
    assert salt_lake["monthly"]["Lifecycle"]["DeleteAfterDays"] == 731
    multnomah = rules(templates["multnomah-county"])
    assert multnomah["daily"]["Lifecycle"]["DeleteAfterDays"] == 7
    assert multnomah["monthly"]["Lifecycle"]["DeleteAfterDays"] == 366


def test_no_monthly_months_means_a_daily_rule_only(tmp_path):
    template = merged(tmp_path, backups={"daily_keep_days": 35, "monthly_keep_months": 0})
    assert list(rules(template)) == ["daily"]
    assert rules(template)["daily"]["Lifecycle"] == {"DeleteAfterDays": 35}


def test_backups_turned_off_leave_no_vault_plan_role_alarm_or_widget(tmp_path):
    template = merged(tmp_path, backups={"enabled": False})
    text = json.dumps(template)
    for kind in BACKUP_TYPES:
        assert not typed(template, kind), kind
    assert "Backup" not in "".join(template["Resources"])
    assert "AWS/Backup" not in text and "backup.amazonaws.com" not in text
    assert typed(template, "AWS::DynamoDB::Table")  # the tables (and their PITR) stay


def test_aws_backup_works_with_a_role_of_the_stack_holding_only_aws_backups_own_policies(
    templates,
):
    template = templates["multnomah-county"]
    selection = only(template, "AWS::Backup::BackupSelection")["Properties"]["BackupSelection"]
    role = template["Resources"][selection["IamRoleArn"]["Fn::GetAtt"][0]]
    assert role["Type"] == "AWS::IAM::Role" and "DeletionPolicy" not in role
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "backup.amazonaws.com"}
    assert "Policies" not in role["Properties"]
    assert sorted(p["Fn::Sub"] for p in role["Properties"]["ManagedPolicyArns"]) == [
        f"{MANAGED}Backup",
        f"{MANAGED}Restores",
    ]


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_job_not_made_alarms_for_a_day_reading_the_stacks_vault(templates, name):
    template = templates[name]
    alarm = template["Resources"]["BackupJobsFailedAlarm"]["Properties"]
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}] == alarm["OKActions"]
    read = {q["MetricStat"]["Metric"]["MetricName"]: q["MetricStat"] for q in alarm["Metrics"]
            if "MetricStat" in q}  # fmt: skip
    assert set(read) == {"NumberOfBackupJobsFailed", "NumberOfBackupJobsAborted",
                         "NumberOfBackupJobsExpired"}  # fmt: skip
    for stat in read.values():
        assert stat["Metric"]["Namespace"] == "AWS/Backup"
        assert stat["Metric"]["Dimensions"] == [
            {"Name": "BackupVaultName", "Value": {"Ref": "BackupVault"}}
        ]
        assert (stat["Period"], stat["Stat"]) == (3600, "Sum")
    (total,) = [q for q in alarm["Metrics"] if q.get("ReturnData")]
    assert total["Expression"].count("FILL(") == 3
    assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (24, 1)
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["TreatMissingData"] == "notBreaching"  # no job in an hour is not a failure
