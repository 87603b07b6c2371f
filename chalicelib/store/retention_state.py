"""The records-retention job's own rows: the jurisdiction-wide legal hold and the pass in
progress.

- ``legal-hold``: ``held`` true stops every deletion at once, without a deploy. It is not
  only read when a run starts: every deleting transaction checks it (``hold_guard``), so a
  hold put on while a run is deleting stops the next deletion.
- ``job``: the pass over the tables (when it started and finished, which kind of record it
  is sweeping, the Scan's start key to go on from) and the run holding it. A run takes the
  lease with a condition (nobody holds it, or the holder's lease ran out), and every step it
  records is conditioned on still holding it, so EventBridge firing twice, or a run outliving
  its lease, can only learn that it lost.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PynamoDBException, UpdateError
from pynamodb.expressions.condition import Condition

from .models import RecordsRetentionModel
from .write_failures import Cause, classify, retry_transient

HOLD = "legal-hold"
JOB = "job"


@dataclass(frozen=True)
class Hold:
    held: bool
    matter: str = ""
    changed_by: str = ""
    changed_at: datetime | None = None


@dataclass(frozen=True)
class PassProgress:
    """Where the pass stands: ``phase`` None and ``finished_at`` set when it is done."""

    started_at: datetime | None = None
    finished_at: datetime | None = None
    phase: str | None = None
    cursor: dict[str, Any] | None = None

    @property
    def in_progress(self) -> bool:
        return self.started_at is not None and self.finished_at is None


def hold_guard() -> tuple[type[RecordsRetentionModel], str, Condition]:
    """The condition check every deleting transaction carries: no jurisdiction-wide hold."""
    held = RecordsRetentionModel.held
    return RecordsRetentionModel, HOLD, held.does_not_exist() | (held == False)  # noqa: E712


class LeaseLost(Exception):
    """Another run holds the job now: this one must stop without recording anything."""


class RetentionState:
    def hold(self) -> Hold:
        try:
            row = RecordsRetentionModel.get(HOLD, consistent_read=True)
        except RecordsRetentionModel.DoesNotExist:
            return Hold(False)
        return Hold(bool(row.held), row.matter or "", row.changed_by or "", row.changed_at)

    def claim(self, token: str, now: datetime, lease: timedelta) -> PassProgress | None:
        """The job for this run until ``now + lease``; None while another run holds it."""
        row = RecordsRetentionModel(JOB)
        free = RecordsRetentionModel.lease_until.does_not_exist() | (
            RecordsRetentionModel.lease_until < now
        )

        def write() -> Any:
            return row.update(
                actions=[
                    RecordsRetentionModel.lease_until.set(now + lease),
                    RecordsRetentionModel.lease_token.set(token),
                ],
                condition=free,
            )

        try:
            retry_transient("records-retention lease", write)
        except UpdateError as exc:
            if classify(exc).cause is Cause.CONDITION:
                return None
            raise
        return _progress(row)

    def start_pass(self, token: str, now: datetime, phase: str) -> PassProgress:
        self._step(
            token,
            RecordsRetentionModel.pass_started_at.set(now),
            RecordsRetentionModel.pass_finished_at.remove(),
            RecordsRetentionModel.phase.set(phase),
            RecordsRetentionModel.cursor.remove(),
        )
        return PassProgress(started_at=now, phase=phase)

    def advance(self, token: str, phase: str, cursor: dict[str, Any] | None) -> None:
        """The pass goes on from ``cursor`` in ``phase`` (None: from the phase's start)."""
        self._step(
            token,
            RecordsRetentionModel.phase.set(phase),
            RecordsRetentionModel.cursor.set(json.dumps(cursor, sort_keys=True))
            if cursor
            else RecordsRetentionModel.cursor.remove(),
        )

    def finish_pass(self, token: str, now: datetime) -> None:
        self._step(
            token,
            RecordsRetentionModel.pass_finished_at.set(now),
            RecordsRetentionModel.phase.remove(),
            RecordsRetentionModel.cursor.remove(),
        )

    def release(self, token: str) -> None:
        """Let the next run in at once (one that dies is let in when its lease ends)."""
        with suppress(LeaseLost):  # the lease ran out and another run took it: its now
            self._step(
                token,
                RecordsRetentionModel.lease_until.remove(),
                RecordsRetentionModel.lease_token.remove(),
            )

    def _step(self, token: str, *actions: Any) -> None:
        row = RecordsRetentionModel(JOB)
        try:
            retry_transient(
                "records-retention progress",
                lambda: row.update(
                    actions=list(actions), condition=RecordsRetentionModel.lease_token == token
                ),
            )
        except PynamoDBException as exc:
            if classify(exc).cause is Cause.CONDITION:
                raise LeaseLost("another run of records-retention holds the job") from exc
            raise


def _progress(row: RecordsRetentionModel) -> PassProgress:
    return PassProgress(
        started_at=row.pass_started_at,
        finished_at=row.pass_finished_at,
        phase=row.phase,
        cursor=json.loads(row.cursor) if row.cursor else None,
    )
