"""An upgrade that created a table and was then rolled back (by hand or by an alarm) leaves
that table behind, outside the stack (tables are retained and have fixed names): taking the
release again would fail at its deploy, since CloudFormation cannot create a table whose name
exists. ``upgrade_plan`` finds it first: an empty one is deleted by ``--apply`` (after a fresh
count), one holding items stops the plan with the resource import that adopts it.

The stack here runs 0.17.0 (its ``Version`` output) and owns ``appointments`` and ``users``;
``department-settings`` (new in 0.18.0) is the table the rolled-back upgrade left behind.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from infra.ops import upgrade_apply, upgrade_plan, upgrade_tables
from infra.package import snapshots
from infra.package.names import table_logical_id
from infra.package.tables import table_resources
from tests.aws_calls import writes

REGION = "us-west-2"  # multnomah-county's
JURISDICTION = "multnomah-county"
KEPT = "department-settings"


def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture()
def rolled_back(stack) -> tuple[str, str]:
    """A 0.17.0 stack, and the table 0.18.0's rolled-back deploy created and left behind."""
    assert os.environ.get("AWS_ENDPOINT_URL")  # the session stack's moto, never AWS
    from chalicelib.store.models import UserModel

    run = uuid.uuid4().hex[:8]
    prefix, name = f"kept-{run}-", f"kept-{run}"
    old = snapshots.load("0.17.0")["tables"]
    appointments = upgrade_plan.table_resource_of(f"{prefix}appointments", old["appointments"])
    indexes = old["appointments"]["global_secondary_indexes"]
    appointments["Properties"]["AttributeDefinitions"] = upgrade_tables.attribute_definitions(
        old["appointments"], indexes
    )
    appointments["Properties"]["GlobalSecondaryIndexes"] = [
        upgrade_tables.index_request(n, i) for n, i in indexes.items()
    ]
    resources = {table_logical_id("appointments"): appointments}
    resources.update(table_resources(prefix, [UserModel]))
    template = {"Resources": resources, "Outputs": {"Version": {"Value": "0.17.0"}}}
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName=name, TemplateBody=json.dumps(template)
    )
    wanted = snapshots.current()["tables"][KEPT]
    upgrade_tables.create_table(dynamodb(), f"{prefix}{KEPT}", wanted)
    return prefix, name


@pytest.fixture()
def environment_kept() -> Iterator[None]:
    """The release step binds the process environment to its target: put it back."""
    kept = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(kept)


@pytest.fixture()
def deploys(monkeypatch) -> list[list[str]]:
    """The release's deploy, recorded instead of run (no build here); backfills left out
    (moto's stack update adds no index, so one waiting on it would refuse: the backfills are
    rehearsed in test_upgrade_rehearsal.py)."""
    made: list[list[str]] = []

    def deploy(argv: list[str]) -> int:
        made.append(argv)
        return 0

    monkeypatch.setattr(upgrade_apply.deploy, "main", deploy)
    monkeypatch.setattr(upgrade_plan, "backfills_between", lambda frm, to: [])
    return made


def artifacts_bucket() -> str:
    bucket = f"artifacts-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return bucket


def plan_args(prefix: str, name: str, out: str, *extra: str) -> list[str]:
    return ["--jurisdiction", JURISDICTION, "--table-prefix", prefix, "--stack-name", name,
            "--endpoint-url", os.environ["AWS_ENDPOINT_URL"], "--out", out, *extra]  # fmt: skip


def count(table: str) -> int:
    pages = dynamodb().get_paginator("scan").paginate(TableName=table, Select="COUNT")
    return sum(page["Count"] for page in pages)


def tables() -> list[str]:
    pages = dynamodb().get_paginator("list_tables").paginate()
    return [name for page in pages for name in page["TableNames"]]


