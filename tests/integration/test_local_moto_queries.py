"""The local stack's Query shortcuts (infra/local/moto_queries.py) answer exactly what
moto's own Query answers: on the table and on its indexes (all, include and keys-only
projections), forwards and backwards, paged, with range conditions, filters and projections,
on a table with and without a sort key."""

from __future__ import annotations

import uuid

import pytest

from infra.local import moto_queries
from infra.local.moto_server import SerialMotoServer
from tests.integration.test_serial_moto_server import client

# One moto server of its own: the shortcuts are switched off and on around the same reads.
pytestmark = pytest.mark.xdist_group("serial-moto")

INDEXES = {"every": "ALL", "some": "INCLUDE", "keys": "KEYS_ONLY"}


@pytest.fixture(scope="module")
def dynamodb():
    server = SerialMotoServer("127.0.0.1", 0)
    server.start()
    host, port = server.get_host_and_port()
    yield client("dynamodb", f"http://{host}:{port}")
    server.stop()


def string_keys(*names: str) -> list[dict]:
    return [{"AttributeName": n, "AttributeType": "S"} for n in names]


@pytest.fixture(scope="module")
def tables(dynamodb) -> tuple[str, str]:
    ranged, plain = f"ranged-{uuid.uuid4().hex[:6]}", f"plain-{uuid.uuid4().hex[:6]}"
    dynamodb.create_table(
        TableName=ranged,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=string_keys("pk", "sk", "group", "when"),
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": name,
                "KeySchema": [
                    {"AttributeName": "group", "KeyType": "HASH"},
                    {"AttributeName": "when", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": kind}
                | ({"NonKeyAttributes": ["note", "deep"]} if kind == "INCLUDE" else {}),
            }
            for name, kind in INDEXES.items()
        ],
    )
    dynamodb.create_table(
        TableName=plain,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=string_keys("pk", "group"),
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-group",
                "KeySchema": [{"AttributeName": "group", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    for p in range(12):
        for s in range(9):
            item = {
                "pk": {"S": f"p{p:02d}"},
                "sk": {"S": f"s{(s * 7) % 9}"},
                "note": {"S": f"note {p} {s}"},
                "n": {"N": str(s)},
                "deep": {"M": {"a": {"L": [{"S": "x"}, {"N": "1"}]}, "b": {"S": "y"}}},
            }
            if s % 3:  # sparse: a third of the items are on no index
                item |= {"group": {"S": f"g{p % 4}"}, "when": {"S": f"{s}-{p:02d}"}}
            dynamodb.put_item(TableName=ranged, Item=item)
        dynamodb.put_item(
            TableName=plain, Item={"pk": {"S": f"p{p:02d}"}, "group": {"S": f"g{p % 3}"}}
        )
    return ranged, plain


def every_kind_of_query(dynamodb, ranged: str, plain: str) -> list[dict]:
    one = {":p": {"S": "p05"}}
    asked = [
        dict(TableName=ranged, KeyConditionExpression="pk = :p", ExpressionAttributeValues=one),
        dict(
            TableName=ranged,
            KeyConditionExpression="pk = :p AND sk > :s",
            ExpressionAttributeValues={**one, ":s": {"S": "s3"}},
            ScanIndexForward=False,
        ),
        dict(
            TableName=ranged,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={**one, ":n": {"N": "4"}},
            FilterExpression="n >= :n",
            ProjectionExpression="sk, deep.a[1], note",
        ),
        dict(
            TableName=ranged,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "nobody"}},
        ),
        dict(TableName=plain, KeyConditionExpression="pk = :p", ExpressionAttributeValues=one),
        dict(
            TableName=plain,
            IndexName="by-group",
            KeyConditionExpression="#g = :g",
            ExpressionAttributeNames={"#g": "group"},
            ExpressionAttributeValues={":g": {"S": "g1"}},
        ),
    ]
    for index in INDEXES:
        for forward in (True, False):
            asked.append(
                dict(
                    TableName=ranged,
                    IndexName=index,
                    KeyConditionExpression="#g = :g AND #w BETWEEN :a AND :b",
                    ExpressionAttributeNames={"#g": "group", "#w": "when"},
                    ExpressionAttributeValues={
                        ":g": {"S": "g2"},
                        ":a": {"S": "1"},
                        ":b": {"S": "7"},
                    },
                    ScanIndexForward=forward,
                )
            )
    answers = []
    for request in asked:
        pages, start = [], None
        while True:  # paged by 4, so every page after the first starts from a key
            page = dynamodb.query(
                **request, Limit=4, **({"ExclusiveStartKey": start} if start else {})
            )
            page.pop("ResponseMetadata")
            pages.append(page)
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        answers.append(pages)
    return answers


def test_the_shortcuts_answer_every_query_as_moto_does(dynamodb, tables):
    ranged, plain = tables
    ours = every_kind_of_query(dynamodb, ranged, plain)
    with moto_queries.as_moto_answers():
        by_moto = every_kind_of_query(dynamodb, ranged, plain)
    assert ours == by_moto
    assert all(pages[0]["Count"] > 0 for pages in ours[:3] + ours[4:])  # the reads found items
    # g2 (3 partitions), "when" from "1" to "7": sort keys 1, 2, 4 and 5 of each (0, 3, 6 unindexed)
    assert sum(page["Count"] for page in ours[6]) == 12
