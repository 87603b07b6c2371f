"""The restore drill (``infra/ops/restore_drill``) against moto.

Each test makes its own "live" tables as the template makes them (keys, indexes, stream,
TTL, point-in-time recovery, a tag), under a prefix of its own. moto 5.2 implements
RestoreTableToPointInTime but copies the table as it is when called, whatever the time
asked for; like AWS, the copy has no stream, TTL, PITR or tags until the drill puts them
back. Changing the live table after the restore stands in for the time between the
restore point and now.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.store.models import ConversationEntryModel, SessionModel
from infra.ops import restore_drill
from infra.ops import table_settings as settings
from infra.package.tables import table_resources
from tests.infra.staff_tools import REGION, run_script, without_aws

CREATE_ARGUMENTS = ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode",
                    "GlobalSecondaryIndexes", "LocalSecondaryIndexes")  # fmt: skip
READS = {
    "describe_table",
    "describe_time_to_live",
    "describe_continuous_backups",
    "list_tags_of_resource",
    "scan",
    "batch_get_item",
    "restore_table_to_point_in_time",  # reads its SourceTableName; writes only the target
}


def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def make_live(prefix: str, model: type) -> str:
    """One table as the template defines it, with its stream, TTL, PITR and a tag."""
    (resource,) = table_resources(prefix, [model]).values()
    properties = resource["Properties"]
    request = {k: properties[k] for k in CREATE_ARGUMENTS if k in properties}
    if "StreamSpecification" in properties:
        request["StreamSpecification"] = {
            "StreamEnabled": True,
            **properties["StreamSpecification"],
        }
    request["Tags"] = [{"Key": "jurisdiction", "Value": "drill-county"}]
    name = properties["TableName"]
    dynamodb().create_table(**request)
    if "TimeToLiveSpecification" in properties:
        dynamodb().update_time_to_live(
            TableName=name, TimeToLiveSpecification=properties["TimeToLiveSpecification"]
        )
    dynamodb().update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    return name


@pytest.fixture()
def prefix(stack) -> Iterator[str]:
    made = f"drill-{uuid.uuid4().hex[:8]}-"
    yield made
    for page in dynamodb().get_paginator("list_tables").paginate():
        for name in page["TableNames"]:
            if name.startswith(made):
                dynamodb().delete_table(TableName=name)


def entries(table: str, count: int) -> list[dict[str, Any]]:
    """Conversation lines as raw items (the drill never reads what they say)."""
    made = []
    for n in range(count):
        item = {
            "client_id": {"S": f"client-key-{n % 3}"},
            "entry_key": {"S": f"2026-11-2{n % 9}T10:00:00#{secrets.token_hex(4)}"},
            "body": {"S": f"private text {n}"},
        }
        dynamodb().put_item(TableName=table, Item=item)
        made.append(item)
    return made


class Recording:
    """The DynamoDB client, noting each operation and the tables it names."""

    def __init__(self, real: Any):
        self.real = real
        self.calls: list[tuple[str, set[str]]] = []

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.real, name)
        if name in ("exceptions", "meta"):
            return found

        def recorded(**request: Any) -> Any:
            named = {request.get("TableName"), request.get("ResourceArn"),
                     *request.get("RequestItems", {})}  # fmt: skip
            self.calls.append((name, {str(n) for n in named if n}))
            return found(**request)

        return recorded

    def operations_on(self, table: str) -> set[str]:
        """Operations naming ``table`` itself (by name, or by ARN for tags)."""
        return {
            op
            for op, names in self.calls
            if any(n == table or n.endswith(f":table/{table}") for n in names)
        }


def drill(prefix: str, table: str, *extra: str, client: Any = None) -> int:
    args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", prefix,
            "--table", table, *extra]  # fmt: skip
    return restore_drill.main(args, dynamodb=client or dynamodb())


def described(name: str) -> dict[str, Any]:
    return dynamodb().describe_table(TableName=name)["Table"]


def test_a_drill_restores_a_copy_with_its_stream_ttl_pitr_and_tags_and_never_writes_the_live_table(
    prefix, capsys
):
    live = make_live(prefix, ConversationEntryModel)
    entries(live, 12)
    recording = Recording(dynamodb())
    assert drill(prefix, "conversations", "--to-time", "latest", "--name", f"{live}-copy",
                 "--sample", "5", client=recording) == 0  # fmt: skip
    copy = described(f"{live}-copy")
    assert copy["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert {i["IndexName"] for i in copy.get("GlobalSecondaryIndexes", [])} == {
        i["IndexName"] for i in described(live).get("GlobalSecondaryIndexes", [])
    }
    assert settings.pitr_window(dynamodb(), f"{live}-copy") is not None
    tags = {t["Key"]: t["Value"] for t in
            dynamodb().list_tags_of_resource(ResourceArn=copy["TableArn"])["Tags"]}  # fmt: skip
    assert tags["jurisdiction"] == "drill-county" and tags["clientcomm:restored-from"] == live
    assert {"describe_table", "scan", "batch_get_item"} <= recording.operations_on(live) <= READS
    out = capsys.readouterr().out
    assert "12 in the copy, 12 in the live table now" in out
    assert "of 5 items of the copy, the live table holds 5 unchanged" in out
    # (a bare "c0" was also looked for: a random table name held it about one run in 40)
    assert "private text" not in out and "client-key-" not in out
    assert (
        "TABLE_PREFIX" in out and f"delete-table --region {REGION} --table-name {live}-copy" in out
    )


def test_a_table_with_ttl_gets_its_ttl_back(prefix, capsys):
    live = make_live(prefix, SessionModel)
    assert drill(prefix, "sessions", "--to-time", "latest", "--name", f"{live}-copy") == 0
    ttl = dynamodb().describe_time_to_live(TableName=f"{live}-copy")["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == "expires_at"
    assert "none (the app reads no stream of this table)" in capsys.readouterr().out


def test_running_it_again_goes_on_with_the_same_copy_and_tells_what_changed_since(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    made = entries(live, 6)
    args = ("--to-time", "latest", "--name", f"{live}-copy", "--sample", "50")
    assert drill(prefix, "conversations", *args) == 0
    capsys.readouterr()
    key = {name: made[0][name] for name in ("client_id", "entry_key")}
    dynamodb().delete_item(TableName=live, Key=key)
    changed = {**made[1], "body": {"S": "edited since"}}
    dynamodb().put_item(TableName=live, Item=changed)
    entries(live, 1)

    assert drill(prefix, "conversations", *args) == 0
    out = capsys.readouterr().out
    assert "started by an earlier run" in out and "NEW_IMAGE: already on" in out
    assert "of 6 items of the copy, the live table holds 4 unchanged, 1 changed since, " \
           "1 not at all (deleted since)" in out  # fmt: skip
    assert "of 6 items of the live table, the copy holds 4 unchanged, 1 older, " \
           "1 not at all (written since)" in out  # fmt: skip


def test_a_time_inside_the_recovery_window_is_accepted_and_one_outside_refused(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    window = settings.pitr_window(dynamodb(), live)
    assert window is not None
    earliest = window[0].isoformat()
    assert drill(prefix, "conversations", "--to-time", earliest) == 0
    default = restore_drill.default_name(live, restore_drill.parse_time(earliest), window[0])
    assert described(default)["TableStatus"] == "ACTIVE"
    assert drill(prefix, "conversations", "--to-time", "2020-01-01T00:00:00Z") == 1
    assert "can be restored to times from" in capsys.readouterr().err


def test_a_time_without_its_zone_is_refused(prefix, capsys):
    make_live(prefix, ConversationEntryModel)
    assert drill(prefix, "conversations", "--to-time", "2026-11-21T14:00") == 1
    assert "needs its zone" in capsys.readouterr().err


def test_a_table_without_point_in_time_recovery_is_explained(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    dynamodb().update_continuous_backups(
        TableName=live, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    assert drill(prefix, "conversations", "--to-time", "latest") == 1
    err = capsys.readouterr().err
    assert "point-in-time recovery is off" in err and "Traceback" not in err


def test_the_local_stack_gets_recovery_turned_on_first(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    dynamodb().update_continuous_backups(
        TableName=live, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    assert drill(prefix, "conversations", "--local", "--to-time", "latest") == 0
    assert "local only" in capsys.readouterr().out


def test_the_copy_never_takes_a_live_tables_name(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    before = described(live)
    for name in (live, f"{prefix}clients"):
        assert drill(prefix, "conversations", "--to-time", "latest", "--name", name) == 1
        assert "is a live table of the stack" in capsys.readouterr().err
    assert described(live) == before


def test_an_unrelated_table_of_the_same_name_is_not_taken_over(prefix, capsys):
    make_live(prefix, ConversationEntryModel)
    other = make_live(f"{prefix}other-", SessionModel)
    assert drill(prefix, "conversations", "--to-time", "latest", "--name", other) == 1
    assert "is not a restore of" in capsys.readouterr().err


class Interrupts(Recording):
    """Ctrl-C when ``operation`` is first called."""

    def __init__(self, real: Any, operation: str):
        super().__init__(real)
        self.operation = operation

    def __getattr__(self, name: str) -> Any:
        if name == self.operation:
            self.operation = ""
            raise KeyboardInterrupt
        return super().__getattr__(name)


def test_an_interrupted_drill_is_finished_by_running_it_again(prefix, capsys):
    live = make_live(prefix, SessionModel)
    args = ("--to-time", "latest", "--name", f"{live}-copy")
    interrupted = Interrupts(dynamodb(), "update_time_to_live")
    assert drill(prefix, "sessions", *args, client=interrupted) == 130
    assert "run the same command again" in capsys.readouterr().err
    assert drill(prefix, "sessions", *args) == 0
    ttl = dynamodb().describe_time_to_live(TableName=f"{live}-copy")["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"


class StillRestoring(Recording):
    """DynamoDB still restoring the copy, as a large table's restore does for hours."""

    def __init__(self, real: Any, copy: str):
        super().__init__(real)
        self.copy = copy

    def __getattr__(self, name: str) -> Any:
        found = super().__getattr__(name)
        if name != "describe_table":
            return found

        def restoring(**request: Any) -> Any:
            answer = found(**request)
            if request["TableName"] == self.copy:
                answer["Table"]["TableStatus"] = "CREATING"
                answer["Table"]["RestoreSummary"]["RestoreInProgress"] = True
            return answer

        return restoring


