"""How records-retention runs: it stops before its time is up and the next run goes on from
the checkpoint, a row changed after it was read is left, a second run changes nothing, two
runs never work at once, and the scheduled handler runs it with the function's own grants."""

from __future__ import annotations

import dataclasses
import json
import secrets
from datetime import timedelta

import pytest

from chalicelib import bootstrap
from chalicelib.services import retention as job
from chalicelib.services.retention import Pacer, RunOutcome
from chalicelib.store.models import ConversationEntryModel, RecordsRetentionModel
from chalicelib.store.retention import RecordSweeps
from chalicelib.store.retention_state import JOB
from tests.aws_calls import writes
from tests.integration.retention_tools import (
    entry_ids,
    job_state,
    new_client,
    old_text,
    schedule,
)
from tests.integration.retention_tools import (
    run_job as run,
)
from tests.integration.session_tools import new_staff
from tests.jurisdiction_files import running_jurisdiction, use_jurisdiction

__all__ = ["job_state"]  # the autouse fixture, shared by the retention tests

pytestmark = pytest.mark.any_hour


class PagesOnly(Pacer):
    """Time for ``pages`` pages of reading, then the budget is spent (a run cut short)."""

    def __init__(self, pages: int) -> None:
        super().__init__(120, rate=1e9)
        self.pages_left = pages

    def has_time(self) -> bool:
        return self.pages_left > 0

    def spend(self, units: float) -> None:
        if units == job.PAGE_COST:
            self.pages_left -= 1


class OnlyTheirClosedClients(RecordSweeps):
    """The closed clients of ``client_ids`` only, on pages of the real table. The stack is
    shared: other tests leave clients closed long ago that the job must keep (a hold, a
    text still to send); one on the first page made the cut-short run stop inside that
    page, whose checkpoint is rightly its start (None), not the next page's."""

    def __init__(self, client_ids: set[str]) -> None:
        self.client_ids = client_ids

    def closed_clients(self, before, cursor, limit):
        page = super().closed_clients(before, cursor, limit)
        mine = [c for c in page.items if c.client_id in self.client_ids]
        return dataclasses.replace(page, items=mine)


def job_row() -> RecordsRetentionModel:
    return RecordsRetentionModel.get(JOB, consistent_read=True)


def test_a_run_out_of_time_stops_and_the_next_goes_on_from_its_checkpoint(
    stack, stores, now, monkeypatch
):
    monkeypatch.setattr(job, "PAGE_LIMIT", 40)  # the tables take several pages each
    staff = new_staff(stack, stores)
    clients = [new_client(stores, staff) for _ in range(3)]
    for client in clients:
        for _ in range(3):
            old_text(stores, client.client_id)

    theirs = OnlyTheirClosedClients({c.client_id for c in clients})
    first = run(schedule(now), now, PagesOnly(1), sweeps=theirs)

    assert first.outcome is RunOutcome.CONTINUES
    row = job_row()
    started = row.pass_started_at
    assert row.phase == "closed_clients" and json.loads(row.cursor or "null")
    assert row.lease_until is None  # let go: the next run need not wait for the lease

    second = run(schedule(now), now + timedelta(minutes=60))

    assert second.outcome is RunOutcome.FINISHED
    assert job_row().pass_started_at == started  # the same pass, gone on, not started again
    for client in clients:
        assert entry_ids(stores, client.client_id) == set()


class ChangedMeanwhile(RecordSweeps):
    """A status callback updates one of the old texts after the page was read."""

    def __init__(self, changing: tuple[str, str]) -> None:
        self.changing = changing

    def delete_entries(self, partition, entries):
        if partition == self.changing[0]:
            ConversationEntryModel(*self.changing).update(
                actions=[ConversationEntryModel.status.set("delivered")]
            )
        return super().delete_entries(partition, entries)


def test_a_text_changed_after_it_was_read_is_left_and_the_rest_goes(stack, stores, now):
    from chalicelib.store.conversations import entry_key

    staff = new_staff(stack, stores)
    client = new_client(stores, staff)
    changing = old_text(stores, client.client_id, status="sent")
    other = old_text(stores, client.client_id)
    key = (client.client_id, entry_key(changing.at, changing.entry_id))

    report = run(schedule(now, clients=False), now, sweeps=ChangedMeanwhile(key))

    assert report.outcome is RunOutcome.FINISHED
    assert entry_ids(stores, client.client_id) == {changing.entry_id}
    assert other.entry_id not in entry_ids(stores, client.client_id)
    assert report.changed >= 1


def test_a_second_run_the_same_day_or_a_later_pass_deletes_nothing_more(stack, stores, now):
    staff = new_staff(stack, stores)
    retired = new_client(stores, staff)
    old_text(stores, retired.client_id)
    first = run(schedule(now), now)
    assert first.outcome is RunOutcome.FINISHED

    with writes() as written:
        again = run(schedule(now), now + timedelta(seconds=1))  # the same local day
    assert again.outcome is RunOutcome.UP_TO_DATE
    assert again.deleted == {}
    assert {w for w in written} <= {"dynamodb:UpdateItem"}  # the lease, taken and let go

    with writes() as written:
        tomorrow = run(schedule(now), now + timedelta(days=1))
    assert tomorrow.outcome is RunOutcome.FINISHED
    assert tomorrow.deleted == {}
    assert {w for w in written} <= {"dynamodb:UpdateItem"}  # progress only: no audit row


def test_two_runs_never_work_at_once(stack, stores, now):
    staff = new_staff(stack, stores)
    client = new_client(stores, staff)
    text = old_text(stores, client.client_id)
    state, _ = bootstrap.records_retention()
    assert state.claim("another-run", now, job.LEASE) is not None

    busy = run(schedule(now), now)

    assert busy.outcome is RunOutcome.BUSY
    assert entry_ids(stores, client.client_id) == {text.entry_id}
    later = run(schedule(now), now + job.LEASE + timedelta(seconds=1))  # that run died
    assert later.outcome is RunOutcome.FINISHED
    assert entry_ids(stores, client.client_id) == set()


def test_the_hourly_handler_runs_the_job_with_the_functions_own_grants(
    stack, stores, now, monkeypatch, tmp_path
):
    """The jurisdiction's schedule comes from its file, as deployed; every AWS
    call it makes is checked against records-retention's grants (tests/aws_calls.py)."""
    import app as app_module
    from infra.local.scheduler import scheduled_event
    from tests.integration.retention_tools import days_to_2000

    config = running_jurisdiction()
    days = days_to_2000(now)
    config["records_retention"] = {"texts_days": days, "audit_days": days}
    use_jurisdiction(monkeypatch, tmp_path, config)
    staff = new_staff(stack, stores)
    client = new_client(stores, staff)
    old_text(stores, client.client_id, sid=f"SM{secrets.token_hex(16)}")

    result = app_module.records_retention(scheduled_event("records-retention"), None)

    assert result["outcome"] == "finished"
    assert result["texts"] >= 1
    assert entry_ids(stores, client.client_id) == set()


def test_without_a_schedule_the_handler_reads_nothing(stack):
    import app as app_module
    from infra.local.scheduler import scheduled_event

    result = app_module.records_retention(scheduled_event("records-retention"), None)

    assert result == {"outcome": "no_schedule"}  # demo.json sets none: kept forever
