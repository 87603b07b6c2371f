"""The local stack's moto writes items into DynamoDB's answers as they are
(infra/local/moto_responses.py): every read must answer exactly what moto's own
serializer answers, for every attribute type, paging key and empty answer."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from moto.core.responses import ActionResult
from moto.dynamodb.responses import DynamoResult

from infra.local import moto_responses
from infra.local.moto_responses import answers_with_items_as_they_are, encode
from infra.local.moto_server import SerialMotoServer
from tests.integration.test_serial_moto_server import client

# One moto server of its own (``mock_aws`` would reset the worker's whole moto, the session
# stack's tables with it); its answers are switched between moto's own and ours.
pytestmark = pytest.mark.xdist_group("serial-moto")

EVERY_TYPE = {
    "pk": {"S": "a"},
    "sk": {"N": "1"},
    "s": {"S": 'quotes " and <b>tags</b> and ünïcode ✓'},
    "n": {"N": "-12.5"},
    "yes": {"BOOL": True},
    "none": {"NULL": True},
    "map": {"M": {"inner": {"L": [{"S": "x"}, {"N": "2"}, {"M": {}}]}}},
    "strings": {"SS": ["b", "a"]},
    "numbers": {"NS": ["1", "2.5"]},
}
PLAIN = {"pk": {"S": "a"}, "sk": {"N": "3"}, "s": {"S": "plain"}}
WITH_BINARY = {"pk": {"S": "bin"}, "sk": {"N": "1"}, "blob": {"B": b"\x00\xff"}}


def reads(client, table: str) -> list[dict]:
    """Every read the app makes, and a few it could, with RequestIds left out."""
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    answers = [
        client.get_item(TableName=table, Key=key),
        client.get_item(TableName=table, Key={"pk": {"S": "gone"}, "sk": {"N": "1"}}),
        client.get_item(TableName=table, Key={"pk": {"S": "bin"}, "sk": {"N": "1"}}),
        client.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
        ),
        client.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
            Limit=1,
        ),
        client.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "nobody"}},
        ),
        client.query(
            TableName=table,
            IndexName="by_s",
            KeyConditionExpression="s = :s",
            ExpressionAttributeValues={":s": EVERY_TYPE["s"]},
            Select="COUNT",
        ),
        client.scan(TableName=table, Limit=1),
        client.scan(TableName=table, ReturnConsumedCapacity="TOTAL"),
        client.batch_get_item(RequestItems={table: {"Keys": [key]}}),
        client.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": key}}]),
    ]
    for answer in answers:
        answer.pop("ResponseMetadata")
    return answers


@pytest.fixture(scope="module")
def dynamodb():
    server = SerialMotoServer("127.0.0.1", 0)
    server.start()
    host, port = server.get_host_and_port()
    yield client("dynamodb", f"http://{host}:{port}")
    server.stop()


@pytest.fixture()
def table(dynamodb, monkeypatch):
    monkeypatch.setattr(DynamoResult, "execute_result", ActionResult.execute_result)  # moto's
    name = f"answers-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "s", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_s",
                "KeySchema": [{"AttributeName": "s", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for item in (EVERY_TYPE, PLAIN, WITH_BINARY):
        dynamodb.put_item(TableName=name, Item=item)
    return name


def test_every_read_answers_what_motos_own_serializer_answers(dynamodb, table, monkeypatch):
    by_moto = reads(dynamodb, table)
    copied: list[str] = []  # operations whose items skipped moto's serializer

    def spied(operation, result, moto_encode):
        def moto_sees(rest):
            if rest is not result:
                copied.append(operation)
            return moto_encode(rest)

        return encode(operation, result, moto_sees)

    monkeypatch.setattr(moto_responses, "encode", spied)
    ours = answers_with_items_as_they_are(ActionResult.execute_result)
    monkeypatch.setattr(DynamoResult, "execute_result", ours)
    assert reads(dynamodb, table) == by_moto
    assert by_moto[0]["Item"]["numbers"] == {"NS": ["1", "2.5"]}  # the reads did find items
    assert by_moto[2]["Item"]["blob"] == {"B": b"\x00\xff"}
    assert by_moto[3]["Count"] == 2 and "LastEvaluatedKey" in by_moto[4]
    assert by_moto[7]["Items"] and Decimal(by_moto[8]["ConsumedCapacity"]["CapacityUnits"]) > 0
    # the binary item (GetItem "bin", the whole Scan) was left to moto; the others were not
    assert set(copied) == {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


def test_an_error_is_answered_as_moto_answers_it(dynamodb, table, monkeypatch):
    def missing_table() -> str:
        with pytest.raises(dynamodb.exceptions.ResourceNotFoundException) as refused:
            dynamodb.query(
                TableName="no-such-table",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "a"}},
            )
        return refused.value.response["Error"]["Message"]

    by_moto = missing_table()
    ours = answers_with_items_as_they_are(ActionResult.execute_result)
    monkeypatch.setattr(DynamoResult, "execute_result", ours)
    assert missing_table() == by_moto
