"""Who hears the unclaimed queue's count, and which stream records say it changed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.live import Change, ChangeKind, Listener, may_hear
from chalicelib.domain.users import Role
from chalicelib.store.streams import unclaimed_departments

ARN = "arn:aws:dynamodb:us-west-2:1:table/clientcomm-demo-{table}/stream/2026"


def listener(role: Role, department: str = "probation", user: str = "kristina") -> Listener:
    return Listener("c1", user, department, role, "s", None, datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMIN])
def test_everyone_of_the_department_hears_its_unclaimed_count(role):
    change = Change(ChangeKind.UNCLAIMED, "", "probation", "")
    assert may_hear(listener(role), change)
    assert not may_hear(listener(role, "pretrial"), change)


def record(table: str, event: str, department: str) -> dict:
    keys = {"department_id": {"S": department}, "phone": {"S": "+12025550100"}}
    return {
        "eventName": event,
        "eventSourceARN": ARN.format(table=table),
        "dynamodb": {"Keys": keys},
    }


def test_a_number_arriving_texting_again_or_leaving_changes_its_departments_queue():
    records = [
        record("unclaimed", "INSERT", "probation"),
        record("unclaimed", "MODIFY", "probation"),
        record("unclaimed", "REMOVE", "pretrial"),
        record("clients", "INSERT", "elsewhere"),
    ]
    assert unclaimed_departments(records) == ["probation", "pretrial"]
