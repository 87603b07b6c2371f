"""Password and authenticator resets (``infra/ops/reset_login``).

The password reset runs as ops run it, against the session stack's pool and tables, with
the person's browser served by the app in this process. moto 5.2 does not implement
AdminDeleteSoftwareToken (it answers 500), so the authenticator reset is checked with
botocore's Stubber, which validates each request against Cognito's service model.
"""

from __future__ import annotations

import subprocess
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from infra.ops import reset_login
from infra.ops.staff_access import Clients
from tests.helpers import page_text
from tests.infra.staff_tools import (
    PREFIX,
    REGION,
    audit_actions,
    dynamodb,
    refused_sign_in,
    run_script,
    target_args,
    without_aws,
)
from tests.integration.session_tools import PASSWORD, new_staff, stored

TEMPORARY = "Handed-over-by-phone-7"
CHOSEN = "Chosen-by-them-again-8"


def run(*args: str, given: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return run_script("reset_login", *args, given=given, env=env)


def test_a_reset_password_ends_their_sessions_and_the_next_sign_in_asks_for_a_new_one(
    web, http, stack, stores
):
    person = new_staff(stack, stores)
    web.sign_in(person.user_id, PASSWORD)
    done = run(*target_args(stack, person.user_id, "--password-stdin"), given=f"{TEMPORARY}\n")
    assert done.returncode == 0, done.stderr
    assert TEMPORARY not in done.stdout + done.stderr
    assert stored(web) is None
    assert refused_sign_in(type(web)(http), person.user_id)  # the old password is gone

    fresh = type(web)(http)
    fresh.get("/signin")
    asked = fresh.post("/signin", {"username": person.user_id, "password": TEMPORARY})
    assert "Choose a new password" in page_text(asked)
    chosen = fresh.post("/signin/challenge", {"new_password": CHOSEN, "confirm_password": CHOSEN})
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/caseload"
    assert audit_actions(person.user_id) == ["password_reset"]


def test_a_password_the_policy_refuses_changes_nothing(web, stack, stores):
    person = new_staff(stack, stores)
    web.sign_in(person.user_id, PASSWORD)
    done = run(*target_args(stack, person.user_id, "--password-stdin"), given="short\n")
    assert done.returncode == 1
    assert "at least 12 characters" in done.stderr and "nothing was changed" in done.stderr
    assert stored(web) is not None
    assert web.get("/caseload").status_code == 200


def test_the_password_can_never_be_given_on_the_command_line(stack):
    shown = run("--help")
    assert shown.returncode == 0 and "--password-stdin" in shown.stdout
    tried = run(*target_args(stack, "kristina", "--password", TEMPORARY))
    assert tried.returncode == 2 and "unrecognized arguments" in tried.stderr


def test_an_offboarded_person_is_not_given_a_password(stack, stores):
    person = new_staff(stack, stores)
    offboarded = run_script("offboard", *target_args(stack, person.user_id))
    assert offboarded.returncode == 0, offboarded.stderr
    done = run(*target_args(stack, person.user_id, "--password-stdin"), given=f"{TEMPORARY}\n")
    assert done.returncode == 1 and "--reactivate first" in done.stderr


def test_a_dry_run_needs_no_aws_and_asks_for_no_password(stack):
    args = target_args(stack, "kristina", "--password", "--mfa", "--dry-run")
    done = run(*args, env=without_aws())
    assert done.returncode == 0, done.stderr
    assert "authenticator" in done.stdout and "temporary password" in done.stdout
    assert "nothing was read or changed" in done.stdout


def test_nothing_to_reset_is_a_usage_error():
    done = run("--jurisdiction", "demo", "--username", "kristina")
    assert done.returncode == 2 and "--password, --mfa or both" in done.stderr


@pytest.fixture()
def stubbed_cognito():
    client = boto3.client(
        "cognito-idp",
        region_name=REGION,
        aws_access_key_id="stub",
        aws_secret_access_key="stub",
        endpoint_url="https://cognito-idp.us-west-2.amazonaws.com",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def expect_user(stubber: Stubber, pool: str, username: str) -> None:
    stubber.add_response(
        "admin_get_user",
        {"Username": username, "Enabled": True, "UserStatus": "CONFIRMED"},
        {"UserPoolId": pool, "Username": username},
    )


def test_removing_the_authenticator_asks_cognito_to_delete_it_and_signs_them_out(
    web, stack, stores, stubbed_cognito, capsys
):
    cognito, stubber = stubbed_cognito
    pool = "us-west-2_Stubbed1"
    person = new_staff(stack, stores)
    web.sign_in(person.user_id, PASSWORD)
    expected = {"UserPoolId": pool, "Username": person.user_id}
    expect_user(stubber, pool, person.user_id)
    stubber.add_response("admin_delete_software_token", {}, expected)
    stubber.add_response(
        "get_user_pool_mfa_config", {"MfaConfiguration": "ON"}, {"UserPoolId": pool}
    )
    stubber.add_response("admin_user_global_sign_out", {}, expected)
    args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", PREFIX,
            "--user-pool-id", pool, "--username", person.user_id, "--mfa"]  # fmt: skip
    assert reset_login.main(args, aws=Clients(dynamodb(), cognito, lambda: None)) == 0
    out = capsys.readouterr().out
    assert "next sign-in sets up a new authenticator app" in out
    assert stored(web) is None
    assert audit_actions(person.user_id) == ["mfa_reset"]


def test_a_person_without_an_authenticator_is_told_so(stack, stores, stubbed_cognito, capsys):
    cognito, stubber = stubbed_cognito
    pool = "us-west-2_Stubbed2"
    person = new_staff(stack, stores)
    expected = {"UserPoolId": pool, "Username": person.user_id}
    expect_user(stubber, pool, person.user_id)
    stubber.add_client_error(
        "admin_delete_software_token", "InvalidParameterException", expected_params=expected
    )
    stubber.add_response("admin_user_global_sign_out", {}, expected)
    args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", PREFIX,
            "--user-pool-id", pool, "--username", person.user_id, "--mfa"]  # fmt: skip
    assert reset_login.main(args, aws=Clients(dynamodb(), cognito, lambda: None)) == 0
    assert "none registered" in capsys.readouterr().out


def test_the_local_pool_says_plainly_it_cannot_remove_an_authenticator(stack, stores, capsys):
    person = new_staff(stack, stores)
    cognito: Any = boto3.client("cognito-idp", region_name=REGION)

    class Unimplemented:
        """moto's answer to AdminDeleteSoftwareToken (HTTP 500), without its server log."""

        def __getattr__(self, name: str) -> Any:
            if name == "admin_delete_software_token":
                return stub_500
            return getattr(cognito, name)

    def stub_500(**_: Any) -> None:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "500", "Message": "html"}}, "AdminDeleteSoftwareToken")

    args = target_args(stack, person.user_id, "--mfa")
    assert reset_login.main(args, aws=Clients(dynamodb(), Unimplemented(), lambda: None)) == 1
    assert "does not implement AdminDeleteSoftwareToken" in capsys.readouterr().err
