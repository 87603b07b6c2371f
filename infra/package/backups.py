"""AWS Backup for the stack's tables: copies kept beyond point-in-time recovery's 35 days.

Point-in-time recovery restores any second of the last 35 days, and nothing older; turning
it off (or deleting a table) ends its window at once. The plan copies every table of the
stack into the stack's own vault at 03:00 in the jurisdiction's time zone: daily, kept
``backups.daily_keep_days``, and on the 1st of each month, kept ``monthly_keep_months``
(when both are due AWS Backup makes one copy and keeps it as the longer rule says).

Tables are selected by ARN, never by tag: a drill's restored copy carries the live table's
tags, and must not be backed up. The vault is kept when the stack is deleted or the vault
replaced (AWS refuses to delete a vault holding recovery points, and they are records); the
plan, the selection and the role go with the stack, and what is in the vault lapses by its
own lifecycle. An account that backs up centrally turns all of it off (``enabled: false``).
What a failed job means and the restore: docs/operations.md, "Backups beyond point-in-time
recovery".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.config_loader import StackConfig
from infra.definitions import backup_vault_name

from . import names
from .names import arn_of, ref, sub
from .resources import RETAIN

# 03:00 local: after the evening's texts, before the morning's; the hourly records-retention
# job may run meanwhile (a copy is consistent per item, and deleted items lapse with it).
DAILY = "cron(0 3 * * ? *)"
MONTHLY = "cron(0 3 1 * ? *)"
# A job not started by 07:00 is given up (and alarmed) rather than run into the working day;
# one still running after a day is stopped (and alarmed).
START_WINDOW_MINUTES = 4 * 60
COMPLETION_WINDOW_MINUTES = 24 * 60
POLICIES = ("AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores")
JOBS_COMPLETED = "NumberOfBackupJobsCompleted"
# What leaves a table without that day's copy: the job failed, was stopped, or never ran.
JOBS_UNMADE = {
    "failed": "NumberOfBackupJobsFailed",
    "aborted": "NumberOfBackupJobsAborted",
    "expired": "NumberOfBackupJobsExpired",
}


def backup_resources(config: StackConfig, table_ids: Iterable[str]) -> dict[str, Any]:
    """The vault, the plan, the selection of ``table_ids`` and its role; none when off."""
    if not config.backups.enabled:
        return {}
    return {
        names.BACKUP_VAULT: vault(config),
        names.BACKUP_PLAN: plan(config),
        names.BACKUP_SELECTION: selection(config, table_ids),
        names.BACKUP_ROLE: role(),
    }


def vault(config: StackConfig) -> dict[str, Any]:
    return {
        "Type": "AWS::Backup::BackupVault",
        **RETAIN,
        "Properties": {
            "BackupVaultName": backup_vault_name(config.name),
            "BackupVaultTags": tags(config),
        },
    }


def plan(config: StackConfig) -> dict[str, Any]:
    backups = config.backups
    rules = [rule(config, "daily", DAILY, backups.daily_keep_days)]
    if backups.monthly_keep_months:
        rules.append(rule(config, "monthly", MONTHLY, backups.monthly_keep_days()))
    return {
        "Type": "AWS::Backup::BackupPlan",
        "Properties": {
            "BackupPlan": {
                "BackupPlanName": f"clientcomm-{config.name}",
                "BackupPlanRule": rules,
            },
            "BackupPlanTags": tags(config),
        },
    }


def rule(config: StackConfig, name: str, schedule: str, keep_days: int) -> dict[str, Any]:
    return {
        "RuleName": name,
        "TargetBackupVault": ref(names.BACKUP_VAULT),
        "ScheduleExpression": schedule,
        "ScheduleExpressionTimezone": config.jurisdiction.time_zone,
        "StartWindowMinutes": START_WINDOW_MINUTES,
        "CompletionWindowMinutes": COMPLETION_WINDOW_MINUTES,
        "Lifecycle": {"DeleteAfterDays": keep_days},
        "RecoveryPointTags": {**tags(config), "clientcomm:rule": name},
    }


def selection(config: StackConfig, table_ids: Iterable[str]) -> dict[str, Any]:
    """Exactly the stack's tables, by ARN."""
    return {
        "Type": "AWS::Backup::BackupSelection",
        "Properties": {
            "BackupPlanId": ref(names.BACKUP_PLAN),
            "BackupSelection": {
                "SelectionName": f"clientcomm-{config.name}-tables",
                "IamRoleArn": arn_of(names.BACKUP_ROLE),
                "Resources": [arn_of(table) for table in sorted(table_ids)],
            },
        },
    }


def role() -> dict[str, Any]:
    """What AWS Backup backs the tables up and restores them with: AWS's own policies."""
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": "AWS Backup copies the ClientComm tables into the stack's vault, "
            "and restores them, with it.",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "backup.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "ManagedPolicyArns": [
                sub(f"arn:${{AWS::Partition}}:iam::aws:policy/service-role/{policy}")
                for policy in POLICIES
            ],
        },
    }


def tags(config: StackConfig) -> dict[str, str]:
    return {"clientcomm:jurisdiction": config.name}
