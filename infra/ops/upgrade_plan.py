"""``make upgrade-plan JURISDICTION=<name>``: the steps from what a jurisdiction has deployed to
this release, one index change per table per step; ``--apply`` makes them in order.

Reads the deployed tables (ListTables, DescribeTable, DescribeTimeToLive) and the stack
(DescribeStacks, GetTemplate), compares them with this release's models, and prints numbered
steps (``upgrade_steps.py``): each index step as a template written under ``--out`` (the
stack's own template with only that step's index changes) and what is unavailable meanwhile;
backfills (``infra/ops/backfills``) between the steps that need them; last, the release's own
template (``make deploy``). Tables the release no longer has are listed; ``--delete-retired``
deletes them after checking nothing reads them and taking an on-demand backup. A table a
rolled-back upgrade left behind comes first (``upgrade_kept.py``): deleted by ``--apply`` when
empty; holding items on a stack, it stops the plan with the resource import that adopts it.

``--apply`` deploys each index step as a CloudFormation change set (its template uploaded to
``--artifacts``) or, where no stack owns the tables (``--local``, the rehearsal), with
UpdateTable; it waits for every index to be ACTIVE and stops on the first failure. Running
it again recomputes the plan from what is deployed, so it continues where it stopped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.store.models import ALL_MODELS
from chalicelib.store.tables import base_name
from chalicelib.version import __version__
from infra.package import snapshots
from infra.package.names import table_logical_id
from infra.package.tables import table_resource

from . import upgrade_kept, upgrade_retired, upgrade_tables
from .aws_target import AwsRefused, Target, add_target_options, call
from .backfills.model import Backfill
from .backfills.registry import BACKFILLS, backfills_between, release_key
from .backfills.runner import saved_pass
from .common import OpsError, default_stack_name, jurisdiction, parser, region_for, run
from .upgrade_steps import BACKFILL, INDEXES, KEPT, Plan, Step, plan, unplannable

PROG = "upgrade_plan"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARE = 0.25
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    made = parser(PROG, "Plan (and with --apply make) the upgrade of a stack to this release.")
    add_target_options(made, user_pool=False)
    made.add_argument("--stack-name", help="default clientcomm-<jurisdiction>")
    made.add_argument("--apply", action="store_true", help="make the steps, in order")
    made.add_argument(
        "--delete-retired", action="store_true", help="back up and delete retired tables"
    )
    made.add_argument("--artifacts", help="S3 bucket for the step templates (stack steps)")
    made.add_argument(
        "--tables-only",
        action="store_true",
        help="no stack owns the tables: index steps by UpdateTable (--local implies it)",
    )
    made.add_argument("--out", type=Path, help="where step templates go (default out/<j>/upgrade)")
    made.add_argument(
        "--from-release",
        help="release the tables were made by, when no stack says so (picks the backfills)",
    )
    made.add_argument(
        "--share", type=float, default=DEFAULT_SHARE, help="backfills' share of capacity"
    )
    return made.parse_args(argv)


def stack_state(target: Target, cloudformation: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The stack's original template and its ``Version`` output; (None, None) without one."""
    name = target.stack_name or default_stack_name(target.jurisdiction)
    try:
        found = call(f"read stack {name}", cloudformation.describe_stacks, StackName=name)
    except AwsRefused as exc:
        if exc.code == "ValidationError":  # "Stack with id ... does not exist"
            return None, None
        raise
    outputs = {o["OutputKey"]: o["OutputValue"] for o in found["Stacks"][0].get("Outputs", [])}
    body = call(
        f"read the template of {name}",
        cloudformation.get_template,
        StackName=name,
        TemplateStage="Original",
    )["TemplateBody"]
    template = body if isinstance(body, dict) else json.loads(body)
    return template, outputs.get("Version")


def cloudformation(target: Target) -> Any:
    return target.client("cloudformation")


