"""Changes an admin makes to a member of staff, each with its audit row in one transaction.

Every change is conditional on the record being as the admin saw it (role, department,
active), so two admins acting at once cannot overwrite each other silently: the second
learns that it lost (False) and sees the record again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from ..domain.users import Role, User
from .audit import audit_row
from .models import UserModel
from .transactions import transactions
from .write_failures import written_unless_guarded


def staff_subject(user_id: str) -> str:
    """The audit trail's subject for a member of staff (as the ops scripts write it)."""
    return f"staff#{user_id}"


def own_setting_audit(user_id: str, setting: str, wanted: bool) -> Any:
    """The audit row of a person changing one of their own settings (in its transaction)."""
    details = {"setting": setting, "now": "on" if wanted else "off"}
    return audit_row(staff_subject(user_id), user_id, "own_setting", details)


def _as_seen(user: User) -> Any:
    row = UserModel
    if user.active:  # a record written before the flag existed counts as active
        active = (row.active == True) | row.active.does_not_exist()  # noqa: E712 - a condition
    else:
        active = row.active == False  # noqa: E712 - a condition
    return (
        row.user_id.exists()
        & (row.role == user.role.value)
        & (row.department_id == user.department_id)
        & active
    )


class StaffChanges:
    def __init__(self, connection: Connection | None = None):
        self.connection = connection

    def place(self, seen: User, role: Role, department_id: str, actor: str) -> bool:
        """A new role and department; False when the record changed since ``seen``."""
        details = {
            "role": f"{seen.role.value} → {role.value}",
            "department": f"{seen.department_id} → {department_id}",
        }
        return self._write(
            seen,
            [UserModel.role.set(role.value), UserModel.department_id.set(department_id)],
            audit_row(staff_subject(seen.user_id), actor, "staff_role_changed", details),
        )

    def set_active(
        self, seen: User, active: bool, actor: str, details: dict[str, Any], now: datetime
    ) -> bool:
        """Deactivate (every session begun until ``now`` ends with it) or reactivate;
        False when the record changed since ``seen``."""
        action = "staff_reactivated" if active else "staff_deactivated"
        changes = [UserModel.active.set(active)]
        if not active:
            changes.append(UserModel.sessions_from.set(now))
        return self._write(
            seen,
            changes,
            audit_row(staff_subject(seen.user_id), actor, action, details),
        )

    def _write(self, seen: User, actions: list[Any], audit: Any) -> bool:
        def write() -> None:
            with TransactWrite(connection=self.connection or transactions()) as tx:
                tx.update(UserModel(seen.user_id), actions=actions, condition=_as_seen(seen))
                tx.save(audit)

        return written_unless_guarded(f"staff record {seen.user_id}", write)

    def record(self, user_id: str, actor: str, action: str, details: dict[str, Any]) -> None:
        """An audit row on its own (an invitation: its record is written by the shared
        account steps, which the ops script runs too)."""
        audit_row(staff_subject(user_id), actor, action, details).save()
