"""Staff who sign in: their role decides what they may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    CASE_MANAGER = "case_manager"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"case_manager": "Case manager", "supervisor": "Supervisor", "admin": "Admin"}[
            self.value
        ]


@dataclass(frozen=True)
class User:
    """A member of staff. ``user_id`` is the Cognito username."""

    user_id: str
    display_name: str
    email: str
    role: Role
    department_id: str
    active: bool = True
    email_notifications: bool = False
    # Set when an admin deactivates them: no session begun before it is accepted again, so
    # reactivating never revives a cookie someone kept (no scan of the sessions table).
    sessions_from: datetime | None = None

    @property
    def oversees_department(self) -> bool:
        """Supervisors and admins see every caseload of their department."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)
