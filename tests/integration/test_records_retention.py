"""The records-retention job against the local stack: what is past its schedule goes, with
one audit row per kind; what is newer, still active, still to be sent, or held stays."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import time_machine

from chalicelib.services.retention import RunOutcome
from chalicelib.store.clients import route_key
from chalicelib.store.models import (
    AppointmentModel,
    ClientModel,
    PhoneRouteModel,
    ScheduledTextModel,
    TwilioMessageModel,
    UnreadModel,
)
from chalicelib.store.retention import SUMMARY_SUBJECT
from tests.integration.retention_tools import (
    LONG_AGO,
    audit_ids,
    client_audit,
    days_to_2000,
    entry_ids,
    job_state,
    new_client,
    old_audit,
    old_text,
    recent,
    retire_long_ago,
    schedule,
)
from tests.integration.retention_tools import (
    run_job as run,
)
from tests.integration.session_tools import new_staff

__all__ = ["job_state"]  # the autouse fixture, shared by the retention tests

pytestmark = pytest.mark.any_hour


def exists(model, *key) -> bool:
    try:
        model.get(*key, consistent_read=True)
    except model.DoesNotExist:
        return False
    return True


def test_texts_past_the_schedule_go_and_newer_ones_stay(stack, stores, now):
    staff = new_staff(stack, stores)
    client = new_client(stores, staff)
    sid = f"SM{secrets.token_hex(16)}"
    gone = [old_text(stores, client.client_id, sid=sid), old_text(stores, client.client_id)]
    kept = old_text(stores, client.client_id, recent(now))

    report = run(schedule(now, clients=False), now)

    assert report.outcome is RunOutcome.FINISHED
    assert entry_ids(stores, client.client_id) == {kept.entry_id}
    assert not exists(TwilioMessageModel, sid)  # the reference went with the text
    assert stores.clients.get(client.client_id) is not None  # an active client stays
    assert report.deleted["texts"] >= len(gone)
    summary = {  # one row for what this run deleted of the kind (tests at other instants
        # write theirs with other days)
        tuple(sorted(row.details.items()))
        for row in stores.audit.trail(SUMMARY_SUBJECT, limit=100)
        if row.action == "records_deleted" and row.details.get("kind") == "texts"
    }
    assert (
        tuple(
            sorted(
                {
                    "kind": "texts",
                    "days": str(days_to_2000(now)),
                    "cutoff": "2000-01-01T07:00:00+00:00",
                    "texts": str(report.deleted["texts"]),
                    "references": str(report.deleted["references"]),
                }.items()
            )
        )
        in summary
    )


def test_a_client_closed_long_ago_goes_with_everything_under_them(stack, stores, now):
    staff = new_staff(stack, stores)
    closed = new_client(stores, staff)
    active = new_client(stores, staff)
    for client in (closed, active):
        old_text(stores, client.client_id)
        AppointmentModel(
            client.client_id,
            secrets.token_hex(8),
            department_id="probation",
            case_manager_id=staff.user_id,
            kind="court",
            starts_at=LONG_AGO,
            created_by=staff.user_id,
            created_at=LONG_AGO,
            updated_at=LONG_AGO,
        ).save()
        UnreadModel(
            staff.user_id, client.client_id, unread=1, newest_at=LONG_AGO, department_id="probation"
        ).save()
    ScheduledTextModel(
        closed.client_id,
        secrets.token_hex(8),
        department_id="probation",
        case_manager_id=staff.user_id,
        author_id=staff.user_id,
        body="a reminder",
        send_at=LONG_AGO,
        state="cancelled",
        created_at=LONG_AGO,
        due_key="x",
    ).save()
    retire_long_ago(stores, closed)

    report = run(schedule(now, texts=False), now)

    assert report.outcome is RunOutcome.FINISHED
    assert not exists(ClientModel, closed.client_id)
    assert entry_ids(stores, closed.client_id) == set()
    assert list(AppointmentModel.query(closed.client_id)) == []
    assert list(ScheduledTextModel.query(closed.client_id)) == []
    assert not exists(UnreadModel, staff.user_id, closed.client_id)
    assert not exists(PhoneRouteModel, route_key("probation", closed.phone))
    (deleted,) = [
        row for row in client_audit(stores, closed.client_id) if row.action == "records_deleted"
    ]
    assert deleted.details["texts"] == "2"  # the old text, and the line saying they retired
    assert deleted.details["appointments"] == deleted.details["scheduled_texts"] == "1"
    assert deleted.details["unread"] == deleted.details["phone_routes"] == "1"
    assert deleted.details["cutoff"] == "2000-01-01T07:00:00+00:00"
    # the active client, with texts as old, stays whole: no texts schedule is set
    assert stores.clients.get(active.client_id) is not None
    assert len(entry_ids(stores, active.client_id)) == 1
    assert exists(UnreadModel, staff.user_id, active.client_id)
    assert exists(PhoneRouteModel, route_key("probation", active.phone))
    assert report.deleted["clients"] >= 1


def test_a_closed_client_with_a_text_still_to_send_or_retired_recently_stays(stack, stores, now):
    staff = new_staff(stack, stores)
    waiting = retire_long_ago(stores, new_client(stores, staff))
    pending = ScheduledTextModel(
        waiting.client_id,
        secrets.token_hex(8),
        department_id="probation",
        case_manager_id=staff.user_id,
        author_id=staff.user_id,
        body="still to go",
        send_at=recent(now),
        state="scheduled",
        created_at=recent(now),
        due_key="x",
    )
    pending.save()
    lately = retire_long_ago(stores, new_client(stores, staff), at=recent(now))

    report = run(schedule(now, texts=False), now)

    assert report.outcome is RunOutcome.FINISHED and report.pending >= 1
    assert stores.clients.get(waiting.client_id) is not None
    assert stores.clients.get(lately.client_id) is not None
    pending.update(actions=[ScheduledTextModel.state.set("cancelled")])
    assert run(schedule(now, texts=False), now + timedelta(days=1)).pending == 0
    assert stores.clients.get(waiting.client_id) is None  # once nothing is left to send


def test_a_number_whose_texts_all_went_leaves_the_unclaimed_queue(stack, stores, now):
    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
    from chalicelib.store.models import UnclaimedModel
    from chalicelib.store.partitions import unclaimed_partition
    from chalicelib.store.waiting import waiting_key
    from tests.helpers import fresh_phone

    phone = fresh_phone()
    text = ConversationEntry(
        "", secrets.token_hex(8), LONG_AGO, EntryKind.TEXT, body="who is this", phone=phone,
        direction=Direction.INBOUND, sid=f"SM{secrets.token_hex(16)}",
    )  # fmt: skip
    with time_machine.travel(LONG_AGO, tick=False):
        stores.unclaimed.record("pretrial", text)
    assert phone in UnclaimedModel.get(*waiting_key("pretrial")).waiting

    report = run(schedule(now, clients=False), now)

    assert report.outcome is RunOutcome.FINISHED
    assert not exists(UnclaimedModel, "pretrial", phone)
    assert phone not in (UnclaimedModel.get(*waiting_key("pretrial")).waiting or set())
    assert entry_ids(stores, unclaimed_partition("pretrial", phone)) == set()
    assert report.deleted["waiting_numbers"] >= 1


def test_the_job_deletes_no_audit_row_they_are_left_to_their_ttl(stack, stores, now):
    """Issue 21: the trail is append-only, so old audit rows go by DynamoDB's TTL (see
    test_audit_rows_carry_their_expiry), never by the job's deletes."""
    from chalicelib.store.audit import client_subject

    staff = new_staff(stack, stores)
    client = new_client(stores, staff)
    subjects = [client_subject(client.client_id), f"staff#{staff.user_id}", "department#pretrial"]
    old = {subject: old_audit(subject) for subject in subjects}

    report = run(schedule(now, clients=False), now)

    assert report.outcome is RunOutcome.FINISHED
    for subject, at_id in old.items():
        assert at_id in audit_ids(stores, subject)
    assert "audit_rows" not in report.deleted
