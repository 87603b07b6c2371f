"""Inbound texts, stored once per MessageSid, and marking a conversation read.

Nothing here reads before it writes: the client's counters are changed with ADD and
list_append, so texts that arrive together from one client do not invalidate each other.
They can still meet in flight (DynamoDB's ``TransactionConflict``); ``retry_transient``
takes care of that with jittered back-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import size
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry, EntryKind
from .audit import audit_row, client_subject
from .conversations import entry_key, to_row
from .last_contact import contact_at, written_moving_contact
from .models import ClientModel, TwilioMessageModel
from .transactions import transactions
from .unread import new_text_updates
from .write_failures import (
    Cause,
    classify,
    retry_transient,
)

if TYPE_CHECKING:  # loaded only for a text that answers a reminder
    from .appointments import RidingChange

EMAIL_DUE = "due"
FIRST_TIME = TwilioMessageModel.sid.does_not_exist()
# Twilio retries within minutes and the fallback queue keeps a request for 14 days: a
# MessageSid guard older than that has nothing left to guard against.
INBOUND_GUARD_DAYS = 30


@dataclass(frozen=True)
class InboundChange:
    """How one inbound text changes its client, beyond the counters every text moves."""

    opted_out: bool | None = None  # STOP / START
    sentiment: float | None = None  # VADER score, for texts that are not keywords
    reply: str | None = None  # what ClientComm answers in TwiML (kept for a retry)


@dataclass(frozen=True)
class Filed:
    """Whether an inbound text was stored now (False: it was stored before), and the
    answer it got: this attempt's, or for a repeat, the one its first attempt stored."""

    stored: bool
    reply: str | None = None
    # where a repeat's text was filed at first (client or unclaimed partition, entry key),
    # from the same old guard item: its media copies are queued again (issue 22)
    place: tuple[str, str] | None = None


def earlier_reply(refusal: PynamoDBException | None) -> str | None:
    """The answer stored on a MessageSid's guard, from the old item DynamoDB returns with a
    failed guard condition (ReturnValuesOnConditionCheckFailure=ALL_OLD): no extra read."""
    reasons = getattr(getattr(refusal, "cause", None), "cancellation_reasons", None) or []
    old = getattr(reasons[0], "raw_item", None) if reasons and reasons[0] else None
    value = (old or {}).get("reply_body") or {}
    return str(value["S"]) if "S" in value else None


def earlier_place(refusal: PynamoDBException | None) -> tuple[str, str] | None:
    """Where a MessageSid's text was filed, from the same old guard item (no extra read)."""
    reasons = getattr(getattr(refusal, "cause", None), "cancellation_reasons", None) or []
    old = getattr(reasons[0], "raw_item", None) if reasons and reasons[0] else None
    owner = ((old or {}).get("client_id") or {}).get("S")
    key = ((old or {}).get("entry_key") or {}).get("S")
    return (str(owner), str(key)) if owner and key else None


def refused_again(refusal: PynamoDBException | None) -> Filed:
    """A repeat of a stored text: its first answer and where it was filed."""
    return Filed(False, earlier_reply(refusal), earlier_place(refusal))


def auto_reply_audits(subject: str, entries: tuple[ConversationEntry, ...]) -> list[Any]:
    """The audit of record for automatic replies: who sent what, in reply to which text."""
    return [
        audit_row(
            subject,
            f"system:{entry.details.get('sent_by', 'clientcomm')}",
            "auto_reply",
            {"entry": entry.entry_id, **entry.details},
        )
        for entry in entries
        if entry.kind is EntryKind.SYSTEM
    ]


def guard_for(sid: str, owner_id: str, key: str, reply: str | None, now: datetime) -> Any:
    """The MessageSid's guard row: created once; keeps where the text is and its answer."""
    return TwilioMessageModel(
        sid,
        client_id=owner_id,
        entry_key=key,
        direction="inbound",
        reply_body=reply,
        created_at=now,
        expires_at=now + timedelta(days=INBOUND_GUARD_DAYS),
    )


def sentiment_update(score: float) -> Action:
    """Append a score without reading the list first (the list is trimmed separately)."""
    return ClientModel.recent_sentiment.set((ClientModel.recent_sentiment | []).append([score]))


class RiderConflict(Exception):
    """The change riding on the text's transaction failed its own condition (its item
    changed since it was read): nothing was written."""


