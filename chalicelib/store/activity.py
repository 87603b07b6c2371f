"""Counters that tell an open page whether anything changed, and the audit trail."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from .models import ActivityModel, AuditModel


def user_scope(user_id: str) -> str:
    return f"user#{user_id}"


def department_scope(department_id: str) -> str:
    return f"department#{department_id}"


def bump(scope: str, unread: int = 0) -> tuple[ActivityModel, list]:
    """The item and actions that mark "something changed here" (for a transaction)."""
    actions = [ActivityModel.seq.add(1), ActivityModel.updated_at.set(datetime.now(UTC))]
    if unread:
        actions.append(ActivityModel.unread.add(unread))
    return ActivityModel(scope), actions


def audit_row(subject: str, actor: str, action: str, details: dict[str, Any] | None = None):
    """One append-only audit item; ``subject`` is e.g. ``client#<id>``."""
    now = datetime.now(UTC)
    return AuditModel(
        subject,
        f"{now.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{secrets.token_hex(4)}",
        actor=actor,
        action=action,
        details={k: str(v) for k, v in (details or {}).items()} or None,
    )


class ActivityStore:
    def current(self, scope: str) -> tuple[int, int]:
        """(change counter, unread texts) for one person or department: one GetItem."""
        try:
            row = ActivityModel.get(scope)
        except ActivityModel.DoesNotExist:
            return 0, 0
        return int(row.seq or 0), max(0, int(row.unread or 0))

    def record(self, subject: str, actor: str, action: str, **details: Any) -> None:
        audit_row(subject, actor, action, details).save()

    def trail(self, subject: str, limit: int = 100) -> list[AuditModel]:
        return list(AuditModel.query(subject, scan_index_forward=False, limit=limit))
