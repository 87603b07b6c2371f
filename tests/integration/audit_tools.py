"""Waiting for chain-audit (the local stack reads the audit table's stream as Lambda would)
and reaching into the table as only an operator with table access could."""

from __future__ import annotations

import time

import boto3
import pytest

from chalicelib.domain.audit_chain import Chain
from chalicelib.store.audit_chains import AuditChains
from chalicelib.store.audit_links import chain_partition, link_key

WAIT_SECONDS = 60  # the stream reader runs in the test process; a busy machine is slow
TABLE = "test-audit"


def linked(subject: str, rows: int, timeout: float = WAIT_SECONDS) -> Chain:
    """The subject's chain once ``rows`` of its rows are linked (or what it is by then)."""
    deadline = time.monotonic() + timeout
    chain = AuditChains().chain(subject)
    while len(chain.links) < rows and time.monotonic() < deadline:
        time.sleep(0.1)
        chain = AuditChains().chain(subject)
    return chain


def link_item_key(subject: str, seq: int) -> dict[str, dict[str, str]]:
    return {"subject": {"S": chain_partition(subject)}, "at_id": {"S": link_key(seq)}}


def row_item_key(subject: str, at_id: str) -> dict[str, dict[str, str]]:
    return {"subject": {"S": subject}, "at_id": {"S": at_id}}


def operator():
    """A DynamoDB client with the table access no function's role has."""
    return boto3.client("dynamodb")


@pytest.fixture()
def chaining(stack):
    """chain-audit links audit rows while the test runs (the tests' stack leaves it off:
    linking every row of every test cost the suite's moto time). Rows written before it is
    on are not linked: a test writes its rows after."""
    stack.streams.set_switched("chain-audit", True)
    yield
    stack.streams.set_switched("chain-audit", False)
