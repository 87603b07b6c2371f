"""What the staff-script tests share: running a script as ops do, and reading what it did.

Each script runs against the session stack's tables (``test-``) and user pool.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import boto3

from tests.helpers import ROOT, page_text
from tests.integration.session_tools import PASSWORD

REGION = "us-west-2"
PREFIX = "test-"
REFUSED = "username and password do not match an active account"


def run_script(
    script: str, *args: str, given: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m infra.ops.<script>`` as ops run it, ``given`` on its stdin."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", f"infra.ops.{script}", *args],
        cwd=ROOT,
        input=given,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def target_args(stack, username: str, *extra: str) -> list[str]:
    return [
        "--jurisdiction", "demo", "--region", REGION, "--table-prefix", PREFIX,
        "--user-pool-id", stack.resources.user_pool_id, "--username", username, *extra,
    ]  # fmt: skip


def cognito() -> Any:
    return boto3.client("cognito-idp", region_name=REGION)


def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def staff_item(username: str) -> dict[str, Any]:
    return dynamodb().get_item(
        TableName=f"{PREFIX}users", Key={"user_id": {"S": username}}, ConsistentRead=True
    )["Item"]


def audit_actions(username: str) -> list[str]:
    rows = dynamodb().query(
        TableName=f"{PREFIX}audit",
        KeyConditionExpression="subject = :s",
        ExpressionAttributeValues={":s": {"S": f"staff#{username}"}},
        ConsistentRead=True,
    )["Items"]
    return [row["action"]["S"] for row in rows]


def enabled(stack, username: str) -> bool:
    user = cognito().admin_get_user(UserPoolId=stack.resources.user_pool_id, Username=username)
    return bool(user["Enabled"])


def refused_sign_in(web, username: str) -> bool:
    web.get("/signin")
    response = web.post("/signin", {"username": username, "password": PASSWORD})
    return response.status_code == 401 and REFUSED in page_text(response)


def without_aws() -> dict[str, str]:
    """The environment of an operator's laptop with no AWS configured at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
        AWS_CONFIG_FILE="/nonexistent",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env
