"""Every day-two script answers --help with the options every ops script shares."""

from __future__ import annotations

import pytest

from tests.infra.staff_tools import run_script


@pytest.mark.parametrize("script", ["offboard", "reset_login", "replan_reminders", "restore_drill"])
def test_every_day_two_script_explains_itself(script):
    done = run_script(script, "--help")
    assert done.returncode == 0
    for option in ("--jurisdiction", "--dry-run", "--local", "--table-prefix"):
        assert option in done.stdout