def step_template(
    base: dict[str, Any] | None,
    target: Target,
    deployed: dict[str, Any],
    wanted: dict[str, Any],
    state: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """``base`` (the stack's template) with each table's indexes as ``state`` has them; without
    a stack, a template of the tables alone.

    CloudFormation compares index definitions as written (the order of NonKeyAttributes
    included), so a table whose indexes this step leaves alone is not touched, a kept index is
    copied as deployed, and an added one is written as the release's own template writes it:
    the release's deploy then sees no index change.
    """
    template = json.loads(json.dumps(base)) if base else {"Resources": {}}
    released = release_indexes(target)
    for table, indexes in state.items():
        found = table_in(template, target.table(table))
        if found is None and base is not None:
            continue  # a table the stack does not own: nothing of this template changes it
        if found is not None and indexes == deployed[table]["global_secondary_indexes"]:
            continue
        schema = {**deployed[table], "global_secondary_indexes": indexes}
        schema["attribute_definitions"] = {
            **deployed[table]["attribute_definitions"],
            **wanted[table]["attribute_definitions"],
        }
        resource = found or template["Resources"].setdefault(
            table_logical_id(table), table_resource_of(target.table(table), schema)
        )
        properties = resource["Properties"]
        written = {i["IndexName"]: i for i in properties.get("GlobalSecondaryIndexes", [])}
        properties["AttributeDefinitions"] = upgrade_tables.attribute_definitions(schema, {
            **indexes, **schema["local_secondary_indexes"]})  # fmt: skip
        properties["GlobalSecondaryIndexes"] = [
            written[name]
            if name in written and index == deployed[table]["global_secondary_indexes"].get(name)
            else released.get((table, name)) or upgrade_tables.index_request(name, index)
            for name, index in sorted(indexes.items())
        ]
        if not indexes:
            properties.pop("GlobalSecondaryIndexes")
    return template


def release_indexes(target: Target) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(table, index): definition}`` as this release's template writes them."""
    found = {}
    for model in ALL_MODELS:
        table = base_name(model)
        made = table_resource(model, target.table(table))["Properties"]
        for index in made.get("GlobalSecondaryIndexes", []):
            found[(table, str(index["IndexName"]))] = index
    return found


