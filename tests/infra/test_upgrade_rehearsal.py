"""The upgrade rehearsed on a laptop: the previous releases' tables built in moto from their
committed snapshots (infra/package/snapshots/), filled with items (clients and court dates as
each release wrote them, the rest with the new indexes' keys), upgraded by
``upgrade_plan --apply`` as ops run it, with the registry's real backfills between the steps;
then every item is still there, changed only by what its backfills set (and set right), every
table is what this release declares and every index answers a Query.

Without a stack the steps are made with UpdateTable (what a change set does to a table);
the stack side is in test_upgrade_plan_on_a_stack.py.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.domain.clients import id_number_key
from chalicelib.domain.search import search_text_for
from chalicelib.version import __version__
from infra.config_loader import JURISDICTIONS_DIR, load_jurisdiction
from infra.ops import upgrade_plan, upgrade_tables
from infra.ops.backfills import courthouse_codes
from infra.ops.backfills.registry import release_key
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


DEPARTMENT = "probation"
COURTHOUSES = {"MCC": "Multnomah County Courthouse", "JC": "Justice Center"}
STORED_AT = "2025-03-04T16:30:00.000000+0000"  # when "old code" wrote them


def old_client(n: int, release: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Client ``n`` as ``release`` stored it, and as it must be after the upgrade: 0.17.0
    wrote search_text, active_* and id_key itself; code before it wrote none of them."""
    first, last, phone = ("Rosa", "Michael", "Ana")[n % 3], f"Tran{n}", f"+1503555{n:04d}"
    retired, id_number = n % 10 == 9, f"AB-{n}" if n % 3 else ""
    item: dict[str, Any] = {
        "client_id": {"S": f"client-{n}"},
        "department_id": {"S": DEPARTMENT},
        "case_manager_id": {"S": f"cm-{n % 3}"},
        "first_name": {"S": first},
        "last_name": {"S": last},
        "phone": {"S": phone},
        "last_contact_at": {"S": STORED_AT},
        "version": {"N": "3"},
        "note": {"S": f"kept {n}"},
    }
    if id_number:
        item["id_number"] = {"S": id_number}
    if retired:
        item.update(retired_at={"S": STORED_AT}, retired_sort={"S": f"tran{n}\x1f{n}"})
    else:
        item["sort_name"] = {"S": f"tran{n}\x1f{first.casefold()}"}
    if n % 4 == 0:
        item["email_due"] = {"S": "due"}
    written = {"search_text": {"S": search_text_for(first, last, phone, id_number)}}
    if id_number:
        written["id_key"] = {"S": id_number_key(id_number)}
    if not retired:
        written["active_case_manager"] = {"S": f"cm-{n % 3}"}
        written["active_department"] = {"S": DEPARTMENT}
    if release_key(release) >= release_key("0.17.0"):
        return {**item, **written}, {**item, **written}
    return item, {**item, **written}


