"""Scheduled texts under their client, and the sparse index the sweep reads.

Every step is a conditional write on the text's ``state`` (and ``version`` and ``attempts``
as it was read), so two sweeps, a redelivered queue message, a Lambda retry or an edit
racing the send can each only win or find out that they lost.

The state machine of a scheduled text and of the conversation entry it becomes, written
down once (docs/decisions.md points here). For each state: who moves it on, the job that
does so if nobody else does, and the alarm when that job can't.

- ``scheduled`` (no entry yet; on the ``due`` index): the sweep → queued (after the message
  is on the send queue); an edit → scheduled again, new version; cancel → cancelled. Job:
  ``sweep-scheduled`` every minute. Alarms: its heartbeat and errors, and
  ``ScheduledNotQueuedAlarm`` (due texts the sweep could not put on the queue).
- ``queued`` (a send-queue message exists for it; no entry yet, or, after Twilio's "not
  now", its entry ``sending_to_twilio`` off the sends to check): the sender's claim →
  sending; the sender's refusal (the page's rule, an appointment begun) → failed / expired
  with a line or its entry ``not_sent``; an edit while untried → scheduled; cancel →
  cancelled (its entry ``not_sent``). Job: ``send-scheduled``, fed by that message (the
  retry message is queued before the text is marked waiting for it, and one that overtakes
  that mark is put back, not dropped). Alarms: ``SendBacklogAlarm``,
  ``SendDeadLettersAlarm``, its errors.
- ``sending`` (entry ``sending_to_twilio`` on the unresolved-sends index): the sender, with
  Twilio's answer → sent (entry: Twilio's status), "not now" → queued (entry off the
  index), refused → failed (entry ``failed``), no answer → sent (entry ``unknown``); the
  status callback → sent (the text's one-time id row says a sender held it), when the
  sender died or its last write failed; ``settle-sends`` → sent (found at Twilio) or
  failed (entry ``not_sent``). Job: ``settle-sends`` every 2 minutes. Alarms: its heartbeat
  and errors, and ``UnresolvedSendsAlarm`` (texts still unsettled after half an hour).
- ``sent`` (Twilio took it; or handed over unsure, entry ``unknown``, on the index): status
  callbacks move the entry forward; ``settle-sends`` → failed (entry ``not_sent``) when
  Twilio never had it. Job and alarms: as for ``sending``.
- ``failed``, ``expired``, ``cancelled``: final, except that a callback after settle-sends
  gave up (Twilio had it after all: a later callback always wins) makes both say sent.

Whoever settles the entry (sender, callback, settle-sends) settles the text in the same
transaction (``scheduled_steps.RowStep``), each under the condition of the state it leaves,
so the two never disagree whichever comes first, and the client's count of pending texts
goes down exactly once. Status callbacks that cannot be stored are kept on a queue and
replayed (``replay-statuses``; alarms ``StatusCallbackBacklogAlarm`` and
``StatusCallbackDeadLettersAlarm``).
"""

from __future__ import annotations

import secrets
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.conversation import ConversationEntry
from ..domain.errors import NotFound
from ..domain.media import MediaItem
from ..domain.scheduling import ScheduledText, ScheduleState
from . import batch
from .audit import audit_row, client_subject
from .batch import Along
from .check_index import check_key
from .conversations import media_item, media_row, to_row
from .models import (
    AuditModel,
    ClientModel,
    ConversationEntryModel,
    ScheduledTextModel,
    TwilioMessageModel,
)
from .optional_parts import Parts, written_dropping
from .scheduled_steps import KEEP_FINISHED, entry_not_sent, finished, in_state
from .transactions import transactions
from .write_failures import (
    Cause,
    WriteNotStored,
    classify,
    retry_transient,
    written_unless_guarded,
)

__all__ = ["KEEP_FINISHED", "ChangeRefused", "ScheduledStore", "finished", "in_state"]
DUE_PARTITIONS = 8
LISTED = 200
MARK_AT_ONCE = 25  # texts marked queued per transaction (DynamoDB allows 100 items)


def due_partition(scheduled_id: str) -> str:
    return f"due#{zlib.crc32(scheduled_id.encode()) % DUE_PARTITIONS}"


def due_key(send_at: datetime, scheduled_id: str) -> str:
    return f"{send_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{scheduled_id}"


