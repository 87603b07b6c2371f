"""The upgrade rehearsed on a laptop: the previous releases' tables built in moto from their
committed snapshots (infra/package/snapshots/), filled with items (the new indexes' keys
included), upgraded by ``upgrade_plan --apply`` as ops run it, then every item is still there
unchanged, every table is what this release declares and every index answers a Query.

Without a stack the steps are made with UpdateTable (what a change set does to a table);
the stack side is in test_upgrade_plan_on_a_stack.py. A tiny backfill of the test's own
stands in for the registry's (the backfills branch brings those): every item must come back
byte for byte apart from what it filled in.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import boto3
import pytest

from chalicelib.version import __version__
from infra.ops import upgrade_plan, upgrade_tables
from infra.ops.backfills.registry import Backfill, BackfillResult, release_key
from infra.ops.common import OpsFailure
from infra.package import snapshots

REGION = "us-west-2"  # multnomah-county's
JURISDICTION = "multnomah-county"
ITEMS_PER_TABLE = 30


def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def value(kind: str, seed: str) -> dict[str, Any]:
    number = str(sum(seed.encode()) * 1000 + len(seed))
    return {"S": seed} if kind == "S" else {"N": number} if kind == "N" else {"B": seed.encode()}


def build_release(release: str, prefix: str) -> dict[str, list[dict[str, Any]]]:
    """The release's tables from its snapshot, each with items; the items by table."""
    old = snapshots.load(release)["tables"]
    new = snapshots.current()["tables"]
    client = dynamodb()
    stored: dict[str, list[dict[str, Any]]] = {}
    for table, schema in old.items():
        upgrade_tables.create_table(client, f"{prefix}{table}", schema)
        types = {
            **new.get(table, {}).get("attribute_definitions", {}),
            **schema["attribute_definitions"],
        }
        stored[table] = []
        for n in range(ITEMS_PER_TABLE):
            item = {name: value(kind, f"{table}-{name}-{n % 3 if n % 2 else n}")
                    for name, kind in types.items()}  # fmt: skip
            if n % 2:  # odd items lack what only the new release's indexes are keyed on
                for name in set(types) - set(schema["attribute_definitions"]):
                    item.pop(name)
            for name, _ in schema["key_schema"]:
                item[name] = value(types[name], f"{table}-{name}-{n}")  # unique keys
            item["note"] = {"S": f"kept {n}"}
            client.put_item(TableName=f"{prefix}{table}", Item=item)
            stored[table].append(item)
    return stored


def everything(prefix: str, table: str) -> list[dict[str, Any]]:
    pages = dynamodb().get_paginator("scan").paginate(TableName=f"{prefix}{table}")
    return [item for page in pages for item in page["Items"]]


def key_of(item: dict[str, Any], schema: dict[str, Any]) -> str:
    return repr([item[name] for name, _ in schema["key_schema"]])


def upgrade(prefix: str, tmp_path, capsys, *extra: str) -> str:
    argv = ["--jurisdiction", JURISDICTION, "--local", "--table-prefix", prefix,
            "--out", str(tmp_path), *extra]  # fmt: skip
    assert upgrade_plan.main(argv) == 0, capsys.readouterr().err
    return str(capsys.readouterr().out)


def courthouse_keys(target, *, dry_run, share, progress) -> BackfillResult:
    """A tiny backfill for the rehearsal: a ``courthouse_key`` on appointments lacking one,
    written only where still missing (the registry's real ones come with i19-backfills)."""
    client, name = target.client("dynamodb"), target.table("appointments")
    examined = changed = 0
    for page in client.get_paginator("scan").paginate(TableName=name):
        for item in page["Items"]:
            examined += 1
            if "courthouse_key" in item or dry_run:
                continue
            client.update_item(
                TableName=name,
                Key={k: item[k] for k in ("client_id", "appointment_id")},
                UpdateExpression="SET courthouse_key = :k",
                ConditionExpression="attribute_not_exists(courthouse_key)",
                ExpressionAttributeValues={":k": {"S": "backfilled"}},
            )
            changed += 1
    progress(f"  courthouse keys: {changed} of {examined}")
    return BackfillResult(examined, changed, examined - changed, {}, True)


COURTHOUSE_KEYS = Backfill(
    "courthouse-keys", "0.18.0", "appointments", "at_courthouse", "rehearsal", courthouse_keys
)


def only_courthouse_keys(from_release: str | None, to_release: str) -> list[Backfill]:
    """The registry's rule (releases after the deployed one) over the rehearsal's backfill."""
    newer = from_release is None or release_key(from_release) < release_key("0.18.0")
    return [COURTHOUSE_KEYS] if newer else []


