"""Texts from numbers that belong to no client of the department, until someone claims them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.models import BatchWrite
from pynamodb.transactions import TransactWrite

from ..domain.conversation import ConversationEntry
from .audit import client_subject
from .conversations import entry_key, to_entry, to_row
from .inbound import FIRST_TIME, Filed, auto_reply_audits, earlier_reply, guard_for
from .models import ConversationEntryModel, UnclaimedModel
from .transactions import transactions
from .write_failures import (
    Cause,
    WriteNotStored,
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


class UnclaimedStore:
    def record(
        self,
        department_id: str,
        entry: ConversationEntry,
        reply: ConversationEntry | None = None,
        notes: tuple[ConversationEntry, ...] = (),
    ) -> Filed:
        """Store an inbound text from an unknown number once per MessageSid, and count it on
        the number's queue item, in one transaction. ``reply`` is the auto-reply offered to
        it: it is written (and answered) only if no text of this number got it before, by
        the queue item's ``auto_replied`` condition in the same transaction, so a number
        is auto-replied once however many texts, retries and bursts arrive. ``notes`` are
        automatic replies that happened anyway (Twilio's own): always written with it."""
        partition = unclaimed_partition(department_id, entry.phone)
        now = datetime.now(UTC)
        stored = replace(entry, client_id=partition)
        refusals: list[PynamoDBException] = []

        def system_rows(entries: tuple[ConversationEntry, ...]) -> list[Any]:
            owned = tuple(replace(e, client_id=partition) for e in entries)
            return [*map(to_row, owned), *auto_reply_audits(client_subject(partition), owned)]

        def write(replying: bool) -> None:
            answer = reply.body if reply is not None and replying else None
            key = entry_key(entry.at, entry.entry_id)
            queue_update: list[Action] = [
                UnclaimedModel.texts_count.add(1),
                UnclaimedModel.last_at.set(now),
                UnclaimedModel.first_at.set(UnclaimedModel.first_at | now),
                UnclaimedModel.preview.set(entry.body[:140]),
            ]
            condition = None
            rows = system_rows(notes)
            if reply is not None and replying:
                queue_update.append(UnclaimedModel.auto_replied.set(True))
                condition = UnclaimedModel.auto_replied.does_not_exist()
                rows += system_rows((reply,))
            try:
                with TransactWrite(connection=transactions()) as tx:
                    guard = guard_for(entry.sid, partition, key, answer, now)
                    tx.save(guard, FIRST_TIME, return_values="ALL_OLD")  # item 0
                    tx.save(to_row(stored))
                    for row in rows:
                        tx.save(row)
                    queue = UnclaimedModel(department_id, entry.phone)
                    tx.update(queue, queue_update, condition)  # item 2 + len(rows)
            except PynamoDBException as exc:
                refusals.append(exc)
                raise

        what = f"unclaimed text {entry.sid}"
        if reply is not None:
            try:
                retry_transient(what, lambda: write(True))
                return Filed(True, reply.body)
            except PynamoDBException as exc:
                failure = classify(exc)
                if failure.item_failed_condition(0):
                    return Filed(False, earlier_reply(exc))
                queue_item = 2 + len(system_rows((*notes, reply)))
                if not failure.item_failed_condition(queue_item):
                    raise WriteNotStored(what, Cause.CONDITION) from exc
                # the number was auto-replied before: store the text without a reply
        if written_unless_guarded(what, lambda: write(False)):
            return Filed(True, None)
        return Filed(False, earlier_reply(refusals[-1] if refusals else None))

    def in_department(self, department_id: str, limit: int = MAX_LISTED) -> list[UnclaimedNumber]:
        """The waiting numbers, most recent first; at most ``limit`` (the page says so)."""
        rows = UnclaimedModel.query(department_id, limit=limit, page_size=limit)
        return sorted(
            (
                UnclaimedNumber(
                    r.department_id, r.phone, r.first_at, r.last_at, int(r.texts_count), r.preview
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
            r.department_id, r.phone, r.first_at, r.last_at, int(r.texts_count), r.preview
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
