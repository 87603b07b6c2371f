"""The audit trail: who viewed, sent, exported or changed what about a subject, and when.

Append-only and chained (``domain/audit_chain.py``): a subject's rows are numbered
``chain#000000000001``, ``chain#000000000002``, ... and each carries the hash of the one
before. A row is linked as it is written, not when it is made: ``audit_row()`` keeps its
call signature (callers build it before their transaction), and each time a transaction
serialises it (``TransactWrite.save``) or it is saved alone, it reads its subject's newest
row (one consistent Query, Limit 1) and claims the next number, on the condition that no row
has it yet. Two containers appending to one subject at once both claim the same number; one
transaction wins and the other is cancelled with the existing row attached
(``ReturnValuesOnConditionCheckFailure``), which ``write_failures.classify`` reads as a
conflict, not "already stored": the caller's retry runs its write again and the row links
itself to the new head. Saved alone, a row retries its own claim.

Several rows of one subject in one transaction (an inbound text's auto-replies and the
answer riding on it) are tied together with ``in_order``: each links to the one before it,
which the transaction must write first.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition

from ..config import get_jurisdiction
from ..domain.audit_chain import GENESIS, Link, row_hash
from .models import AuditModel
from .write_failures import DEFAULT_BACKOFF, Cause, WriteNotStored, classify

TRAIL_LIMIT = 500
CHAIN_PREFIX = "chain#"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def client_subject(client_id: str) -> str:
    return f"client#{client_id}"


def department_subject(department_id: str) -> str:
    return f"department#{department_id}"


def chain_key(seq: int) -> str:
    return f"{CHAIN_PREFIX}{seq:012d}"


def chain_seq(at_id: str) -> int | None:
    """The row's number in its chain (None for a row from before the chain)."""
    return int(at_id[len(CHAIN_PREFIX) :]) if at_id.startswith(CHAIN_PREFIX) else None


def expiry(at: datetime) -> datetime | None:
    """When TTL may remove a row written at ``at``: the jurisdiction's ``audit_days`` later;
    never while the jurisdiction file holds everything (``legal_hold``) or keeps audit rows
    forever."""
    policy = get_jurisdiction().records_retention
    if policy.legal_hold or policy.audit_days is None:
        return None
    return at + timedelta(days=policy.audit_days)


def epoch(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


class ChainedAuditRow(AuditModel):
    """An audit row that links itself to its subject's newest row each time it is written."""

    follows: ChainedAuditRow | None = None  # the row before it in the same transaction

    def link(self) -> None:
        """Claim the number after the subject's newest row and hash the row onto it."""
        head = self.follows if self.follows is not None else self.newest()
        seq = (chain_seq(head.at_id) or 0) + 1 if head is not None else 1
        self.prev_hash = head.row_hash if head is not None and head.row_hash else GENESIS
        before = epoch(head.expires_at) if head is not None else None
        self.prev_expires = before
        self.at_id = chain_key(seq)
        self.row_hash = row_hash(
            self.subject,
            seq,
            str(self.at),
            self.actor,
            self.action,
            self.details.as_dict() if self.details else {},
            before,
            self.prev_hash,
        )

    def newest(self) -> AuditModel | None:
        """The subject's newest chained row, read consistently (one Query, Limit 1)."""
        return next(
            iter(
                AuditModel.query(
                    self.subject,
                    AuditModel.at_id.startswith(CHAIN_PREFIX),
                    scan_index_forward=False,
                    limit=1,
                    consistent_read=True,
                )
            ),
            None,
        )

    def get_save_kwargs_from_instance(
        self,
        condition: Condition | None = None,
        return_values_on_condition_failure: str | None = None,
    ) -> dict[str, Any]:
        """In a transaction: linked afresh on every attempt, the number claimed under a
        condition, and the winner's row returned if the claim fails (so it reads as a
        conflict)."""
        self.link()
        claim = AuditModel.at_id.does_not_exist()
        return super().get_save_kwargs_from_instance(
            condition=claim if condition is None else claim & condition,
            return_values_on_condition_failure="ALL_OLD",
        )

    def save(
        self, condition: Condition | None = None, *, add_version_condition: bool = True
    ) -> dict[str, Any]:
        """Saved alone: claim, and claim again while other writers take the number first."""
        for attempt in range(DEFAULT_BACKOFF.attempts):
            self.link()
            claim = AuditModel.at_id.does_not_exist()
            try:
                return super().save(
                    condition=claim if condition is None else claim & condition,
                    add_version_condition=add_version_condition,
                )
            except PutError as exc:
                if condition is not None or classify(exc).cause is not Cause.CONDITION:
                    raise
            time.sleep(DEFAULT_BACKOFF.delay(attempt))
        raise WriteNotStored("audit row", Cause.CONFLICT)


def in_order(rows: Sequence[Any]) -> list[Any]:
    """The rows of one transaction, audit rows of one subject each linked after the one
    before it in this order (the order the transaction must save them in); other items
    pass through."""
    last: dict[str, ChainedAuditRow] = {}
    for row in rows:
        if isinstance(row, ChainedAuditRow):
            row.follows = last.get(row.subject)
            last[row.subject] = row
    return list(rows)


def audit_row(
    subject: str, actor: str, action: str, details: dict[str, Any] | None = None
) -> AuditModel:
    """One audit item (for a transaction, or saved alone); it takes its place in the
    subject's chain when written."""
    now = datetime.now(UTC)
    return ChainedAuditRow(
        subject,
        chain_key(0),  # replaced by link() as it is written
        at=f"{now.strftime(TIME_FORMAT)}#{secrets.token_hex(4)}",
        actor=actor,
        action=action,
        details={k: str(v) for k, v in (details or {}).items()} or None,
        expires_at=expiry(now),
    )


@dataclass(frozen=True)
class AuditEntry:
    subject: str
    at_id: str
    actor: str
    action: str
    details: dict[str, str]
    at: str = ""

    @property
    def when(self) -> datetime | None:
        """When it happened (None for a row without a time)."""
        stamp = (self.at or self.at_id).split("#", 1)[0]
        try:
            return datetime.strptime(stamp, TIME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            return None


def entry(row: AuditModel) -> AuditEntry:
    return AuditEntry(
        row.subject,
        row.at_id,
        row.actor,
        row.action,
        row.details.as_dict() if row.details else {},
        row.at or "",
    )


def link_of(row: AuditModel) -> Link | None:
    """The row as the chain check sees it (None for a row from before the chain)."""
    seq = chain_seq(row.at_id)
    if seq is None:
        return None
    details: Mapping[str, str] = row.details.as_dict() if row.details else {}
    return Link(
        row.subject,
        seq,
        str(row.at),
        row.actor,
        row.action,
        details,
        epoch(row.expires_at),
        int(row.prev_expires) if row.prev_expires is not None else None,
        row.prev_hash or "",
        row.row_hash or "",
    )


class AuditStore:
    def record(self, subject: str, actor: str, action: str, **details: Any) -> None:
        audit_row(subject, actor, action, details).save()

    def trail(self, subject: str, limit: int = 100) -> list[AuditEntry]:
        """The newest ``limit`` entries (at most TRAIL_LIMIT), newest first."""
        rows = AuditModel.query(subject, scan_index_forward=False, limit=min(limit, TRAIL_LIMIT))
        return [entry(r) for r in rows]
