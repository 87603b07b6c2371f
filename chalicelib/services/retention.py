"""The records-retention job: delete what is past its schedule, paced, a page at a time.

A *pass* takes every kind with a schedule in turn (closed clients, texts, mass texts,
waiting numbers; audit rows leave by TTL, as no role may delete them), reading its table
a page at a time from where it stood. A pass starts at most once a local day; the job runs
hourly, so a pass too long for one run (the first one, with years of records behind it)
goes on within the hour from its checkpoint. Each page's position is recorded only once
the page is done, so a run cut off mid-page does the page again, and finds what it already
deleted gone.

It deletes nothing while the jurisdiction file's ``legal_hold`` is true or the hold switch in
the table is on, and every deleting transaction checks the switch again (a hold put on
mid-run stops the next batch). Runs never overlap (a lease on the job row). What a run
deleted is one audit row per kind, with the counts and the cutoff; the job also logs the
counts and emits them as metrics.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from ..domain.retention import (
    PASS_ORDER,
    RecordKind,
    RecordsRetention,
    cutoff,
    entry_may_go,
    pass_due,
)
from ..store.client_purge import PurgeResult
from ..store.guarded_deletes import Outcome
from ..store.retention import RecordSweeps
from ..store.retention_pages import Cursor
from ..store.retention_state import LeaseLost, PassProgress, RetentionState
from ..store.retention_sweeps import HOLD_GUARD

PAGE_LIMIT = 500  # items a Scan page reads (DynamoDB counts them before the filter)
ITEMS_PER_SECOND = 100  # the job's share of capacity: records deleted, pages counted below
PAGE_COST = 10  # a page of up to 500 small items reads about what 10 deletions write
LEASE = timedelta(minutes=10)  # longer than the function's timeout (.chalice/config.json)


class RunOutcome(StrEnum):
    NO_SCHEDULE = "no_schedule"  # nothing has a schedule: kept forever
    HELD = "held"  # a legal hold: nothing deleted (or the run stopped at it)
    BUSY = "busy"  # another run holds the job
    UP_TO_DATE = "up_to_date"  # today's pass is done
    FINISHED = "finished"  # this run finished the pass
    CONTINUES = "continues"  # out of time: the next run goes on from the checkpoint
    LEASE_LOST = "lease_lost"  # this run outlived its lease; the next one goes on


class Pacer:
    """Keeps the job to its share of capacity and inside its time: ``spend`` sleeps so that
    no more than ``rate`` units a second go by on average; ``has_time`` until the budget."""

    def __init__(
        self,
        budget_seconds: float,
        rate: float = ITEMS_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clock, self.sleep, self.rate = clock, sleep, rate
        self.started = clock()
        self.ends = self.started + budget_seconds
        self.spent = 0.0

    def has_time(self) -> bool:
        return self.clock() < self.ends

    def spend(self, units: float) -> None:
        self.spent += units
        ahead = self.spent / self.rate - (self.clock() - self.started)
        if ahead > 0:
            self.sleep(min(ahead, max(0.0, self.ends - self.clock())))


@dataclass
class RetentionReport:
    outcome: RunOutcome
    deleted: dict[str, int] = field(default_factory=dict)  # by record type
    kept_on_hold: int = 0  # old records left for a client's own hold
    changed: int = 0  # rows left because they changed after they were read
    pending: int = 0  # closed clients left with texts still to send or settle
    cutoffs: dict[str, datetime] = field(default_factory=dict)  # by kind swept
    by_kind: dict[RecordKind, dict[str, int]] = field(default_factory=dict)  # for the audit

    def add(self, kind: RecordKind, outcome: Outcome) -> None:
        counts = self.by_kind.setdefault(kind, {})
        for name, count in outcome.deleted.items():
            self.deleted[name] = self.deleted.get(name, 0) + count
            counts[name] = counts.get(name, 0) + count
        self.changed += outcome.changed


class Stop(StrEnum):
    HELD = "held"
    OUT_OF_TIME = "out_of_time"


@dataclass(frozen=True)
class Run:
    """One run's fixed inputs."""

    policy: RecordsRetention
    zone: tzinfo
    now: datetime
    sweeps: RecordSweeps
    pacer: Pacer
    report: RetentionReport


def run_retention(
    policy: RecordsRetention,
    zone: tzinfo,
    state: RetentionState,
    sweeps: RecordSweeps,
    now: datetime,
    pacer: Pacer,
    token: str | None = None,
) -> RetentionReport:
    """One run of the job: go on with today's pass (or start it), until done or out of time."""
    if not policy.kinds:
        return RetentionReport(RunOutcome.NO_SCHEDULE)
    if policy.legal_hold or state.hold().held:
        return RetentionReport(RunOutcome.HELD)
    token = token or secrets.token_hex(8)
    progress = state.claim(token, now, LEASE)
    if progress is None:
        return RetentionReport(RunOutcome.BUSY)
    run = Run(policy, zone, now, sweeps, pacer, RetentionReport(RunOutcome.CONTINUES))
    try:
        if not progress.in_progress:
            if not pass_due(progress.started_at, now, zone):
                run.report.outcome = RunOutcome.UP_TO_DATE
                return run.report
            progress = state.start_pass(token, now, policy.kinds[0].value)
        run.report.outcome = _go_on(run, state, token, progress)
    except LeaseLost:
        run.report.outcome = RunOutcome.LEASE_LOST
    finally:
        try:
            _record_summaries(run)
        finally:
            state.release(token)
    return run.report


