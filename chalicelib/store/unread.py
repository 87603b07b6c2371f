"""Per-person unread state: the unread table behind ``Unread`` objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

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


@dataclass(frozen=True)
class Handover:
    """A client's unread texts passing from their old case manager to the new one, as read
    just before the move. ``keeps``: the old one still oversees the department (a
    supervisor who was the case manager) and keeps their own state."""

    client_id: str
    department_id: str
    old_owner: str
    new_owner: str
    keeps: bool
    given: Unread | None  # the old owner's, when the move was planned
    held: Unread | None  # the new owner's own, if they had any


def read_handover(
    client_id: str, department_id: str, old_owner: str, new_owner: str, keeps: bool
) -> Handover:
    """The two people's unread state for the client: one BatchGetItem."""
    found = UnreadStore().many([(old_owner, client_id), (new_owner, client_id)])
    return Handover(
        client_id,
        department_id,
        old_owner,
        new_owner,
        keeps,
        found.get((old_owner, client_id)),
        found.get((new_owner, client_id)),
    )


def write_handover(tx: TransactWrite, handover: Handover) -> int:
    """Add the handover to a transaction, each item under the condition that it is as it
    was read (a text arriving meanwhile cancels it: read again and retry); how many items
    it added. The new owner gets the larger count and the newer time of the two."""
    given, held = handover.given, handover.held
    if given is None:
        return 0
    added = 0
    if not handover.keeps:
        tx.delete(
            UnreadModel(handover.old_owner, handover.client_id),
            condition=UnreadModel.unread == given.count,
        )
        added += 1
    if held is None:
        row = UnreadModel(
            handover.new_owner,
            handover.client_id,
            unread=given.count,
            newest_at=given.newest_at,
            department_id=handover.department_id,
        )
        tx.save(row, condition=UnreadModel.user_id.does_not_exist())
        return added + 1
    if given.count > held.count or given.newest_at > held.newest_at:
        tx.update(
            UnreadModel(handover.new_owner, handover.client_id),
            actions=[
                UnreadModel.unread.set(max(given.count, held.count)),
                UnreadModel.newest_at.set(max(given.newest_at, held.newest_at)),
            ],
            condition=UnreadModel.unread == held.count,
        )
        added += 1
    return added


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
