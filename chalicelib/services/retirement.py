"""Retiring a client when the case closes, and reactivating them. Each change is one
transaction with its conversation marker and audit row, under the form's version.

Retiring then cancels the client's texts still waiting to go out, each conditionally and
with its own line in the conversation. A text a sender already holds is left to it: the
sender refuses a retired client's texts, which is also the safety net if this step is cut
short."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry, marker
from ..domain.errors import NotStored, StaleRecord, ValidationFailed
from ..domain.phones import display_phone
from ..domain.retirement import Retirement, RetireReason, reactivate_form, retire_form
from ..domain.scheduling import ScheduledText
from ..domain.users import User
from ..store.clients import ClientStore, NumberInUse
from ..store.scheduled import ScheduledStore
from ..store.users import UserStore
from .caseload import open_client

log = logging.getLogger(__name__)
PREVIEW = 80  # characters of a cancelled text quoted in its line


def retire_client(
    user: User,
    clients: ClientStore,
    scheduled: ScheduledStore,
    client_id: str,
    form: Mapping[str, str],
    now: datetime | None = None,
) -> Client:
    """Off the caseload and its counts; nothing can be texted, waiting texts are
    cancelled; the history stays."""
    client = open_client(user, clients, client_id)
    change = retire_form(form)
    if client.retired:
        raise StaleRecord("This client was already retired.")
    retirement = Retirement(
        now or datetime.now(UTC), RetireReason(change.reason), user.user_id, change.note
    )
    note = f" ({change.note})" if change.note else ""
    line = marker(
        client.client_id,
        "retired",
        f"Retired by {user.display_name}: {change.label}{note}. Texts to {client.first_name} "
        f"stop; texts from {display_phone(client.phone)} still arrive here.",
        user.user_id,
        {"reason": change.reason, "by": user.user_id},
    )
    retired = clients.retire(
        replace(client, version=change.version),
        retirement,
        line,
        {"reason": change.reason, "note": change.note},
    )
    cancel_waiting_texts(user, retired, scheduled)
    return clients.get(client.client_id) or retired


def cancel_waiting_texts(user: User, client: Client, scheduled: ScheduledStore) -> int:
    """Cancel what waits to be sent to a retired client; how many were cancelled."""
    cancelled = 0
    for text in scheduled.pending_for_client(client.client_id):
        if not text.state.editable:  # a sender holds it: it refuses a retired client
            continue
        try:
            if scheduled.cancel_unsent(text, user.user_id, cancelled_line(user, client, text)):
                cancelled += 1
        except NotStored:  # the sender refuses it at send time instead
            log.warning("a retired client's scheduled text stays for the sender to refuse")
    return cancelled


def cancelled_line(user: User, client: Client, text: ScheduledText) -> ConversationEntry:
    what = "reminder" if text.appointment_id else "scheduled text"
    body = " ".join(text.body.split())
    quoted = body if len(body) <= PREVIEW else body[: PREVIEW - 1] + "…"
    return marker(
        client.client_id,
        "scheduled_cancelled",
        f"Not sent: {client.first_name} was retired, so this {what} was cancelled: “{quoted}”",
        user.user_id,
        {"scheduled": text.scheduled_id, "send_at": text.send_at.isoformat()},
    )


def reactivate_client(
    user: User,
    clients: ClientStore,
    users: UserStore,
    client_id: str,
    form: Mapping[str, str],
) -> Client:
    """Back on the caseload with their number, unless another client holds it now."""
    client = open_client(user, clients, client_id)
    change = reactivate_form(form)
    if not client.retired:
        raise StaleRecord("This client is already active.")
    note = f" ({change.note})" if change.note else ""
    line = marker(
        client.client_id,
        "reactivated",
        f"Reactivated by {user.display_name}: {change.label}{note}.",
        user.user_id,
        {"reason": change.reason, "by": user.user_id},
    )
    try:
        return clients.reactivate(
            replace(client, version=change.version),
            user.user_id,
            line,
            {"reason": change.reason, "note": change.note},
        )
    except NumberInUse as exc:
        holder = clients.get(exc.holder_client_id)
        manager = users.get(holder.case_manager_id) if holder else None
        who = manager.display_name if manager else "another case manager"
        raise ValidationFailed(
            {
                "reason": f"{display_phone(exc.phone)} is now the number of a client on {who}'s "
                "caseload, so this client cannot have it back. Ask them or a supervisor to "
                "change that client's number first; nothing was changed."
            }
        ) from exc
