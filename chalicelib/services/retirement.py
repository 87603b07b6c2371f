"""Retiring a client when the case closes, and reactivating them. Each change is one
transaction with its conversation marker and audit row, under the form's version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from ..domain.clients import Client
from ..domain.conversation import marker
from ..domain.errors import StaleRecord, ValidationFailed
from ..domain.phones import display_phone
from ..domain.retirement import Retirement, RetireReason, reactivate_form, retire_form
from ..domain.users import User
from ..store.clients import ClientStore, NumberInUse
from ..store.users import UserStore
from .caseload import open_client


def retire_client(
    user: User,
    clients: ClientStore,
    client_id: str,
    form: Mapping[str, str],
    now: datetime | None = None,
) -> Client:
    """Off the caseload and its counts; nothing can be texted; the history stays."""
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
        f"stop, and texts from {display_phone(client.phone)} wait in Unclaimed.",
        user.user_id,
        {"reason": change.reason, "by": user.user_id},
    )
    return clients.retire(
        replace(client, version=change.version),
        retirement,
        line,
        {"reason": change.reason, "note": change.note},
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