def _go_on(run: Run, state: RetentionState, token: str, progress: PassProgress) -> RunOutcome:
    for kind, cursor in _remaining(run.policy, progress):
        before = cutoff(_days(run.policy, kind), run.now, run.zone)
        run.report.cutoffs[kind.value] = before
        while True:
            if not run.pacer.has_time():
                state.advance(token, kind.value, cursor)
                return RunOutcome.CONTINUES
            page, stop = _sweep_page(run, kind, before, cursor)
            if stop is not None:
                state.advance(token, kind.value, cursor)  # this page again, next run
                return RunOutcome.HELD if stop is Stop.HELD else RunOutcome.CONTINUES
            cursor = page
            if cursor is None:
                break
            state.advance(token, kind.value, cursor)
    state.finish_pass(token, run.now)
    return RunOutcome.FINISHED


def _remaining(
    policy: RecordsRetention, progress: PassProgress
) -> Iterable[tuple[RecordKind, Cursor | None]]:
    """The kinds still to sweep in this pass, the current one from its checkpoint (a kind
    whose schedule was removed meanwhile is skipped)."""
    known = {kind.value: kind for kind in PASS_ORDER}
    phase = known.get(progress.phase or "", PASS_ORDER[0])
    for kind in policy.kinds:
        if PASS_ORDER.index(kind) < PASS_ORDER.index(phase):
            continue
        yield kind, progress.cursor if kind is phase else None


def _days(policy: RecordsRetention, kind: RecordKind) -> int:
    days = policy.days_for(kind)
    assert days is not None  # only kinds with a schedule are swept
    return days


def _sweep_page(
    run: Run, kind: RecordKind, before: datetime, cursor: Cursor | None
) -> tuple[Cursor | None, Stop | None]:
    """One page of ``kind``: its records deleted; the next cursor, or why it stopped."""
    sweeps, pacer = run.sweeps, run.pacer
    pacer.spend(PAGE_COST)
    if kind is RecordKind.CLOSED_CLIENTS:
        clients = sweeps.closed_clients(before, cursor, PAGE_LIMIT)
        return clients.next_cursor, _closed_clients(run, clients.items, before)
    if kind is RecordKind.TEXTS:
        entries = sweeps.old_entries(before, cursor, PAGE_LIMIT)
        by_partition: dict[str, list[Any]] = {}
        for entry in entries.items:
            if entry_may_go(entry.at, entry.status, entry.being_settled, before):
                by_partition.setdefault(entry.partition, []).append(entry)
        stop = _each(run, kind, by_partition.items(), sweeps.delete_entries)
        return entries.next_cursor, stop
    if kind is RecordKind.MASS_TEXTS:
        masses = sweeps.old_mass_texts(before, cursor, PAGE_LIMIT)
        page = [(masses.items, masses.items)] if masses.items else []
        stop = _each(run, kind, page, lambda found, _: sweeps.delete_mass_texts(found))
        return masses.next_cursor, stop
    if kind is RecordKind.WAITING_NUMBERS:
        numbers = sweeps.old_waiting_numbers(before, cursor, PAGE_LIMIT)
        groups = [(number, None) for number in numbers.items]
        stop = _each(run, kind, groups, lambda number, _: sweeps.drop_waiting_number(number))
        return numbers.next_cursor, stop
    raise ValueError(f"{kind} is not swept by the job")


def _each(
    run: Run,
    kind: RecordKind,
    groups: Iterable[tuple[Any, Any]],
    delete: Callable[[Any, Any], Outcome],
) -> Stop | None:
    """Delete group by group (a conversation's texts, a mass text's rows)."""
    for owner, records in groups:
        if not run.pacer.has_time():
            return Stop.OUT_OF_TIME
        outcome = delete(owner, records)
        run.report.add(kind, outcome)
        run.pacer.spend(sum(outcome.deleted.values()))
        if outcome.refused_by == HOLD_GUARD:
            return Stop.HELD
        if outcome.refused_by is not None:
            run.report.kept_on_hold += len(records) if records else 1
    return None


def _closed_clients(run: Run, clients: list[Any], before: datetime) -> Stop | None:
    for client in clients:
        if not run.pacer.has_time():
            return Stop.OUT_OF_TIME
        purge = run.sweeps.purge_client(client, before, run.pacer.has_time, run.pacer.spend)
        run.report.add(RecordKind.CLOSED_CLIENTS, Outcome(deleted=purge.deleted))
        if purge.result is PurgeResult.STOPPED:
            return Stop.HELD
        if purge.result is PurgeResult.UNFINISHED:
            return Stop.OUT_OF_TIME
        if purge.result is PurgeResult.PENDING:
            run.report.pending += 1
        elif purge.result is PurgeResult.KEPT:
            run.report.kept_on_hold += 1
    return None


def _record_summaries(run: Run) -> None:
    """One audit row per kind this run deleted something of: counts, schedule, cutoff."""
    for kind, counts in run.report.by_kind.items():
        if not any(counts.values()):
            continue
        details = {
            "kind": kind.value,
            "days": str(run.policy.days_for(kind)),
            "cutoff": run.report.cutoffs[kind.value].isoformat(),
            **{name: str(count) for name, count in sorted(counts.items())},
        }
        run.sweeps.record_summary(details)
