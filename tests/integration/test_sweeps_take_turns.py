"""The jobs' lease on the running stack's table: a second run while one holds it is refused;
given back, or outlived by a run that died, it lets the next run in
(tests/unit/test_sweeps_take_turns.py: the sweep's use of it)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from chalicelib.store.job_leases import JobLeases
from tests.clock import real_now

pytestmark = pytest.mark.any_hour


def test_a_second_lease_is_refused_until_the_first_is_given_back_or_runs_out(stack):
    from chalicelib import bootstrap

    bootstrap.stores()  # binds the stage's tables
    leases, job = JobLeases(), f"test-{secrets.token_hex(4)}"
    now = real_now()

    assert leases.take(job, "first", now, timedelta(seconds=60))
    assert not leases.take(job, "second", now + timedelta(seconds=30), timedelta(seconds=60))
    leases.release(job, "second")  # not its lease: changes nothing
    assert not leases.take(job, "third", now + timedelta(seconds=30), timedelta(seconds=60))
    leases.release(job, "first")
    assert leases.take(job, "fourth", now + timedelta(seconds=31), timedelta(seconds=60))
    # "fourth" dies holding it: the next run gets in once its minute is over
    assert not leases.take(job, "fifth", now + timedelta(seconds=90), timedelta(seconds=60))
    assert leases.take(job, "fifth", now + timedelta(seconds=92), timedelta(seconds=60))
