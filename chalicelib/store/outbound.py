"""Outbound texts: recorded once before Twilio is called, then their status only moves
forward. Each invariant is a DynamoDB condition, never a read followed by a write.

Rows in ``twilio-messages`` that outbound texts use:
- ``draft#<id>``: the send form's one-time id → the text it created and a digest of what it
  said (client and body), so a repeated id can be answered with the first attempt's truth;
  status callbacks name the same id in their URL, so the first callback finds its text
  even when the send never recorded Twilio's sid.
- ``<MessageSid>``: Twilio's id → the text, for callbacks that only carry the sid.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.conversation import ConversationEntry
from ..domain.delivery import REACHED_PHONE, ClientEffect, rank, statuses_below
from ..domain.scheduling import ScheduledText, ScheduleState
from .audit import audit_row
from .check_index import CHECK_SHARDS, check_key
from .conversations import entry_key, time_of_key, to_entry, to_row
from .last_contact import contact_at
from .models import ClientModel, ConversationEntryModel, TwilioMessageModel
from .optional_parts import Parts, written_dropping
from .partitions import audit_subject, is_unclaimed
from .scheduled_steps import (
    HINT_SENDING,
    Reminded,
    RowStep,
    draft_key,
    mark_reminded,
    reminded_of,
    settled_from_sending,
)
from .transactions import transactions
from .write_failures import Cause, WriteNotStored, classify, retry_transient

DRAFT_DAYS = 30  # delivery receipts can trail a send by days; the id must still find it
EARLY_DAYS = 7


@dataclass(frozen=True)
class OutboundRef:
    """Where an outbound text lives."""

    client_id: str
    entry_key: str


@dataclass(frozen=True)
class Located:
    """A text found by its one-time id, and what its callback must also do to the
    scheduled text it is (``schedule``: a ``scheduled_steps.HINT_*``, or "")."""

    ref: OutboundRef
    schedule: str = ""
    reminds: Reminded | None = None  # a reminder: the appointment Twilio taking it reminds


@dataclass(frozen=True)
class FirstAttempt:
    """What the first use of a one-time id did: for whom, what, and how it stands now."""

    ref: OutboundRef
    body_digest: str
    entry: ConversationEntry | None
    attempt_token: str = ""


@dataclass(frozen=True)
class UnresolvedSend:
    """A text still "sending" or "unknown": what asking Twilio about it needs."""

    ref: OutboundRef
    outbound_id: str
    status: str
    phone: str
    body: str
    at: datetime


@dataclass(frozen=True)
class SidRecord:
    ref: OutboundRef | None  # None while only an early status is parked here
    early_status: str | None
    early_error_code: int | None


@dataclass(frozen=True)
class StatusChange:
    status: str
    error_code: int | None = None
    effect: ClientEffect = field(default_factory=ClientEffect)
    sid: str = ""  # also file this sid under the text (a callback that found it by its id)


def new_text_rows(
    entry: ConversationEntry,
    body_digest: str,
    scheduled: bool = False,
    reminds: Reminded | None = None,
) -> tuple[TwilioMessageModel, ConversationEntryModel]:
    """The one-time id's row and the text itself, as the first attempt writes them (each
    to be put under "does not exist yet"). A scheduled text's id row tells its status
    callback that a sender holds the text (``HINT_SENDING``), and a reminder's which
    appointment it reminds of."""
    now = datetime.now(UTC)
    ref = ref_for(entry)
    draft = TwilioMessageModel(
        draft_key(entry.entry_id),
        client_id=ref.client_id,
        entry_key=ref.entry_key,
        direction="outbound",
        body_digest=body_digest,
        attempt_token=secrets.token_hex(8),
        created_at=now,
        expires_at=now + timedelta(days=DRAFT_DAYS),
        schedule=HINT_SENDING if scheduled else None,
        reminds=reminds.encoded() if reminds else None,
    )
    row = to_row(entry)
    row.check_due = check_key(entry.entry_id)  # until Twilio's answer or a callback
    return draft, row


def ref_for(entry: ConversationEntry) -> OutboundRef:
    return OutboundRef(entry.client_id, entry_key(entry.at, entry.entry_id))


def ref_id(ref: OutboundRef) -> str:
    """The one-time id a text was created with (the last part of its sort key)."""
    return ref.entry_key.rsplit("#", 1)[-1]


def forward_to(status: str) -> Condition:
    """The entry exists and ``status`` ranks above what it has: statuses never go back."""
    forward = ConversationEntryModel.status_rank.does_not_exist() | (
        ConversationEntryModel.status_rank < rank(status)
    )
    return ConversationEntryModel.entry_key.exists() & forward


def client_actions(effect: ClientEffect, now: datetime) -> list[Action]:
    actions: list[Action] = [ClientModel.changed_at.set(now)]
    if effect.delivery_problem:
        actions.append(ClientModel.delivery_problem.set(effect.delivery_problem))
    elif effect.clears_problem:
        actions.append(ClientModel.delivery_problem.remove())
    if effect.opted_out:
        actions.append(ClientModel.opted_out.set(True))
    return actions


def file_sid(tx: TransactWrite, sid: str, ref: OutboundRef, now: datetime) -> None:
    """sid → text; a second filing for the same text is harmless, for another is refused."""
    tx.update(
        TwilioMessageModel(sid),
        actions=[
            TwilioMessageModel.client_id.set(ref.client_id),
            TwilioMessageModel.entry_key.set(ref.entry_key),
            TwilioMessageModel.direction.set("outbound"),
            TwilioMessageModel.created_at.set(TwilioMessageModel.created_at | now),
            TwilioMessageModel.expires_at.remove(),
        ],
        condition=TwilioMessageModel.client_id.does_not_exist()
        | (TwilioMessageModel.client_id == ref.client_id),
    )


class OutboundStore:
    def start(self, entry: ConversationEntry, body_digest: str) -> FirstAttempt | None:
        """Write the text as "sending_to_twilio" before Twilio is called, with its one-time
        id. None when this call recorded it; the first attempt when the id was used before."""
        draft, row = new_text_rows(entry, body_digest)

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(draft, condition=TwilioMessageModel.sid.does_not_exist())  # item 0
                tx.save(row, condition=ConversationEntryModel.entry_key.does_not_exist())

        try:
            retry_transient(f"outbound text {entry.entry_id}", write)
        except PynamoDBException as exc:
            if not classify(exc).item_failed_condition(0):
                raise WriteNotStored(f"outbound text {entry.entry_id}", Cause.CONDITION) from exc
            earlier = self.first_attempt(entry.entry_id)
            if earlier is None:  # the id's row vanished between the two reads: try once more
                raise WriteNotStored(f"outbound text {entry.entry_id}", Cause.CONFLICT) from exc
            if earlier.attempt_token == draft.attempt_token:
                return None  # our own write landed on a try whose answer was lost
            return earlier
        return None

    def unresolved(self, before: datetime, limit: int = 50) -> list[UnresolvedSend]:
        """Texts still "sending" or "unknown" since before ``before``, oldest first; at
        most ``limit`` from each partition of the sparse index."""
        found: list[UnresolvedSend] = []
        cutoff = before.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for shard in range(CHECK_SHARDS):
            rows = ConversationEntryModel.unresolved.query(
                f"check#{shard}",
                range_key_condition=ConversationEntryModel.entry_key < cutoff,
                limit=limit,
                page_size=limit,
            )
            found.extend(
                UnresolvedSend(
                    OutboundRef(row.client_id, row.entry_key),
                    row.entry_key.rsplit("#", 1)[-1],
                    row.status or "",
                    row.phone or "",
                    row.body or "",
                    row.at,
                )
                for row in rows
            )
        return sorted(found, key=lambda send: send.at)

    def locate(self, outbound_id: str) -> OutboundRef | None:
        """The text a one-time id created (one GetItem)."""
        found = self.locate_text(outbound_id)
        return found.ref if found else None

    def locate_text(self, outbound_id: str) -> Located | None:
        """The text a one-time id created, with its scheduled text's hint (one GetItem)."""
        try:
            row = TwilioMessageModel.get(draft_key(outbound_id))
        except TwilioMessageModel.DoesNotExist:
            return None
        if not row.client_id or not row.entry_key:
            return None
        return Located(
            OutboundRef(row.client_id, row.entry_key),
            row.schedule or "",
            Reminded.decoded(row.client_id, row.reminds) if row.reminds else None,
        )

    def first_attempt(self, outbound_id: str) -> FirstAttempt | None:
        try:
            row = TwilioMessageModel.get(draft_key(outbound_id), consistent_read=True)
        except TwilioMessageModel.DoesNotExist:
            return None
        ref = OutboundRef(row.client_id or "", row.entry_key or "")
        try:
            entry = to_entry(
                ConversationEntryModel.get(ref.client_id, ref.entry_key, consistent_read=True)
            )
        except ConversationEntryModel.DoesNotExist:
            entry = None
        return FirstAttempt(ref, row.body_digest or "", entry, row.attempt_token or "")

    def find_sid(self, sid: str) -> SidRecord | None:
        try:
            row = TwilioMessageModel.get(sid)
        except TwilioMessageModel.DoesNotExist:
            return None
        ref = OutboundRef(row.client_id, row.entry_key) if row.client_id and row.entry_key else None
        code = int(row.early_error_code) if row.early_error_code is not None else None
        return SidRecord(ref, row.early_status, code)

    def record_sent(
        self,
        ref: OutboundRef,
        entry_id: str,
        author_id: str,
        sid: str,
        status: str,
        segments: int | None,
        scheduled: ScheduledText | None = None,
    ) -> None:
        """Twilio took the text: its sid, status and segments and the audit row, in one
        transaction (last contact waits for the text to be delivered). A callback that
        already moved the status further keeps its status; the sid and segments are
        recorded all the same. A scheduled text is marked sent in the same transaction,
        unless its callback already settled it; a reminder marks its appointment reminded
        there too (``mark_reminded``), so a "Y" can answer only what Twilio took."""
        now = datetime.now(UTC)
        audit = audit_row(audit_subject(ref.client_id), author_id, "send", {"entry": entry_id})
        entry_actions: list[Action] = [
            ConversationEntryModel.sid.set(sid),
            ConversationEntryModel.check_due.remove(),  # Twilio has it: nothing to check
        ]
        if segments is not None:
            entry_actions.append(ConversationEntryModel.segments.set(segments))
        step = None
        if scheduled is not None:
            step = settled_from_sending(
                scheduled.client_id,
                scheduled.scheduled_id,
                ScheduleState.SENT,
                now,
                late_seconds=scheduled.late_seconds,
                sent_at=now,
            )

        def write(parts: Parts) -> None:
            actions = list(entry_actions)
            condition: Condition = ConversationEntryModel.entry_key.exists()
            if "status" in parts:
                actions += [
                    ConversationEntryModel.status.set(status),
                    ConversationEntryModel.status_rank.set(rank(status)),
                ]
                condition = forward_to(status)
            with TransactWrite(connection=transactions()) as tx:
                tx.save(audit)  # item 0 (puts come before updates)
                tx.update(ConversationEntryModel(ref.client_id, ref.entry_key), actions, condition)
                parts.index["status"] = 1
                items = 2
                if not is_unclaimed(ref.client_id):  # a reply to a waiting number: no client
                    client_update: list[Action] = [ClientModel.changed_at.set(now)]
                    if step is not None and "step" in parts:
                        client_update.append(ClientModel.scheduled_count.add(-1))
                    tx.update(
                        ClientModel(ref.client_id),
                        actions=client_update,
                        condition=ClientModel.client_id.exists(),
                    )
                    items += 1
                file_sid(tx, sid, ref, now)
                items += 1
                if step is not None and "step" in parts:
                    parts.index["step"] = items
                    step.add_to(tx)
                    items += step.items
                if reminder is not None and "reminded" in parts:
                    parts.index["reminded"] = items
                    mark_reminded(tx, reminder, now)

        reminder = reminded_of(scheduled)
        optional = ["step"] if step else []
        optional += ["reminded"] if reminder else []
        parts = Parts("status", *optional)
        try:
            written_dropping(f"sent text {sid}", write, parts, guard_item=None)
            return
        except WriteNotStored as failed:
            if failed.cause is not Cause.CONDITION or not self.recorded(ref, sid, segments):
                raise
            # an earlier try of this same write landed; only its answer was lost

    def recorded(self, ref: OutboundRef, sid: str, segments: int | None) -> bool:
        """Has this send's record (sid and segments) already been written on the text?"""
        try:
            row = ConversationEntryModel.get(ref.client_id, ref.entry_key, consistent_read=True)
        except ConversationEntryModel.DoesNotExist:
            return False
        stored = int(row.segments) if row.segments is not None else None
        return row.sid == sid and (segments is None or stored == segments)

    def change_status(
        self,
        ref: OutboundRef,
        change: StatusChange,
        step: RowStep | None = None,
        reminded: Reminded | None = None,
    ) -> bool:
        """Move a text's status forward and flag its client; False when the status would
        not move forward (a late or repeated callback), or ``change.sid`` is not the sid
        already filed for the text, either of which changes nothing. ``step`` moves the
        scheduled text the text is, in the same transaction, if it still stands as read;
        ``reminded``: the text is a reminder Twilio took, its appointment is marked."""
        now = datetime.now(UTC)
        actions: list[Action] = [
            ConversationEntryModel.status.set(change.status),
            ConversationEntryModel.status_rank.set(rank(change.status)),
        ]
        if change.error_code is not None:
            actions.append(ConversationEntryModel.error_code.set(change.error_code))
        if change.sid:
            actions.append(ConversationEntryModel.sid.set(change.sid))
        if change.status == "unknown":  # stays on the index until someone knows
            actions.append(ConversationEntryModel.check_due.set(check_key(ref_id(ref))))
        else:
            actions.append(ConversationEntryModel.check_due.remove())
        condition = forward_to(change.status)
        if change.sid:  # a callback naming the text by its id may not give it another sid
            condition &= ConversationEntryModel.sid.does_not_exist() | (
                ConversationEntryModel.sid == change.sid
            )
        has_client = not is_unclaimed(ref.client_id)  # a reply to a waiting number: none

        def write(parts: Parts) -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.update(  # item 0
                    ConversationEntryModel(ref.client_id, ref.entry_key),
                    actions=actions,
                    condition=condition,
                )
                items = 1
                if has_client:
                    client_update = client_actions(change.effect, now)
                    client_condition = ClientModel.client_id.exists()
                    if "contact" in parts:  # last contact: the newest text that reached
                        action, newer = contact_at(time_of_key(ref.entry_key))  # the phone
                        client_update.append(action)
                        client_condition = client_condition & newer
                        parts.index["contact"] = items
                    if step is not None and "step" in parts and step.leaves_pending:
                        client_update.append(ClientModel.scheduled_count.add(-1))
                    tx.update(ClientModel(ref.client_id), client_update, client_condition)
                    items += 1
                if change.sid:
                    file_sid(tx, change.sid, ref, now)
                    items += 1
                if step is not None and "step" in parts:
                    parts.index["step"] = items
                    step.add_to(tx)
                    items += step.items
                if reminded is not None and "reminded" in parts:
                    parts.index["reminded"] = items
                    mark_reminded(tx, reminded, now)

        parts = Parts(
            *(["contact"] if has_client and change.status in REACHED_PHONE else []),
            *(["step"] if step is not None else []),
            *(["reminded"] if reminded is not None else []),
        )
        return written_dropping(f"status {change.status}", write, parts)

    def remember_early(self, sid: str, status: str, error_code: int | None) -> bool:
        """A callback for a sid nothing has filed yet: park the best status seen (7 days).

        False when the condition refused it: a better status is parked already, or the sid
        was filed meanwhile (the caller looks again and applies the status to the text).
        """
        now = datetime.now(UTC)
        lower = statuses_below(status)
        no_better_yet = TwilioMessageModel.early_status.does_not_exist()
        if lower:
            no_better_yet = no_better_yet | TwilioMessageModel.early_status.is_in(*lower)
        code_action = (
            TwilioMessageModel.early_error_code.set(error_code)
            if error_code is not None
            else TwilioMessageModel.early_error_code.remove()
        )

        def write() -> None:
            TwilioMessageModel(sid).update(
                actions=[
                    TwilioMessageModel.early_status.set(status),
                    code_action,
                    TwilioMessageModel.created_at.set(TwilioMessageModel.created_at | now),
                    TwilioMessageModel.expires_at.set(now + timedelta(days=EARLY_DAYS)),
                ],
                condition=TwilioMessageModel.client_id.does_not_exist() & no_better_yet,
            )

        try:
            retry_transient(f"early status {sid}", write)
        except PynamoDBException as exc:
            if classify(exc).cause is not Cause.CONDITION:
                raise
            return False
        return True
