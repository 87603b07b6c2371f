"""What Lambda hands a handler, built locally: the SQS event and the context object.

Handlers read these shapes in AWS, so the local stack builds the same ones: a handler that
works here against ``record.body`` or ``context.get_remaining_time_in_millis()`` works there.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_SECONDS = 60  # Chalice's default when config.json names none


def lambda_timeout(project_dir: Path, function_name: str, stage: str = "local") -> int:
    """The function's timeout as Chalice would deploy it: ``.chalice/config.json`` read with
    Chalice's own precedence (stage and function settings), else Chalice's default."""
    from chalice.config import Config

    path = project_dir / ".chalice" / "config.json"
    on_disk = json.loads(path.read_text()) if path.exists() else {}
    config = Config(chalice_stage=stage, function_name=function_name, config_from_disk=on_disk)
    return int(config.lambda_timeout or DEFAULT_TIMEOUT_SECONDS)


@dataclass
class LambdaContext:
    """Lambda's context object; its clock starts when it is made, as an invocation starts."""

    function_name: str
    invoked_function_arn: str
    timeout_seconds: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    started: float = field(default_factory=time.monotonic)

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[$LATEST]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        left = self.timeout_seconds - (time.monotonic() - self.started)
        return max(0, int(left * 1000))

    @property
    def timed_out(self) -> bool:
        """Lambda would have stopped this invocation: its messages count as not handled."""
        return self.get_remaining_time_in_millis() <= 0


def function_arn(queue_arn: str, function_name: str) -> str:
    """A function ARN in the queue's region and account, as the event source's would be."""
    _, _, _, region, account, _ = queue_arn.split(":", 5)
    return f"arn:aws:lambda:{region}:{account}:function:{function_name}"


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """Lambda's SQS event for messages as ``ReceiveMessage`` returned them."""
    return {"Records": [sqs_record(message, queue_arn) for message in messages]}


def sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One record: Lambda renames SQS's fields to camelCase and adds where it came from."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: message_attribute(value)
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": queue_arn.split(":")[3],
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """An attribute as Lambda shows it: camelCase, binary values in base64 text."""
    shown: dict[str, Any] = {
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        shown["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        shown["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return shown