def old_court_date(n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Court date ``n`` as 0.17.0 stored it (its place only), and as it must be after."""
    kind = n % 6
    source = "staff" if kind == 0 else "import"
    place = (
        "Probation office, 2nd floor",
        "Multnomah County Courthouse, Room 412",
        "Justice Center",
        "Multnomah County Courthouse, Courtroom 7",
        "Somewhere Else, Room 1",  # no courthouse of the department: left alone
        "Justice Center, Room 2B",
    )[kind]
    item: dict[str, Any] = {
        "client_id": {"S": f"client-{n}"},
        "appointment_id": {"S": f"date-{n}"},
        "department_id": {"S": DEPARTMENT},
        "case_manager_id": {"S": f"cm-{n % 3}"},
        "kind": {"S": "court"},
        "starts_at": {"S": STORED_AT},
        "place": {"S": place},
        "source": {"S": source},
        "cancelled": {"BOOL": kind == 3},
        "version": {"N": "2"},
        "note": {"S": f"kept {n}"},
    }
    if kind == 5:
        item["outcome"] = {"S": "attended"}
    is_open = kind in (1, 2, 4)
    if is_open:
        item["import_department"] = {"S": DEPARTMENT}
        item["import_key"] = {"S": f"2027-01-05T16:30:00.000000Z#date-{n}"}
    code, room = {1: ("MCC", "412"), 2: ("JC", ""), 3: ("MCC", "Courtroom 7"),
                  5: ("JC", "2B")}.get(kind, ("", ""))  # fmt: skip
    after = dict(item)
    if code:
        after["location_code"] = {"S": code}
        if room:
            after["room"] = {"S": room}
        if is_open:
            after["courthouse_key"] = {"S": f"{DEPARTMENT}#{code.casefold()}"}
    return item, after


def build_release(
    release: str, prefix: str
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """The release's tables from its snapshot, each with items: the items by table as
    stored, and as the upgrade must leave them."""
    old = snapshots.load(release)["tables"]
    new = snapshots.current()["tables"]
    client = dynamodb()
    stored: dict[str, list[dict[str, Any]]] = {}
    expected: dict[str, list[dict[str, Any]]] = {}
    for table, schema in old.items():
        upgrade_tables.create_table(client, f"{prefix}{table}", schema)
        types = {
            **new.get(table, {}).get("attribute_definitions", {}),
            **schema["attribute_definitions"],
        }
        stored[table], expected[table] = [], []
        for n in range(ITEMS_PER_TABLE):
            if table == "clients":
                item, after = old_client(n, release)
            elif table == "appointments":
                item, after = old_court_date(n)
                if release_key(release) >= release_key("0.18.0"):
                    item = after  # 0.18.0 writes a court date's courthouse code itself
            else:
                item = {name: value(kind, f"{table}-{name}-{n % 3 if n % 2 else n}")
                        for name, kind in types.items()}  # fmt: skip
                if n % 2:  # odd items lack what only the new release's indexes are keyed on
                    for name in set(types) - set(schema["attribute_definitions"]):
                        item.pop(name)
                for name, _ in schema["key_schema"]:
                    item[name] = value(types[name], f"{table}-{name}-{n}")  # unique keys
                item["note"] = {"S": f"kept {n}"}
                after = item
            client.put_item(TableName=f"{prefix}{table}", Item=item)
            stored[table].append(item)
            expected[table].append(after)
    return stored, expected


@pytest.fixture()
def seeded_courthouses(tmp_path, monkeypatch) -> None:
    """The jurisdiction file with court_import seeds (0.17.0 wrote its places from them; no
    example file has any): what courthouse_codes reads when no department saved its own."""
    raw = json.loads((JURISDICTIONS_DIR / f"{JURISDICTION}.json").read_text(encoding="utf-8"))
    demo = json.loads((JURISDICTIONS_DIR / "demo.json").read_text(encoding="utf-8"))
    raw["court_import"] = {**demo["court_import"], "locations": COURTHOUSES}
    folder = Path(tmp_path) / "jurisdictions"
    folder.mkdir()
    (folder / f"{JURISDICTION}.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setattr(
        courthouse_codes, "jurisdiction", lambda name: load_jurisdiction(name, folder)
    )


def everything(prefix: str, table: str) -> list[dict[str, Any]]:
    pages = dynamodb().get_paginator("scan").paginate(TableName=f"{prefix}{table}")
    return [item for page in pages for item in page["Items"]]


def key_of(item: dict[str, Any], schema: dict[str, Any]) -> str:
    return repr([item[name] for name, _ in schema["key_schema"]])


def upgrade(prefix: str, tmp_path, capsys, *extra: str) -> str:
    argv = ["--jurisdiction", JURISDICTION, "--local", "--table-prefix", prefix,
            "--out", str(tmp_path / "out"), *extra]  # fmt: skip
    assert upgrade_plan.main(argv) == 0, capsys.readouterr().err
    return str(capsys.readouterr().out)


def check_upgraded(prefix: str, expected: dict[str, list[dict[str, Any]]]) -> None:
    """Every table as declared, every item kept as ``expected`` (what backfills set, set
    right; backfills' checkpoints aside), every index answering."""
    wanted = snapshots.current()["tables"]
    client = dynamodb()
    for table, schema in wanted.items():
        assert upgrade_tables.deployed_schema(client, f"{prefix}{table}") == schema, table
        if table not in expected:
            continue
        now = {key_of(i, schema): i for i in everything(prefix, table)
               if not i.get("name", {}).get("S", "").startswith("backfill#")}  # fmt: skip
        assert now == {key_of(i, schema): i for i in expected[table]}, f"{table}: items differ"
        for index, shape in schema["global_secondary_indexes"].items():
            hash_name = shape["key_schema"][0][0]
            holder = next((i for i in now.values() if hash_name in i), None)
            assert holder, f"{table}: no item has {hash_name}, so {index} cannot be asked"
            answer = client.query(
                TableName=f"{prefix}{table}",
                IndexName=index,
                KeyConditionExpression="#h = :h",
                ExpressionAttributeNames={"#h": hash_name},
                ExpressionAttributeValues={":h": holder[hash_name]},
            )
            assert answer["Count"] >= 1, f"{table} {index} answers nothing"


def query(prefix: str, table: str, index: str, **key: str) -> list[dict[str, Any]]:
    ((name, wanted),) = key.items()
    return dynamodb().query(
        TableName=f"{prefix}{table}",
        IndexName=index,
        KeyConditionExpression="#h = :h",
        ExpressionAttributeNames={"#h": name},
        ExpressionAttributeValues={":h": {"S": wanted}},
    )["Items"]


def checkpoint(prefix: str, backfill: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (
        dynamodb()
        .get_item(
            TableName=f"{prefix}records-retention", Key={"name": {"S": f"backfill#{backfill}"}}
        )
        .get("Item")
    )
    return found


@pytest.fixture()
def prefix(stack) -> str:
    assert os.environ.get("AWS_ENDPOINT_URL")  # the session stack's moto, never AWS
    return f"rehearsal-{uuid.uuid4().hex[:8]}-"


@pytest.mark.any_hour
def test_the_release_before_this_one_upgrades_with_no_table_step_and_nothing_lost(
    prefix, tmp_path, capsys, seeded_courthouses
):
    """0.23.0 (offline outbox, reading offline) changes no table, index or attribute."""
    stored, _ = build_release("0.22.0", prefix)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.22.0", "--apply")
    assert "new table" not in printed and "index" not in printed, printed
    assert "stream" not in printed and "backfill" not in printed.lower(), printed
    check_upgraded(prefix, stored)  # every item exactly as it was


@pytest.mark.any_hour
def test_0_21_0_upgrades_with_no_table_step_and_nothing_lost(
    prefix, tmp_path, capsys, seeded_courthouses
):
    """0.22.0 (photos) adds attributes, a queue, a function and a layer: no table changes."""
    stored, _ = build_release("0.21.0", prefix)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.21.0", "--apply")
    assert "new table" not in printed and "index" not in printed, printed
    assert "stream" not in printed and "backfill" not in printed.lower(), printed
    check_upgraded(prefix, stored)  # every item exactly as it was


@pytest.mark.any_hour
def test_0_20_1_upgrades_with_its_new_table_index_and_nothing_lost(
    prefix, tmp_path, capsys, seeded_courthouses
):
    stored, _ = build_release("0.20.1", prefix)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.20.1", "--apply")
    assert "dashboard-counts: new table" in printed, printed
    assert "audit: remove index by-actor" in printed, printed
    assert "audit: add index by-actor" in printed, printed
    assert "audit: stream off -> NEW_IMAGE" in printed, printed
    assert "backfill" not in printed.lower(), printed  # 0.21.0 declares none
    check_upgraded(prefix, stored)  # every item exactly as it was


@pytest.mark.any_hour
def test_0_20_0_upgrades_with_its_new_stream_and_nothing_lost(
    prefix, tmp_path, capsys, seeded_courthouses
):
    stored, _ = build_release("0.20.0", prefix)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.20.0", "--apply")
    assert "department-settings: stream off -> KEYS_ONLY" in printed, printed
    assert "backfill" not in printed.lower(), printed
    check_upgraded(prefix, stored)  # every item exactly as it was


@pytest.mark.any_hour
def test_0_19_0_upgrades_with_its_new_table_and_nothing_lost(
    prefix, tmp_path, capsys, seeded_courthouses
):
    stored, _ = build_release("0.19.0", prefix)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.19.0", "--apply")
    assert "mass-texts: new table" in printed, printed
    assert "backfill" not in printed.lower(), printed  # neither 0.20.0 nor 0.20.1 declares one
    check_upgraded(prefix, stored)  # every item exactly as it was


@pytest.mark.any_hour
def test_0_18_0_upgrades_with_only_the_audit_index_rebuilt_and_nothing_lost(
    prefix, tmp_path, capsys, seeded_courthouses
):
    stored, _ = build_release("0.18.0", prefix)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.18.0", "--apply")
    added = [line.strip() for line in printed.splitlines() if "add index" in line]
    # issue 21: the audit trail's by-actor index is keyed by time now (rebuilt)
    assert added == ["audit: add index by-actor (its definition changed)"], printed
    assert "backfill" not in printed.lower(), printed
    check_upgraded(prefix, stored)


@pytest.mark.any_hour
def test_0_17_0_upgrades_with_its_court_dates_backfilled_and_every_index_answering(
    prefix, tmp_path, capsys, seeded_courthouses
):
    _, expected = build_release("0.17.0", prefix)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.17.0", "--apply")
    assert "appointments: add index at_courthouse (new in this release)" in printed
    assert "department-settings: new table" in printed
    assert "Step 2: backfill courthouse_codes on appointments" in printed
    assert "examined 30, changed 20, already right 5, skipped 5" in printed
    # the step's number moves with the audit index's rebuild (issue 21)
    assert re.search(r"Step \d: backfill courthouse_codes on appointments again", printed)
    assert "examined 30, changed 0, already right 25, skipped 5" in printed
    check_upgraded(prefix, expected)
    at_matheson = query(prefix, "appointments", "at_courthouse", courthouse_key="probation#mcc")
    assert sorted(i["room"]["S"] for i in at_matheson) == ["412"] * 5
    saved = checkpoint(prefix, "courthouse_codes")
    assert saved is not None and "finished_at" in saved  # in the table the release has
    again = upgrade(prefix, tmp_path, capsys, "--from-release", __version__, "--apply")
    assert again.startswith("Nothing to do"), again
    print(printed)  # docs/operations.md "Upgrade" shows it


@pytest.mark.any_hour
def test_a_stack_from_before_nothing_lost_upgrades_in_steps_its_clients_backfilled(
    prefix, tmp_path, capsys, seeded_courthouses
):
    _, expected = build_release("0.16.0-pre", prefix)
    planned = upgrade(prefix, tmp_path, capsys, "--from-release", "0.16.0-pre")
    assert "Step 3: index changes" in planned  # clients change one index per step
    assert "unavailable meanwhile: a case manager's caseload list;" in planned
    assert (tmp_path / "out" / "step-1.json").is_file()
    assert "Retired" in planned and "activity" in planned
    for backfill in ("caseload_fields on clients", "id_keys on clients",
                     "courthouse_codes on appointments"):  # fmt: skip
        assert f": backfill {backfill} (" in planned
    for backfill in ("id_keys on clients again", "caseload_fields on clients again"):
        assert f": backfill {backfill} (" in planned  # after the release, too
    done = upgrade(prefix, tmp_path, capsys, "--apply", "--delete-retired")
    expected.pop("activity")
    check_upgraded(prefix, expected)
    by_id = query(prefix, "clients", "by-id-number", active_department=DEPARTMENT)
    assert len(by_id) == 18  # active clients with an id number: the court import finds them
    found = [i for i in query(prefix, "clients", "recent-by-case-manager",
             active_case_manager="cm-1") if " tran1 " in i["search_text"]["S"]]  # fmt: skip
    assert [i["search_text"]["S"] for i in found] == [" michael tran1 15035550001 ab-1 ab1 "]
    assert f"Backed up {prefix}activity as {prefix}activity-retired-" in done
    assert f"{prefix}activity" not in dynamodb().list_tables()["TableNames"]
    again = upgrade(prefix, tmp_path, capsys, "--from-release", __version__)
    assert again.startswith("Nothing to do"), again
    assert not list((tmp_path / "out").glob("step-*.json"))  # earlier plan's templates gone
    print(planned)  # docs/operations.md "Upgrade" shows it
    assert __version__ in done


@pytest.mark.any_hour
def test_an_upgrade_stopped_by_a_failure_continues_when_run_again(
    prefix, tmp_path, capsys, monkeypatch, seeded_courthouses
):
    _, expected = build_release("0.16.0-pre", prefix)
    real = upgrade_tables.change_index
    made: list[str] = []

    def fails_on_the_sixth(dynamodb, table, action, index, wanted) -> None:
        if len(made) == 5:  # step 2 halfway: audit's index added back, clients' not yet
            raise OpsFailure(f"could not {action} {index} (injected)")
        made.append(index)
        real(dynamodb, table, action, index, wanted)

    monkeypatch.setattr(upgrade_tables, "change_index", fails_on_the_sixth)
    argv = ["--jurisdiction", JURISDICTION, "--local", "--table-prefix", prefix,
            "--out", str(tmp_path / "out"), "--from-release", "0.16.0-pre", "--apply"]  # fmt: skip
    assert upgrade_plan.main(argv) == 2
    assert "(injected)" in capsys.readouterr().err

    monkeypatch.setattr(upgrade_tables, "change_index", real)
    continued = upgrade(prefix, tmp_path, capsys, "--from-release", "0.16.0-pre", "--apply")
    assert (
        "Step 1: index changes\n  clients: add index by-case-manager (the running release reads it)"
        in continued
    )
    expected.pop("activity")
    check_upgraded(prefix, expected)