def check_upgraded(
    prefix: str,
    stored: dict[str, list[dict[str, Any]]],
    release: str,
    backfilled: dict[str, str] | None = None,
) -> None:
    """Every table as declared, every item kept (apart from ``{table: backfilled attribute}``),
    every index answering."""
    backfilled = backfilled or {}
    wanted = snapshots.current()["tables"]
    old = snapshots.load(release)["tables"]
    client = dynamodb()
    for table, schema in wanted.items():
        assert upgrade_tables.deployed_schema(client, f"{prefix}{table}") == schema, table
        if table not in stored:
            continue
        now = {key_of(i, schema): i for i in everything(prefix, table)}
        before = {key_of(i, old[table]): i for i in stored[table]}
        filled = backfilled.get(table)
        if filled:
            assert all(filled in item for item in now.values()), f"{table}: not backfilled"
            now = {k: {n: v for n, v in i.items() if n != filled or n in before.get(k, {})}
                   for k, i in now.items()}  # fmt: skip
        assert now == before, f"{table}: items lost or changed"
        for index, shape in schema["global_secondary_indexes"].items():
            hash_name = shape["key_schema"][0][0]
            holder = next(i for i in stored[table] if hash_name in i)
            answer = client.query(
                TableName=f"{prefix}{table}",
                IndexName=index,
                KeyConditionExpression="#h = :h",
                ExpressionAttributeNames={"#h": hash_name},
                ExpressionAttributeValues={":h": holder[hash_name]},
            )
            assert answer["Count"] >= 1, f"{table} {index} answers nothing"


@pytest.fixture()
def prefix(stack) -> str:
    assert os.environ.get("AWS_ENDPOINT_URL")  # the session stack's moto, never AWS
    return f"rehearsal-{uuid.uuid4().hex[:8]}-"


@pytest.mark.any_hour
def test_the_previous_release_upgrades_with_every_item_kept_and_every_index_answering(
    prefix, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(upgrade_plan, "backfills_between", only_courthouse_keys)
    stored = build_release("0.17.0", prefix)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.17.0", "--apply")
    assert "appointments: add index at_courthouse (new in this release)" in printed
    assert "department-settings: new table" in printed
    assert "Step 2: backfill courthouse-keys on appointments" in printed
    assert "courthouse keys: 15 of 30" in printed
    check_upgraded(prefix, stored, "0.17.0", {"appointments": "courthouse_key"})
    found = dynamodb().query(
        TableName=f"{prefix}appointments",
        IndexName="at_courthouse",
        KeyConditionExpression="courthouse_key = :k",
        ExpressionAttributeValues={":k": {"S": "backfilled"}},
    )
    assert found["Count"] == ITEMS_PER_TABLE // 2  # what the backfill filled, the index holds
    again = upgrade(prefix, tmp_path, capsys, "--from-release", "0.18.0", "--apply")
    assert again.startswith("Nothing to do"), again
    print(printed)  # docs/operations.md "Upgrade" shows it


@pytest.mark.any_hour
def test_a_stack_from_before_nothing_lost_upgrades_in_steps_and_its_retired_table_is_backed_up(
    prefix, tmp_path, capsys
):
    stored = build_release("0.16.0-pre", prefix)
    planned = upgrade(prefix, tmp_path, capsys, "--from-release", "0.16.0-pre")
    assert "Step 3: index changes" in planned  # clients change one index per step
    assert "unavailable meanwhile: a case manager's caseload list;" in planned
    assert (tmp_path / "step-1.json").is_file()
    assert "Retired" in planned and "activity" in planned
    done = upgrade(prefix, tmp_path, capsys, "--apply", "--delete-retired")
    stored.pop("activity")
    check_upgraded(prefix, stored, "0.16.0-pre")
    assert f"Backed up {prefix}activity as {prefix}activity-retired-" in done
    assert f"{prefix}activity" not in dynamodb().list_tables()["TableNames"]
    again = upgrade(prefix, tmp_path, capsys, "--from-release", __version__)
    assert again.startswith("Nothing to do"), again
    assert not list(tmp_path.glob("step-*.json"))  # the earlier plan's templates are gone
    print(planned)  # docs/operations.md "Upgrade" shows it
    assert __version__ in done


@pytest.mark.any_hour
def test_an_upgrade_stopped_by_a_failure_continues_when_run_again(
    prefix, tmp_path, capsys, monkeypatch
):
    stored = build_release("0.16.0-pre", prefix)
    real = upgrade_tables.change_index
    made: list[str] = []

    def fails_on_the_sixth(dynamodb, table, action, index, wanted) -> None:
        if len(made) == 5:  # step 2 halfway: audit's index added back, clients' not yet
            raise OpsFailure(f"could not {action} {index} (injected)")
        made.append(index)
        real(dynamodb, table, action, index, wanted)

    monkeypatch.setattr(upgrade_tables, "change_index", fails_on_the_sixth)
    argv = ["--jurisdiction", JURISDICTION, "--local", "--table-prefix", prefix,
            "--out", str(tmp_path), "--from-release", "0.16.0-pre", "--apply"]  # fmt: skip
    assert upgrade_plan.main(argv) == 2
    assert "(injected)" in capsys.readouterr().err

    monkeypatch.setattr(upgrade_tables, "change_index", real)
    continued = upgrade(prefix, tmp_path, capsys, "--from-release", "0.16.0-pre", "--apply")
    assert (
        "Step 1: index changes\n  clients: add index by-case-manager (the running release reads it)"
        in continued
    )
    stored.pop("activity")
    check_upgraded(prefix, stored, "0.16.0-pre")
