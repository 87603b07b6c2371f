"""Tables a release no longer has: deleted only with ``--delete-retired``, after checking that
nothing reads them and taking an on-demand backup whose name is printed.

"Nothing reads it" means: no Lambda event source mapping on its stream; no inline policy of a
role in the stack names it; and no read or write capacity consumed in the last 14 days
(CloudWatch ``ConsumedReadCapacityUnits`` / ``ConsumedWriteCapacityUnits``). moto answers the
first two as AWS would but keeps no DynamoDB metrics, so there the third finds nothing.

Calls: lambda:ListEventSourceMappings, cloudformation:ListStackResources, iam:ListRolePolicies,
iam:GetRolePolicy, cloudwatch:GetMetricStatistics, dynamodb:DescribeTable, CreateBackup,
DeleteTable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .aws_target import Target, call
from .common import OpsError, default_stack_name

QUIET_DAYS = 14
METRICS = ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits")


def delete(
    tables: tuple[str, ...], target: Target, on_stack: bool, say: Callable[[str], None]
) -> None:
    dynamodb = target.client("dynamodb")
    for base in tables:
        name = target.table(base)
        readers = readers_of(name, dynamodb, target, on_stack)
        if readers:
            raise OpsError(f"{name} is not deleted: {'; '.join(readers)}")
        backup = f"{name}-retired-{datetime.now(UTC):%Y%m%d%H%M}"
        made = call(f"back up {name}", dynamodb.create_backup, TableName=name, BackupName=backup)
        say(f"Backed up {name} as {backup} ({made['BackupDetails']['BackupArn']})")
        call(f"delete {name}", dynamodb.delete_table, TableName=name)
        say(f"Deleted {name}")


def readers_of(name: str, dynamodb: Any, target: Target, on_stack: bool) -> list[str]:
    """Why ``name`` may still be read; empty when nothing is known to read it."""
    found: list[str] = []
    table = call(f"describe {name}", dynamodb.describe_table, TableName=name)["Table"]
    stream = table.get("LatestStreamArn")
    if stream:
        lambdas = target.client("lambda")
        mapped = call("list event source mappings", lambdas.list_event_source_mappings,
                      EventSourceArn=stream)  # fmt: skip
        found += [f"{m['FunctionArn']} reads its stream" for m in mapped["EventSourceMappings"]]
    if on_stack:
        found += [f"role {r} names it" for r in roles_naming(name, target)]
    found += consumed(name, target)
    return found


def roles_naming(name: str, target: Target) -> list[str]:
    cloudformation = target.client("cloudformation")
    iam = target.client("iam")
    stack = target.stack_name or default_stack_name(target.jurisdiction)
    resources = call(f"list resources of {stack}", cloudformation.list_stack_resources,
                     StackName=stack)["StackResourceSummaries"]  # fmt: skip
    roles = [r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::IAM::Role"]
    naming = []
    for role in roles:
        for policy in call("list role policies", iam.list_role_policies, RoleName=role)[
            "PolicyNames"
        ]:
            document = call("read a role policy", iam.get_role_policy, RoleName=role,
                            PolicyName=policy)["PolicyDocument"]  # fmt: skip
            text = document if isinstance(document, str) else json.dumps(document)
            if f"table/{name}" in text:
                naming.append(role)
    return naming


def consumed(name: str, target: Target) -> list[str]:
    cloudwatch = target.client("cloudwatch")
    end = datetime.now(UTC)
    found = []
    for metric in METRICS:
        points = call(
            f"read {metric} of {name}",
            cloudwatch.get_metric_statistics,
            Namespace="AWS/DynamoDB",
            MetricName=metric,
            Dimensions=[{"Name": "TableName", "Value": name}],
            StartTime=end - timedelta(days=QUIET_DAYS),
            EndTime=end,
            Period=86400,
            Statistics=["Sum"],
        )["Datapoints"]
        if any(p.get("Sum", 0) > 0 for p in points):
            found.append(f"{metric} above zero in the last {QUIET_DAYS} days")
    return found
