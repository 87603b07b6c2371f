"""The upgrade plan's DynamoDB side: deployed tables read into the snapshot shape, and a step's
index changes made with UpdateTable where no CloudFormation stack owns the tables (the laptop
rehearsal, ``--local``), each waited for until the table and every index is ACTIVE with no
backfilling left.

Calls: ListTables, DescribeTable, DescribeTimeToLive; with ``--apply`` also UpdateTable,
CreateTable and UpdateTimeToLive.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from infra.package.snapshots import BILLING

from .aws_target import call
from .common import OpsFailure

WAIT_SECONDS = 3600.0  # an index on a large table takes minutes to hours to build
POLL_SECONDS = 5.0


def table_names(dynamodb: Any, prefix: str) -> list[str]:
    """Base names of the account's tables named ``{prefix}*``."""
    found: list[str] = []
    request: dict[str, Any] = {}
    while True:
        page = call("list tables", dynamodb.list_tables, **request)
        found += [n[len(prefix) :] for n in page.get("TableNames", []) if n.startswith(prefix)]
        if "LastEvaluatedTableName" not in page:
            return sorted(found)
        request["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]


def keys(schema: list[Mapping[str, str]]) -> list[list[str]]:
    order = {"HASH": 0, "RANGE": 1}
    ordered = sorted(schema, key=lambda k: order[k["KeyType"]])
    return [[k["AttributeName"], k["KeyType"]] for k in ordered]


def deployed_schema(dynamodb: Any, table: str) -> dict[str, Any]:
    """One deployed table as a snapshot would describe it."""
    described = call(f"describe {table}", dynamodb.describe_table, TableName=table)["Table"]
    ttl = call(f"read TTL of {table}", dynamodb.describe_time_to_live, TableName=table)
    ttl_on = ttl.get("TimeToLiveDescription", {})
    stream = described.get("StreamSpecification") or {}

    def indexes(found: list[Mapping[str, Any]]) -> dict[str, Any]:
        shaped = {}
        for index in found:
            projection = index.get("Projection", {})
            shaped[index["IndexName"]] = {
                "key_schema": keys(index["KeySchema"]),
                "projection": {
                    "type": projection.get("ProjectionType", "ALL"),
                    "attributes": sorted(projection.get("NonKeyAttributes") or []),
                },
            }
        return dict(sorted(shaped.items()))

    return {
        "key_schema": keys(described["KeySchema"]),
        "attribute_definitions": {
            d["AttributeName"]: d["AttributeType"] for d in described["AttributeDefinitions"]
        },
        "global_secondary_indexes": indexes(described.get("GlobalSecondaryIndexes", [])),
        "local_secondary_indexes": indexes(described.get("LocalSecondaryIndexes", [])),
        "stream": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        "ttl": ttl_on.get("AttributeName")
        if ttl_on.get("TimeToLiveStatus") in ("ENABLED", "ENABLING")
        else None,
        "billing": (described.get("BillingModeSummary") or {}).get("BillingMode", BILLING),
    }


def attribute_definitions(
    schema: Mapping[str, Any], indexes: Mapping[str, Any]
) -> list[dict[str, str]]:
    """Exactly the attributes the table's and its indexes' keys use (DynamoDB refuses more)."""
    used = {name for name, _ in schema["key_schema"]}
    for index in indexes.values():
        used |= {name for name, _ in index["key_schema"]}
    types = schema["attribute_definitions"]
    return [{"AttributeName": n, "AttributeType": types[n]} for n in sorted(used)]


def key_schema(shaped: list[list[str]]) -> list[dict[str, str]]:
    return [{"AttributeName": name, "KeyType": kind} for name, kind in shaped]


def index_request(name: str, index: Mapping[str, Any]) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index["projection"]["type"]}
    if index["projection"]["attributes"]:
        projection["NonKeyAttributes"] = list(index["projection"]["attributes"])
    return {
        "IndexName": name,
        "KeySchema": key_schema(index["key_schema"]),
        "Projection": projection,
    }


