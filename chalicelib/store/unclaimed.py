"""Texts from numbers that belong to no client of the department, until someone claims them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.models import BatchWrite
from pynamodb.transactions import TransactWrite

from ..domain.conversation import ConversationEntry
from .activity import bump, department_scope
from .conversations import entry_key, to_entry, to_row
from .models import ConversationEntryModel, TwilioMessageModel, UnclaimedModel
from .transactions import transactions


def unclaimed_partition(department_id: str, phone: str) -> str:
    """Unclaimed texts wait in the conversations table under this pseudo client id."""
    return f"unclaimed#{department_id}#{phone}"


@dataclass(frozen=True)
class UnclaimedNumber:
    department_id: str
    phone: str
    first_at: datetime
    last_at: datetime
    count: int
    preview: str


class UnclaimedStore:
    def record(self, department_id: str, entry: ConversationEntry) -> tuple[bool, bool]:
        """Store an inbound text from an unknown number once per MessageSid.

        Returns (stored, first_text): the auto-reply goes out only for the first text a
        number sends while unclaimed, decided by an atomic counter, not by a read.
        """
        partition = unclaimed_partition(department_id, entry.phone)
        now = datetime.now(UTC)
        stored = replace(entry, client_id=partition)
        sid_row = TwilioMessageModel(
            entry.sid,
            client_id=partition,
            entry_key=entry_key(entry.at, entry.entry_id),
            direction="inbound",
            created_at=now,
        )
        try:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(sid_row, condition=TwilioMessageModel.sid.does_not_exist())
                tx.save(to_row(stored))
                item, actions = bump(department_scope(department_id))
                tx.update(item, actions=actions)
        except TransactWriteError:
            return False, False
        row = UnclaimedModel(department_id, entry.phone)
        row.update(
            actions=[
                UnclaimedModel.count.add(1),
                UnclaimedModel.last_at.set(now),
                UnclaimedModel.first_at.set(UnclaimedModel.first_at | now),
                UnclaimedModel.preview.set(entry.body[:140]),
            ]
        )  # returns the new item: ADD is atomic, so exactly one text sees count == 1
        return True, int(row.count) == 1

    def in_department(self, department_id: str) -> list[UnclaimedNumber]:
        return sorted(
            (
                UnclaimedNumber(
                    r.department_id, r.phone, r.first_at, r.last_at, int(r.count), r.preview
                )
                for r in UnclaimedModel.query(department_id)
            ),
            key=lambda u: u.last_at,
            reverse=True,
        )

    def get(self, department_id: str, phone: str) -> UnclaimedNumber | None:
        try:
            r = UnclaimedModel.get(department_id, phone)
        except UnclaimedModel.DoesNotExist:
            return None
        return UnclaimedNumber(
            r.department_id, r.phone, r.first_at, r.last_at, int(r.count), r.preview
        )

    def texts(self, department_id: str, phone: str) -> list[ConversationEntry]:
        rows = ConversationEntryModel.query(unclaimed_partition(department_id, phone))
        return [to_entry(row) for row in rows]

    def move_to_client(self, department_id: str, phone: str, client_id: str) -> int:
        """Copy the waiting texts under the client, then drop the queue entry.

        Copies are plain puts with the same keys, so running this twice is harmless.
        """
        partition = unclaimed_partition(department_id, phone)
        rows = list(ConversationEntryModel.query(partition))
        with BatchWrite(ConversationEntryModel) as batch:
            for row in rows:
                batch.save(to_row(replace(to_entry(row), client_id=client_id)))
        with BatchWrite(ConversationEntryModel) as batch:
            for row in rows:
                batch.delete(row)
        UnclaimedModel(department_id, phone).delete()
        return len(rows)
