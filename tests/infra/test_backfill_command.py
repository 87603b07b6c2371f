"""``python -m infra.ops.backfill`` as ops run it: its own process, the shared target
options, ``--list`` without AWS, a run by name against the local stack's moto."""

from __future__ import annotations

import pytest

from tests.infra.backfill_tables import REGION, client, old_client, own_tables
from tests.infra.ops_runs import environment, run_script


def test_the_command_lists_the_backfills_without_aws():
    done = run_script("backfill", ["--jurisdiction", "demo", "--list"], environment(aws=False))
    assert done.returncode == 0, done.stderr
    for name in ("caseload_fields  release 0.17.0", "id_keys", "courthouse_codes  release 0.18.0"):
        assert name in done.stdout


def test_the_command_takes_the_shared_target_options():
    done = run_script("backfill", ["--help"], environment(aws=False))
    assert done.returncode == 0
    for option in ("--jurisdiction", "--dry-run", "--endpoint-url", "--local", "--share", "--name"):
        assert option in done.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--name", "nothing"], "no backfill 'nothing'"),
        ([], "--name"),
        (["--share", "2"], "--share"),
    ],
)
def test_a_backfill_that_cannot_run_is_refused_in_one_line(extra, message):
    args = ["--jurisdiction", "demo", "--local", "--endpoint-url", "http://127.0.0.1:9", *extra]
    if "--name" not in extra and extra:
        args += ["--name", "id_keys"]
    done = run_script("backfill", args, environment(aws=False))
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_backfill_runs_by_name_against_the_local_stack_and_reports_counts_only(stack):
    moto = environment()["AWS_ENDPOINT_URL"]
    with own_tables() as prefix:
        client_id = old_client(prefix, id_number="SECRET-77")
        args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", prefix]
        done = run_script(
            "backfill",
            [*args, "--endpoint-url", moto, "--name", "caseload_fields"],
            environment(aws=False),
        )
        assert done.returncode == 0, done.stderr
        assert "changed" in done.stdout and "search_text set" in done.stdout
        assert "secret" not in done.stdout.casefold() and client_id not in done.stdout
        assert client(prefix, client_id)["active_case_manager"] == "kristina"
        done = run_script(
            "backfill", [*args, "--endpoint-url", moto, "--status"], environment(aws=False)
        )
        assert done.returncode == 0, done.stderr
        states = dict(line.split(None, 1) for line in done.stdout.splitlines())
        assert states["caseload_fields"].startswith("finished ")
        assert states["caseload_fields"].endswith(": 1 examined, 1 changed, 0 skipped")
        assert states["id_keys"] == "no pass recorded"
