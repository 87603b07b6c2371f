"""create_admin makes the Cognito user and the Users record both or neither, finishes what an
interrupted run left, never changes an existing person without --update, never takes a
password from the command line, and reaches the local stack without an AWS profile.

Run as ops run it (its own process, stdin closed) against the session's moto, with a user
pool and tables of each test's own (``own_tables``)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.domain.users import Role, User
from infra.ops.common import OpsError, OpsFailure
from infra.ops.create_admin import NewUser, create_user
from tests.fakes import FakeUserStore
from tests.infra.ops_runs import environment, one_line_error, run_script
from tests.infra.test_ops_scripts import admin_args, own_tables, user_record

__all__ = ["own_tables"]  # the fixture, shared with the first script tests

REGION = "us-west-2"
PASSWORD = "Temp-Passw0rd!x"


def create_admin(*args: str, env: dict[str, str] | None = None):
    return run_script("create_admin", args, env or environment())


def cognito():
    return boto3.client("cognito-idp", region_name=REGION)


def login(pool_id: str, username: str) -> dict | None:
    try:
        return cognito().admin_get_user(UserPoolId=pool_id, Username=username)
    except cognito().exceptions.UserNotFoundException:
        return None


def email_of(found: dict) -> str:
    return {a["Name"]: a["Value"] for a in found["UserAttributes"]}["email"]


def test_an_existing_person_is_not_changed_without_update(own_tables):
    prefix, pool_id = own_tables
    assert create_admin(*admin_args(prefix, pool_id, "ada")).returncode == 0
    args = admin_args(prefix, pool_id, "ada", "--role", "supervisor")
    args[args.index("probation")] = "pretrial"
    args[args.index("ada@example.gov")] = "ada@elsewhere.gov"

    done = create_admin(*args)

    assert done.returncode == 1
    message = one_line_error(done, "create_admin")
    assert "role admin → supervisor" in message and "department probation → pretrial" in message
    assert "--update" in message
    record = user_record(prefix, "ada")
    assert (record["role"], record["department_id"]) == ({"S": "admin"}, {"S": "probation"})
    assert email_of(login(pool_id, "ada")) == "ada@example.gov"


def test_with_update_only_what_differs_is_changed_in_both_places(own_tables):
    prefix, pool_id = own_tables
    assert create_admin(*admin_args(prefix, pool_id, "bo")).returncode == 0
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.update_item(  # a setting made in the app since: kept
        TableName=f"{prefix}users",
        Key={"user_id": {"S": "bo"}},
        UpdateExpression="SET email_notifications = :on",
        ExpressionAttributeValues={":on": {"BOOL": True}},
    )
    args = admin_args(prefix, pool_id, "bo", "--role", "supervisor", "--update")
    args[args.index("bo@example.gov")] = "bo@county.example.gov"

    done = create_admin(*args)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Updated bo (Supervisor of probation)")
    record = user_record(prefix, "bo")
    assert record["role"] == {"S": "supervisor"} and record["email_notifications"] == {"BOOL": True}
    assert record["email"] == {"S": "bo@county.example.gov"}
    assert email_of(login(pool_id, "bo")) == "bo@county.example.gov"


def test_a_cognito_user_without_a_record_is_finished_by_running_again(own_tables):
    prefix, pool_id = own_tables
    cognito().admin_create_user(  # what an interrupted run before this fix left
        UserPoolId=pool_id,
        Username="cy",
        UserAttributes=[{"Name": "email", "Value": "cy@example.gov"}],
    )
    done = create_admin(*admin_args(prefix, pool_id, "cy"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Finished cy (Admin of probation): wrote the Users record")
    assert user_record(prefix, "cy")["role"] == {"S": "admin"}


def test_a_record_without_a_cognito_user_is_finished_by_running_again(own_tables):
    prefix, pool_id = own_tables
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=f"{prefix}users",
        Item={
            "user_id": {"S": "di"},
            "display_name": {"S": "Ada Admin"},
            "email": {"S": "di@example.gov"},
            "role": {"S": "admin"},
            "department_id": {"S": "probation"},
        },
    )
    done = create_admin(*admin_args(prefix, pool_id, "di"))
    assert done.returncode == 0, done.stderr
    assert "created the Cognito user" in done.stdout
    assert login(pool_id, "di")["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_a_temporary_password_on_the_command_line_is_refused_and_not_repeated(own_tables):
    prefix, pool_id = own_tables
    done = create_admin(*admin_args(prefix, pool_id, "ed", "--temporary-password", PASSWORD))
    assert done.returncode == 1
    assert "ADMIN_TEMPORARY_PASSWORD" in one_line_error(done, "create_admin")
    assert PASSWORD not in done.stderr + done.stdout
    assert login(pool_id, "ed") is None and user_record(prefix, "ed") is None


def test_a_temporary_password_from_the_environment_is_the_one_set(own_tables):
    prefix, pool_id = own_tables
    client_id = cognito().create_user_pool_client(
        UserPoolId=pool_id, ClientName="ops-test", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    env = environment(extra={"ADMIN_TEMPORARY_PASSWORD": PASSWORD})
    done = create_admin(*admin_args(prefix, pool_id, "fay"), env=env)
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout
    answer = cognito().admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "fay", "PASSWORD": PASSWORD},
    )
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_a_weak_temporary_password_is_refused_before_anything_is_made(own_tables):
    prefix, pool_id = own_tables
    env = environment(extra={"ADMIN_TEMPORARY_PASSWORD": "short1"})
    done = create_admin(*admin_args(prefix, pool_id, "gus"), env=env)
    assert done.returncode == 1
    assert "12 characters or more" in one_line_error(done, "create_admin")
    assert login(pool_id, "gus") is None and user_record(prefix, "gus") is None


def test_asking_for_a_password_without_a_terminal_says_which_variable_to_set(own_tables):
    prefix, pool_id = own_tables
    done = create_admin(*admin_args(prefix, pool_id, "hal", "--ask-temporary-password"))
    assert done.returncode == 2
    assert "set ADMIN_TEMPORARY_PASSWORD" in one_line_error(done, "create_admin")
    assert login(pool_id, "hal") is None and user_record(prefix, "hal") is None


def test_a_dry_run_needs_no_credentials_and_a_real_run_without_them_is_one_line():
    args = admin_args("clientcomm-demo-", "us-west-2_missing", "ivy")
    dry = create_admin(*args, "--dry-run", env=environment(aws=False))
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Would create ivy (Admin of probation)")
    real = create_admin(*args, env=environment(aws=False))
    assert real.returncode == 2
    assert "no AWS credentials" in one_line_error(real, "create_admin")


def test_the_endpoint_option_reaches_the_local_stack_without_an_aws_profile(own_tables):
    prefix, pool_id = own_tables
    moto = environment()["AWS_ENDPOINT_URL"]
    args = admin_args(prefix, pool_id, "jo", "--endpoint-url", moto)
    done = create_admin(*args, env=environment(aws=False))
    assert done.returncode == 0, done.stderr
    assert login(pool_id, "jo") is not None and user_record(prefix, "jo") is not None


class RefusingCognito:
    """Cognito with no such user, refusing to create one (as for an invalid email)."""

    class exceptions:  # boto3 spells it so
        class UserNotFoundException(Exception):
            pass

        class UsernameExistsException(Exception):
            pass

    def admin_get_user(self, **_: object) -> dict:
        raise self.exceptions.UserNotFoundException()

    def admin_create_user(self, **_: object) -> dict:
        error = {"Error": {"Code": "InvalidParameterException", "Message": "no"}}
        raise ClientError(error, "AdminCreateUser")  # type: ignore[arg-type]


NEW = NewUser("kim", "kim@example.gov", "Kim Admin", "probation", Role.ADMIN)


def test_when_cognito_refuses_the_user_the_record_this_run_wrote_is_removed():
    users = FakeUserStore()
    with pytest.raises(OpsFailure) as failed:
        create_user(RefusingCognito(), users, "pool", NEW)
    assert "AdminCreateUser (InvalidParameterException)" in str(failed.value)
    assert "removed again" in str(failed.value)
    assert users.users == {}


def test_a_record_changed_meanwhile_is_not_removed_by_the_undo():
    class ChangingStore(FakeUserStore):
        def add(self, user: User) -> bool:
            added = super().add(user)
            self.users[user.user_id] = User("kim", "Kim", "kim@example.gov", Role.SUPERVISOR, "x")
            return added

    users = ChangingStore()
    with pytest.raises(OpsFailure, match="changed meanwhile and was kept"):
        create_user(RefusingCognito(), users, "pool", NEW)
    assert users.users["kim"].role is Role.SUPERVISOR


def test_differences_are_refused_before_anything_is_written():
    users = FakeUserStore(
        User("kim", "Kim Admin", "kim@example.gov", Role.CASE_MANAGER, "probation")
    )
    with pytest.raises(OpsError, match="role case_manager → admin"):
        create_user(RefusingCognito(), users, "pool", NEW)
    assert users.users["kim"].role is Role.CASE_MANAGER