@pytest.mark.any_hour
def test_an_empty_table_left_by_a_rolled_back_upgrade_is_deleted_by_apply_and_the_upgrade_goes_on(
    rolled_back, tmp_path, capsys, deploys, environment_kept
):
    prefix, name = rolled_back
    assert upgrade_plan.main(plan_args(prefix, name, str(tmp_path))) == 0
    planned = capsys.readouterr().out
    assert (
        f"Step 1: table {prefix}{KEPT} left by a rolled-back upgrade (not in stack {name})"
        in planned
    ), planned
    assert "holds no items: --apply deletes it" in planned
    assert f"{KEPT}: new table" in planned  # the release's deploy creates it again
    assert f"{prefix}{KEPT}" in tables()  # the plan alone changes nothing

    args = plan_args(prefix, name, str(tmp_path), "--apply", "--artifacts", artifacts_bucket())
    assert upgrade_plan.main(args) == 0, capsys.readouterr().err
    applied = capsys.readouterr().out
    assert f"Deleted {prefix}{KEPT} (a fresh count found no items)" in applied, applied
    assert f"{prefix}{KEPT}" not in tables()
    assert "Step 2 done" in applied and "Step 3 done" in applied  # the index step, the release
    assert len(deploys) == 1


@pytest.mark.any_hour
def test_a_table_left_by_a_rolled_back_upgrade_holding_items_stops_the_plan_and_is_never_deleted(
    rolled_back, tmp_path, capsys, deploys
):
    prefix, name = rolled_back
    table = f"{prefix}{KEPT}"
    for n in range(3):  # what supervisors saved before the rollback
        dynamodb().put_item(
            TableName=table,
            Item={"department_id": {"S": "probation"}, "item": {"S": f"format#{n}"}},
        )
    args = plan_args(prefix, name, str(tmp_path), "--apply", "--artifacts", artifacts_bucket())

    with writes() as written:
        assert upgrade_plan.main(args) == 1
    printed, err = capsys.readouterr()

    assert count(table) == 3 and table in tables()
    assert not [w for w in written if w.startswith("dynamodb:")], written
    assert not [w for w in written if "ChangeSet" in w], written  # no step was made
    assert deploys == []
    assert f"Step 1: table {table} left by a rolled-back upgrade" in printed
    assert "holds 3 items" in printed
    assert table in err and "resource import" in err, err
    assert "--change-set-type IMPORT" in printed
    resources = json.loads((tmp_path / f"import-{KEPT}-resources.json").read_text())
    assert resources == [{
        "ResourceType": "AWS::DynamoDB::Table",
        "LogicalResourceId": table_logical_id(KEPT),
        "ResourceIdentifier": {"TableName": table},
    }]  # fmt: skip
    imported = json.loads((tmp_path / f"import-{KEPT}.json").read_text())
    deployed = boto3.client("cloudformation", region_name=REGION).get_template(
        StackName=name, TemplateStage="Original"
    )["TemplateBody"]
    deployed = deployed if isinstance(deployed, dict) else json.loads(deployed)
    # the stack's own template plus the table as the release declares it, nothing else
    logical = table_logical_id(KEPT)
    assert {k: v for k, v in imported["Resources"].items() if k != logical} == deployed["Resources"]
    assert imported["Resources"][logical]["DeletionPolicy"] == "Retain"
    assert imported["Resources"][logical]["Properties"]["TableName"] == table


@pytest.mark.any_hour
def test_without_a_stack_a_kept_table_holding_items_is_taken_as_it_is(stack, tmp_path, capsys):
    """With --local/--tables-only the running release is the one --from-release names: a
    table of this release that its snapshot lacks was left by a rolled-back upgrade. No
    deploy would fail on it and there is no stack to import it into: the plan keeps it."""
    prefix = f"kept-local-{uuid.uuid4().hex[:8]}-"
    old = snapshots.load("0.17.0")["tables"]
    upgrade_tables.create_table(dynamodb(), f"{prefix}appointments", old["appointments"])
    upgrade_tables.create_table(dynamodb(), f"{prefix}{KEPT}", snapshots.current()["tables"][KEPT])
    dynamodb().put_item(
        TableName=f"{prefix}{KEPT}",
        Item={"department_id": {"S": "probation"}, "item": {"S": "format#1"}},
    )
    argv = ["--jurisdiction", JURISDICTION, "--local", "--table-prefix", prefix,
            "--out", str(tmp_path), "--from-release", "0.17.0"]  # fmt: skip
    assert upgrade_plan.main(argv) == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert f"Step 1: table {prefix}{KEPT} left by a rolled-back upgrade" in printed, printed
    assert "holds 1 item: kept as it is (no stack owns the tables)" in printed
    assert f"{KEPT}: new table" not in printed
    assert count(f"{prefix}{KEPT}") == 1
