"""``python -m infra.ops.legal_hold`` against the local stack, run as ops run it: a hold on
the jurisdiction or on a client stops the records-retention job until it is lifted, each
change has its audit row, a rerun says it is already so, and mistakes end in one line."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest

from chalicelib import bootstrap
from chalicelib.services.retention import Pacer, RunOutcome, run_retention
from chalicelib.store.models import ClientModel
from tests.infra.staff_tools import PREFIX, REGION, run_script, without_aws
from tests.integration.retention_tools import (
    DENVER,
    client_audit,
    entry_ids,
    fresh_state,
    new_client,
    old_text,
    schedule,
)
from tests.integration.session_tools import new_staff

pytestmark = pytest.mark.any_hour
MATTER = "Smith v. County, 24-CV-0192"


@pytest.fixture(autouse=True)
def job_state(stack):
    fresh_state()
    yield
    fresh_state()


def hold(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    target = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", PREFIX]
    return run_script("legal_hold", *target, *args, env=env)


def run_job(now):
    state, sweeps = bootstrap.records_retention()
    return run_retention(schedule(now), DENVER, state, sweeps, now, Pacer(120, rate=1e9))


def test_a_hold_on_the_whole_jurisdiction_stops_the_job_until_it_is_lifted(stack, stores, now):
    client = new_client(stores, new_staff(stack, stores))
    text = old_text(stores, client.client_id)

    on = hold("--all", "--on", "--matter", MATTER, "--by", "County Attorney")
    assert on.returncode == 0, on.stderr
    assert "on: the job deletes nothing from now" in on.stdout
    assert hold("--all", "--on", "--matter", MATTER).stdout.count("already on") == 1
    shown = hold("--status")
    assert f"ON for {MATTER} (County Attorney" in shown.stdout
    assert run_job(now).outcome is RunOutcome.HELD
    assert entry_ids(stores, client.client_id) == {text.entry_id}

    off = hold("--all", "--off")
    assert off.returncode == 0 and "lifted" in off.stdout, off.stderr
    assert "jurisdiction  off" in hold("--status").stdout
    assert run_job(now).outcome is RunOutcome.FINISHED
    assert entry_ids(stores, client.client_id) == set()
    actions = [row.action for row in stores.audit.trail("records-retention", limit=50)]
    assert "legal_hold_on" in actions and "legal_hold_off" in actions


def test_a_hold_on_a_client_keeps_their_records_and_is_in_their_audit_trail(stack, stores, now):
    client = new_client(stores, new_staff(stack, stores))
    text = old_text(stores, client.client_id)

    on = hold("--client", client.client_id, "--on", "--matter", MATTER)
    assert on.returncode == 0, on.stderr
    assert ClientModel.get(client.client_id).legal_hold == MATTER
    assert f"ON for {MATTER}" in hold("--status", "--client", client.client_id).stdout
    assert run_job(now).outcome is RunOutcome.FINISHED
    assert entry_ids(stores, client.client_id) == {text.entry_id}
    (audit,) = [
        row for row in client_audit(stores, client.client_id) if row.action == "legal_hold_on"
    ]
    assert audit.actor == "ops" and audit.details["matter"] == MATTER

    assert "lifted" in hold("--client", client.client_id, "--off").stdout
    assert "already off" in hold("--client", client.client_id, "--off").stdout
    assert ClientModel.get(client.client_id).legal_hold is None
    assert run_job(now + timedelta(days=1)).outcome is RunOutcome.FINISHED
    assert entry_ids(stores, client.client_id) == set()


def test_an_unknown_client_or_a_hold_without_its_matter_is_refused_in_one_line(stack):
    unknown = hold("--client", "no-such-client", "--on", "--matter", MATTER)
    assert unknown.returncode == 1
    assert "there is no client no-such-client" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    bare = hold("--all", "--on")
    assert bare.returncode == 1 and "--on needs --matter" in bare.stderr
    nothing = hold("--on", "--matter", MATTER)
    assert nothing.returncode == 1 and "--all" in nothing.stderr


def test_a_dry_run_needs_no_credentials_and_a_real_run_without_them_fails_in_one_line():
    dry = hold("--all", "--on", "--matter", MATTER, "--dry-run", env=without_aws())
    assert dry.returncode == 0, dry.stderr
    assert "test-records-retention" in dry.stdout and "Dry run" in dry.stdout
    real = hold("--status", env=without_aws())
    assert real.returncode == 2
    assert "no AWS credentials" in real.stderr and "Traceback" not in real.stderr


def test_the_script_explains_itself_with_the_options_every_ops_script_shares():
    done = run_script("legal_hold", "--help")
    assert done.returncode == 0
    for option in ("--jurisdiction", "--dry-run", "--local", "--table-prefix", "--endpoint-url"):
        assert option in done.stdout
    assert "--matter" in done.stdout and "--status" in done.stdout
