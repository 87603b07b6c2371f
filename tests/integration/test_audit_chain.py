"""The audit trail is a hash chain per subject: appends from many containers at once all
land in one unbroken chain, and an edited or deleted row is found by the check."""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from pynamodb.transactions import TransactWrite

from chalicelib.domain.audit_chain import first_break
from chalicelib.store.audit import audit_row, chain_key
from chalicelib.store.audit_chains import AuditChains
from chalicelib.store.models import AuditModel
from chalicelib.store.transactions import transactions
from chalicelib.store.write_failures import retry_transient

WRITERS = 8
EACH = 4

pytestmark = pytest.mark.any_hour


def subject() -> str:
    return f"client#chain-{secrets.token_hex(6)}"


def append_alone(about: str, n: int) -> None:
    audit_row(about, f"staff{n}", "view").save()


def append_in_a_transaction(about: str, n: int) -> None:
    """As the stores do: the row goes in a transaction, retried on conflicts."""
    row = audit_row(about, f"staff{n}", "send", {"entry": str(n)})

    def write() -> None:
        with TransactWrite(connection=transactions()) as tx:
            tx.save(row)

    retry_transient("audit in a transaction", write)


def test_appends_to_one_subject_at_once_all_land_in_one_unbroken_chain(stack, now):
    about = subject()
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        start.wait(timeout=30)
        for i in range(EACH):
            (append_alone if (n + i) % 2 else append_in_a_transaction)(about, n * 10 + i)

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))

    chain = AuditChains().chain(about)
    assert [link.seq for link in chain.links] == list(range(1, WRITERS * EACH + 1))
    assert first_break(chain.links, now) is None


def audit_table(stack):
    return boto3.client("dynamodb").describe_table(TableName="test-audit")["Table"]["TableName"]


def test_an_edited_row_is_named_as_the_first_broken_link(stack, now):
    about = subject()
    for n in range(5):
        append_alone(about, n)
    dynamodb = boto3.client("dynamodb")
    dynamodb.update_item(  # what no role of the app may do: an operator with table access
        TableName=audit_table(stack),
        Key={"subject": {"S": about}, "at_id": {"S": chain_key(3)}},
        UpdateExpression="SET actor = :someone",
        ExpressionAttributeValues={":someone": {"S": "someone-else"}},
    )

    broken = first_break(AuditChains().chain(about).links, now)

    assert broken is not None and broken.seq == 3
    assert "edited" in broken.reason


def test_a_deleted_row_is_named_as_a_gap(stack, now):
    about = subject()
    for n in range(5):
        append_alone(about, n)
    boto3.client("dynamodb").delete_item(
        TableName=audit_table(stack),
        Key={"subject": {"S": about}, "at_id": {"S": chain_key(2)}},
    )

    broken = first_break(AuditChains().chain(about).links, now)

    assert broken is not None and broken.seq == 2
    assert "gap" in broken.reason


def test_a_chain_whose_first_rows_are_gone_before_they_expire_is_broken(stack, now):
    about = subject()
    for n in range(3):
        append_alone(about, n)
    boto3.client("dynamodb").delete_item(
        TableName=audit_table(stack),
        Key={"subject": {"S": about}, "at_id": {"S": chain_key(1)}},
    )

    broken = first_break(AuditChains().chain(about).links, now)

    assert broken is not None and broken.seq == 2


def test_rows_of_one_subject_in_one_transaction_follow_each_other_in_the_chain(stack, now):
    from chalicelib.store.audit import in_order

    about = subject()
    append_alone(about, 0)
    rows = in_order([audit_row(about, "system:clientcomm", "auto_reply") for _ in range(3)])

    def write() -> None:
        with TransactWrite(connection=transactions()) as tx:
            for row in rows:
                tx.save(row)

    retry_transient("three rows of one subject", write)

    chain = AuditChains().chain(about)
    assert [link.seq for link in chain.links] == [1, 2, 3, 4]
    assert first_break(chain.links, now) is None


def test_a_transaction_that_lost_its_chain_claim_is_retried_not_taken_for_a_duplicate(
    stack, now, monkeypatch
):
    """Another container took the number this row claimed (simulated: the row links to a
    stale head once); the guarded write is retried and reported written, not "already
    stored"."""
    from chalicelib.store.audit import ChainedAuditRow
    from chalicelib.store.models import RecordsRetentionModel
    from chalicelib.store.write_failures import written_unless_guarded

    about = subject()
    append_alone(about, 0)
    stale = next(iter(AuditModel.query(about)))
    append_alone(about, 1)  # the other container's row, now the head
    real_newest = ChainedAuditRow.newest
    heads = iter([stale])
    monkeypatch.setattr(
        ChainedAuditRow, "newest", lambda self: next(heads, None) or real_newest(self)
    )
    guarded = RecordsRetentionModel(f"guard-{secrets.token_hex(4)}")
    row = audit_row(about, "kristina", "send")

    def write() -> None:
        with TransactWrite(connection=transactions()) as tx:
            tx.save(guarded, condition=RecordsRetentionModel.name.does_not_exist())  # item 0
            tx.save(row)

    assert written_unless_guarded("a guarded write with its audit row", write) is True
    chain = AuditChains().chain(about)
    assert [link.seq for link in chain.links] == [1, 2, 3]
    assert first_break(chain.links, now) is None
