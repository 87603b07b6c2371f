"""The audit trail's hash chains, as ``chain-audit`` writes them (``AuditLinkModel``).

A link is appended in one transaction with a marker for its row, both under
``attribute_not_exists``: a row already linked (a redelivered stream record) fails on its
marker, which is "already linked" and writes nothing; a link number already taken (another
reader of the same subject got there first) fails on the link alone, a lost race to retry
from the new head. Anything else is retried (throttling, conflicts) and then raised, so the
stream batch is delivered again: no row is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from ..domain.audit_chain import Appended, Link, Row
from .models import AuditLinkModel
from .transactions import transactions
from .write_failures import WriteNotStored, classify, retry_transient

CHAIN_PARTITION = "chain#"
LINK_PREFIX = "link#"
MARK_PREFIX = "row#"


def chain_partition(subject: str) -> str:
    return f"{CHAIN_PARTITION}{subject}"


def link_key(seq: int) -> str:
    return f"{LINK_PREFIX}{seq:012d}"


def mark_key(row_key: str) -> str:
    return f"{MARK_PREFIX}{row_key}"


def is_chain_item(subject: str) -> bool:
    """An item ``chain-audit`` wrote itself (its own stream records are ignored)."""
    return subject.startswith(CHAIN_PARTITION)


def epoch_of(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def to_link(item: AuditLinkModel) -> Link:
    return Link(
        item.subject[len(CHAIN_PARTITION) :],
        int(item.seq),
        item.row_key,
        item.row_hash or "",
        int(item.prev_expires) if item.prev_expires is not None else None,
        item.prev_hash or "",
        item.link_hash or "",
        epoch_of(item.expires_at),
    )


def expiry_of(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def row_from_image(image: Mapping[str, Any]) -> Row | None:
    """A new audit row as its stream record shows it (DynamoDB JSON), or None for an item
    the chainer writes itself."""
    subject = image["subject"]["S"]
    if is_chain_item(subject):
        return None
    details = image.get("details", {}).get("M", {})
    expires = image.get("expires_at", {}).get("N")
    key = image["at_id"]["S"]
    return Row(
        subject,
        key,
        image.get("at", {}).get("S", ""),
        image.get("actor", {}).get("S", ""),
        image.get("action", {}).get("S", ""),
        {name: value.get("S", "") for name, value in details.items()},
        int(expires) if expires is not None else None,
    )


class AuditLinks:
    def row(self, image: Mapping[str, Any]) -> Row | None:
        """The row a stream record's new image shows (None: a chain item)."""
        return row_from_image(image)

    def head(self, subject: str) -> Link | None:
        """The subject's newest link (one consistent Query, Limit 1)."""
        found = AuditLinkModel.query(
            chain_partition(subject),
            AuditLinkModel.at_id.startswith(LINK_PREFIX),
            scan_index_forward=False,
            limit=1,
            consistent_read=True,
        )
        return next((to_link(item) for item in found), None)

    def append(self, link: Link) -> Appended:
        """Write the link and its row's marker together (see the module's docstring)."""
        partition = chain_partition(link.subject)
        item = AuditLinkModel(
            partition,
            link_key(link.seq),
            row_key=link.row_key,
            seq=link.seq,
            row_hash=link.row_hash,
            prev_hash=link.prev_hash,
            link_hash=link.link_hash,
            prev_expires=link.prev_expires,
            expires_at=expiry_of(link.expires),
        )
        mark = AuditLinkModel(
            partition,
            mark_key(link.row_key),
            row_key=link.row_key,
            seq=link.seq,
            expires_at=expiry_of(link.expires),
        )
        new = AuditLinkModel.at_id.does_not_exist()

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(item, condition=new)  # item 0
                tx.save(mark, condition=new)  # item 1

        try:
            retry_transient("audit link", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.item_failed_condition(1):
                return Appended.ALREADY
            if failure.item_failed_condition(0):
                return Appended.RACED
            raise WriteNotStored("audit link", failure.cause) from exc
        return Appended.LINKED
