"""The audit trail: who viewed, sent, exported or changed what about a subject, and when.

Append-only: a row is one plain put (keyed by the time it happened and a random suffix,
under ``attribute_not_exists``) in the caller's transaction or alone, with no read first.
It is linked into its subject's hash chain afterwards by the ``chain-audit`` function, fed
by the table's stream (``services/audit_chainer.py``, ``domain/audit_chain.py``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.expressions.condition import Condition

from ..config import get_jurisdiction
from ..domain.audit_chain import TIME_FORMAT
from .models import AuditModel

TRAIL_LIMIT = 500


def client_subject(client_id: str) -> str:
    return f"client#{client_id}"


def department_subject(department_id: str) -> str:
    return f"department#{department_id}"


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


class AppendedAuditRow(AuditModel):
    """An audit row that is only ever added: every write of it, alone or in a transaction,
    is conditioned on its key being new."""

    def _get_save_args(
        self, condition: Condition | None = None, *, add_version_condition: bool = True
    ) -> tuple[Iterable[Any], dict[str, Any]]:
        """Both ``save()`` and a transaction's ``save`` build their request here."""
        new = AuditModel.at_id.does_not_exist()
        return super()._get_save_args(
            condition=new if condition is None else new & condition,
            add_version_condition=add_version_condition,
        )


def audit_row(
    subject: str, actor: str, action: str, details: dict[str, Any] | None = None
) -> AuditModel:
    """One audit item (for a transaction, or saved alone); ``chain-audit`` links it into its
    subject's chain once it is stored."""
    now = datetime.now(UTC)
    at = f"{now.strftime(TIME_FORMAT)}#{secrets.token_hex(4)}"
    return AppendedAuditRow(
        subject,
        at,
        at=at,
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


class AuditStore:
    def record(self, subject: str, actor: str, action: str, **details: Any) -> None:
        audit_row(subject, actor, action, details).save()

    def trail(self, subject: str, limit: int = 100) -> list[AuditEntry]:
        """The newest ``limit`` entries (at most TRAIL_LIMIT), newest first."""
        rows = AuditModel.query(subject, scan_index_forward=False, limit=min(limit, TRAIL_LIMIT))
        return [entry(r) for r in rows]
