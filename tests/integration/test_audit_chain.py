"""The audit trail is a hash chain per subject, linked from the audit table's stream by
chain-audit (issue 21, item 3): rows written at once by many writers are all linked into
one unbroken chain, a redelivered batch links nothing twice, and the check finds an edited
or deleted row and a deleted or edited link.

Rewritten when the chain moved from write time to the stream: the write-time claims,
in_order() and the lost-claim conflict it tested are gone."""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from pynamodb.transactions import TransactWrite

from chalicelib.domain.audit_chain import first_break
from chalicelib.store.audit import audit_row
from chalicelib.store.models import AuditModel
from chalicelib.store.transactions import transactions
from chalicelib.store.write_failures import retry_transient
from tests.integration.audit_tools import (  # noqa: F401 - chaining: a fixture
    TABLE,
    chaining,
    link_item_key,
    linked,
    operator,
    row_item_key,
)

WRITERS = 8
EACH = 4

pytestmark = [pytest.mark.any_hour, pytest.mark.usefixtures("chaining")]


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


def trail_of(about: str, rows: int):
    for n in range(rows):
        append_alone(about, n)
    chain = linked(about, rows)
    assert len(chain.links) == rows, "chain-audit did not link every row in time"
    return chain


def test_appends_to_one_subject_at_once_are_all_linked_into_one_unbroken_chain(stack, now):
    about = subject()
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        start.wait(timeout=30)
        for i in range(EACH):
            (append_alone if (n + i) % 2 else append_in_a_transaction)(about, n * 10 + i)

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))

    chain = linked(about, WRITERS * EACH)
    assert [link.seq for link in chain.links] == list(range(1, WRITERS * EACH + 1))
    assert {link.row_key for link in chain.links} == set(chain.rows)
    assert first_break(chain, now) is None


def test_a_redelivered_batch_of_stream_records_links_each_row_once(stack, now):
    """Lambda delivers a batch again after a failure: the rows' markers say they are
    linked, and nothing is linked twice."""
    from chalicelib.jobs.audit_chaining import chain_records

    about = subject()
    chain = trail_of(about, 3)
    records = [
        {
            "eventName": "INSERT",
            "dynamodb": {"NewImage": AuditModel.get(about, key).serialize()},
        }
        for key in chain.rows
    ]

    again = chain_records(records)

    assert again == {"linked": 0, "already": 3}
    after = linked(about, 3)
    assert [link.seq for link in after.links] == [1, 2, 3]
    assert first_break(after, now) is None


def test_an_edited_row_is_named_at_its_link(stack, now):
    about = subject()
    chain = trail_of(about, 4)
    operator().update_item(  # what no role of the app may do: an operator with table access
        TableName=TABLE,
        Key=row_item_key(about, chain.links[2].row_key),
        UpdateExpression="SET actor = :someone",
        ExpressionAttributeValues={":someone": {"S": "someone-else"}},
    )

    broken = first_break(linked(about, 4), now)

    assert broken is not None and broken.seq == 3
    assert "edited" in broken.reason


def test_a_deleted_row_is_named_at_its_link(stack, now):
    about = subject()
    chain = trail_of(about, 4)
    operator().delete_item(TableName=TABLE, Key=row_item_key(about, chain.links[1].row_key))

    broken = first_break(linked(about, 4), now)

    assert broken is not None and broken.seq == 2
    assert "deleted" in broken.reason


def test_a_deleted_link_is_named_as_missing(stack, now):
    about = subject()
    trail_of(about, 4)
    operator().delete_item(TableName=TABLE, Key=link_item_key(about, 2))

    broken = first_break(linked(about, 3), now)

    assert broken is not None and broken.seq == 2
    assert "missing" in broken.reason


def test_an_edited_link_is_named(stack, now):
    about = subject()
    trail_of(about, 4)
    operator().update_item(
        TableName=TABLE,
        Key=link_item_key(about, 3),
        UpdateExpression="SET row_hash = :other",
        ExpressionAttributeValues={":other": {"S": "0" * 64}},
    )

    broken = first_break(linked(about, 4), now)

    assert broken is not None and broken.seq == 3
