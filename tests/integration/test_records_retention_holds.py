"""Legal holds stop the records-retention job: the file's switch and the table's switch
before anything is read, the table's switch again in every deleting transaction (a hold put
on mid-run stops the next deletion), and a client's own hold for everything of theirs."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from chalicelib.services.retention import RunOutcome
from chalicelib.store.audit import client_subject
from chalicelib.store.retention import RecordSweeps
from tests.aws_calls import writes
from tests.integration.retention_tools import (
    audit_ids,
    entry_ids,
    hold_client,
    hold_everything,
    job_state,
    new_client,
    old_audit,
    old_text,
    retire_long_ago,
    schedule,
)
from tests.integration.retention_tools import (
    run_job as run,
)
from tests.integration.session_tools import new_staff

__all__ = ["job_state"]  # the autouse fixture, shared by the retention tests

pytestmark = pytest.mark.any_hour


def test_nothing_is_read_or_deleted_while_the_hold_switch_is_on(stack, stores, now):
    staff = new_staff(stack, stores)
    client = new_client(stores, staff)
    text = old_text(stores, client.client_id)
    hold_everything()

    with writes() as written:
        report = run(schedule(now), now)

    assert report.outcome is RunOutcome.HELD
    assert written == []
    assert entry_ids(stores, client.client_id) == {text.entry_id}


def test_nothing_is_deleted_when_the_jurisdiction_file_holds_everything(stack, stores, now):
    staff = new_staff(stack, stores)
    client = new_client(stores, staff)
    text = old_text(stores, client.client_id)

    with writes() as written:
        report = run(dataclasses.replace(schedule(now), legal_hold=True), now)

    assert report.outcome is RunOutcome.HELD
    assert written == []
    assert entry_ids(stores, client.client_id) == {text.entry_id}


class HoldArrives(RecordSweeps):
    """Ops put the hold on after the run checked the switch, before its first deletion."""

    def delete_entries(self, partition, entries):
        hold_everything()
        return super().delete_entries(partition, entries)


def test_a_hold_put_on_while_the_job_runs_stops_the_very_next_deletion(stack, stores, now):
    staff = new_staff(stack, stores)
    clients = [new_client(stores, staff) for _ in range(2)]
    texts = {c.client_id: old_text(stores, c.client_id).entry_id for c in clients}

    report = run(schedule(now, clients=False), now, sweeps=HoldArrives())

    assert report.outcome is RunOutcome.HELD
    assert report.deleted.get("texts", 0) == 0
    for client_id, entry_id in texts.items():
        assert entry_ids(stores, client_id) == {entry_id}
    hold_everything(False)
    assert run(schedule(now, clients=False), now).outcome is RunOutcome.FINISHED  # goes on
    for client_id in texts:
        assert entry_ids(stores, client_id) == set()


def test_a_held_client_keeps_their_texts_audit_rows_and_closed_record(stack, stores, now):
    staff = new_staff(stack, stores)
    held = new_client(stores, staff)
    other = new_client(stores, staff)
    kept_text = old_text(stores, held.client_id).entry_id
    kept_audit = old_audit(client_subject(held.client_id))
    old_text(stores, other.client_id)
    retire_long_ago(stores, held)
    hold_client(held.client_id)
    try:
        report = run(schedule(now), now)

        assert report.outcome is RunOutcome.FINISHED
        assert stores.clients.get(held.client_id) is not None
        assert kept_text in entry_ids(stores, held.client_id)
        assert kept_audit in audit_ids(stores, client_subject(held.client_id))
        assert entry_ids(stores, other.client_id) == set()
        assert report.kept_on_hold >= 2  # the closed record, a text (audit rows: TTL)
    finally:
        hold_client(held.client_id, None)

    lifted = run(schedule(now), now + timedelta(days=1))  # the next day's pass

    assert lifted.outcome is RunOutcome.FINISHED
    assert stores.clients.get(held.client_id) is None
    assert kept_audit in audit_ids(stores, client_subject(held.client_id))  # TTL's, not the job's
