"""What the records-retention tests share: records dated long ago, a fresh job state, and a
run of the job against the session stack's tables.

The job reads every table of the stack, so these tests date their records in the 1990s and
set schedules whose cutoff falls on 1 January 2000: nothing else any test stores is that old,
so a run deletes only what the test itself made.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib import bootstrap
from chalicelib.domain.clients import Client
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.domain.retention import RecordsRetention
from chalicelib.domain.retirement import Retirement, RetireReason
from chalicelib.services.retention import Pacer, run_retention
from chalicelib.store.audit import audit_row, client_subject
from chalicelib.store.conversations import entry_key
from chalicelib.store.models import ClientModel, RecordsRetentionModel, TwilioMessageModel
from chalicelib.store.retention_state import HOLD, JOB
from tests.helpers import fresh_phone

DENVER = ZoneInfo("America/Denver")
LONG_AGO = datetime(1995, 6, 1, 18, 0, tzinfo=UTC)
CUTOFF_DAY = date(2000, 1, 1)


def days_to_2000(now: datetime) -> int:
    """The schedule (days) whose cutoff is the start of 1 January 2000, Denver time."""
    return (now.astimezone(DENVER).date() - CUTOFF_DAY).days


def schedule(now: datetime, *, texts: bool = True, clients: bool = True, audit: bool = True):
    days = days_to_2000(now)
    return RecordsRetention(
        texts_days=days if texts else None,
        closed_clients_days=days if clients else None,
        audit_days=days if audit else None,
    )


def fresh_state() -> None:
    """No pass in progress, no lease, no hold: each test starts a pass of its own."""
    for name in (JOB, HOLD):
        RecordsRetentionModel(name).delete()


def hold_everything(on: bool = True) -> None:
    RecordsRetentionModel(HOLD, held=on, matter="test").save()


def new_client(stores, staff, *, department: str = "probation") -> Client:
    return stores.clients.add(
        Client(
            secrets.token_hex(10),
            department,
            staff.user_id,
            "Rita",
            f"Retention{secrets.token_hex(3)}",
            fresh_phone(),
        )
    )


def retire_long_ago(stores, client: Client, at: datetime = LONG_AGO) -> Client:
    from chalicelib.domain.conversation import marker

    return stores.clients.retire(
        client,
        Retirement(at, RetireReason.CASE_CLOSED, "test"),
        marker(client.client_id, "retired", "Retired."),
        {"reason": "case_closed"},
    )


def old_text(
    stores, client_id: str, at: datetime = LONG_AGO, *, status: str = "delivered", sid: str = ""
) -> ConversationEntry:
    """An outbound text stored at ``at`` (with its MessageSid row when ``sid``)."""
    entry = ConversationEntry(
        client_id,
        secrets.token_hex(8),
        at,
        EntryKind.TEXT,
        body="an old text",
        direction=Direction.OUTBOUND,
        phone="+12025550100",
        status=status,
        sid=sid,
    )
    stores.conversations.add(entry)
    if sid:
        TwilioMessageModel(
            sid,
            client_id=client_id,
            entry_key=entry_key(at, entry.entry_id),
            direction="outbound",
            created_at=at,
        ).save()
    return entry


def old_audit(subject: str, at: datetime = LONG_AGO) -> str:
    """An audit row written at ``at`` (its place in the chain is the next number)."""
    row = audit_row(subject, "someone", "view")
    row.at = f"{at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{secrets.token_hex(4)}"
    row.save()
    return row.at_id


def hold_client(client_id: str, matter: str | None = "Case 24-CV-0192") -> None:
    """Put a client's hold on (for ``matter``), or lift it (None)."""
    held = ClientModel.legal_hold
    ClientModel(client_id).update(actions=[held.set(matter) if matter else held.remove()])


def entry_ids(stores, client_id: str) -> set[str]:
    return {entry.entry_id for entry in stores.conversations.everything(client_id, 500)}


def audit_ids(stores, subject: str) -> set[str]:
    return {row.at_id for row in stores.audit.trail(subject, limit=500)}


def client_audit(stores, client_id: str) -> list:
    return stores.audit.trail(client_subject(client_id), limit=500)


def recent(now: datetime) -> datetime:
    return now - timedelta(days=2)


@pytest.fixture(autouse=True)
def job_state(stack):
    """The job's checkpoint and lease start and end empty (each retention test module
    imports this, so it applies there only)."""
    fresh_state()
    yield
    fresh_state()


def run_job(policy, now, pacer=None, sweeps=None, token=None):
    """One run of the records-retention job on the session stack, unpaced unless ``pacer``
    says otherwise."""
    state, real = bootstrap.records_retention()
    pacer = pacer or Pacer(120, rate=1e9)
    return run_retention(policy, DENVER, state, sweeps or real, now, pacer, token)
