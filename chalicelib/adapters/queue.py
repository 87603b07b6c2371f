"""Amazon SQS: a durable place for requests that could not be handled when they came."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class QueueUnavailable(Exception):
    """SQS did not take or give a message; nothing was kept or removed."""


@dataclass(frozen=True)
class QueuedMessage:
    body: str
    receipt: str
    receive_count: int


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to keep: its body, its fair-queue group, and how long SQS hides it."""

    body: str
    group: str = ""
    delay_seconds: int = 0

    def entry(self, entry_id: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"Id": entry_id, "MessageBody": self.body}
        if self.delay_seconds:
            entry["DelaySeconds"] = clamped_delay(self.delay_seconds)
        if self.group:
            entry["MessageGroupId"] = self.group
        return entry


def clamped_delay(seconds: int) -> int:
    return max(0, min(900, seconds))  # SQS hides a message at most 15 minutes


class MessageQueue:
    """Wraps the ``sqs`` client handed in, for one queue."""

    def __init__(self, sqs_client: Any, queue_url: str):
        self.sqs = sqs_client
        self.url = queue_url

    def send(self, body: str, delay_seconds: int = 0, group: str = "") -> str:
        """Keep ``body`` (hidden for ``delay_seconds``, at most 900); returns SQS's message
        id once SQS has stored it. ``group``: its ``MessageGroupId``, the tenant an SQS
        fair queue keeps apart from the others (the send queue: the department)."""
        from botocore.exceptions import BotoCoreError, ClientError

        request: dict[str, Any] = {
            "QueueUrl": self.url,
            "MessageBody": body,
            "DelaySeconds": clamped_delay(delay_seconds),
        }
        if group:
            request["MessageGroupId"] = group
        try:
            answer = self.sqs.send_message(**request)
        except (BotoCoreError, ClientError) as exc:
            raise QueueUnavailable(f"SQS did not keep the message: {type(exc).__name__}") from exc
        return str(answer["MessageId"])

    def send_batch(self, messages: list[OutgoingMessage]) -> list[bool]:
        """Keep up to ten messages in one request; which of them SQS stored, in order."""
        from botocore.exceptions import BotoCoreError, ClientError

        if not messages:
            return []
        entries = [message.entry(str(i)) for i, message in enumerate(messages[:10])]
        try:
            answer = self.sqs.send_message_batch(QueueUrl=self.url, Entries=entries)
        except (BotoCoreError, ClientError) as exc:
            raise QueueUnavailable(f"SQS did not keep the messages: {type(exc).__name__}") from exc
        kept = {item["Id"] for item in answer.get("Successful", [])}
        return [str(i) in kept for i in range(len(entries))]

    def receive(self, most: int = 10, wait_seconds: int = 0) -> list[QueuedMessage]:
        """Up to ``most`` (≤ 10) messages, hidden from others until deleted or timed out."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.sqs.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=min(most, 10),
                WaitTimeSeconds=wait_seconds,
                MessageSystemAttributeNames=["ApproximateReceiveCount"],
            )
        except (BotoCoreError, ClientError) as exc:
            raise QueueUnavailable(f"SQS did not answer: {type(exc).__name__}") from exc
        return [
            QueuedMessage(
                m["Body"],
                m["ReceiptHandle"],
                int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
            )
            for m in answer.get("Messages", [])
        ]

    def delete(self, receipt: str) -> None:
        self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=receipt)
