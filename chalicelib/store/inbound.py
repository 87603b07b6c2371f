"""Inbound texts, stored once per MessageSid, and marking a conversation read."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry
from .activity import audit_row, bump, bump_client_scopes, client_scopes
from .conversations import entry_key, to_row
from .models import ClientModel, TwilioMessageModel
from .transactions import condition_failed, item_exists, transactions


class ConcurrentChange(Exception):
    """Another write changed the client between our read and our write; read and retry."""


class InboundStore:
    def store_inbound(
        self,
        client: Client,
        entry: ConversationEntry,
        *,
        opted_out: bool | None,
        recent_sentiment: list[float] | None,
        markers: tuple[ConversationEntry, ...] = (),
    ) -> bool:
        """Store an inbound text once per MessageSid; False when Twilio retried it.

        Raises ConcurrentChange when another text for the client was stored meanwhile.
        """
        now = datetime.now(UTC)
        key = entry_key(entry.at, entry.entry_id)
        actions = [
            ClientModel.unread_count.add(1),
            ClientModel.last_contact_at.set(now),
            ClientModel.inbound_count.add(1),
        ]
        if opted_out is not None:
            actions.append(ClientModel.opted_out.set(opted_out))
        if recent_sentiment is not None:
            actions.append(ClientModel.recent_sentiment.set(recent_sentiment))
        unchanged = (ClientModel.inbound_count == client.inbound_count) | (
            ClientModel.inbound_count.does_not_exist()
        )
        sid_row = TwilioMessageModel(
            entry.sid,
            client_id=client.client_id,
            entry_key=key,
            direction="inbound",
            created_at=now,
        )
        try:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(sid_row, condition=TwilioMessageModel.sid.does_not_exist())
                tx.save(to_row(entry))
                for marker in markers:
                    tx.save(to_row(marker))
                tx.update(ClientModel(client.client_id), actions=actions, condition=unchanged)
                bump_client_scopes(tx, client, unread=1)
        except TransactWriteError as exc:
            duplicate = condition_failed(exc, 0)  # item 0: the MessageSid put
            if duplicate is None:
                duplicate = item_exists(TwilioMessageModel, entry.sid)
            if duplicate:
                return False
            raise ConcurrentChange(client.client_id) from exc
        return True

    def mark_read(self, client: Client, actor: str, audit: bool = True) -> None:
        """Opening a conversation marks it read and is written to the audit trail (a live
        refresh of a page already open is not a new view)."""
        view = audit_row(f"client#{client.client_id}", actor, "view") if audit else None
        if not client.unread_count:
            if view:
                view.save()
            return
        try:
            with TransactWrite(connection=transactions()) as tx:
                tx.update(
                    ClientModel(client.client_id),
                    actions=[ClientModel.unread_count.set(0)],
                    condition=ClientModel.unread_count == client.unread_count,
                )
                for scope in client_scopes(client):
                    item, actions = bump(scope, -client.unread_count)
                    tx.update(item, actions=actions)
                if view:
                    tx.save(view)
        except TransactWriteError:
            if view:  # a new text arrived meanwhile: it stays unread; the view is recorded
                view.save()