def to_scheduled(row: ScheduledTextModel) -> ScheduledText:
    return ScheduledText(
        client_id=row.client_id,
        scheduled_id=row.scheduled_id,
        department_id=row.department_id or "",
        case_manager_id=row.case_manager_id or "",
        author_id=row.author_id or "",
        body=row.body or "",
        send_at=row.send_at,
        state=ScheduleState(row.state),
        version=int(row.version or 1),
        attempts=int(row.attempts or 0),
        failure=row.failure or "",
        late_seconds=int(row.late_seconds) if row.late_seconds is not None else None,
        sent_at=row.sent_at,
        entry_key=row.entry_key or "",
        media=tuple(media_item(item) for item in row.media or ()),
        **reminder_fields(row),
    )


def _media_of(raw: dict[str, Any] | None) -> tuple[MediaItem, ...]:
    if not raw:
        return ()
    row = ScheduledTextModel.from_raw_data(raw)
    return tuple(media_item(item) for item in row.media or ())


def reminder_fields(row: ScheduledTextModel) -> dict[str, Any]:
    return {
        "appointment_id": row.appointment_id or "",
        "reminder_offset": int(row.reminder_offset) if row.reminder_offset is not None else None,
        "not_after": row.not_after,
    }


def new_row(text: ScheduledText, now: datetime) -> ScheduledTextModel:
    """A scheduled text as first stored: waiting, on the due index and the department's list."""
    return ScheduledTextModel(
        text.client_id,
        text.scheduled_id,
        department_id=text.department_id,
        case_manager_id=text.case_manager_id,
        author_id=text.author_id,
        body=text.body,
        send_at=text.send_at,
        state=ScheduleState.SCHEDULED.value,
        version=1,
        attempts=0,
        created_at=now,
        due_key=due_key(text.send_at, text.scheduled_id),
        due_partition=due_partition(text.scheduled_id),
        pending_department=text.department_id,
        appointment_id=text.appointment_id or None,
        reminder_offset=text.reminder_offset,
        not_after=text.not_after,
        media=[media_row(item) for item in text.media] or None,
    )


@dataclass(frozen=True)
class ChangeRefused:
    """Why an edit or cancel did not happen: the text moved on, or someone else changed it."""

    current: ScheduledText | None


