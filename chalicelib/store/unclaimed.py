"""Texts from numbers that belong to no client of the department, until someone claims them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import PynamoDBException
from pynamodb.models import BatchWrite
from pynamodb.transactions import TransactWrite

from ..domain.conversation import ConversationEntry
from .conversations import entry_key, to_entry, to_row
from .inbound import INBOUND_GUARD_DAYS
from .models import ConversationEntryModel, TwilioMessageModel, UnclaimedModel
from .transactions import transactions
from .write_failures import (
    Cause,
    classify,
    retry_transient,
    written_unless_guarded,
)

MAX_LISTED = 200


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
    retired_client_id: str | None = None  # the number was this retired client's


class UnclaimedStore:
    def record(
        self, department_id: str, entry: ConversationEntry, retired_client_id: str | None = None
    ) -> bool:
        """Store an inbound text from an unknown number once per MessageSid, and count it on
        the number's queue item, in one transaction. False when it was stored before.
        ``retired_client_id``: the number leads to that retired client (linked on the page)."""
        partition = unclaimed_partition(department_id, entry.phone)
        now = datetime.now(UTC)
        stored = replace(entry, client_id=partition)
        guard = TwilioMessageModel(
            entry.sid,
            client_id=partition,
            entry_key=entry_key(entry.at, entry.entry_id),
            direction="inbound",
            created_at=now,
            expires_at=now + timedelta(days=INBOUND_GUARD_DAYS),
        )

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(guard, condition=TwilioMessageModel.sid.does_not_exist())  # item 0
                tx.save(to_row(stored))
                tx.update(
                    UnclaimedModel(department_id, entry.phone),
                    actions=[
                        UnclaimedModel.texts_count.add(1),
                        UnclaimedModel.last_at.set(now),
                        UnclaimedModel.first_at.set(UnclaimedModel.first_at | now),
                        UnclaimedModel.preview.set(entry.body[:140]),
                        *(
                            [UnclaimedModel.retired_client_id.set(retired_client_id)]
                            if retired_client_id
                            else []
                        ),
                    ],
                )

        return written_unless_guarded(f"unclaimed text {entry.sid}", write)

    def claim_auto_reply(self, department_id: str, phone: str) -> bool:
        """True for exactly one caller per waiting number: the one whose text gets the
        auto-reply. A condition decides, so retries and bursts reply once."""
        try:
            retry_transient(
                "auto-reply claim",
                lambda: UnclaimedModel(department_id, phone).update(
                    actions=[UnclaimedModel.auto_replied.set(True)],
                    condition=UnclaimedModel.phone.exists()
                    & UnclaimedModel.auto_replied.does_not_exist(),
                ),
            )
        except PynamoDBException as exc:
            if classify(exc).cause is Cause.CONDITION:
                return False
            raise
        return True

    def in_department(self, department_id: str, limit: int = MAX_LISTED) -> list[UnclaimedNumber]:
        """The waiting numbers, most recent first; at most ``limit`` (the page says so)."""
        rows = UnclaimedModel.query(department_id, limit=limit, page_size=limit)
        return sorted(
            (
                UnclaimedNumber(
                    r.department_id,
                    r.phone,
                    r.first_at,
                    r.last_at,
                    int(r.texts_count),
                    r.preview,
                    r.retired_client_id,
                )
                for r in rows
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
            r.department_id,
            r.phone,
            r.first_at,
            r.last_at,
            int(r.texts_count),
            r.preview,
            r.retired_client_id,
        )

    def texts(
        self, department_id: str, phone: str, limit: int = MAX_LISTED
    ) -> list[ConversationEntry]:
        """The newest ``limit`` texts from a waiting number, oldest first."""
        rows = ConversationEntryModel.query(
            unclaimed_partition(department_id, phone),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
        )
        return list(reversed([to_entry(row) for row in rows]))

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
