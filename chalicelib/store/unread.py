"""Per-person unread state: the unread table behind ``Unread`` objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from ..domain.unread import Unread
from .batch import Along, along
from .models import UnreadModel
from .write_failures import Cause, classify, retry_transient


def to_unread(row: UnreadModel) -> Unread:
    return Unread(row.client_id, int(row.unread or 0), row.newest_at)


def _unread_of(raw: dict[str, Any] | None) -> Unread | None:
    return to_unread(UnreadModel.from_raw_data(raw)) if raw else None


def new_text_updates(
    readers: tuple[str, ...], client_id: str, department_id: str, at: datetime
) -> list[tuple[Model, list[Action]]]:
    """The updates an inbound text's transaction makes: one more unread for each reader."""
    return [
        (
            UnreadModel(reader, client_id),
            [
                UnreadModel.unread.add(1),
                UnreadModel.newest_at.set(at),
                UnreadModel.department_id.set(department_id),
            ],
        )
        for reader in readers
    ]


class UnreadStore:
    def for_user(self, user_id: str) -> dict[str, Unread]:
        """Everything one person has unread, by client: one Query (read items are deleted)."""
        return {row.client_id: to_unread(row) for row in UnreadModel.query(user_id)}

    def many(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], Unread]:
        """(user, client) → what that person has unread from that client, in one batch."""
        if not pairs:
            return {}
        rows = UnreadModel.batch_get(sorted(set(pairs)))
        return {(row.user_id, row.client_id): to_unread(row) for row in rows}

    def along(self, user_id: str, client_id: str) -> Along[Unread | None]:
        """What one person has unread from one client, to read with another read."""
        return along(UnreadModel, user_id, client_id, parse=_unread_of)

    def count(self, user_id: str, client_id: str) -> int:
        """How many of one client's texts one person has not seen."""
        item = self.many([(user_id, client_id)]).get((user_id, client_id))
        return item.count if item else 0

    def mark_read(self, user_id: str, client_id: str, seen_up_to: datetime) -> bool:
        """Forget the unread texts if the newest was seen; False when a newer one arrived
        (it stays unread) or nothing was unread."""

        def delete() -> None:
            UnreadModel(user_id, client_id).delete(condition=UnreadModel.newest_at <= seen_up_to)

        try:
            retry_transient("mark read", delete)
        except PynamoDBException as exc:
            if classify(exc).cause is Cause.CONDITION:
                return False
            raise
        return True

    def put(self, user_id: str, client_id: str, department_id: str, item: Unread) -> None:
        """Write one person's unread state as it is (demo data, backfills)."""
        UnreadModel(
            user_id,
            client_id,
            unread=item.count,
            newest_at=item.newest_at,
            department_id=department_id,
        ).save()

    def mark_unread(self, user_id: str, client_id: str, department_id: str, at: datetime) -> None:
        """ "Mark unread": at least one unread text, whatever was there."""

        def update() -> None:
            UnreadModel(user_id, client_id).update(
                actions=[
                    UnreadModel.unread.set(UnreadModel.unread | 1),
                    UnreadModel.newest_at.set(UnreadModel.newest_at | at),
                    UnreadModel.department_id.set(department_id),
                ]
            )

        retry_transient("mark unread", update)
