"""The ``courthouse_codes`` backfill against moto: court dates imported before 0.18.0 get
the code, room and at-courthouse key an import writes today, where their place names
exactly one of the department's courthouses; the rest are counted and left alone."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from infra.ops.backfills.courthouse_codes import AMBIGUOUS, NO_COURTHOUSE
from infra.ops.backfills.registry import by_name
from infra.ops.backfills.runner import run_backfill
from tests.infra.backfill_tables import STORED_AT, dynamodb, every_item, own_tables, stored, target

MATHESON = "Matheson Courthouse, 450 S State St, Salt Lake City"


@pytest.fixture()
def prefix(stack):
    with own_tables() as made:
        for code, description in (
            ("SLDC", MATHESON),
            ("WJ", "West Jordan Justice Court"),
            ("WJA", "West Jordan Justice Court, Annex"),
        ):
            dynamodb().put_item(
                TableName=f"{made}department-settings",
                Item={
                    "department_id": {"S": "probation"},
                    "item": {"S": f"courthouse#{code.casefold()}"},
                    "code": {"S": code},
                    "description": {"S": description},
                    "version": {"N": "1"},
                },
            )
        yield made


def old_date(prefix: str, place: str, *, source: str = "import", **extra: Any) -> dict[str, Any]:
    """A court date as 0.17.0 stored it: the place, and its key in the ``imported`` index
    while open (the ``at_courthouse`` index shares that range key)."""
    appointment_id = secrets.token_hex(8)
    key = {"client_id": {"S": secrets.token_hex(8)}, "appointment_id": {"S": appointment_id}}
    if source == "import" and "outcome" not in extra:
        extra["import_department"] = {"S": "probation"}
        extra["import_key"] = {"S": f"2027-01-05T16:30:00.000000Z#{appointment_id}"}
    item = {
        **key,
        "department_id": {"S": "probation"},
        "case_manager_id": {"S": "kristina"},
        "kind": {"S": "court"},
        "starts_at": {"S": STORED_AT},
        "place": {"S": place},
        "source": {"S": source},
        "cancelled": {"BOOL": False},
        "version": {"N": "2"},
        **extra,
    }
    dynamodb().put_item(TableName=f"{prefix}appointments", Item=item)
    return key


def test_imported_dates_get_the_courthouse_their_place_names_and_others_are_counted(prefix):
    with_room = old_date(prefix, f"{MATHESON}, Room W43")
    no_room = old_date(prefix, MATHESON)
    written_out = old_date(prefix, f"{MATHESON}, Sala Peña")
    closed = old_date(prefix, f"{MATHESON}, Room 2", outcome={"S": "attended"})
    ambiguous = old_date(prefix, "West Jordan Justice Court, Annex, Room 3")
    unknown = old_date(prefix, "SLC9, Room 4")  # 0.17.0 wrote an unknown code as it was
    typed = old_date(prefix, MATHESON, source="staff")
    lines: list[str] = []
    result = run_backfill(
        by_name("courthouse_codes"), target(prefix), dry_run=False, progress=lines.append
    )
    assert (result.examined, result.changed, result.already_right) == (7, 4, 1)
    assert result.skipped == {AMBIGUOUS: 1, NO_COURTHOUSE: 1}
    after = stored(prefix, "appointments", with_room)
    assert (after["location_code"], after["room"]) == ("SLDC", "W43")
    assert after["courthouse_key"] == "probation#sldc"
    assert after["version"] == "2"  # no open form goes stale
    assert "room" not in stored(prefix, "appointments", no_room)
    assert stored(prefix, "appointments", written_out)["room"] == "Sala Peña"
    assert "courthouse_key" not in stored(prefix, "appointments", closed)  # closed: not listed
    assert stored(prefix, "appointments", closed)["location_code"] == "SLDC"
    for left in (ambiguous, unknown, typed):
        assert "location_code" not in stored(prefix, "appointments", left)
    listed = dynamodb().query(
        TableName=f"{prefix}appointments",
        IndexName="at_courthouse",
        KeyConditionExpression="courthouse_key = :k",
        ExpressionAttributeValues={":k": {"S": "probation#sldc"}},
    )
    assert len(listed["Items"]) == 3
    before = every_item(prefix, "appointments")
    again = run_backfill(
        by_name("courthouse_codes"), target(prefix), dry_run=False, progress=lines.append
    )
    assert (again.changed, again.already_right) == (0, 5)
    assert every_item(prefix, "appointments") == before
    shown = " ".join(lines).casefold()
    assert "matheson" not in shown and "w43" not in shown