def table_in(template: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The template's table resource named ``name`` (by its TableName, whatever its id)."""
    for resource in template.get("Resources", {}).values():
        is_table = resource.get("Type") == "AWS::DynamoDB::Table"
        if is_table and resource.get("Properties", {}).get("TableName") == name:
            found: dict[str, Any] = resource
            return found
    return None


def table_resource_of(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A table resource shaped as ``infra/package/tables.py`` makes it."""
    resource: dict[str, Any] = {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "TableName": name,
            "BillingMode": snapshots.BILLING,
            "KeySchema": upgrade_tables.key_schema(schema["key_schema"]),
        },
    }
    return resource


def retired_functions(deployed: dict[str, Any] | None, packaged: Path) -> list[str] | None:
    """Functions in the stack's template that the packaged release no longer has (its deploy
    deletes them; their log groups are retained); None without both templates."""
    if deployed is None or not packaged.is_file():
        return None
    release = json.loads(packaged.read_text(encoding="utf-8")).get("Resources", {})

    def functions(resources: dict[str, Any]) -> set[str]:
        return {k for k, r in resources.items() if r.get("Type") in FUNCTION_TYPES}

    return sorted(functions(deployed.get("Resources", {})) - functions(release))


def show(
    found: Plan,
    paths: dict[int, Path],
    frm: str | None,
    say: Any,
    kept_lines: dict[int, list[str]] | None = None,
) -> None:
    """The plan, as the runbook shows it (``kept_lines``: what each KEPT step says)."""
    if not found.steps:
        say(f"Nothing to do: the tables are as release {__version__} declares them.")
    else:
        steps = len(found.steps)
        say(f"Upgrade from {frm or 'an unknown release'} to {__version__}: {steps} steps")
    for step in found.steps:
        if step.kind == KEPT:
            for line in (kept_lines or {}).get(step.number, []):
                say(line)
            continue
        describe(step, paths.get(step.number), say)
    if found.retired_tables:
        say("Retired (kept; nothing of this release reads them; --delete-retired backs up and "
            "deletes): " + ", ".join(found.retired_tables))  # fmt: skip


def describe(step: Step, path: Path | None, say: Any) -> None:
    if step.kind == INDEXES:
        say(f"Step {step.number}: index changes")
        for change in step.changes:
            say(f"  {change.describe()}")
        if path:
            say(f"  template: {path}")
        say("  unavailable meanwhile: " + ("; ".join(step.unavailable) or "nothing"))
    elif step.kind == BACKFILL and step.backfill:
        b = step.backfill
        if step.again:
            say(f"Step {step.number}: backfill {b.name} on {b.table} again (what the release "
                "before wrote since its first pass)")  # fmt: skip
        else:
            say(f"Step {step.number}: backfill {b.name} on {b.table} ({b.description})")
    else:
        say(f"Step {step.number}: release {__version__}'s own template (make deploy)")
        for line in step.release_changes:
            say(f"  {line}")


def running_indexes(release: str | None) -> dict[str, set[str]] | None:
    """The indexes the running release reads, from its snapshot; None if it has none (then
    the plan takes the indexes the tables have)."""
    if release is None or not snapshots.path_for(release).is_file():
        return None
    tables = snapshots.load(release)["tables"]
    return {table: set(schema["global_secondary_indexes"]) for table, schema in tables.items()}


def unfinished(target: Target, due: list[Backfill]) -> list[Backfill]:
    """This release's backfills not ``due`` whose checkpoint holds a pass in progress: a run
    stopped in a second pass, after the release (the stack runs this release by then, so
    no backfill is due any more), goes on when run again."""
    current = release_key(__version__)
    return [
        backfill
        for backfill in BACKFILLS
        if backfill not in due
        and release_key(backfill.release) <= current
        and (saved := saved_pass(backfill, target)) is not None
        and not saved.finished
    ]


def work(args: argparse.Namespace) -> int:
    found_jurisdiction = jurisdiction(args.jurisdiction)
    target = Target.from_args(args, region_for(args, found_jurisdiction))
    if args.dry_run and (args.apply or args.delete_retired):
        raise OpsError("--dry-run changes nothing: leave out --apply / --delete-retired")
    dynamodb = target.client("dynamodb")
    without_stack = target.local or args.tables_only
    base, version = (None, None) if without_stack else stack_state(target, cloudformation(target))
    deployed = {t: upgrade_tables.deployed_schema(dynamodb, target.table(t))
                for t in upgrade_tables.table_names(dynamodb, target.prefix)}  # fmt: skip
    if not deployed:
        raise OpsError(f"no tables named {target.prefix}*: is this the right jurisdiction/prefix?")
    if base is None and not target.local and (args.apply and not args.tables_only):
        raise OpsError(
            f"no stack {target.stack_name or default_stack_name(target.jurisdiction)}: pass "
            "--stack-name, or --tables-only if no stack owns these tables (UpdateTable on a "
            "stack's tables would leave CloudFormation describing indexes they no longer have)"
        )
    wanted = snapshots.current()["tables"]
    blocked = unplannable(deployed, wanted)
    if blocked:
        raise OpsError("this release cannot be reached by index steps: " + "; ".join(blocked))
    frm = version or args.from_release
    kept = upgrade_kept.find(dynamodb, target, base, deployed, wanted, frm)
    backfills = backfills_between(frm, __version__)
    backfills = [*unfinished(target, backfills), *backfills]
    made = plan(
        deployed,
        wanted,
        backfills,
        release_pending=base is not None and version != __version__,
        running=running_indexes(frm),
        left_behind=kept,
    )
    out = args.out or ROOT / "out" / args.jurisdiction / "upgrade"
    paths: dict[int, Path] = {}
    for stale in [*out.glob("step-*.json"), *out.glob("import-*.json")]:  # an earlier plan's
        stale.unlink()
    for number, state in made.states.items():
        out.mkdir(parents=True, exist_ok=True)
        paths[number] = out / f"step-{number}.json"
        body = step_template(base, target, deployed, wanted, state)
        paths[number].write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    kept_lines = upgrade_kept.steps_said(made, base, target, args.artifacts, frm, out,
                                         deployed, wanted)  # fmt: skip
    show(made, paths, frm, print, kept_lines)
    if base is not None and any(kept.values()):
        raise upgrade_kept.stopped(kept, target)
    dropped = retired_functions(base, ROOT / "out" / args.jurisdiction / "template.json")
    if dropped:
        print("Functions the release drops (its deploy deletes them): " + ", ".join(dropped))
    elif dropped is None and base is not None:
        print(f"(make package JURISDICTION={args.jurisdiction} to list functions it drops)")
    if args.apply:
        from .upgrade_apply import apply

        apply(made, target, base is not None, paths, args, deployed, wanted)
    if made.retired_tables and args.delete_retired:
        upgrade_retired.delete(made.retired_tables, target, base is not None, print)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    return run(PROG, lambda: work(args))


if __name__ == "__main__":
    sys.exit(main())
