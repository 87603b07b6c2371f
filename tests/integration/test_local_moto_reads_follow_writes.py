"""The local moto keeps a table's items sorted and grouped by index key between writes
(infra/local/moto_reads.py): every read must still see every write before it, whichever
call made it (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems, a
transaction that failed) and whatever it changed (an index key added, moved, removed)."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from infra.local.moto_server import SerialMotoServer
from tests.integration.test_serial_moto_server import client

pytestmark = pytest.mark.xdist_group("serial-moto")

OWNERS = ("ana", "bo", "cy")


@pytest.fixture(scope="module")
def dynamodb():
    server = SerialMotoServer("127.0.0.1", 0)
    server.start()
    host, port = server.get_host_and_port()
    yield client("dynamodb", f"http://{host}:{port}")
    server.stop()


@pytest.fixture()
def table(dynamodb) -> str:
    name = f"reads-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "owner", "name")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_owner",
                "KeySchema": [
                    {"AttributeName": "owner", "KeyType": "HASH"},
                    {"AttributeName": "name", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def item(n: int, owner: str | None) -> dict:
    made = {"pk": {"S": f"p{n % 4}"}, "sk": {"S": f"s{n:03d}"}, "name": {"S": f"n{n:03d}"}}
    if owner:
        made["owner"] = {"S": owner}
    return made


def key(found: dict) -> tuple[str, str]:
    return found["pk"]["S"], found["sk"]["S"]


def by_owner(dynamodb, table: str, owner: str, limit: int = 4) -> list[tuple[str, str]]:
    """Every item of ``owner`` through the index, a few to a page."""
    found, start = [], None
    while True:
        asked = {
            "TableName": table,
            "IndexName": "by_owner",
            "KeyConditionExpression": "#o = :o",
            "ExpressionAttributeNames": {"#o": "owner"},
            "ExpressionAttributeValues": {":o": {"S": owner}},
            "Limit": limit,
        }
        if start:
            asked["ExclusiveStartKey"] = start
        page = dynamodb.query(**asked)
        found += [key(i) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def agrees(dynamodb, table: str, stored: dict[tuple[str, str], dict]) -> None:
    for owner in OWNERS:
        wanted = sorted(
            (i["name"]["S"], k) for k, i in stored.items() if i.get("owner", {}).get("S") == owner
        )
        assert by_owner(dynamodb, table, owner) == [k for _, k in wanted], owner
    scanned = dynamodb.scan(TableName=table)["Items"]
    assert {key(i): i for i in scanned} == stored
    for pk in {k[0] for k in stored} | {"p0"}:
        page = dynamodb.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": pk}},
        )
        assert [key(i) for i in page["Items"]] == sorted(k for k in stored if k[0] == pk)


def test_every_read_sees_every_write_before_it(dynamodb, table):
    stored: dict[tuple[str, str], dict] = {}
    for n in range(24):
        made = item(n, OWNERS[n % 3] if n % 5 else None)
        dynamodb.put_item(TableName=table, Item=made)
        stored[key(made)] = made
    agrees(dynamodb, table, stored)
    agrees(dynamodb, table, stored)  # asked twice: what was kept answers the same

    moved = item(1, "bo")  # from ana to bo
    dynamodb.update_item(
        TableName=table,
        Key={"pk": moved["pk"], "sk": moved["sk"]},
        UpdateExpression="SET #o = :o",
        ExpressionAttributeNames={"#o": "owner"},
        ExpressionAttributeValues={":o": {"S": "bo"}},
    )
    stored[key(moved)] = moved
    agrees(dynamodb, table, stored)

    dropped = item(2, None)  # its index key removed: it leaves the index
    dynamodb.update_item(
        TableName=table,
        Key={"pk": dropped["pk"], "sk": dropped["sk"]},
        UpdateExpression="REMOVE #o",
        ExpressionAttributeNames={"#o": "owner"},
    )
    stored[key(dropped)] = dropped
    agrees(dynamodb, table, stored)

    gone = item(3, None)
    dynamodb.delete_item(TableName=table, Key={"pk": gone["pk"], "sk": gone["sk"]})
    del stored[key(gone)]
    agrees(dynamodb, table, stored)

    batch = [item(n, "cy") for n in range(30, 35)]
    dynamodb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": i}} for i in batch]})
    stored |= {key(i): i for i in batch}
    agrees(dynamodb, table, stored)

    added = item(40, "ana")
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": added}}])
    stored[key(added)] = added
    agrees(dynamodb, table, stored)

    refused = item(41, "ana")
    with pytest.raises(ClientError) as failed:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": refused}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"pk": added["pk"], "sk": added["sk"]},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
    agrees(dynamodb, table, stored)  # the failed transaction left nothing behind


def test_a_read_through_the_server_uses_what_is_kept(dynamodb, table):
    """Not a test of an answer: it proves the test above went through the kept groups."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from infra.local.moto_reads import KEPT

    dynamodb.put_item(TableName=table, Item=item(1, "ana"))
    assert by_owner(dynamodb, table, "ana") == [("p1", "s001")]
    kept = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-west-2"].get_table(table).__dict__[KEPT]
    assert list(kept["groups"]) == ["by_owner"] and kept["items"] is not None