class InboundStore:
    def store_inbound(
        self,
        client: Client,
        entry: ConversationEntry,
        change: InboundChange,
        markers: tuple[ConversationEntry, ...] = (),
        readers: tuple[str, ...] = (),
        riding: RidingChange | None = None,
    ) -> Filed:
        """Store an inbound text once per MessageSid, with its markers and automatic
        replies (system entries) in the same transaction; ``Filed.stored`` is False when it
        was stored before (a Twilio retry or a replay). Raises WriteNotStored otherwise.
        ``readers`` get it as unread, in the same transaction (after the client's item, so
        the item positions the failure handling reads stay as they are). ``riding``: a
        change of an appointment the text makes (a "Y"), written with it or not at all;
        RiderConflict when only its condition stopped it."""
        now = datetime.now(UTC)
        key = entry_key(entry.at, entry.entry_id)
        actions: list[Action] = [
            ClientModel.unread_count.add(1),
            ClientModel.inbound_count.add(1),
            ClientModel.changed_at.set(now),
            ClientModel.email_due.set(EMAIL_DUE),
        ]
        if change.opted_out is not None:
            actions.append(ClientModel.opted_out.set(change.opted_out))
        if change.sentiment is not None:
            actions.append(sentiment_update(change.sentiment))
        guard = guard_for(entry.sid, client.client_id, key, change.reply, now)
        audits = [*auto_reply_audits(client_subject(client.client_id), markers)]
        if riding is not None:
            actions.extend(riding.client_actions)
            audits.extend(riding.rows)
        unread = new_text_updates(readers, client.client_id, client.department_id, entry.at)
        rider_item = 3 + len(markers) + len(audits) + len(unread)  # the last ones
        rider_items = range(rider_item, rider_item + 1 + len(riding.updates if riding else ()))
        refusals: list[PynamoDBException] = []

        def write(move_contact: bool) -> None:
            # Still the case manager the readers were chosen for: a text racing a move to
            # another caseload is refused here (the webhook answers 5xx, Twilio's retry
            # reads the client again) rather than counted as unread for the old one.
            client_update = list(actions)
            client_condition = ClientModel.case_manager_id == client.case_manager_id
            if move_contact:  # a replayed text is older than what may have happened since
                action, newer = contact_at(entry.at)
                client_update.append(action)
                client_condition = client_condition & newer
            try:
                with TransactWrite(connection=transactions()) as tx:
                    tx.save(guard, FIRST_TIME, return_values="ALL_OLD")  # item 0
                    tx.save(to_row(entry))
                    for marker in markers:
                        tx.save(to_row(marker))
                    for row in audits:
                        tx.save(row)
                    tx.update(ClientModel(client.client_id), client_update, client_condition)
                    for item, item_actions in unread:
                        tx.update(item, actions=item_actions)
                    if riding is not None:
                        tx.update(riding.appointment, list(riding.actions), riding.condition)
                        for item, item_actions, condition in riding.updates:
                            tx.update(item, actions=item_actions, condition=condition)
            except PynamoDBException as exc:
                refusals.append(exc)
                failure = classify(exc)
                if (
                    riding is not None
                    and any(failure.item_failed_condition(i) for i in rider_items)
                    and not failure.item_failed_condition(0)
                ):
                    raise RiderConflict(entry.sid) from exc
                raise

        what = f"inbound text {entry.sid}"
        client_item = 2 + len(markers) + len(audits)
        if written_moving_contact(what, write, client_item=client_item):
            return Filed(True, change.reply)
        return refused_again(refusals[-1] if refusals else None)

    def trim_sentiment(self, client_id: str, seen_length: int, keep: list[float]) -> bool:
        """Replace a grown score list by its newest scores, only if nobody appended since.
        Losing this race costs nothing: the list is just trimmed by a later text."""
        try:
            ClientModel(client_id).update(
                actions=[ClientModel.recent_sentiment.set(cast(Any, keep))],  # floats
                condition=size(ClientModel.recent_sentiment) == seen_length,
            )
        except PynamoDBException as exc:
            if classify(exc).cause is Cause.CONDITION:
                return False
            raise
        return True

    def record_view(self, client: Client, actor: str) -> None:
        """Someone opened the conversation: a line in the audit trail."""
        view = audit_row(client_subject(client.client_id), actor, "view")
        retry_transient("audit view", view.save)

    def mark_read(self, client: Client, actor: str, audit: bool = True) -> None:
        """Opening a conversation marks it read and is written to the audit trail (a live
        refresh of a page already open is not a new view). A text that arrived after the
        page was read stays unread."""
        view = audit_row(client_subject(client.client_id), actor, "view") if audit else None
        if not client.unread_count:
            if view is not None:
                retry_transient("audit view", view.save)
            return

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                if view is not None:
                    tx.save(view)
                tx.update(
                    ClientModel(client.client_id),
                    actions=[
                        ClientModel.unread_count.set(0),
                        ClientModel.changed_at.set(datetime.now(UTC)),
                    ],
                    condition=ClientModel.unread_count == client.unread_count,
                )

        try:
            retry_transient("mark read", write)
        except PynamoDBException as exc:
            if classify(exc).cause is not Cause.CONDITION:
                raise
            if view is not None:  # a new text arrived meanwhile: it stays unread
                retry_transient("audit view", view.save)
