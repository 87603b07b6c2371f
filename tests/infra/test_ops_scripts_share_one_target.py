"""Every ops script reaches AWS the same way: ``--endpoint-url`` (or ``AWS_ENDPOINT_URL``)
is where every one of its calls goes, and ``--local`` aims at the stack ``make run`` starts
(its tables and its user pool, found by name), refused without an endpoint so a rehearsal
never reaches AWS. Found by following docs/operations.md's laptop rehearsal: create_admin
could only reach the local pool through an id the AWS CLI had to look up, and the day-two
scripts took ``--endpoint-url`` but sent their calls to AWS anyway."""

from __future__ import annotations

import uuid

import boto3
import pytest

from tests.infra.ops_runs import environment, run_script
from tests.infra.staff_tools import target_args
from tests.infra.test_ops_scripts import own_tables, user_record

__all__ = ["own_tables"]

SCRIPTS = (
    "store_secrets",
    "create_admin",
    "point_twilio",
    "backfill_id_keys",
    "offboard",
    "reset_login",
    "replan_reminders",
    "restore_drill",
    "legal_hold",
)
LOCAL_POOL = "clientcomm-local-users"


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_ops_script_takes_the_same_target_options(script):
    done = run_script(script, ["--help"], environment(aws=False))
    assert done.returncode == 0, done.stderr
    for option in ("--jurisdiction", "--dry-run", "--endpoint-url", "--local"):
        assert option in done.stdout


def test_a_day_two_script_sends_its_calls_to_the_endpoint_it_is_given(stack):
    """Without AWS configured at all: before, the calls went to AWS ("no AWS credentials")."""
    moto = environment()["AWS_ENDPOINT_URL"]
    args = target_args(stack, f"nobody-{uuid.uuid4().hex[:6]}", "--endpoint-url", moto)
    done = run_script("offboard", args, environment(aws=False))
    assert done.returncode == 1
    assert "is not a user of Cognito pool" in done.stderr and "Traceback" not in done.stderr


def test_create_admin_finds_the_local_user_pool_by_name(own_tables):
    prefix, _ = own_tables
    cognito = boto3.client("cognito-idp", region_name="us-west-2")
    pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
    found = [p["Id"] for p in pools if p["Name"] == LOCAL_POOL]
    pool_id = found[0] if found else cognito.create_user_pool(PoolName=LOCAL_POOL)["UserPool"]["Id"]
    username = f"lo{uuid.uuid4().hex[:6]}"
    args = [
        "--jurisdiction", "demo", "--local", "--table-prefix", prefix, "--username", username,
        "--email", f"{username}@example.gov", "--name", "Lo Cal", "--department", "probation",
    ]  # fmt: skip

    done = run_script("create_admin", args, environment())

    assert done.returncode == 0, done.stderr
    assert cognito.admin_get_user(UserPoolId=pool_id, Username=username)["Username"] == username
    assert user_record(prefix, username) is not None


@pytest.mark.parametrize("script", ["create_admin", "backfill_id_keys", "offboard"])
def test_local_without_an_endpoint_is_refused_before_anything_is_reached(script):
    args = ["--jurisdiction", "demo", "--local"]
    if script == "create_admin":
        args += ["--username", "x", "--email", "x@example.gov", "--name", "X"]
        args += ["--department", "probation"]
    if script == "offboard":
        args += ["--username", "x"]
    done = run_script(script, args, environment(aws=False))
    assert done.returncode == 1
    assert "--local needs the local stack's moto" in done.stderr
    assert "Traceback" not in done.stderr
