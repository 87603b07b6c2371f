"""``upgrade_plan`` against a CloudFormation stack in moto: the stack's ``Version`` output says
which release runs, each step's template is the stack's own with only that step's index
changes, and ``--apply`` deploys a step as a change set of that template from the artifacts
bucket.

moto (5.2.5) executes the change set but does not change a table's indexes on a stack update
(its table has no CloudFormation update), so what the steps do to tables is rehearsed with
UpdateTable in test_upgrade_rehearsal.py; here the stack side only.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.store.models import AppointmentModel, UserModel
from infra.ops import upgrade_apply, upgrade_plan, upgrade_tables
from infra.package import snapshots
from infra.package.names import table_logical_id
from infra.package.tables import table_resources
from tests.infra.ops_runs import environment, run_script

REGION = "us-west-2"
JURISDICTION = "multnomah-county"


def table_resource(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    made = upgrade_plan.table_resource_of(name, schema)
    indexes = schema["global_secondary_indexes"]
    made["Properties"]["AttributeDefinitions"] = upgrade_tables.attribute_definitions(
        schema, indexes
    )
    made["Properties"]["GlobalSecondaryIndexes"] = [
        upgrade_tables.index_request(n, i) for n, i in indexes.items()
    ]
    return made


@pytest.fixture()
def old_stack(stack) -> tuple[str, str, dict[str, Any]]:
    """A stack of 0.17.0's appointments and users tables, a queue and its Version output."""
    assert os.environ.get("AWS_ENDPOINT_URL")  # the session stack's moto, never AWS
    run = uuid.uuid4().hex[:8]
    prefix, name = f"stack-{run}-", f"upgrade-{run}"
    old = snapshots.load("0.17.0")["tables"]
    appointments = table_resource(f"{prefix}appointments", old["appointments"])
    resources = {table_logical_id("appointments"): appointments}
    # users did not change since 0.17.0: as the build makes it (projections in model order)
    resources.update(table_resources(prefix, [UserModel]))
    resources["SendQueue"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": f"q-{run}"}}
    template = {"Resources": resources, "Outputs": {"Version": {"Value": "0.17.0"}}}
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName=name, TemplateBody=json.dumps(template)
    )
    return prefix, name, template


@pytest.fixture()
def environment_kept() -> Iterator[None]:
    """The release step binds the process environment to its target (the deploy finds AWS
    through it): put it back, or later tests' stores would use this stack's table prefix."""
    kept = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(kept)


def plan_args(prefix: str, name: str, out: str, *extra: str) -> list[str]:
    return ["--jurisdiction", JURISDICTION, "--table-prefix", prefix, "--stack-name", name,
            "--endpoint-url", os.environ["AWS_ENDPOINT_URL"], "--out", out, *extra]  # fmt: skip


@pytest.mark.any_hour
def test_each_step_is_the_stacks_own_template_with_only_that_steps_index_changes(
    old_stack, tmp_path, capsys
):
    prefix, name, template = old_stack
    assert upgrade_plan.main(plan_args(prefix, name, str(tmp_path))) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Upgrade from 0.17.0 to ")  # read from the stack's output
    step = json.loads((tmp_path / "step-1.json").read_text())
    appointments = table_logical_id("appointments")
    assert {k: v for k, v in step["Resources"].items() if k != appointments} == {
        k: v for k, v in template["Resources"].items() if k != appointments
    }
    indexes = step["Resources"][appointments]["Properties"]["GlobalSecondaryIndexes"]
    assert sorted(i["IndexName"] for i in indexes) == ["at_courthouse", "imported"]
    # CloudFormation compares index definitions as written: a kept index stays as deployed,
    # an added one is as the release's own template will have it (else the release's deploy
    # would see a changed index and fail)
    kept = template["Resources"][appointments]["Properties"]["GlobalSecondaryIndexes"]
    assert [i for i in indexes if i["IndexName"] == "imported"] == kept
    (packaged,) = table_resources(prefix, [AppointmentModel]).values()
    (added,) = (i for i in indexes if i["IndexName"] == "at_courthouse")
    assert added in packaged["Properties"]["GlobalSecondaryIndexes"]
    assert step["Outputs"] == template["Outputs"]


@pytest.mark.any_hour
def test_apply_deploys_a_step_as_a_change_set_and_stops_when_the_release_deploy_fails(
    old_stack, tmp_path, capsys, monkeypatch, environment_kept
):
    prefix, name, _ = old_stack
    bucket = f"artifacts-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    monkeypatch.setattr(upgrade_apply.deploy, "main", lambda argv: 1)  # no build to deploy
    # change-set mechanics only: moto's stack update leaves the index out, so a backfill
    # waiting on it would refuse (the backfills are rehearsed in test_upgrade_rehearsal.py)
    monkeypatch.setattr(upgrade_plan, "backfills_between", lambda frm, to: [])

    done = upgrade_plan.main(
        plan_args(prefix, name, str(tmp_path), "--apply", "--artifacts", bucket)
    )

    assert done == 2, capsys.readouterr()
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    # moto lists every stack's change sets: this stack's only (other tests make theirs)
    summaries = cloudformation.list_change_sets(StackName=name)["Summaries"]
    (made,) = [s for s in summaries if s.get("StackName") == name]
    assert made["ChangeSetName"].endswith("-step-1")
    assert made["ExecutionStatus"] == "EXECUTE_COMPLETE"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert len(keys) == 1 and "upgrade-step-1-" in keys[0]
    assert "the release's deploy did not finish; run again" in capsys.readouterr().err


def test_upgrade_plan_takes_the_options_every_ops_script_takes_and_refuses_local_without_moto():
    helped = run_script("upgrade_plan", ["--help"], environment(aws=False))
    assert helped.returncode == 0, helped.stderr
    for option in ("--jurisdiction", "--dry-run", "--endpoint-url", "--local", "--apply"):
        assert option in helped.stdout
    refused = run_script(
        "upgrade_plan", ["--jurisdiction", "demo", "--local"], environment(aws=False)
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr


@pytest.mark.any_hour
def test_apply_without_the_stack_is_refused_before_any_table_changes(old_stack, tmp_path, capsys):
    """A mistyped --stack-name must not turn into UpdateTable on tables a stack owns."""
    prefix, _, _ = old_stack
    before = boto3.client("dynamodb", region_name=REGION).describe_table(
        TableName=f"{prefix}appointments"
    )["Table"]["GlobalSecondaryIndexes"]
    args = plan_args(prefix, "no-such-stack", str(tmp_path), "--apply")
    assert upgrade_plan.main(args) == 1
    assert "--tables-only" in capsys.readouterr().err
    after = boto3.client("dynamodb", region_name=REGION).describe_table(
        TableName=f"{prefix}appointments"
    )["Table"]["GlobalSecondaryIndexes"]
    assert after == before
