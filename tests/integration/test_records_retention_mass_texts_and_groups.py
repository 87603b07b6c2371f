"""Mass texts and groups under the records schedule: the job deletes a mass text (its wording
and recipient list) on the texts' schedule, never under a hold, and a purged client's id
leaves every group of their department."""

from __future__ import annotations

import secrets
from datetime import datetime

import pytest

from chalicelib.domain.groups import DEPARTMENT, Group
from chalicelib.domain.mass_texts import MassState
from chalicelib.services.retention import RunOutcome
from chalicelib.store.audit import client_subject
from chalicelib.store.groups import new_group_id
from chalicelib.store.models import MassTextModel
from chalicelib.store.retention import SUMMARY_SUBJECT, RecordSweeps
from tests.integration.retention_tools import (
    LONG_AGO,
    audit_ids,
    client_audit,
    hold_client,
    hold_everything,
    job_state,
    new_client,
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


def group_of(stores, staff, owner: str, members) -> Group:
    group = Group(
        new_group_id(owner == DEPARTMENT),
        staff.department_id,
        owner,
        f"Thursday class {secrets.token_hex(2)}",
        frozenset(members),
    )
    return stores.groups.create(group, staff.user_id)


def members_of(stores, group: Group) -> frozenset[str]:
    found = stores.groups.get(group.department_id, group.owner, group.group_id)
    assert found is not None
    return found.members


def test_a_purged_client_leaves_no_id_in_their_departments_groups(stack, stores, now):
    staff = new_staff(stack, stores)
    purged = new_client(stores, staff)
    other = new_client(stores, staff)
    own = group_of(stores, staff, staff.user_id, [purged.client_id, other.client_id])
    department = group_of(stores, staff, DEPARTMENT, [purged.client_id])
    untouched = group_of(stores, staff, staff.user_id, [other.client_id])
    retire_long_ago(stores, purged)

    report = run(schedule(now, texts=False, audit=False), now)

    assert report.outcome is RunOutcome.FINISHED
    assert stores.clients.get(purged.client_id) is None
    assert members_of(stores, own) == {other.client_id}
    assert members_of(stores, department) == frozenset()
    assert members_of(stores, untouched) == {other.client_id}
    (destroyed,) = [
        r for r in client_audit(stores, purged.client_id) if r.action == "records_deleted"
    ]
    assert destroyed.details.get("group_memberships") == "2"


def test_a_held_client_stays_in_their_groups(stack, stores, now):
    staff = new_staff(stack, stores)
    held = new_client(stores, staff)
    group = group_of(stores, staff, staff.user_id, [held.client_id])
    retire_long_ago(stores, held)
    hold_client(held.client_id)
    try:
        run(schedule(now, texts=False, audit=False), now)

        assert stores.clients.get(held.client_id) is not None
        assert members_of(stores, group) == {held.client_id}
        assert audit_ids(stores, client_subject(held.client_id))
    finally:
        hold_client(held.client_id, None)
