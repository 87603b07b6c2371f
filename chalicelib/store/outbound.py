"""Outbound texts: recorded once before Twilio is called, then their status only moves
forward. Each invariant is a DynamoDB condition, never a read followed by a write."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry
from ..domain.delivery import OPTED_OUT, PROBLEMS, explain, rank
from .activity import audit_row, bump_client_scopes
from .conversations import entry_key, to_row
from .models import ClientModel, ConversationEntryModel, TwilioMessageModel
from .transactions import item_exists, transactions


class OutboundStore:
    def start_outbound(self, entry: ConversationEntry) -> bool:
        """Write the text as "sending" before Twilio is called; False if this draft was
        already sent (a double click or a resubmitted form). One transaction: a draft
        marker that can be written only once, and the text."""
        key = entry_key(entry.at, entry.entry_id)
        draft = TwilioMessageModel(
            f"draft#{entry.entry_id}",
            client_id=entry.client_id,
            entry_key=key,
            direction="outbound",
            created_at=datetime.now(UTC),
        )
        try:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(draft, condition=TwilioMessageModel.sid.does_not_exist())
                tx.save(to_row(entry))
        except TransactWriteError:
            if item_exists(TwilioMessageModel, draft.sid):
                return False
            raise
        return True

    def record_sent(
        self,
        client: Client,
        entry: ConversationEntry,
        sid: str,
        status: str,
        segments: int | None,
        retry: bool = True,
    ) -> None:
        """Twilio took the text: remember its sid and status, in one transaction."""
        now = datetime.now(UTC)
        key = entry_key(entry.at, entry.entry_id)
        sid_row = TwilioMessageModel(
            sid, client_id=client.client_id, entry_key=key, direction="outbound", created_at=now
        )
        try:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(sid_row, condition=TwilioMessageModel.sid.does_not_exist())
                self._status_update(tx, client.client_id, key, status, None, segments, sid)
                tx.update(
                    ClientModel(client.client_id), actions=[ClientModel.last_contact_at.set(now)]
                )
                tx.save(
                    audit_row(
                        f"client#{client.client_id}",
                        entry.author_id,
                        "send",
                        {"entry": entry.entry_id, "sid": sid},
                    )
                )
        except TransactWriteError:
            if item_exists(TwilioMessageModel, sid):
                self._adopt_early_status(client, key, sid, status, segments)
            elif retry:  # cancelled for another reason (a conflicting write): once more
                self.record_sent(client, entry, sid, status, segments, retry=False)
            else:
                raise

    def _adopt_early_status(
        self, client: Client, key: str, sid: str, status: str, segments: int | None
    ) -> None:
        """A status callback beat our own write: it left its status on the sid item."""
        early = TwilioMessageModel.get(sid)
        best, error = status, None
        if early.early_status and rank(early.early_status) > rank(status):
            best, error = early.early_status, early.early_error_code
        with TransactWrite(connection=transactions()) as tx:
            tx.update(
                early,
                actions=[
                    TwilioMessageModel.client_id.set(client.client_id),
                    TwilioMessageModel.entry_key.set(key),
                    TwilioMessageModel.direction.set("outbound"),
                ],
                condition=TwilioMessageModel.client_id.does_not_exist(),
            )
            self._status_update(tx, client.client_id, key, best, error, segments, sid)

    def mark_failed(
        self, client: Client, entry: ConversationEntry, error_code: int | None, reason: str
    ) -> None:
        """Twilio refused the text; a 21610 also records that the client opted out."""
        key = entry_key(entry.at, entry.entry_id)
        client_actions = [ClientModel.delivery_problem.set(reason)]
        if error_code == OPTED_OUT:
            client_actions.append(ClientModel.opted_out.set(True))
        with TransactWrite(connection=transactions()) as tx:
            self._status_update(tx, client.client_id, key, "failed", error_code, None)
            tx.update(ClientModel(client.client_id), actions=client_actions)
            bump_client_scopes(tx, client)

    @staticmethod
    def _status_update(
        tx: TransactWrite,
        client_id: str,
        key: str,
        status: str,
        error_code: int | None,
        segments: int | None,
        sid: str = "",
    ) -> None:
        actions = [
            ConversationEntryModel.status.set(status),
            ConversationEntryModel.status_rank.set(rank(status)),
        ]
        if sid:
            actions.append(ConversationEntryModel.sid.set(sid))
        if error_code is not None:
            actions.append(ConversationEntryModel.error_code.set(error_code))
        if segments is not None:
            actions.append(ConversationEntryModel.segments.set(segments))
        forward = ConversationEntryModel.status_rank.does_not_exist() | (
            ConversationEntryModel.status_rank < rank(status)
        )
        tx.update(
            ConversationEntryModel(client_id, key),
            actions=actions,
            condition=ConversationEntryModel.entry_key.exists() & forward,
        )

    def apply_status(self, sid: str, status: str, error_code: int | None, load_client) -> str:
        """Apply a status callback. Returns "applied", "stale" (not forward: ignored),
        "early" (the send has not recorded its sid yet) or "unknown"."""
        try:
            row = TwilioMessageModel.get(sid)
        except TwilioMessageModel.DoesNotExist:
            return self._remember_early(sid, status, error_code)
        if not row.client_id:
            return self._remember_early(sid, status, error_code)
        client = load_client(row.client_id)
        if client is None:
            return "unknown"
        client_actions = []
        if status in PROBLEMS:
            client_actions.append(ClientModel.delivery_problem.set(explain(error_code)))
            if error_code == OPTED_OUT:
                client_actions.append(ClientModel.opted_out.set(True))
        elif status == "delivered":
            client_actions.append(ClientModel.delivery_problem.remove())
        try:
            with TransactWrite(connection=transactions()) as tx:
                self._status_update(tx, row.client_id, row.entry_key, status, error_code, None)
                if client_actions:
                    tx.update(ClientModel(row.client_id), actions=client_actions)
                bump_client_scopes(tx, client)
        except TransactWriteError:
            return "stale"
        return "applied"

    @staticmethod
    def _remember_early(sid: str, status: str, error_code: int | None) -> str:
        row = TwilioMessageModel(
            sid, early_status=status, early_error_code=error_code, created_at=datetime.now(UTC)
        )
        try:
            row.save(condition=TwilioMessageModel.sid.does_not_exist())
        except PutError:
            return "stale"
        return "early"
