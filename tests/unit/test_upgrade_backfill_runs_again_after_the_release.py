"""A backfill the upgrade runs before the release's own step runs again after it: until the
release is deployed, the running release goes on writing items without what it sets."""

from __future__ import annotations

from infra.ops.backfills.model import Backfill
from infra.ops.upgrade_steps import BACKFILL, INDEXES, RELEASE, plan
from tests.unit.test_upgrade_steps import table


def backfill(after_index: str | None) -> Backfill:
    return Backfill(f"fill-{after_index}", "9.0.0", "clients", after_index, "test")


def test_a_backfill_run_before_the_release_runs_again_right_after_it():
    deployed = {"clients": table()}
    wanted = {"clients": table(c="ALL", d="ALL")}
    steps = plan(deployed, wanted, [backfill(None), backfill("c")]).steps
    kinds = [(s.kind, s.backfill.name if s.backfill else None, s.again) for s in steps]
    assert kinds == [
        (INDEXES, None, False),
        (BACKFILL, "fill-c", False),
        (INDEXES, None, False),
        (RELEASE, None, False),
        (BACKFILL, "fill-c", True),
        (BACKFILL, "fill-None", False),
    ]


def test_a_backfill_left_unfinished_with_nothing_else_to_do_is_the_only_step():
    """A rerun after a second pass stopped: no index changes, no release to deploy again."""
    deployed = {"clients": table(c="ALL")}
    steps = plan(deployed, deployed, [backfill("c")]).steps
    assert [(s.kind, s.again) for s in steps] == [(BACKFILL, False)]
