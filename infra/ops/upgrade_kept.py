"""Tables a rolled-back upgrade left behind: found before the deploy that would trip on them.

Tables have fixed names and ``DeletionPolicy: Retain``. An upgrade whose template created a
table (0.18.0's ``department-settings``) and was then rolled back, by hand or by an alarm,
leaves that table outside the stack, and taking the release again fails at its deploy:
CloudFormation cannot create a table whose name exists. Such a table is one this release
declares, present in DynamoDB, that the running release does not have: on a stack, not a
table of the stack's template; with ``--tables-only``/``--local`` (no stack), not a table of
the snapshot of the release ``--from-release`` names (without it the plan cannot tell, and
finds none).

Its items are counted with a paged, strongly consistent ``Scan Select=COUNT``: exact now,
where DescribeTable's ItemCount can be six hours old and would call a table written to since
the rollback empty. The fix depends on that count:

- empty: ``--apply`` deletes it, only when a fresh count (taken right before DeleteTable)
  is still 0; the release's deploy creates it again as declared. DeleteTable takes no
  condition, so that count is the closest DynamoDB allows to "nothing written meanwhile";
  nothing of the running release writes it (its roles name none of its tables).
- holds items, on a stack: never deleted. The plan stops before changing anything and
  writes the resource import that makes it the stack's (a template: the stack's own plus the
  table as this release declares it; and the resources to import), with the commands.
- holds items, no stack: kept as it is; nothing would fail on it and there is no stack to
  import it into, so the steps bring it to what this release declares like any kept table.

Calls: dynamodb:Scan (counting); with ``--apply`` on an empty one, dynamodb:DeleteTable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from chalicelib.store.models import ALL_MODELS
from chalicelib.store.tables import base_name
from chalicelib.version import __version__
from infra.package import snapshots
from infra.package.artifacts import folder as artifacts_folder
from infra.package.names import table_logical_id
from infra.package.tables import table_resource

from . import table_compare
from .aws_target import Target, call
from .common import OpsError, OpsFailure, default_stack_name
from .upgrade_steps import KEPT, Plan


def running_tables(
    base: dict[str, Any] | None, target: Target, deployed: Collection[str], frm: str | None
) -> set[str] | None:
    """The tables the running release has: the stack's (by TableName in its template), else
    those of the snapshot of release ``frm``; None when neither says."""
    if base is not None:
        names = {
            r.get("Properties", {}).get("TableName")
            for r in base.get("Resources", {}).values()
            if r.get("Type") == "AWS::DynamoDB::Table"
        }
        return {t for t in deployed if target.table(t) in names}
    if frm is None or not snapshots.path_for(frm).is_file():
        return None
    return set(snapshots.load(frm)["tables"])


def find(
    dynamodb: Any,
    target: Target,
    base: dict[str, Any] | None,
    deployed: Collection[str],
    wanted: Collection[str],
    frm: str | None,
) -> dict[str, int]:
    """``{base name: items}`` of the tables a rolled-back upgrade left behind."""
    running = running_tables(base, target, deployed, frm)
    if running is None:
        return {}
    left = sorted((set(wanted) & set(deployed)) - set(running))
    return {table: count_items(dynamodb, target.table(table)) for table in left}


def count_items(dynamodb: Any, name: str) -> int:
    """Every item of ``name``, now: "empty" decides a deletion, so the read is consistent."""
    return table_compare.count_items(dynamodb, name, consistent=True)


def items_text(items: int) -> str:
    return "no items" if items == 0 else f"{items} item" + ("" if items == 1 else "s")


def heading(table: str, target: Target, on_stack: bool, frm: str | None) -> str:
    where = (
        f"not in stack {stack_name(target)}"
        if on_stack
        else f"not a table of release {frm} (no stack owns the tables)"
    )
    return f"table {target.table(table)} left by a rolled-back upgrade ({where})"


def describe(items: int, on_stack: bool, import_lines: list[str]) -> list[str]:
    """What the plan says of one such table: what it holds and the fix."""
    if items == 0:
        return [
            "  holds no items: --apply deletes it (after a fresh count finds none again); the "
            "release's deploy creates it as declared"
        ]
    if not on_stack:
        return [
            f"  holds {items_text(items)}: kept as it is (no stack owns the tables); the "
            "steps bring it to what this release declares"
        ]
    return [
        f"  holds {items_text(items)} (written before the rollback): never deleted; the stack "
        "must take it over (CloudFormation resource import) before the deploy:",
        *import_lines,
    ]


def steps_said(
    made: Plan,
    base: dict[str, Any] | None,
    target: Target,
    artifacts: str | None,
    frm: str | None,
    out: Path,
    deployed: Mapping[str, Any],
    wanted: Mapping[str, Any],
) -> dict[int, list[str]]:
    """What each such step of the plan says; on a stack, one holding items gets its
    resource import written under ``out``."""
    found = {}
    for step in (s for s in made.steps if s.kind == KEPT):
        on_stack = base is not None
        lines = []
        if base is not None and step.items:
            lines = write_import(step.table, base, target, out, artifacts)
            if deployed[step.table] != wanted[step.table]:
                lines.append("  (it differs from what this release declares: make the "
                             "template describe it as it is before importing)")  # fmt: skip
        found[step.number] = [
            f"Step {step.number}: {heading(step.table, target, on_stack, frm)}",
            *describe(step.items, on_stack, lines),
        ]
    return found


def stopped(tables: Mapping[str, int], target: Target) -> OpsError:
    """The refusal when tables holding items are in the deploy's way (on a stack)."""
    names = ", ".join(
        f"{target.table(t)} ({items_text(n)})" for t, n in sorted(tables.items()) if n
    )
    return OpsError(
        f"stopped before any step: {names} left by a rolled-back upgrade is in the way of the "
        "release's deploy and is never deleted; make it the stack's by resource import (the "
        "plan above prints the commands), then run the plan again"
    )