class ScheduledStore:
    def add(self, text: ScheduledText) -> ScheduledText:
        """Store a new scheduled text and count it on its client, together."""
        now = datetime.now(UTC)
        row = new_row(text, now)

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(row, condition=ScheduledTextModel.scheduled_id.does_not_exist())
                tx.save(scheduling_audit(text, text.author_id, "schedule"))
                tx.update(
                    ClientModel(text.client_id),
                    actions=[
                        ClientModel.scheduled_count.add(1),
                        ClientModel.changed_at.set(now),
                    ],
                    condition=ClientModel.client_id.exists(),
                )

        written_unless_guarded(f"scheduled text {text.scheduled_id}", write)
        return to_scheduled(row)

    def media_along(self, client_id: str, scheduled_id: str) -> Along[tuple[MediaItem, ...]]:
        """A scheduled text's attachment, to be read with its client (``batch``)."""
        return batch.along(
            ScheduledTextModel, client_id, scheduled_id, parse=_media_of, consistent=True
        )

    def get(self, client_id: str, scheduled_id: str) -> ScheduledText | None:
        try:
            return to_scheduled(
                ScheduledTextModel.get(client_id, scheduled_id, consistent_read=True)
            )
        except ScheduledTextModel.DoesNotExist:
            return None

    def pending_for_client(self, client_id: str) -> list[ScheduledText]:
        """The client's texts still waiting to go out, soonest first (one Query)."""
        rows = ScheduledTextModel.query(
            client_id,
            filter_condition=in_state(
                ScheduleState.SCHEDULED, ScheduleState.QUEUED, ScheduleState.SENDING
            ),
            limit=LISTED,
            page_size=LISTED,
        )
        return sorted((to_scheduled(r) for r in rows), key=lambda t: t.send_at)

    def pending_in_department(self, department_id: str, limit: int = LISTED) -> list[ScheduledText]:
        """A department's texts waiting to go out, soonest first (supervisors)."""
        rows = ScheduledTextModel.pending_by_department.query(
            department_id, limit=limit, page_size=limit
        )
        return [to_scheduled(r) for r in rows]

    def edit(
        self, text: ScheduledText, body: str, send_at: datetime, actor: str
    ) -> ScheduledText | ChangeRefused:
        """Change what and when, only while nobody has tried to send it yet and nobody else
        changed it since it was read (a queued text goes back to waiting for its new time).
        A text waiting for a retry after Twilio's "not now" goes as it was written."""
        actions: list[Action] = [
            ScheduledTextModel.body.set(body),
            ScheduledTextModel.send_at.set(send_at),
            ScheduledTextModel.due_key.set(due_key(send_at, text.scheduled_id)),
            ScheduledTextModel.version.add(1),
            # back to waiting: a queue message for the old version will find it changed
            ScheduledTextModel.state.set(ScheduleState.SCHEDULED.value),
            ScheduledTextModel.due_partition.set(due_partition(text.scheduled_id)),
        ]
        audit = scheduling_audit(replace(text, send_at=send_at), actor, "schedule_edit")

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(audit)  # item 0: puts go first
                tx.update(  # item 1
                    ScheduledTextModel(text.client_id, text.scheduled_id),
                    actions=actions,
                    condition=in_state(ScheduleState.SCHEDULED, ScheduleState.QUEUED)
                    & (ScheduledTextModel.version == text.version)
                    & (ScheduledTextModel.attempts == 0),  # no sender has tried it yet
                )

        if not written_unless_guarded("scheduled text edit", write, guard_item=1):
            return ChangeRefused(self.get(text.client_id, text.scheduled_id))
        found = self.get(text.client_id, text.scheduled_id)
        if found is None:
            raise NotFound("The scheduled text is gone.")
        return found

    def cancel(self, text: ScheduledText, actor: str) -> ScheduledText | ChangeRefused:
        """Cancel, only while nobody is sending it (and unchanged since read). A text that
        waits for a retry has its conversation entry: it ends "not sent" with it."""
        now = datetime.now(UTC)

        def write(parts: Parts) -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(scheduling_audit(text, actor, "schedule_cancel"))  # item 0
                cancel_update(tx, text, now)  # item 1
                tx.update(
                    ClientModel(text.client_id),
                    actions=[ClientModel.scheduled_count.add(-1), ClientModel.changed_at.set(now)],
                )
                if "entry" in parts:
                    parts.index["entry"] = 3
                    entry_not_sent(tx, text.client_id, text.entry_key)

        parts = Parts(*(["entry"] if text.attempts and text.entry_key else []))
        if not written_dropping("scheduled text cancel", write, parts, guard_item=1):
            return ChangeRefused(self.get(text.client_id, text.scheduled_id))
        found = self.get(text.client_id, text.scheduled_id)
        if found is None:
            raise NotFound("The scheduled text is gone.")
        return found

    def cancel_unsent(self, text: ScheduledText, actor: str, line: ConversationEntry) -> bool:
        """Cancel a text no sender holds yet, whatever its version (its client was retired),
        with ``line`` in the conversation and the audit row, together; the client's count
        goes down, and a text waiting for a retry ends "not sent" on its entry. False when
        a sender took it first (or it is finished): the sender then settles it."""
        now = datetime.now(UTC)

        def write(parts: Parts) -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(scheduling_audit(text, actor, "schedule_cancel"))  # puts go first
                tx.save(to_row(line))
                tx.update(  # item 2
                    ScheduledTextModel(text.client_id, text.scheduled_id),
                    actions=finished(ScheduleState.CANCELLED, now),
                    condition=in_state(ScheduleState.SCHEDULED, ScheduleState.QUEUED)
                    & (ScheduledTextModel.attempts == text.attempts),
                )
                tx.update(
                    ClientModel(text.client_id),
                    actions=[ClientModel.scheduled_count.add(-1), ClientModel.changed_at.set(now)],
                )
                if "entry" in parts:
                    parts.index["entry"] = 4
                    entry_not_sent(tx, text.client_id, text.entry_key)

        parts = Parts(*(["entry"] if text.attempts and text.entry_key else []))
        return written_dropping("scheduled text cancelled", write, parts, guard_item=2)

    def due(self, now: datetime, per_partition: int = 500) -> list[ScheduledText]:
        """Texts whose time has come and that no sweep has queued: Queries of the sparse
        index, one per partition, never a Scan."""
        until = due_key(now, "~")  # "~" sorts after every id
        found: list[ScheduledText] = []
        for n in range(DUE_PARTITIONS):
            rows = ScheduledTextModel.due.query(
                f"due#{n}",
                range_key_condition=ScheduledTextModel.due_key <= until,
                limit=per_partition,
                page_size=per_partition,
            )
            found.extend(to_due(row) for row in rows)
        return sorted(found, key=lambda t: t.send_at)

    def mark_queued(self, text: ScheduledText) -> bool:
        """scheduled → queued, and off the due index; False if it moved on or was edited."""
        row = ScheduledTextModel(text.client_id, text.scheduled_id)
        try:
            retry_transient(
                "scheduled text queued",
                lambda: row.update(
                    actions=[
                        ScheduledTextModel.state.set(ScheduleState.QUEUED.value),
                        ScheduledTextModel.due_partition.remove(),
                    ],
                    condition=in_state(ScheduleState.SCHEDULED)
                    & (ScheduledTextModel.version == text.version),
                ),
            )
        except PynamoDBException as exc:
            if classify(exc).cause is Cause.CONDITION:
                return False
            raise
        return True

    def claim(
        self,
        text: ScheduledText,
        first_rows: tuple[TwilioMessageModel, ConversationEntryModel] | None,
    ) -> bool:
        """queued (or still scheduled, when the sweep's own write has not landed yet) →
        sending, for exactly one sender. The first attempt also writes the text and its
        one-time id in the same transaction; a later one (after Twilio's "not now") puts
        the text back among the sends to check (``text.entry_key``). False when another
        sender has it, or it was edited or cancelled since it was queued: the queue
        message is then stale."""
        now = datetime.now(UTC)
        token = secrets.token_hex(8)
        actions: list[Action] = [
            ScheduledTextModel.state.set(ScheduleState.SENDING.value),
            ScheduledTextModel.attempts.add(1),
            ScheduledTextModel.due_partition.remove(),
            ScheduledTextModel.sent_at.set(now),
            ScheduledTextModel.claim_token.set(token),
        ]
        if first_rows is not None:
            actions.append(ScheduledTextModel.entry_key.set(first_rows[1].entry_key))

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                if first_rows is not None:
                    draft, row = first_rows
                    tx.save(draft, condition=TwilioMessageModel.sid.does_not_exist())
                    tx.save(row, condition=ConversationEntryModel.entry_key.does_not_exist())
                elif text.entry_key:  # its entry waited off the index: back on it
                    tx.update(
                        ConversationEntryModel(text.client_id, text.entry_key),
                        actions=[
                            ConversationEntryModel.check_due.set(check_key(text.scheduled_id))
                        ],
                        condition=ConversationEntryModel.entry_key.exists(),
                    )
                tx.update(
                    ScheduledTextModel(text.client_id, text.scheduled_id),
                    actions=actions,
                    condition=in_state(ScheduleState.SCHEDULED, ScheduleState.QUEUED)
                    & (ScheduledTextModel.version == text.version)
                    & (ScheduledTextModel.attempts == text.attempts),
                )

        try:
            retry_transient(f"claim {text.scheduled_id}", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause is Cause.CONDITION:
                return self.holds(text, token)  # ours if a lost-answer try of ours landed
            raise WriteNotStored(f"claim {text.scheduled_id}", failure.cause) from exc
        return True

    def holds(self, text: ScheduledText, token: str) -> bool:
        """Is the text being sent under this claim?"""
        try:
            row = ScheduledTextModel.get(text.client_id, text.scheduled_id, consistent_read=True)
        except ScheduledTextModel.DoesNotExist:
            return False
        return row.state == ScheduleState.SENDING.value and row.claim_token == token

    def mark_many_queued(self, texts: list[ScheduledText]) -> list[bool]:
        """``mark_queued`` for many texts, 25 to a transaction: one round trip instead of 25."""
        marked: list[bool] = []
        for start in range(0, len(texts), MARK_AT_ONCE):
            marked += self.mark_chunk_queued(texts[start : start + MARK_AT_ONCE])
        return marked

    def mark_chunk_queued(self, chunk: list[ScheduledText]) -> list[bool]:
        """One transaction for the chunk. When some texts were edited or taken meanwhile,
        DynamoDB names them in the cancellation reasons; the rest are marked without them."""
        done = [False] * len(chunk)
        waiting = list(range(len(chunk)))
        while waiting:

            def write(indexes: list[int] = waiting) -> None:
                with TransactWrite(connection=transactions()) as tx:
                    for i in indexes:
                        tx.update(
                            ScheduledTextModel(chunk[i].client_id, chunk[i].scheduled_id),
                            actions=[
                                ScheduledTextModel.state.set(ScheduleState.QUEUED.value),
                                ScheduledTextModel.due_partition.remove(),
                            ],
                            condition=in_state(ScheduleState.SCHEDULED)
                            & (ScheduledTextModel.version == chunk[i].version),
                        )

            try:
                retry_transient("scheduled texts queued", write)
            except PynamoDBException as exc:
                failure = classify(exc)
                if failure.cause is not Cause.CONDITION:
                    raise
                lost = {i for n, i in enumerate(waiting) if failure.item_failed_condition(n)}
                if not lost:  # the reasons named nobody: one at a time, then
                    return [self.mark_queued(text) for text in chunk]
                waiting = [i for i in waiting if i not in lost]
                continue
            for i in waiting:
                done[i] = True
            break
        return done

    def back_to_queue(self, text: ScheduledText, reason: str) -> bool:
        """sending → queued for a later attempt (Twilio said "not now"; its retry message is
        on the queue already). Its entry waits off the sends to check (nothing to ask Twilio
        about) until the retry claims it; False when someone else settled it meanwhile."""

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.update(  # item 0
                    ScheduledTextModel(text.client_id, text.scheduled_id),
                    actions=[
                        ScheduledTextModel.state.set(ScheduleState.QUEUED.value),
                        ScheduledTextModel.failure.set(reason),
                    ],
                    condition=in_state(ScheduleState.SENDING)
                    & (ScheduledTextModel.attempts == text.attempts),
                )
                tx.update(
                    ConversationEntryModel(text.client_id, text.entry_key),
                    actions=[ConversationEntryModel.check_due.remove()],
                    condition=ConversationEntryModel.entry_key.exists(),
                )

        return written_unless_guarded("scheduled text retry", write)

    def fail(
        self,
        text: ScheduledText,
        reason: str,
        marker: ConversationEntry | None = None,
        state: ScheduleState = ScheduleState.FAILED,
    ) -> bool:
        """A waiting text that will not be sent (refused, expired) → failed, with the reason
        shown on it; the client's count goes down. Only the version and attempt it was read
        at: a message for an older version decides nothing. A text that failed before it
        became a conversation entry leaves ``marker`` in the conversation instead, so the
        case manager sees it was not sent; one that has its entry (it waited for a retry)
        ends it "not sent" too. False when the text moved on meanwhile."""
        now = datetime.now(UTC)
        guard = 1 if marker is not None else 0  # puts go first

        def write(parts: Parts) -> None:
            with TransactWrite(connection=transactions()) as tx:
                if marker is not None:
                    tx.save(to_row(marker))
                tx.update(
                    ScheduledTextModel(text.client_id, text.scheduled_id),
                    actions=[
                        *finished(state, now),
                        ScheduledTextModel.failure.set(reason),
                    ],
                    condition=in_state(ScheduleState.SCHEDULED, ScheduleState.QUEUED)
                    & (ScheduledTextModel.version == text.version)
                    & (ScheduledTextModel.attempts == text.attempts),
                )
                tx.update(
                    ClientModel(text.client_id),
                    actions=[ClientModel.scheduled_count.add(-1), ClientModel.changed_at.set(now)],
                )
                if "entry" in parts:
                    parts.index["entry"] = guard + 2
                    entry_not_sent(tx, text.client_id, text.entry_key)

        parts = Parts(*(["entry"] if text.attempts and text.entry_key else []))
        return written_dropping("scheduled text failed", write, parts, guard_item=guard)


def cancel_update(tx: TransactWrite, text: ScheduledText, now: datetime) -> None:
    """→ cancelled, while nobody is sending it and it stands as read (version, attempts).
    A text with ``attempts`` has its entry: the caller ends it too (``entry_not_sent``)."""
    item, actions, condition = cancel_item(text, now)
    tx.update(item, actions=actions, condition=condition)


def cancel_item(text: ScheduledText, now: datetime) -> tuple[ScheduledTextModel, list[Action], Any]:
    """``cancel_update``'s item, actions and condition, for a caller that gathers updates."""
    return (
        ScheduledTextModel(text.client_id, text.scheduled_id),
        finished(ScheduleState.CANCELLED, now),
        in_state(ScheduleState.SCHEDULED, ScheduleState.QUEUED)
        & (ScheduledTextModel.version == text.version)
        & (ScheduledTextModel.attempts == text.attempts),
    )


def scheduling_audit(text: ScheduledText, actor: str, action: str) -> AuditModel:
    """Scheduling, changing and cancelling are changes to a client's record: audited."""
    return audit_row(
        client_subject(text.client_id),
        actor,
        action,
        {"scheduled": text.scheduled_id, "send_at": text.send_at.isoformat()},
    )


def to_due(row: ScheduledTextModel) -> ScheduledText:
    """A due text as the index projects it (no case manager: the sender doesn't need one)."""
    return ScheduledText(
        client_id=row.client_id,
        scheduled_id=row.scheduled_id,
        department_id=row.department_id or "",
        case_manager_id="",
        author_id=row.author_id or "",
        body=row.body or "",
        send_at=row.send_at,
        state=ScheduleState(row.state),
        version=int(row.version or 1),
        **reminder_fields(row),
    )
