"""A table a rolled-back upgrade left behind comes first in the plan (infra/ops/upgrade_steps.py):
an empty one is planned as deleted, so the release's template creates it again; one holding
items stays a table of the plan like any other."""

from __future__ import annotations

from typing import Any

from infra.ops.upgrade_steps import INDEXES, KEPT, RELEASE, plan


def table(*indexes: str) -> dict[str, Any]:
    return {
        "key_schema": [["id", "HASH"]],
        "attribute_definitions": {"id": "S", **{f"{n}_key": "S" for n in indexes}},
        "global_secondary_indexes": {
            name: {
                "key_schema": [[f"{name}_key", "HASH"]],
                "projection": {"type": "ALL", "attributes": []},
            }
            for name in indexes
        },
        "local_secondary_indexes": {},
        "stream": None,
        "ttl": None,
        "billing": "PAY_PER_REQUEST",
    }


def test_an_empty_table_left_behind_is_the_first_step_and_the_release_creates_it_again():
    deployed = {"clients": table("a"), "settings": table()}
    wanted = {"clients": table("a", "b"), "settings": table()}
    made = plan(deployed, wanted, release_pending=True, left_behind={"settings": 0})
    assert [(s.number, s.kind) for s in made.steps] == [(1, KEPT), (2, INDEXES), (3, RELEASE)]
    assert (made.steps[0].table, made.steps[0].items) == ("settings", 0)
    assert made.new_tables == ("settings",)
    assert "settings: new table" in made.steps[-1].release_changes
    assert set(made.states[2]) == {"clients"}  # no index step touches it


def test_a_table_left_behind_holding_items_stays_a_table_of_the_plan():
    deployed = {"clients": table("a"), "settings": table()}
    wanted = {"clients": table("a"), "settings": table("s")}
    made = plan(deployed, wanted, left_behind={"settings": 4})
    assert (made.steps[0].kind, made.steps[0].items) == (KEPT, 4)
    assert made.new_tables == ()
    assert [c.describe() for c in made.steps[1].changes] == [
        "settings: add index s (new in this release)"
    ]
