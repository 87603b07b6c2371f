"""The audit trail: who viewed, sent, exported or changed what about a client, and when."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .models import AuditModel

TRAIL_LIMIT = 500


def client_subject(client_id: str) -> str:
    return f"client#{client_id}"


def audit_row(
    subject: str, actor: str, action: str, details: dict[str, Any] | None = None
) -> AuditModel:
    """One append-only audit item (for a transaction, or saved alone)."""
    now = datetime.now(UTC)
    return AuditModel(
        subject,
        f"{now.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{secrets.token_hex(4)}",
        actor=actor,
        action=action,
        details={k: str(v) for k, v in (details or {}).items()} or None,
    )


@dataclass(frozen=True)
class AuditEntry:
    subject: str
    at_id: str
    actor: str
    action: str
    details: dict[str, str]


class AuditStore:
    def record(self, subject: str, actor: str, action: str, **details: Any) -> None:
        audit_row(subject, actor, action, details).save()

    def trail(self, subject: str, limit: int = 100) -> list[AuditEntry]:
        """The newest ``limit`` entries (at most TRAIL_LIMIT), newest first."""
        rows = AuditModel.query(subject, scan_index_forward=False, limit=min(limit, TRAIL_LIMIT))
        return [
            AuditEntry(
                r.subject,
                r.at_id,
                r.actor,
                r.action,
                r.details.as_dict() if r.details else {},
            )
            for r in rows
        ]
