"""Counters that tell an open page whether anything changed, and the audit trail."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from ..domain.clients import Client
from .models import ActivityModel, AuditModel


def user_scope(user_id: str) -> str:
    return f"user#{user_id}"


def department_scope(department_id: str) -> str:
    return f"department#{department_id}"


EMAIL_DUE = "due"


def bump(scope: str, unread: int = 0) -> tuple[ActivityModel, list]:
    """The item and actions that mark "something changed here" (for a transaction).

    A new unread text for a person also puts them on the sparse e-mail index; the
    notification job decides whether they want mail.
    """
    actions = [ActivityModel.seq.add(1), ActivityModel.updated_at.set(datetime.now(UTC))]
    if unread:
        actions.append(ActivityModel.unread.add(unread))
    if unread > 0 and scope.startswith("user#"):
        actions.append(ActivityModel.email_due.set(EMAIL_DUE))
    return ActivityModel(scope), actions


def client_scopes(client: Client) -> list[str]:
    """Whose pages a change to this client concerns: the case manager's and the department's."""
    return [user_scope(client.case_manager_id), department_scope(client.department_id)]


def bump_client_scopes(tx: TransactWrite, client: Client, unread: int = 0) -> None:
    for scope in client_scopes(client):
        item, actions = bump(scope, unread)
        tx.update(item, actions=actions)


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

    def email_due(self) -> list[tuple[str, int, int]]:
        """(user id, change counter, unread) for everyone with texts not yet e-mailed about."""
        rows = ActivityModel.email_due_index.query(EMAIL_DUE)
        return [(r.scope.split("#", 1)[1], int(r.seq or 0), int(r.unread or 0)) for r in rows]

    def emailed(self, user_id: str, seq: int) -> bool:
        """Take a person off the e-mail index, unless another text arrived meanwhile."""
        try:
            ActivityModel(user_scope(user_id)).update(
                actions=[ActivityModel.email_due.remove()], condition=ActivityModel.seq == seq
            )
        except UpdateError:
            return False
        return True

    def trail(self, subject: str, limit: int = 100) -> list[AuditModel]:
        return list(AuditModel.query(subject, scan_index_forward=False, limit=limit))