def test_a_restore_that_outlasts_the_wait_is_left_for_a_later_run(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    args = ("--to-time", "latest", "--name", f"{live}-copy", "--wait-minutes", "0")
    slow = StillRestoring(dynamodb(), f"{live}-copy")
    assert drill(prefix, "conversations", *args, client=slow) == restore_drill.STILL_RESTORING
    assert "still restoring" in capsys.readouterr().err
    assert drill(prefix, "conversations", *args) == 0


def test_a_dry_run_needs_no_aws_and_says_what_it_would_restore():
    done = run_script(
        "restore_drill", "--jurisdiction", "salt-lake-county", "--table", "clients",
        "--to-time", "2026-11-21T14:00:00Z", "--dry-run", env=without_aws(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "clientcomm-salt-lake-county-clients-drill-20261121T140000Z" in done.stdout
    assert "stream NEW_IMAGE" in done.stdout and "nothing was read or changed" in done.stdout


def test_ops_run_it_as_a_command_against_the_local_endpoint(prefix):
    live = make_live(prefix, ConversationEntryModel)
    entries(live, 3)
    done = run_script(
        "restore_drill", "--jurisdiction", "demo", "--local", "--table-prefix", prefix,
        "--table", "conversations", "--to-time", "latest", "--name", f"{live}-copy",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 in the copy, 3 in the live table now" in done.stdout
