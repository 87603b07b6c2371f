"""The id-number backfill (``infra/ops/backfill_id_keys``) against moto.

Clients stored before issue 16 have no ``id_key`` (and the oldest no ``active_department``),
so the court import's index does not hold them. These tests write such clients "the old
way" (raw items, or a stored client with the attributes removed), run the command as ops
would, and check the court import's lookup, reruns, dry runs, edits racing the backfill and
retired clients. Counts are checked on a clients table of the test's own; the lookup on the
stack's tables, where the app's store reads.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from chalicelib.domain.clients import Client, id_number_key
from chalicelib.store.models import ClientModel
from infra.ops import backfill_id_keys
from infra.package.tables import table_resources
from tests.helpers import ROOT, fresh_phone

REGION = "us-west-2"
STACK_PREFIX = "test-"  # the session stack's tables (infra/local/stack.py via tests/conftest)
STORED_AT = "2025-03-04T16:30:00.000000+0000"  # a fixed instant: when "old code" wrote them
RETIRED_AT = "2025-06-01T18:00:00.000000+0000"
TABLE_ARGUMENTS = ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode",
                   "GlobalSecondaryIndexes")  # fmt: skip


def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture()
def prefix(stack) -> Iterator[str]:
    """A clients table of this test's own (as the template defines it), so counts are exact."""
    made = f"backfill-{uuid.uuid4().hex[:8]}-"
    (table,) = table_resources(made, [ClientModel]).values()
    properties = table["Properties"]
    dynamodb().create_table(**{k: properties[k] for k in TABLE_ARGUMENTS if k in properties})
    yield made
    dynamodb().delete_table(TableName=f"{made}clients")


def old_client(
    prefix: str, *, id_number: str | None = None, retired: bool = False, **extra: str
) -> str:
    """A client as code before issue 16 stored it: no ``id_key``, and (older still) no
    ``active_department``; ``extra`` adds raw string attributes."""
    client_id = secrets.token_hex(10)
    item: dict[str, Any] = {
        "client_id": {"S": client_id},
        "department_id": {"S": "probation"},
        "case_manager_id": {"S": "kristina"},
        "first_name": {"S": "Rosa"},
        "last_name": {"S": "Quintana"},
        "phone": {"S": fresh_phone()},
        "created_at": {"S": STORED_AT},
        "updated_at": {"S": STORED_AT},
        "version": {"N": "3"},
    }
    if id_number is not None:
        item["id_number"] = {"S": id_number}
    if retired:
        item["retired_at"] = {"S": RETIRED_AT}
        item["retired_reason"] = {"S": "case_closed"}
    else:
        item["sort_name"] = {"S": "quintana\x1frosa"}
    item.update({name: {"S": value} for name, value in extra.items()})
    dynamodb().put_item(TableName=f"{prefix}clients", Item=item)
    return client_id


def stored(prefix: str, client_id: str) -> dict[str, Any]:
    item = (
        dynamodb()
        .get_item(
            TableName=f"{prefix}clients", Key={"client_id": {"S": client_id}}, ConsistentRead=True
        )
        .get("Item")
    )
    return {name: next(iter(value.values())) for name, value in (item or {}).items()}


def every_item(prefix: str) -> list[dict[str, Any]]:
    found = dynamodb().scan(TableName=f"{prefix}clients", ConsistentRead=True)["Items"]
    return sorted(found, key=lambda item: item["client_id"]["S"])


def edit_id_number(prefix: str, client_id: str, id_number: str, *, with_key: bool) -> None:
    """A case manager's edit: the store writes the key with the number; a Lambda still on
    the release before issue 16 (during the deploy) writes the number alone."""
    names = {"#n": "id_number", "#v": "version"}
    values: dict[str, Any] = {":n": {"S": id_number}, ":one": {"N": "1"}}
    update = "SET #n = :n ADD #v :one"
    if with_key:
        names["#k"] = "id_key"
        values[":k"] = {"S": id_number_key(id_number)}
        update = "SET #n = :n, #k = :k ADD #v :one"
    dynamodb().update_item(
        TableName=f"{prefix}clients",
        Key={"client_id": {"S": client_id}},
        UpdateExpression=update,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


def run(prefix: str, *extra: str, capsys: Any, dynamodb_client: Any = None) -> tuple[int, str, str]:
    args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", prefix, *extra]
    code = backfill_id_keys.main(args, dynamodb=dynamodb_client)
    out, err = capsys.readouterr()
    return code, out, err


def counts(out: str) -> dict[str, int]:
    """The report's count lines: ``examined  3`` → {"examined": 3}."""
    found = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) >= 2 and words[-1].isdigit() and not line.startswith(" "):
            found[" ".join(words[:-1])] = int(words[-1])
    return found


