"""Texts from numbers that belong to no client of the department, until someone claims them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.models import BatchWrite
from pynamodb.transactions import TransactWrite

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry, Direction
from ..domain.errors import StaleRecord
from .audit import audit_row, client_subject
from .batch import Along
from .clients import NumberInUse, route_key
from .conversations import entry_key, to_entry, to_row
from .inbound import (
    FIRST_TIME,
    Filed,
    auto_reply_audits,
    guard_for,
    refused_again,
)
from .models import (
    ClientModel,
    ConversationEntryModel,
    PhoneRouteModel,
    TwilioMessageModel,
    UnclaimedModel,
)
from .partitions import audit_subject, unclaimed_partition
from .transactions import transactions
from .waiting import (
    BUILD_LIMIT,
    Waiting,
    arrived,
    left,
    made_whole,
    waiting_along,
    waiting_item,
)
from .write_failures import (
    Cause,
    WriteNotStored,
    classify,
    retry_transient,
    written_unless_guarded,
)

MAX_LISTED = 200
MOVE_ROUNDS = 5  # attaching moves texts that land meanwhile, this many times at most
COUNT_CAP = 100  # the navigation shows "99+" beyond this; the count reads at most this many

log = logging.getLogger(__name__)

__all__ = ["UnclaimedNumber", "UnclaimedStore", "unclaimed_partition"]


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
        self,
        department_id: str,
        entry: ConversationEntry,
        reply: ConversationEntry | None = None,
        notes: tuple[ConversationEntry, ...] = (),
        retired_client_id: str | None = None,
    ) -> Filed:
        """Store an inbound text from an unknown number once per MessageSid, and count it on
        the number's queue item, in one transaction. ``reply`` is the auto-reply offered to
        it: it is written (and answered) only if no text of this number got it before, by
        the queue item's ``auto_replied`` condition in the same transaction, so a number
        is auto-replied once however many texts, retries and bursts arrive. ``notes`` are
        automatic replies that happened anyway (Twilio's own): always written with it.
        ``retired_client_id``: the number leads to that retired client (linked on the page)."""
        partition = unclaimed_partition(department_id, entry.phone)
        now = datetime.now(UTC)
        stored = replace(entry, client_id=partition)
        refusals: list[PynamoDBException] = []

        def system_rows(entries: tuple[ConversationEntry, ...]) -> list[Any]:
            owned = tuple(replace(e, client_id=partition) for e in entries)
            return [*map(to_row, owned), *auto_reply_audits(client_subject(partition), owned)]

        full = False  # the department's set of waiting numbers had no room (store/waiting.py)

        def write(replying: bool) -> None:
            nonlocal full
            try:
                commit(replying)
            except PynamoDBException as exc:
                failure = classify(exc)
                waiting_item_index = 3 + len(rows_for(replying))
                if full or failure.item_failed_condition(0):
                    raise
                if not failure.item_failed_condition(waiting_item_index):
                    raise
                full = True  # count this number as a miss instead; the rest is as it was
                commit(replying)

        def rows_for(replying: bool) -> list[Any]:
            rows = system_rows(notes)
            if reply is not None and replying:
                rows += system_rows((reply,))
            return rows

        def commit(replying: bool) -> None:
            answer = reply.body if reply is not None and replying else None
            key = entry_key(entry.at, entry.entry_id)
            queue_update: list[Action] = [
                UnclaimedModel.texts_count.add(1),
                UnclaimedModel.last_at.set(now),
                UnclaimedModel.first_at.set(UnclaimedModel.first_at | now),
                UnclaimedModel.preview.set(entry.body[:140]),
            ]
            if retired_client_id:
                queue_update.append(UnclaimedModel.retired_client_id.set(retired_client_id))
            condition = None
            rows = rows_for(replying)
            if reply is not None and replying:
                queue_update.append(UnclaimedModel.auto_replied.set(True))
                condition = UnclaimedModel.auto_replied.does_not_exist()
            try:
                with TransactWrite(connection=transactions()) as tx:
                    guard = guard_for(entry.sid, partition, key, answer, now)
                    tx.save(guard, FIRST_TIME, return_values="ALL_OLD")  # item 0
                    tx.save(to_row(stored))
                    for row in rows:
                        tx.save(row)
                    queue = UnclaimedModel(department_id, entry.phone)
                    tx.update(queue, queue_update, condition)  # item 2 + len(rows)
                    tx.update(waiting_item(department_id), *arrived(entry.phone, full))  # 3 + …
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
                    return refused_again(exc)
                queue_item = 2 + len(system_rows((*notes, reply)))
                if not failure.item_failed_condition(queue_item):
                    raise WriteNotStored(what, Cause.CONDITION) from exc
                # the number was auto-replied before: store the text without a reply
        if written_unless_guarded(what, lambda: write(False)):
            return Filed(True, None)
        return refused_again(refusals[-1] if refusals else None)

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

    def waiting_count(self, department_id: str, cap: int = COUNT_CAP) -> int:
        """How many numbers wait (at most ``cap``): one Query that returns a count, not
        items, and reads at most ``cap`` of them."""
        return UnclaimedModel.count(department_id, limit=cap)

    def dismiss(
        self,
        department_id: str,
        phone: str,
        seen_count: int,
        note: ConversationEntry,
        actor: str,
        details: dict[str, str],
    ) -> bool:
        """Take a number off the queue with its audit row and a line in its thread, in one
        transaction. Only if no text arrived since the page showed ``seen_count`` of them:
        False when the number is gone or has news (the caller says which)."""
        partition = unclaimed_partition(department_id, phone)
        audit = audit_row(audit_subject(partition), actor, "dismiss", details)

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.delete(  # item 0
                    UnclaimedModel(department_id, phone),
                    condition=UnclaimedModel.texts_count == seen_count,
                )
                tx.save(audit)
                tx.save(to_row(note), condition=ConversationEntryModel.entry_key.does_not_exist())
                tx.update(waiting_item(department_id), left(phone))

        return written_unless_guarded(f"dismissal of {department_id}", write)

    def move_to_client(self, department_id: str, phone: str, client_id: str) -> int:
        """Copy the waiting texts (and replies) under the client, then drop the queue entry,
        only if it counts no text that was not moved: a text that lands meanwhile (its
        route read came before the attach wrote the route) is moved in another round.

        Copies are plain puts with the same keys, so running this twice is harmless. A
        reply's one-time id and Twilio sid are pointed at its copy, so a late status
        callback still finds it. If texts keep arriving, the entry stays in the queue
        with them (seen, never stranded).
        """
        partition = unclaimed_partition(department_id, phone)
        moved = 0
        for _ in range(MOVE_ROUNDS):
            counted = self._texts_counted(department_id, phone)
            rows = list(ConversationEntryModel.query(partition, consistent_read=True))
            self._move_rows(client_id, rows)
            moved += len(rows)
            if counted is None or self._drop_queue_item(department_id, phone, counted):
                return moved
        log.warning("texts kept arriving while a number was attached; it stays in the queue")
        return moved

    def _texts_counted(self, department_id: str, phone: str) -> int | None:
        try:
            item = UnclaimedModel.get(department_id, phone, consistent_read=True)
        except UnclaimedModel.DoesNotExist:
            return None
        return int(item.texts_count)

    def _move_rows(self, client_id: str, rows: list[ConversationEntryModel]) -> None:
        with BatchWrite(ConversationEntryModel) as batch:
            for row in rows:
                copy = to_row(replace(to_entry(row), client_id=client_id))
                copy.check_due = row.check_due  # still waiting for the settle job
                batch.save(copy)
        for row in rows:
            if row.direction == Direction.OUTBOUND.value:
                self._point_at(client_id, row)
            elif row.media and row.sid:  # its files' copy jobs find it by the sid's guard
                self._point_guard_at(client_id, row)
        with BatchWrite(ConversationEntryModel) as batch:
            for row in rows:
                batch.delete(row)

    def _drop_queue_item(self, department_id: str, phone: str, counted: int) -> bool:
        """The number no longer waits: its queue item (if it still counts ``counted`` texts,
        all moved) and its place in the department's count, in one transaction."""

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.delete(  # item 0
                    UnclaimedModel(department_id, phone),
                    condition=UnclaimedModel.texts_count == counted,
                )
                tx.update(waiting_item(department_id), left(phone))

        try:
            retry_transient("unclaimed number attached", write)
        except PynamoDBException as exc:
            if classify(exc).item_failed_condition(0):
                return False  # a text arrived since (or the entry is gone: read again)
            raise
        return True

    def waiting_along(self, department_id: str) -> Along[Waiting]:
        """The department's set of waiting numbers, to read with another read."""
        return waiting_along(department_id)

    def make_countable(self, department_id: str, seen: Waiting) -> bool:
        """Make the department's set of waiting numbers whole again (``seen`` is the set as
        read): when at most BUILD_LIMIT numbers wait, one Query lists them and one
        transaction adds them, checking each still waits and that nothing was missed since.
        False when the queue is too long or changed meanwhile (a later page tries again)."""
        rows = list(
            UnclaimedModel.query(
                department_id,
                limit=BUILD_LIMIT + 1,
                page_size=BUILD_LIMIT + 1,
                attributes_to_get=["phone"],
            )
        )
        if len(rows) > BUILD_LIMIT:
            return False
        phones = {row.phone for row in rows}
        actions, unchanged = made_whole(phones, seen)

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                for phone in sorted(phones):
                    tx.condition_check(
                        UnclaimedModel, department_id, phone, UnclaimedModel.phone.exists()
                    )
                tx.update(waiting_item(department_id), actions, unchanged)

        try:
            retry_transient(f"waiting numbers of {department_id}", write)
        except (PynamoDBException, WriteNotStored):
            return False
        return True

    def attach_as_old_number(self, client: Client, phone: str, note: ConversationEntry) -> None:
        """The number leads to the client's conversation but is never texted: a route that
        is not current, the number among the client's old numbers, and a line in the
        conversation, in one transaction under the client's version."""
        now = datetime.now(UTC)
        kept = [p for p in client.old_phones if p != phone]
        route = PhoneRouteModel(
            route_key(client.department_id, phone),
            client_id=client.client_id,
            current=False,
            created_at=now,
        )
        free = (
            PhoneRouteModel.route_key.does_not_exist()
            | (PhoneRouteModel.current == False)  # noqa: E712 - a DynamoDB condition
            | (PhoneRouteModel.client_id == client.client_id)
        )

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(to_row(note))  # item 0
                tx.save(route, condition=free)  # item 1
                tx.update(
                    ClientModel(client.client_id),
                    actions=[
                        ClientModel.old_phones.set(cast(Any, [*kept, phone])),
                        ClientModel.changed_at.set(now),
                        ClientModel.updated_at.set(now),
                        ClientModel.version.add(1),
                    ],
                    condition=ClientModel.version == client.version,
                )

        try:
            retry_transient("old number", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.item_failed_condition(1):
                raise NumberInUse(phone, "") from exc
            raise StaleRecord("Someone else changed this client while you were saving.") from exc

    def _point_guard_at(self, client_id: str, row: ConversationEntryModel) -> None:
        """An inbound text with media: its MessageSid guard names where it now is, so a
        copy job queued before the claim settles its file under the client (issue 22)."""

        def refile() -> None:
            TwilioMessageModel(row.sid).update(
                actions=[TwilioMessageModel.client_id.set(client_id)],
                condition=TwilioMessageModel.entry_key == row.entry_key,
            )

        try:
            retry_transient("re-filing a text with media", refile)
        except PynamoDBException as exc:
            if classify(exc).cause is not Cause.CONDITION:
                raise  # expired: its copy jobs are long done

    def _point_at(self, client_id: str, row: ConversationEntryModel) -> None:
        """Re-file a reply's lookup rows (one-time id, sid) under its new conversation."""
        from .outbound import draft_key  # not on the inbound webhook's cold path

        keys = [draft_key(to_entry(row).entry_id), *([row.sid] if row.sid else [])]
        for key in keys:

            def refile(key: str = key) -> None:
                TwilioMessageModel(key).update(
                    actions=[TwilioMessageModel.client_id.set(client_id)],
                    condition=TwilioMessageModel.entry_key == row.entry_key,
                )

            try:
                retry_transient("re-filing a reply", refile)
            except PynamoDBException as exc:
                if classify(exc).cause is not Cause.CONDITION:
                    raise  # expired or never filed: nothing to point anywhere

    def candidates(
        self, department_id: str, case_manager_id: str | None, query: str, limit: int = 20
    ) -> list[Client]:
        """Clients an unclaimed number could be attached to, found without listing the
        department (see ``client_lookup``): a caseload's (``case_manager_id``) or the
        department's (None)."""
        from .client_lookup import by_name_start, by_whole_number  # pages only

        found = by_whole_number(department_id, query)
        if found is not None:
            return [c for c in found if case_manager_id in (None, c.case_manager_id)]
        return by_name_start(department_id, case_manager_id, query, limit)