def change_index(
    dynamodb: Any, table: str, action: str, name: str, wanted: Mapping[str, Any]
) -> None:
    """One UpdateTable: remove index ``name`` or add it as ``wanted`` (a snapshot schema)."""
    if action == "remove":
        update: dict[str, Any] = {"Delete": {"IndexName": name}}
        call(f"remove {name} from {table}", dynamodb.update_table, TableName=table,
             GlobalSecondaryIndexUpdates=[update])  # fmt: skip
        return
    index = wanted["global_secondary_indexes"][name]
    # Every attribute the table's keys use after the change: DynamoDB merges what is sent,
    # moto replaces the list with it.
    now = deployed_schema(dynamodb, table)
    types = {**now["attribute_definitions"], **wanted["attribute_definitions"]}
    indexes = {**now["global_secondary_indexes"], **now["local_secondary_indexes"], name: index}
    call(
        f"add {name} to {table}",
        dynamodb.update_table,
        TableName=table,
        AttributeDefinitions=attribute_definitions(
            {**now, "attribute_definitions": types}, indexes
        ),
        GlobalSecondaryIndexUpdates=[{"Create": index_request(name, index)}],
    )


def create_table(dynamodb: Any, table: str, wanted: Mapping[str, Any]) -> None:
    """A table the release adds, as its template would make it (tables-only targets)."""
    request: dict[str, Any] = {
        "TableName": table,
        "BillingMode": BILLING,
        "KeySchema": key_schema(wanted["key_schema"]),
        "AttributeDefinitions": attribute_definitions(wanted, {
            **wanted["global_secondary_indexes"], **wanted["local_secondary_indexes"]}),
    }  # fmt: skip
    gsis = wanted["global_secondary_indexes"]
    if gsis:
        request["GlobalSecondaryIndexes"] = [index_request(n, i) for n, i in gsis.items()]
    lsis = wanted["local_secondary_indexes"]
    if lsis:
        request["LocalSecondaryIndexes"] = [index_request(n, i) for n, i in lsis.items()]
    if wanted.get("stream"):
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": wanted["stream"]}
    call(f"create {table}", dynamodb.create_table, **request)
    wait_active(dynamodb, table, print)
    if wanted.get("ttl"):
        set_ttl(dynamodb, table, wanted["ttl"])


def set_stream(dynamodb: Any, table: str, view: str | None) -> None:
    spec = {"StreamEnabled": True, "StreamViewType": view} if view else {"StreamEnabled": False}
    call(f"set the stream of {table}", dynamodb.update_table, TableName=table,
         StreamSpecification=spec)  # fmt: skip


def set_ttl(dynamodb: Any, table: str, attribute: str) -> None:
    call(f"set TTL on {table}", dynamodb.update_time_to_live, TableName=table,
         TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute})  # fmt: skip


def wait_active(
    dynamodb: Any,
    table: str,
    say: Callable[[str], None],
    *,
    gone: str | None = None,
    timeout: float = WAIT_SECONDS,
    poll: float = POLL_SECONDS,
) -> None:
    """Until ``table`` and every index are ACTIVE, none backfilling, and ``gone`` is gone."""
    deadline = time.monotonic() + timeout
    last = ""
    while True:
        described = call(f"describe {table}", dynamodb.describe_table, TableName=table)["Table"]
        busy = (
            []
            if described.get("TableStatus") == "ACTIVE"
            else [f"table {described['TableStatus']}"]
        )
        for index in described.get("GlobalSecondaryIndexes", []):
            if index.get("IndexStatus", "ACTIVE") != "ACTIVE" or index.get("Backfilling"):
                busy.append(f"{index['IndexName']} {index.get('IndexStatus')}")
            if index["IndexName"] == gone:
                busy.append(f"{gone} still being removed")
        if not busy:
            return
        if time.monotonic() > deadline:
            raise OpsFailure(
                f"{table} not ready after {timeout:.0f} s ({', '.join(busy)}); run again"
            )
        now = ", ".join(busy)
        if now != last:
            say(f"  waiting for {table}: {now}")
            last = now
        time.sleep(poll)
