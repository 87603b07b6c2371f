"""The local stack's moto writes items into DynamoDB's answers as they are
(infra/local/moto_responses.py): every read must answer exactly what moto's own
serializer answers, for every attribute type, paging key and empty answer."""

from __future__ import annotations

from decimal import Decimal

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.responses import DynamoResult

from infra.local import moto_responses
from infra.local.moto_responses import answers_with_items_as_they_are, encode

TABLE = "answers"
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


def reads(dynamodb) -> list[dict]:
    """Every read the app makes, and a few it could, with RequestIds left out."""
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    answers = [
        dynamodb.get_item(TableName=TABLE, Key=key),
        dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "gone"}, "sk": {"N": "1"}}),
        dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "bin"}, "sk": {"N": "1"}}),
        dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
        ),
        dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
            Limit=1,
        ),
        dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "nobody"}},
        ),
        dynamodb.query(
            TableName=TABLE,
            IndexName="by_s",
            KeyConditionExpression="s = :s",
            ExpressionAttributeValues={":s": EVERY_TYPE["s"]},
            Select="COUNT",
        ),
        dynamodb.scan(TableName=TABLE, Limit=1),
        dynamodb.scan(TableName=TABLE, ReturnConsumedCapacity="TOTAL"),
        dynamodb.batch_get_item(RequestItems={TABLE: {"Keys": [key]}}),
        dynamodb.transact_get_items(TransactItems=[{"Get": {"TableName": TABLE, "Key": key}}]),
    ]
    for answer in answers:
        answer.pop("ResponseMetadata")
    return answers


@pytest.fixture()
def table():
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-west-2")
        dynamodb.create_table(
            TableName=TABLE,
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
        dynamodb.put_item(TableName=TABLE, Item=EVERY_TYPE)
        dynamodb.put_item(TableName=TABLE, Item=PLAIN)
        dynamodb.put_item(TableName=TABLE, Item=WITH_BINARY)
        yield dynamodb


def test_every_read_answers_what_motos_own_serializer_answers(table, monkeypatch):
    by_moto = reads(table)
    copied: list[str] = []  # operations whose items skipped moto's serializer

    def spied(operation, result, moto_encode):
        def moto_sees(rest):
            if rest is not result:
                copied.append(operation)
            return moto_encode(rest)

        return encode(operation, result, moto_sees)

    monkeypatch.setattr(moto_responses, "encode", spied)
    monkeypatch.setattr(
        DynamoResult, "execute_result", answers_with_items_as_they_are(DynamoResult.execute_result)
    )
    assert reads(table) == by_moto
    assert by_moto[0]["Item"]["numbers"] == {"NS": ["1", "2.5"]}  # the reads did find items
    assert by_moto[2]["Item"]["blob"] == {"B": b"\x00\xff"}
    assert by_moto[3]["Count"] == 2 and "LastEvaluatedKey" in by_moto[4]
    assert by_moto[7]["Items"] and Decimal(by_moto[8]["ConsumedCapacity"]["CapacityUnits"]) > 0
    # the binary item (GetItem "bin", the whole Scan) was left to moto; the others were not
    assert set(copied) == {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


def test_an_error_is_answered_as_moto_answers_it(table, monkeypatch):
    def missing_table() -> str:
        with pytest.raises(table.exceptions.ResourceNotFoundException) as refused:
            table.query(
                TableName="no-such-table",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "a"}},
            )
        return refused.value.response["Error"]["Message"]

    by_moto = missing_table()
    monkeypatch.setattr(
        DynamoResult, "execute_result", answers_with_items_as_they_are(DynamoResult.execute_result)
    )
    assert missing_table() == by_moto
