"""Staff records: the Users table behind plain ``User`` objects."""

from __future__ import annotations

from pynamodb.transactions import TransactWrite

from ..domain.users import Role, User
from .models import UserModel
from .staff_changes import own_setting_audit
from .transactions import transactions
from .write_failures import retry_transient, written_unless_guarded

MAX_STAFF = 1000


def to_user(row: UserModel) -> User:
    return User(
        user_id=row.user_id,
        display_name=row.display_name,
        email=row.email,
        role=Role(row.role),
        department_id=row.department_id,
        active=bool(row.active),
        email_notifications=bool(row.email_notifications),
        sessions_from=row.sessions_from,
    )


def _row(user: User) -> UserModel:
    return UserModel(
        user.user_id,
        display_name=user.display_name,
        email=user.email,
        role=user.role.value,
        department_id=user.department_id,
        active=user.active,
        email_notifications=user.email_notifications,
        sessions_from=user.sessions_from,
    )


class UserStore:
    def get(self, user_id: str) -> User | None:
        try:
            return to_user(UserModel.get(user_id))
        except UserModel.DoesNotExist:
            return None

    def save(self, user: User) -> None:
        _row(user).save()

    def add(self, user: User) -> bool:
        """Write a new record; False when one with this user id is already there (then
        nothing changed). WriteNotStored when it could not be written."""

        def write() -> None:
            _row(user).save(condition=UserModel.user_id.does_not_exist())

        return written_unless_guarded(f"staff record {user.user_id}", write)

    def remove_if_unchanged(self, user: User) -> bool:
        """Delete the record only while it is still exactly ``user`` (undoing ``add``);
        False when it is gone or was changed meanwhile."""
        row = UserModel
        unchanged = (
            row.user_id.exists()
            & (row.display_name == user.display_name)
            & (row.email == user.email)
            & (row.role == user.role.value)
            & (row.department_id == user.department_id)
        )

        def delete() -> None:
            UserModel(user.user_id).delete(condition=unchanged)

        return written_unless_guarded(f"removing staff record {user.user_id}", delete)

    def set_email_notifications(self, user_id: str, wanted: bool) -> None:
        """The choice and its audit row, in one transaction."""

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.update(
                    UserModel(user_id),
                    actions=[UserModel.email_notifications.set(wanted)],
                    condition=UserModel.user_id.exists(),
                )
                tx.save(own_setting_audit(user_id, "email_notifications", wanted))

        retry_transient("e-mail choice", write)

    def many(self, user_ids: list[str]) -> dict[str, User]:
        """Several staff records in one BatchGetItem."""
        return {row.user_id: to_user(row) for row in UserModel.batch_get(user_ids)}

    def in_department(self, department_id: str) -> list[User]:
        """Everyone in one department, by name: one Query, at most MAX_STAFF people."""
        rows = UserModel.by_department.query(department_id, limit=MAX_STAFF, page_size=MAX_STAFF)
        return [to_user(row) for row in rows]
