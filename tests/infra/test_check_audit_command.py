"""``python -m infra.ops.check_audit`` says whether a department's audit trail is intact and,
when it is not, names the first broken link (run as ops run it, against the session stack).
Changed when the chain moved to the audit stream: the trail is checked once chain-audit has
linked it, and a row never linked is reported."""

from __future__ import annotations

import secrets

import boto3
import pytest

from chalicelib.domain.clients import Client
from chalicelib.store.audit import audit_row, client_subject, department_subject
from tests.helpers import fresh_phone
from tests.infra.staff_tools import PREFIX, REGION, run_script
from tests.integration.audit_tools import chaining, linked  # noqa: F401 - a fixture

pytestmark = [pytest.mark.any_hour, pytest.mark.usefixtures("chaining")]


def check(department: str):
    return run_script(
        "check_audit",
        "--jurisdiction", "demo", "--region", REGION, "--table-prefix", PREFIX,
        "--department", department,
    )  # fmt: skip


def department_with_a_trail(stores) -> tuple[str, str]:
    """A department of its own, with rows on its own subject and on one client's."""
    department = f"chk{secrets.token_hex(4)}"
    name = "Chain" + secrets.token_hex(3)
    client = stores.clients.add(
        # a case manager of that department only: a client of Kristina's in another
        # department would be counted in her caseload by tests that compare it with the page
        Client(secrets.token_hex(10), department, f"cm{department}", name, name, fresh_phone())
    )
    for n in range(3):
        audit_row(department_subject(department), "kristina", "settings_change", {"n": n}).save()
        audit_row(client_subject(client.client_id), "kristina", "view").save()
    for subject in (department_subject(department), client_subject(client.client_id)):
        assert len(linked(subject, 3).links) == 3, "chain-audit did not link the rows in time"
    return department, client.client_id


def test_an_untouched_trail_is_intact(stack, stores):
    department, _ = department_with_a_trail(stores)

    done = check(department)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "The trail is intact." in done.stdout
    assert "subjects read: 2" in done.stdout  # the department and its one client (no staff)


def test_an_edited_row_is_named_and_the_check_fails(stack, stores):
    department, client_id = department_with_a_trail(stores)
    boto3.client("dynamodb").update_item(
        TableName=f"{PREFIX}audit",
        Key={"subject": {"S": client_subject(client_id)}, "at_id": {"S": second_row(client_id)}},
        UpdateExpression="SET #action = :other",
        ExpressionAttributeNames={"#action": "action"},
        ExpressionAttributeValues={":other": {"S": "nothing_to_see"}},
    )

    done = check(department)

    assert done.returncode == 3, done.stdout + done.stderr
    assert f"BROKEN {client_subject(client_id)} at link 2" in done.stdout


def second_row(client_id: str) -> str:
    return linked(client_subject(client_id), 3).links[1].row_key


def test_a_row_whose_newest_link_was_removed_is_reported_as_not_linked(stack, stores):
    """The newest link and its marker deleted (as if chain-audit had never linked the row):
    the row, months old, is past "still being linked", so the check fails."""
    from chalicelib.store.audit_links import chain_partition, mark_key
    from tests.integration.audit_tools import link_item_key, operator

    department, client_id = department_with_a_trail(stores)
    subject = client_subject(client_id)
    at = f"2026-01-05T10:00:00.000000Z#{secrets.token_hex(4)}"  # long before any test clock
    operator().put_item(
        TableName=f"{PREFIX}audit",
        Item={"subject": {"S": subject}, "at_id": {"S": at}, "at": {"S": at},
              "actor": {"S": "kristina"}, "action": {"S": "view"}},
    )  # fmt: skip
    assert len(linked(subject, 4).links) == 4
    operator().delete_item(TableName=f"{PREFIX}audit", Key=link_item_key(subject, 4))
    operator().delete_item(
        TableName=f"{PREFIX}audit",
        Key={"subject": {"S": chain_partition(subject)}, "at_id": {"S": mark_key(at)}},
    )

    done = check(department)

    assert done.returncode == 3, done.stdout + done.stderr
    assert f"BROKEN {subject} at link 4: row {at} is not linked" in done.stdout


def test_the_check_explains_itself():
    done = run_script("check_audit", "--help")
    assert done.returncode == 0
    for option in ("--jurisdiction", "--department", "--dry-run", "--local", "--endpoint-url"):
        assert option in done.stdout
