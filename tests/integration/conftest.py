"""Fixtures for the tests that run scheduled texts through the sweep, the queue and the
sender as their Lambda handlers would."""

from __future__ import annotations

import secrets

import boto3
import pytest


@pytest.fixture()
def queue(stack):
    from chalicelib.adapters.queue import MessageQueue

    sqs = boto3.client("sqs")
    url = sqs.create_queue(
        QueueName=f"test-send-{secrets.token_hex(4)}", Attributes={"VisibilityTimeout": "2"}
    )["QueueUrl"]
    return MessageQueue(sqs, url)


@pytest.fixture()
def sender(stack, stores, queue):
    from chalicelib import bootstrap
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.sending import Pacer, Sender

    return Sender(
        clients=stores.clients,
        scheduled=stores.scheduled,
        outbound=stores.outbound,
        gateway=bootstrap.twilio(),
        jurisdiction=get_jurisdiction(),
        queue=queue,
        status_callback_base=stack.app_url + "/webhooks/twilio/status",
        pacer=Pacer(sleep=lambda _: None),  # pacing has its own test
    )


@pytest.fixture()
def twilio(stack):
    yield stack.twilio
    stack.twilio.clear_faults()
