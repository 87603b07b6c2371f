"""``upgrade_plan --apply``: each step made in order, stopping on the first failure.

An index step on a stack is a CloudFormation change set of the step's template (uploaded to
``--artifacts``; the packaged template is larger than CloudFormation takes inline) through
the deploy's own machinery (``infra/package/changes.py``: refused replacements, watched
events, a failed update rolled back by CloudFormation to where it was). Where no stack owns
the tables (``--local``, the rehearsal) it is UpdateTable. Either way each changed table is
waited for until every index is ACTIVE and none is backfilling. The release step is
``make deploy``'s own (its change set asks before executing).

Calls beyond the plan's: s3:PutObject, cloudformation:CreateChangeSet/DescribeChangeSet/
ExecuteChangeSet/DescribeStackEvents/DescribeStacks; or dynamodb:UpdateTable, CreateTable,
UpdateTimeToLive; and what each backfill needs. An empty table a rolled-back upgrade left
behind: dynamodb:Scan (a fresh count) and DeleteTable.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chalicelib.version import __version__
from infra.package import artifacts, changes, deploy

from . import upgrade_kept, upgrade_tables
from .aws_target import Target
from .backfills.registry import Backfill, BackfillResult
from .common import OpsError, OpsFailure, default_stack_name
from .upgrade_steps import BACKFILL, INDEXES, KEPT, Plan, Step


def apply(
    made: Plan,
    target: Target,
    on_stack: bool,
    paths: dict[int, Path],
    args: argparse.Namespace,
    deployed: dict[str, Any],
    wanted: dict[str, Any],
) -> None:
    if on_stack and not args.artifacts and any(s.kind == INDEXES for s in made.steps):
        raise OpsError("--apply on a stack needs --artifacts <bucket> for the step templates")
    dynamodb = target.client("dynamodb")
    for step in made.steps:
        print(f"Applying step {step.number}")
        if step.kind == KEPT:
            if step.items == 0:  # one holding items is kept (the plan stopped on a stack)
                upgrade_kept.delete_if_empty(dynamodb, step.table, target, print)
        elif step.kind == INDEXES:
            if on_stack:
                deploy_step(target, args.artifacts, paths[step.number], step)
            else:
                for change in step.changes:
                    name = target.table(change.table)
                    schema = wanted[change.table]
                    upgrade_tables.change_index(dynamodb, name, change.action, change.index, schema)
            for change in step.changes:
                gone = change.index if change.action == "remove" else None
                upgrade_tables.wait_active(dynamodb, target.table(change.table), print, gone=gone)
        elif step.kind == BACKFILL and step.backfill:
            result = run_backfill(step.backfill, step.number, target, args.share)
            print(f"  examined {result.examined}, changed {result.changed}, already right "
                  f"{result.already_right}, skipped {sum(result.skipped.values())}")  # fmt: skip
            if not result.complete:
                raise OpsFailure(f"backfill {step.backfill.name} did not finish; run again")
        elif on_stack:
            release_by_deploy(args, target)
        else:
            release_tables(dynamodb, target, deployed, wanted)
        print(f"Step {step.number} done")


def run_backfill(backfill: Backfill, number: int, target: Target, share: float) -> BackfillResult:
    """The step's backfill; one that stops (AWS failing, its checkpoint taken over) stops
    the upgrade naming it: running the upgrade again resumes it from its checkpoint."""
    try:
        return backfill.run(target, dry_run=False, share=share, progress=print)
    except OpsError as exc:
        raise OpsFailure(
            f"backfill {backfill.name} stopped at step {number} ({exc}); what it "
            "did is kept: run the upgrade again to go on from its checkpoint"
        ) from exc


def deploy_step(target: Target, bucket: str, path: Path, step: Step) -> None:
    """One index step as a reviewed-by-rule change set on the stack."""
    cloudformation = target.client("cloudformation")
    s3 = target.client("s3")
    stack = target.stack_name or default_stack_name(target.jurisdiction)
    body = path.read_bytes()
    key = (f"{artifacts.folder(target.jurisdiction, __version__)}upgrade-step-{step.number}-"
           f"{artifacts.bytes_digest(body)}.json")  # fmt: skip
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    made = changes.create(
        cloudformation,
        stack,
        artifacts.template_url(bucket, key, target.region),
        kind="UPDATE",
        name=f"upgrade-{__version__.replace('.', '-')}-step-{step.number}",
        description=f"ClientComm upgrade to {__version__}, step {step.number}",
        tags={},
    )
    if not changes.wait_until_made(cloudformation, made):
        return  # already deployed: a rerun after a stop
    found = changes.changes_of(cloudformation, made)
    refused = changes.refusal(found)
    if refused:
        raise OpsError(refused)
    try:
        changes.execute_and_watch(cloudformation, stack, made, print)
    except changes.DeployError as exc:
        raise OpsFailure(f"step {step.number} failed and was rolled back: {exc}") from exc


def release_by_deploy(args: argparse.Namespace, target: Target) -> None:
    """The release's own template, as ``make deploy`` deploys it (it asks before executing),
    from the build in ``out/<jurisdiction>`` (``make package``), at the same AWS endpoint."""
    if target.endpoint:
        target.bind_environment()  # the deploy finds AWS as boto3 does: through the environment
    argv = [args.jurisdiction, "--artifacts", args.artifacts or ""]
    if args.stack_name:
        argv += ["--stack-name", args.stack_name]
    if deploy.main(argv) != 0:
        raise OpsFailure("the release's deploy did not finish; run again")


def release_tables(
    dynamodb: Any, target: Target, deployed: dict[str, Any], wanted: dict[str, Any]
) -> None:
    """Without a stack: the release's new tables, streams and TTL made directly."""
    for table, schema in wanted.items():
        name = target.table(table)
        if table not in deployed:
            upgrade_tables.create_table(dynamodb, name, schema)
            continue
        if deployed[table].get("stream") != schema.get("stream"):
            if deployed[table].get("stream") and schema.get("stream"):  # a new view: off first
                upgrade_tables.set_stream(dynamodb, name, None)
                upgrade_tables.wait_active(dynamodb, name, print)
            upgrade_tables.set_stream(dynamodb, name, schema.get("stream"))
            upgrade_tables.wait_active(dynamodb, name, print)
        if schema.get("ttl") and deployed[table].get("ttl") != schema["ttl"]:
            upgrade_tables.set_ttl(dynamodb, name, schema["ttl"])
