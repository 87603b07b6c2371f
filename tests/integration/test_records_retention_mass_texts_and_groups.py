"""Mass texts and groups under the records schedule: the job deletes a mass text (its wording
and recipient list) on the texts' schedule, never under a hold, and a purged client's id
leaves every group of their department."""

from __future__ import annotations

import secrets
from datetime import datetime

import pytest

from chalicelib.domain.mass_texts import MassState
from chalicelib.services.retention import RunOutcome
from chalicelib.store.models import MassTextModel
from chalicelib.store.retention import SUMMARY_SUBJECT, RecordSweeps
from tests.integration.retention_tools import (
    LONG_AGO,
    hold_everything,
    job_state,
    recent,
    schedule,
)
from tests.integration.retention_tools import (
    run_job as run,
)

__all__ = ["job_state"]  # the autouse fixture, shared by the retention tests

pytestmark = pytest.mark.any_hour


def mass_text(department: str, at: datetime, state: MassState = MassState.STARTED) -> str:
    """A mass text started at ``at`` and already fanned out (its stream writes nothing)."""
    mass_id = secrets.token_hex(16)
    MassTextModel(
        mass_id,
        department_id=department,
        author_id="someone",
        body="The office is closed Monday, {first_name}.",
        send_at=at,
        recipients=[secrets.token_hex(10)],
        label="closed Monday",
        state=state.value,
        created_at=at,
        written_at=at,
        started_key=f"{at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{mass_id}",
    ).save()
    return mass_id


def stored(mass_id: str) -> bool:
    try:
        MassTextModel.get(mass_id, consistent_read=True)
    except MassTextModel.DoesNotExist:
        return False
    return True


def test_an_old_mass_text_is_deleted_by_the_job_and_a_recent_one_kept(stack, stores, now):
    old = mass_text("probation", LONG_AGO)
    old_cancelled = mass_text("pretrial", LONG_AGO, MassState.CANCELLED)
    kept = mass_text("probation", recent(now))

    report = run(schedule(now, clients=False, audit=False), now)

    assert report.outcome is RunOutcome.FINISHED
    assert not stored(old)
    assert not stored(old_cancelled)
    assert stored(kept)
    assert report.deleted.get("mass_texts", 0) >= 2
    summaries = stores.audit.trail(SUMMARY_SUBJECT, limit=50)
    assert any(row.details.get("kind") == "mass_texts" for row in summaries)


def test_a_mass_text_to_be_sent_after_the_cutoff_is_kept(stack, stores, now):
    mass_id = mass_text("probation", LONG_AGO)
    MassTextModel(mass_id).update(actions=[MassTextModel.send_at.set(recent(now))])

    run(schedule(now, clients=False, audit=False), now)

    assert stored(mass_id)


def test_no_mass_text_is_deleted_without_a_schedule_for_texts(stack, stores, now):
    mass_id = mass_text("probation", LONG_AGO)

    run(schedule(now, texts=False, audit=False), now)

    assert stored(mass_id)


def test_the_legal_hold_keeps_old_mass_texts(stack, stores, now):
    mass_id = mass_text("probation", LONG_AGO)
    hold_everything()

    report = run(schedule(now, clients=False, audit=False), now)

    assert report.outcome is RunOutcome.HELD
    assert stored(mass_id)


class HoldArrives(RecordSweeps):
    """Ops put the hold on after the run checked the switch, before the mass texts went."""

    def delete_mass_texts(self, masses):
        hold_everything()
        return super().delete_mass_texts(masses)


def test_a_hold_put_on_while_the_job_runs_keeps_the_mass_texts(stack, stores, now):
    mass_id = mass_text("probation", LONG_AGO)

    report = run(schedule(now, clients=False, audit=False), now, sweeps=HoldArrives())

    assert report.outcome is RunOutcome.HELD
    assert stored(mass_id)
    hold_everything(False)
    assert run(schedule(now, clients=False, audit=False), now).outcome is RunOutcome.FINISHED
    assert not stored(mass_id)
