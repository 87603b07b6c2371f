"""The upgrade plan's steps (infra/ops/upgrade_steps.py), on small schemas: one index change
per table per step, a changed index removed then added back, backfills where they belong."""

from __future__ import annotations

from typing import Any

from infra.ops.backfills.registry import Backfill
from infra.ops.upgrade_steps import BACKFILL, INDEXES, RELEASE, plan


def table(**indexes: str) -> dict[str, Any]:
    return {
        "key_schema": [["id", "HASH"]],
        "attribute_definitions": {"id": "S", **{f"{n}_key": "S" for n in indexes}},
        "global_secondary_indexes": {
            name: {
                "key_schema": [[f"{name}_key", "HASH"]],
                "projection": {"type": kind, "attributes": []},
            }
            for name, kind in indexes.items()
        },
        "local_secondary_indexes": {},
        "stream": None,
        "ttl": None,
        "billing": "PAY_PER_REQUEST",
    }


def backfill(after_index: str | None) -> Backfill:
    return Backfill(f"fill-{after_index}", "9.0.0", "clients", after_index, "test")


def test_each_table_changes_one_index_per_step_and_a_changed_index_is_removed_then_added():
    deployed = {"clients": table(a="ALL", b="ALL"), "users": table(u="ALL")}
    wanted = {"clients": table(a="KEYS_ONLY", c="ALL"), "users": table(u="ALL", v="ALL")}
    steps = plan(deployed, wanted).steps
    changes = [[c.describe() for c in s.changes] for s in steps if s.kind == INDEXES]
    assert changes == [
        [
            "clients: remove index a (its definition changed)",
            "users: add index v (new in this release)",
        ],
        ["clients: add index a (its definition changed)"],
        ["clients: remove index b (dropped by this release)"],
        ["clients: add index c (new in this release)"],
    ]  # fmt: skip
    assert steps[-1].kind == RELEASE


def test_a_backfill_runs_after_the_step_adding_its_index_and_one_without_after_the_release():
    deployed = {"clients": table()}
    wanted = {"clients": table(c="ALL", d="ALL")}
    steps = plan(deployed, wanted, [backfill(None), backfill("c")]).steps
    kinds = [(s.kind, s.backfill.name if s.backfill else None) for s in steps]
    assert kinds == [(INDEXES, None), (BACKFILL, "fill-c"), (INDEXES, None), (RELEASE, None),
                     (BACKFILL, "fill-c"), (BACKFILL, "fill-None")]  # fmt: skip


def test_tables_as_the_release_declares_them_are_nothing_to_do():
    same = {"clients": table(a="ALL")}
    assert plan(same, same).nothing_to_do


def test_functions_the_packaged_release_no_longer_has_are_listed(tmp_path):
    from infra.ops.upgrade_plan import retired_functions

    function = {"Type": "AWS::Serverless::Function"}
    deployed = {"Resources": {"Old": function, "Kept": function, "Table": {"Type": "X"}}}
    packaged = tmp_path / "template.json"
    assert retired_functions(deployed, packaged) is None  # not packaged yet
    packaged.write_text('{"Resources": {"Kept": {"Type": "AWS::Serverless::Function"}}}')
    assert retired_functions(deployed, packaged) == ["Old"]


def test_an_index_a_stopped_run_left_missing_is_added_back_first_and_unavailable_until_then():
    """A run stopped between removing a changed index and adding it back: the rerun sees the
    index as missing. The running release still reads it, so it comes back in step 1."""
    deployed = {"clients": table(**{"by-department": "ALL"})}
    wanted = {"clients": table(**{"by-case-manager": "KEYS_ONLY", "by-department": "KEYS_ONLY"})}
    running = {"clients": {"by-case-manager", "by-department"}}
    first, *_ = plan(deployed, wanted, running=running).steps
    assert [c.describe() for c in first.changes] == [
        "clients: add index by-case-manager (the running release reads it)"
    ]
    assert first.unavailable == ("a case manager's caseload list",)


def test_a_changed_table_key_or_local_index_is_not_planned_but_named():
    from infra.ops.upgrade_steps import unplannable

    deployed = {"clients": table(), "users": table()}
    rekeyed = {**table(), "key_schema": [["id", "HASH"], ["at", "RANGE"]]}
    with_local = {**table(), "local_secondary_indexes": {"x": {}}}
    assert unplannable(deployed, {"clients": rekeyed, "users": with_local}) == [
        "clients: its key changes (a new table and a copy, not an index step)",
        "users: its local indexes change (a new table and a copy, not an index step)",
    ]
    assert unplannable(deployed, deployed) == []
