"""Offboarding and reactivating staff (``infra/ops/offboard``) against the local stack.

The script runs as ops run it (its own process, inheriting the session's moto endpoint)
against the session stack's tables (``test-``) and user pool, while the app, in this
process, answers the person's browsers: whatever they held stops working.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from typing import Any

import pytest

from chalicelib.domain.clients import Client
from infra.ops import offboard
from tests.helpers import fresh_phone
from tests.infra.staff_tools import (
    PREFIX,
    audit_actions,
    cognito,
    dynamodb,
    enabled,
    refused_sign_in,
    run_script,
    staff_item,
    target_args,
    without_aws,
)
from tests.integration.session_tools import PASSWORD, new_staff, stored


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_script("offboard", *args, env=env)


def test_an_offboarded_person_loses_every_session_and_cannot_sign_in_again(
    web, http, stack, stores
):
    person = new_staff(stack, stores)
    laptop = web.sign_in(person.user_id, PASSWORD)
    phone = type(web)(http).sign_in(person.user_id, PASSWORD)
    refresh_token = stored(phone).refresh_token
    assert laptop.get("/caseload").status_code == 200

    done = run(*target_args(stack, person.user_id))

    assert done.returncode == 0, done.stderr
    assert stored(laptop) is None and stored(phone) is None  # deleted by the script
    for browser in (laptop, phone):
        response = browser.get("/caseload")
        assert response.headers["Location"].startswith("/signin?reason=expired")
    assert staff_item(person.user_id)["active"] == {"BOOL": False}
    assert not enabled(stack, person.user_id)
    with pytest.raises(cognito().exceptions.NotAuthorizedException):  # revoked, and disabled
        cognito().initiate_auth(
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=stack.resources.user_pool_client_id,
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    assert refused_sign_in(type(web)(http), person.user_id)
    assert audit_actions(person.user_id) == ["staff_deactivated"]
    assert "marked inactive" in done.stdout and "ended 2" in done.stdout


def test_offboarding_again_changes_nothing_and_says_so(web, stack, stores):
    person = new_staff(stack, stores)
    assert run(*target_args(stack, person.user_id)).returncode == 0
    again = run(*target_args(stack, person.user_id))
    assert again.returncode == 0, again.stderr
    assert "already inactive" in again.stdout and "already disabled" in again.stdout
    assert audit_actions(person.user_id) == ["staff_deactivated"]


def test_their_clients_keep_them_as_case_manager_and_the_report_counts_them(stack, stores):
    person = new_staff(stack, stores)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", person.user_id, "Left", "Behind", fresh_phone())
    )
    done = run(*target_args(stack, person.user_id))
    assert done.returncode == 0, done.stderr
    assert "1 active client(s) still have" in done.stdout and "Move client" in done.stdout
    assert stores.clients.get(client.client_id).case_manager_id == person.user_id


def test_reactivating_lets_them_sign_in_again(web, stack, stores):
    person = new_staff(stack, stores)
    assert run(*target_args(stack, person.user_id)).returncode == 0
    back = run(*target_args(stack, person.user_id, "--reactivate"))
    assert back.returncode == 0, back.stderr
    assert "marked active" in back.stdout
    assert staff_item(person.user_id)["active"] == {"BOOL": True}
    assert enabled(stack, person.user_id)
    assert web.sign_in(person.user_id, PASSWORD).get("/caseload").status_code == 200
    assert audit_actions(person.user_id) == ["staff_deactivated", "staff_reactivated"]
    twice = run(*target_args(stack, person.user_id, "--reactivate"))
    assert twice.returncode == 0 and "already active" in twice.stdout


def test_a_dry_run_needs_no_aws_at_all_and_changes_nothing(stack, stores):
    person = new_staff(stack, stores)
    done = run(*target_args(stack, person.user_id, "--dry-run"), env=without_aws())
    assert done.returncode == 0, done.stderr
    assert "Would, in this order" in done.stdout and f"{PREFIX}sessions" in done.stdout
    assert staff_item(person.user_id).get("active", {"BOOL": True}) == {"BOOL": True}
    assert enabled(stack, person.user_id)


def test_without_credentials_a_real_run_explains_instead_of_a_traceback(stack):
    done = run(*target_args(stack, "anyone"), env=without_aws())
    assert done.returncode == 1
    assert "no AWS credentials" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_username_is_refused_and_nothing_changes(stack):
    done = run(*target_args(stack, "nobody-by-this-name"))
    assert done.returncode == 1
    assert "not a user of Cognito pool" in done.stderr and "Traceback" not in done.stderr


def test_a_person_without_a_staff_record_is_refused_before_cognito_is_touched(stack, stores):
    person = new_staff(stack, stores)
    dynamodb().delete_item(TableName=f"{PREFIX}users", Key={"user_id": {"S": person.user_id}})
    done = run(*target_args(stack, person.user_id))
    assert done.returncode == 1 and "has no staff record" in done.stderr
    assert enabled(stack, person.user_id)


class StopsAt:
    """A boto3 client that is interrupted (Ctrl-C) when ``operation`` is called."""

    def __init__(self, real: Any, operation: str):
        self.real = real
        self.operation = operation

    def __getattr__(self, name: str) -> Any:
        if name == self.operation:
            raise KeyboardInterrupt
        return getattr(self.real, name)


def test_an_interrupted_offboarding_is_finished_by_running_it_again(web, stack, stores, capsys):
    person = new_staff(stack, stores)
    web.sign_in(person.user_id, PASSWORD)
    args = target_args(stack, person.user_id)
    interrupted = offboard.Clients(
        dynamodb(), StopsAt(cognito(), "admin_disable_user"), lambda: None
    )
    assert offboard.main(args, aws=interrupted) == 130
    assert "run it again" in capsys.readouterr().err
    assert staff_item(person.user_id)["active"] == {"BOOL": False}  # the first step held
    assert enabled(stack, person.user_id)

    assert offboard.main(args, aws=offboard.Clients(dynamodb(), cognito(), lambda: None)) == 0
    assert not enabled(stack, person.user_id)
    assert stored(web) is None
    assert audit_actions(person.user_id) == ["staff_deactivated"]


def test_local_mode_refuses_to_run_without_the_local_endpoint(stack):
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    done = run("--jurisdiction", "demo", "--local", "--username", "kristina", env=env)
    assert done.returncode == 1 and "AWS_ENDPOINT_URL" in done.stderr


def test_local_mode_finds_the_local_pool_by_name(stack, capsys):
    pools = cognito().list_user_pools(MaxResults=60)["UserPools"]
    if not any(p["Name"] == "clientcomm-local-users" for p in pools):
        cognito().create_user_pool(PoolName="clientcomm-local-users")
    args = ["--jurisdiction", "demo", "--local", "--username", "nobody-here"]
    assert offboard.main(args) == 1  # a pool was found: it is the user that is missing
    assert "is not a user of Cognito pool" in capsys.readouterr().err