def write_import(
    table: str, base: dict[str, Any], target: Target, out: Path, artifacts: str | None
) -> list[str]:
    """The import's template and resources-to-import files under ``out``, and the commands
    that create, review and execute it (indented for the plan)."""
    name = target.table(table)
    logical = table_logical_id(table)
    template = json.loads(json.dumps(base))
    template["Resources"][logical] = table_resource(model_of(table), name)
    out.mkdir(parents=True, exist_ok=True)
    body = out / f"import-{table}.json"
    body.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
    resources = out / f"import-{table}-resources.json"
    imported = [{
        "ResourceType": "AWS::DynamoDB::Table",
        "LogicalResourceId": logical,
        "ResourceIdentifier": {"TableName": name},
    }]  # fmt: skip
    resources.write_text(json.dumps(imported, indent=2) + "\n", encoding="utf-8")
    bucket = artifacts or "$ARTIFACTS"
    key = f"{artifacts_folder(target.jurisdiction, __version__)}upgrade-import-{table}.json"
    aws = f"aws cloudformation --region {target.region}"
    stack = f"--stack-name {stack_name(target)} --change-set-name import-{table}"
    return [
        f"  template {body} (the stack's own plus {logical}), resources {resources}",
        f"  aws s3 cp {body} s3://{bucket}/{key}",
        f"  {aws} create-change-set {stack} --change-set-type IMPORT "
        f"--resources-to-import file://{resources} "
        f"--template-url https://s3.{target.region}.amazonaws.com/{bucket}/{key}",
        f"  {aws} describe-change-set {stack}   # one change: Import {logical}",
        f"  {aws} execute-change-set {stack}",
        f"  {aws} wait stack-import-complete --stack-name {stack_name(target)}",
    ]


def delete_if_empty(dynamodb: Any, table: str, target: Target, say: Callable[[str], None]) -> None:
    """Delete ``table`` only when a count taken now still finds no items."""
    name = target.table(table)
    items = count_items(dynamodb, name)
    if items:
        raise OpsFailure(
            f"{name} now holds {items_text(items)}: not deleted; run the plan again (it "
            "says how to keep it)"
        )
    call(f"delete {name}", dynamodb.delete_table, TableName=name)
    say(f"  Deleted {name} (a fresh count found no items)")


def model_of(table: str) -> Any:
    for model in ALL_MODELS:
        if base_name(model) == table:
            return model
    raise OpsError(f"no model of this release is stored in {table}")


def stack_name(target: Target) -> str:
    return target.stack_name or default_stack_name(target.jurisdiction)
