"""The local moto answers real AWS clients one request at a time: racing transactions with
the same condition let exactly one through, and an SQS long poll does not hold up DynamoDB."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from infra.local.moto_server import SerialMotoServer

# one moto server of its own for the module
pytestmark = pytest.mark.xdist_group("serial-moto")

BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1})


@pytest.fixture(scope="module")
def moto_url():
    server = SerialMotoServer("127.0.0.1", 0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def client(service: str, url: str):
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-west-2",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=BOUNDED,
    )


@pytest.fixture(scope="module")
def table(moto_url) -> str:
    name = f"serial-{uuid.uuid4().hex[:8]}"
    client("dynamodb", moto_url).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def claim(url: str, table: str, key: str, who: int, *, barrier: threading.Barrier) -> bool:
    dynamodb = client("dynamodb", url)
    item = {"pk": {"S": key}, "who": {"N": str(who)}}
    put = {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}
    barrier.wait(timeout=10)
    try:
        dynamodb.transact_write_items(TransactItems=[{"Put": put}])
    except ClientError as error:
        assert error.response["Error"]["Code"] == "TransactionCanceledException"
        return False
    return True


def test_racing_conditional_transactions_let_exactly_one_through(moto_url, table):
    for round_ in range(3):
        key = f"sid-{round_}"
        barrier = threading.Barrier(8)
        with ThreadPoolExecutor(max_workers=8) as pool:
            won = list(pool.map(partial(claim, moto_url, table, key, barrier=barrier), range(8)))
        assert won.count(True) == 1


def test_an_sqs_long_poll_does_not_hold_up_dynamodb(moto_url, table):
    queue_url = client("sqs", moto_url).create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")[
        "QueueUrl"
    ]
    waiting = threading.Thread(
        target=lambda: client("sqs", moto_url).receive_message(
            QueueUrl=queue_url, WaitTimeSeconds=3
        )
    )
    waiting.start()
    time.sleep(0.3)  # the long poll is now inside moto
    started = time.monotonic()
    client("dynamodb", moto_url).get_item(TableName=table, Key={"pk": {"S": "none"}})
    assert time.monotonic() - started < 1.5
    waiting.join(timeout=10)
