"""Open pages' WebSocket connections: the connections table behind ``Listener`` objects."""

from __future__ import annotations

from datetime import timedelta

from ..domain.live import Listener
from ..domain.users import Role
from .models import ConnectionModel

# API Gateway ends every WebSocket connection after two hours; the item outlives it a little
# so a late disconnect still finds it, then TTL removes what a lost disconnect left behind.
KEEP_FOR = timedelta(hours=2, minutes=15)


def to_listener(row: ConnectionModel) -> Listener:
    return Listener(
        connection_id=row.connection_id,
        user_id=row.user_id,
        department_id=row.department_id,
        role=Role(row.role),
        session_key=row.session_key,
        watching_client_id=row.watching_client_id,
        connected_at=row.connected_at,
    )


class ConnectionStore:
    def add(self, listener: Listener) -> None:
        ConnectionModel(
            listener.connection_id,
            user_id=listener.user_id,
            department_id=listener.department_id,
            role=listener.role.value,
            session_key=listener.session_key,
            watching_client_id=listener.watching_client_id,
            connected_at=listener.connected_at,
            expires_at=listener.connected_at + KEEP_FOR,
        ).save()

    def remove(self, connection_id: str) -> None:
        """Idempotent: API Gateway's disconnect and a failed push may both remove one."""
        ConnectionModel(connection_id).delete()

    def in_department(self, department_id: str) -> list[Listener]:
        """Every open page of a department: one Query (a department has tens, not thousands)."""
        return [to_listener(row) for row in ConnectionModel.by_department.query(department_id)]

    def of_user(self, user_id: str) -> list[str]:
        """Connection ids of one person's open pages."""
        return [row.connection_id for row in ConnectionModel.by_user.query(user_id)]

    def of_session(self, user_id: str, session_key: str) -> list[str]:
        """The open pages of one sign-in (a person may be signed in on two computers)."""
        ids = self.of_user(user_id)
        if not ids:
            return []
        found = ConnectionModel.batch_get(ids, attributes_to_get=["connection_id", "session_key"])
        return [row.connection_id for row in found if row.session_key == session_key]