class EditsBeforeWriting:
    """The DynamoDB client, with someone's edit landing between the backfill's read of a
    client and its write (``times`` writes in a row)."""

    def __init__(self, real: Any, edit: Callable[[], None], times: int = 1):
        self.real, self.edit, self.times = real, edit, times
        self.writes = 0

    def update_item(self, **request: Any) -> Any:
        self.writes += 1
        if self.times > 0:
            self.times -= 1
            self.edit()
        return self.real.update_item(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class Recording:
    """The DynamoDB client, noting which operations were called."""

    def __init__(self, real: Any):
        self.real = real
        self.called: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name in ("exceptions", "meta"):
            return getattr(self.real, name)
        self.called.append(name)
        return getattr(self.real, name)


# --- with the app's own store and the court import's lookup --------------------------------


def strip_index_attributes(client_id: str) -> None:
    """Make a stored client look as it did before issue 16."""
    dynamodb().update_item(
        TableName=f"{STACK_PREFIX}clients",
        Key={"client_id": {"S": client_id}},
        UpdateExpression="REMOVE id_key, active_department",
    )


def stored_client(stores) -> Client:
    return stores.clients.add(
        Client(
            secrets.token_hex(10),
            "probation",
            "kristina",
            "Ada",
            "Backfilled",
            fresh_phone(),
            id_number=f"Bf-{secrets.token_hex(4).upper()}",
        )
    )


def test_a_client_stored_before_the_index_is_found_by_the_court_import_after_the_backfill(
    stores, capsys
):
    client = stored_client(stores)
    key = id_number_key(client.id_number)
    strip_index_attributes(client.client_id)
    assert stores.clients.holding_id_numbers("probation", [key]) == {}
    code, out, _ = run(STACK_PREFIX, capsys=capsys)
    assert code == 0
    assert counts(out)["changed"] >= 1
    assert stores.clients.holding_id_numbers("probation", [key]) == {key: [client.client_id]}
    assert stored(STACK_PREFIX, client.client_id)["version"] == "1"  # no open form goes stale


def test_a_retired_client_gets_its_key_and_returns_to_the_index_when_reactivated(stores, capsys):
    from chalicelib.domain.conversation import marker
    from chalicelib.domain.retirement import Retirement, RetireReason
    from tests.clock import real_now

    client = stored_client(stores)
    key = id_number_key(client.id_number)
    retired = stores.clients.retire(
        client,
        Retirement(real_now(), RetireReason.CASE_CLOSED, "kristina"),
        marker(client.client_id, "retired", "Retired"),
        {"reason": "case_closed"},
    )
    strip_index_attributes(client.client_id)
    assert run(STACK_PREFIX, capsys=capsys)[0] == 0
    after = stored(STACK_PREFIX, client.client_id)
    assert after["id_key"] == key and "active_department" not in after
    assert stores.clients.holding_id_numbers("probation", [key]) == {}  # retired: not listed
    stores.clients.reactivate(
        retired, "kristina", marker(client.client_id, "reactivated", "Back"), {}
    )
    assert stores.clients.holding_id_numbers("probation", [key]) == {key: [client.client_id]}


# --- counts, reruns, dry runs and races, on a table of the test's own ---------------------


def test_the_backfill_sets_what_the_index_needs_and_a_rerun_changes_nothing(prefix, capsys):
    old = old_client(prefix, id_number="  AB-12 ")
    no_key = old_client(prefix, id_number="CD-34", active_department="probation")
    no_id = old_client(prefix)
    right = old_client(prefix, id_number="EF-56", id_key="ef-56", active_department="probation")
    wrong_key = old_client(prefix, id_number="GH-78", id_key="GH-78", active_department="probation")
    code, out, err = run(prefix, capsys=capsys)
    assert code == 0, err
    assert counts(out) == {"examined": 5, "changed": 4, "already right": 1, "skipped": 0}
    assert stored(prefix, old)["id_key"] == "ab-12"
    assert stored(prefix, old)["active_department"] == "probation"
    assert stored(prefix, no_key)["id_key"] == "cd-34"
    assert stored(prefix, wrong_key)["id_key"] == "gh-78"
    assert "id_key" not in stored(prefix, no_id)
    assert stored(prefix, no_id)["active_department"] == "probation"  # as the store adds it
    assert stored(prefix, right)["id_key"] == "ef-56"
    assert stored(prefix, old)["version"] == "3"  # nothing a person sees has changed
    before = every_item(prefix)
    code, out, _ = run(prefix, capsys=capsys)
    assert code == 0
    assert counts(out) == {"examined": 5, "changed": 0, "already right": 5, "skipped": 0}
    assert every_item(prefix) == before


def test_the_backfill_pages_through_the_table_with_a_fixed_page_size(prefix, capsys, monkeypatch):
    monkeypatch.setattr(backfill_id_keys, "PAGE_SIZE", 2)
    made = [old_client(prefix, id_number=f"PG-{n}") for n in range(5)]
    recording = Recording(dynamodb())
    code, out, _ = run(prefix, capsys=capsys, dynamodb_client=recording)
    assert code == 0
    assert counts(out)["changed"] == 5
    assert recording.called.count("scan") == 3
    assert [stored(prefix, c)["id_key"] for c in made] == [f"pg-{n}" for n in range(5)]


def test_a_dry_run_counts_what_would_change_and_changes_nothing(prefix, capsys):
    old_client(prefix, id_number="AB-12")
    old_client(prefix, id_number="CD-34", retired=True)
    old_client(prefix, id_number="EF-56", id_key="ef-56", active_department="probation")
    before = every_item(prefix)
    recording = Recording(dynamodb())
    code, out, _ = run(prefix, "--dry-run", capsys=capsys, dynamodb_client=recording)
    assert code == 0
    assert counts(out) == {"examined": 3, "would change": 2, "already right": 1, "skipped": 0}
    assert "dry run" in out
    assert every_item(prefix) == before
    assert set(recording.called) <= {"describe_table", "scan"}  # read access is enough


def test_a_subprocess_dry_run_works_as_ops_run_it(prefix):
    old_client(prefix, id_number="AB-12")
    args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", prefix, "--dry-run"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "infra.ops.backfill_id_keys", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert counts(done.stdout)["would change"] == 1
    assert "id_key" not in stored(prefix, every_item(prefix)[0]["client_id"]["S"])


def test_retired_clients_get_their_key_but_stay_out_of_the_index(prefix, capsys):
    retired = old_client(prefix, id_number="AB-12", retired=True)
    wrongly_listed = old_client(
        prefix, id_number="CD-34", retired=True, active_department="probation"
    )
    assert run(prefix, capsys=capsys)[0] == 0
    assert stored(prefix, retired)["id_key"] == "ab-12"
    assert "active_department" not in stored(prefix, retired)
    assert stored(prefix, wrongly_listed)["id_key"] == "cd-34"
    assert "active_department" not in stored(prefix, wrongly_listed)  # as retiring removes it
    listed = dynamodb().query(
        TableName=f"{prefix}clients",
        IndexName="by-id-number",
        KeyConditionExpression="active_department = :d",
        ExpressionAttributeValues={":d": {"S": "probation"}},
    )
    assert listed["Items"] == []


def test_a_client_whose_id_number_was_removed_leaves_the_index(prefix, capsys):
    stale = old_client(prefix, id_key="ab-12", active_department="probation")
    assert run(prefix, capsys=capsys)[0] == 0
    assert "id_key" not in stored(prefix, stale)


def test_an_edit_while_the_backfill_runs_keeps_the_new_id_number(prefix, capsys):
    client_id = old_client(prefix, id_number="AB-12")
    racing = EditsBeforeWriting(
        dynamodb(), lambda: edit_id_number(prefix, client_id, "ZZ-99", with_key=True)
    )
    code, out, _ = run(prefix, capsys=capsys, dynamodb_client=racing)
    assert code == 0
    after = stored(prefix, client_id)
    assert after["id_number"] == "ZZ-99" and after["id_key"] == "zz-99"
    assert racing.writes == 2  # the first write was refused; the re-read wrote what it found
    assert counts(out)["changed"] == 1  # active_department, which the edit did not set


def test_an_old_release_editing_during_the_backfill_still_gets_the_new_key(prefix, capsys):
    client_id = old_client(prefix, id_number="AB-12", active_department="probation")
    racing = EditsBeforeWriting(
        dynamodb(), lambda: edit_id_number(prefix, client_id, "ZZ-99", with_key=False)
    )
    assert run(prefix, capsys=capsys, dynamodb_client=racing)[0] == 0
    after = stored(prefix, client_id)
    assert after["id_number"] == "ZZ-99" and after["id_key"] == "zz-99"


def test_a_client_edited_at_every_attempt_is_left_alone_and_reported(prefix, capsys):
    client_id = old_client(prefix, id_number="AB-12")
    numbers = iter(["ZZ-98", "ZZ-99"])
    racing = EditsBeforeWriting(
        dynamodb(),
        lambda: edit_id_number(prefix, client_id, next(numbers), with_key=False),
        times=2,
    )
    code, out, _ = run(prefix, capsys=capsys, dynamodb_client=racing)
    assert code == backfill_id_keys.RUN_AGAIN
    assert counts(out)["skipped"] == 1 and "run again" in out
    after = stored(prefix, client_id)
    assert after["id_number"] == "ZZ-99" and "id_key" not in after  # the edit stands


def test_a_client_deleted_while_the_backfill_runs_is_not_written_back(prefix, capsys):
    client_id = old_client(prefix, id_number="AB-12")
    key = {"client_id": {"S": client_id}}
    racing = EditsBeforeWriting(
        dynamodb(), lambda: dynamodb().delete_item(TableName=f"{prefix}clients", Key=key)
    )
    code, out, _ = run(prefix, capsys=capsys, dynamodb_client=racing)
    assert code == 0
    assert stored(prefix, client_id) == {}
    assert counts(out)["skipped"] == 1 and "deleted" in out


def test_the_report_never_carries_id_numbers_or_names(prefix, capsys):
    old_client(prefix, id_number="SECRET-ID-4711")
    old_client(prefix, id_number="OTHER-ID-815", retired=True)
    numbers = iter(["CHANGED-ID-1", "CHANGED-ID-2"])
    client_id = old_client(prefix, id_number="RACED-ID-42")
    racing = EditsBeforeWriting(
        dynamodb(),
        lambda: edit_id_number(prefix, client_id, next(numbers), with_key=False),
        times=2,
    )
    _, out, err = run(prefix, capsys=capsys, dynamodb_client=racing)
    shown = (out + err).casefold()
    for private in ("secret-id", "other-id", "changed-id", "raced-id", "rosa", "quintana"):
        assert private not in shown
    assert client_id not in shown


def test_a_table_that_is_not_there_is_named_and_nothing_runs(stack, capsys):
    code, _, err = run("no-such-stack-", capsys=capsys)
    assert code == 1
    assert "no-such-stack-clients" in err


def test_a_table_without_the_index_is_refused_until_the_release_is_deployed(stack, capsys):
    made = f"pre16-{uuid.uuid4().hex[:8]}-"
    dynamodb().create_table(
        TableName=f"{made}clients",
        AttributeDefinitions=[{"AttributeName": "client_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "client_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        old_client(made, id_number="AB-12")
        code, _, err = run(made, capsys=capsys)
        assert code == 1 and "by-id-number" in err
        assert "id_key" not in every_item(made)[0]
    finally:
        dynamodb().delete_table(TableName=f"{made}clients")


def test_the_backfill_explains_itself():
    done = subprocess.run(
        [sys.executable, "-m", "infra.ops.backfill_id_keys", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "--jurisdiction" in done.stdout and "--dry-run" in done.stdout
