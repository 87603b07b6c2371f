"""A backfill that stops halfway through ``upgrade_plan --apply`` (DynamoDB failing under
it) stops the upgrade saying which backfill and that running it again goes on; running
the upgrade again resumes that backfill from its checkpoint, and the items end as the
rehearsal expects them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.version import __version__
from infra.ops import upgrade_plan
from infra.ops.backfills import runner
from tests.infra.test_upgrade_rehearsal import (
    JURISDICTION,
    build_release,
    check_upgraded,
    checkpoint,
    prefix,  # noqa: F401  (fixture)
    seeded_courthouses,  # noqa: F401  (fixture)
    upgrade,
)


def fail_the_nth(monkeypatch, operation_name: str, nth: int, action: str) -> None:
    """The runner's ``nth`` DynamoDB call of ``operation_name`` fails as a DynamoDB outage
    would; ``monkeypatch.undo`` or setting ``runner.call`` back ends it."""
    real = runner.call
    seen: list[str] = []

    def failing(table: str, operation: Any, **request: Any) -> Any:
        if getattr(operation, "__name__", "") == operation_name:
            seen.append(table)
            if len(seen) == nth:

                def refused(**_: Any) -> Any:
                    error = {"Error": {"Code": "InternalServerError", "Message": "injected"}}
                    raise ClientError(error, action)  # type: ignore[arg-type]

                operation = refused
        return real(table, operation, **request)

    monkeypatch.setattr(runner, "call", failing)


@pytest.mark.any_hour
def test_a_backfill_stopped_by_a_failure_stops_the_upgrade_and_resumes_from_its_checkpoint(
    prefix,  # noqa: F811
    tmp_path,
    capsys,
    monkeypatch,
    seeded_courthouses,  # noqa: F811
):
    _, expected = build_release("0.17.0", prefix)
    real = runner.call
    fail_the_nth(monkeypatch, "update_item", 6, "UpdateItem")
    argv = ["--jurisdiction", JURISDICTION, "--local", "--table-prefix", prefix,
            "--out", str(tmp_path / "out"), "--from-release", "0.17.0", "--apply"]  # fmt: skip
    assert upgrade_plan.main(argv) == 2  # failed: run again (not 1, "refused, nothing done")
    err = capsys.readouterr().err
    assert "backfill courthouse_codes stopped" in err and "run the upgrade again" in err, err
    saved = checkpoint(prefix, "courthouse_codes")
    assert saved is not None and "finished_at" not in saved

    monkeypatch.setattr(runner, "call", real)
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", "0.17.0", "--apply")
    assert "Step 1: backfill courthouse_codes on appointments" in printed  # index is there
    assert "resuming the pass in progress" in printed
    assert "examined 30, changed 20, already right 5, skipped 5" in printed  # the whole pass
    check_upgraded(prefix, expected)


@pytest.mark.any_hour
def test_a_second_pass_stopped_after_the_release_resumes_when_the_upgrade_runs_again(
    prefix,  # noqa: F811
    tmp_path,
    capsys,
    monkeypatch,
    seeded_courthouses,  # noqa: F811
):
    _, expected = build_release("0.17.0", prefix)
    real = runner.call
    fail_the_nth(monkeypatch, "scan", 2, "Scan")  # the second pass, after the release's own step
    argv = ["--jurisdiction", JURISDICTION, "--local", "--table-prefix", prefix,
            "--out", str(tmp_path / "out"), "--from-release", "0.17.0", "--apply"]  # fmt: skip
    assert upgrade_plan.main(argv) == 2
    stopped = capsys.readouterr().out  # the step's number moves with the audit index's rebuild
    assert re.search(r"Step \d: backfill courthouse_codes on appointments again", stopped)

    monkeypatch.setattr(runner, "call", real)  # the release is deployed: the stack says so
    printed = upgrade(prefix, tmp_path, capsys, "--from-release", __version__, "--apply")
    assert "Step 1: backfill courthouse_codes on appointments" in printed
    assert "resuming the pass in progress" in printed
    assert "Step 2" not in printed  # no release deployed again
    saved = checkpoint(prefix, "courthouse_codes")
    assert saved is not None and "finished_at" in saved
    check_upgraded(prefix, expected)
    again = upgrade(prefix, tmp_path, capsys, "--from-release", __version__, "--apply")
    assert again.startswith("Nothing to do"), again
