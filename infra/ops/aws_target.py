"""Where the day-two scripts act: a deployed stack, or the laptop's local stack.

A deployed stack is found by its names: tables ``clientcomm-<jurisdiction>-*``, the user pool
from the stack's ``UserPoolId`` output (or ``--user-pool-id``). ``--local`` aims at the stack
``make run`` starts instead (moto at ``--endpoint-url`` or ``AWS_ENDPOINT_URL``, tables
``clientcomm-local-*``, the pool named ``clientcomm-local-users``) and refuses to run without
that endpoint, so a rehearsal can never reach AWS by mistake. Any endpoint given is the one
every client reaches.

Every client has timeouts and bounded retries; every AWS refusal becomes an ``OpsError``
that names the operation and the error code only (an AWS message can quote what was sent).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.aws import CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS
from infra.definitions import table_prefix

from .common import (
    OpsError,
    default_stack_name,
    endpoint_url,
    stack_output,
    stand_in_credentials,
)

LOCAL_PREFIX = "clientcomm-local-"  # infra/local/stack.py
LOCAL_POOL = f"{LOCAL_PREFIX}users"  # infra/local/resources.py
MAX_ATTEMPTS = 5
ACCESS_CODES = ("AccessDeniedException", "UnrecognizedClientException", "AccessDenied")
# moto takes any credentials; a laptop without an AWS profile still rehearses.
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


class ConditionFailed(Exception):
    """DynamoDB refused a write because its condition did not hold."""


def add_target_options(made: argparse.ArgumentParser, *, user_pool: bool) -> None:
    """``--table-prefix``; with ``user_pool`` also how to find the pool (``--local`` and
    ``--endpoint-url`` are every script's, from ``common.parser``)."""
    made.add_argument(
        "--table-prefix", help="default clientcomm-<jurisdiction>- (with --local clientcomm-local-)"
    )
    if user_pool:
        made.add_argument(
            "--stack-name",
            help="stack whose UserPoolId output names the pool (default clientcomm-<jurisdiction>)",
        )
        made.add_argument("--user-pool-id", help="skip the stack lookup and use this pool")


@dataclass(frozen=True)
class Target:
    """One stack's names, and clients to reach it."""

    jurisdiction: str
    region: str
    prefix: str
    local: bool = False
    endpoint: str | None = None
    stack_name: str | None = None
    user_pool_id: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace, region: str) -> Target:
        local = bool(getattr(args, "local", False))
        endpoint = endpoint_url(args)  # refuses --local without an endpoint
        default_prefix = LOCAL_PREFIX if local else table_prefix(args.jurisdiction)
        return cls(
            jurisdiction=args.jurisdiction,
            region=region,
            prefix=args.table_prefix or default_prefix,
            local=local,
            endpoint=endpoint,
            stack_name=getattr(args, "stack_name", None),
            user_pool_id=getattr(args, "user_pool_id", None),
        )

    def table(self, base: str) -> str:
        return f"{self.prefix}{base}"

    def describe_pool(self) -> str:
        """The pool as the plan names it, before anything is looked up."""
        if self.user_pool_id:
            return self.user_pool_id
        if self.local:
            return f"the local pool {LOCAL_POOL}"
        return f"the UserPoolId of stack {self.stack_name or default_stack_name(self.jurisdiction)}"

    def client(self, service: str) -> Any:
        """A boto3 client with timeouts and bounded retries (adaptive: it slows down when
        AWS throttles, leaving capacity to the app)."""
        import boto3
        from botocore.config import Config

        config = Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS},
        )
        local_keys = (
            {name.lower(): value for name, value in LOCAL_CREDENTIALS.items()}
            if self.local and not os.environ.get("AWS_ACCESS_KEY_ID")
            else {}
        )
        if self.endpoint:
            stand_in_credentials(self.endpoint)
        return boto3.client(  # type: ignore[call-overload]
            service,
            region_name=self.region,
            endpoint_url=self.endpoint,
            config=config,
            **local_keys,
        )

    def bind_environment(self) -> None:
        """Point code that reads its settings from the environment (the app's stores) at
        this target. Only for a process of its own: it changes the whole process."""
        os.environ.update(TABLE_PREFIX=self.prefix, AWS_REGION=self.region)
        if self.endpoint:
            os.environ["AWS_ENDPOINT_URL"] = self.endpoint
            stand_in_credentials(self.endpoint)
        if self.local and not os.environ.get("AWS_ACCESS_KEY_ID"):
            os.environ.update(LOCAL_CREDENTIALS)

    def find_user_pool(self, cognito: Any, cloudformation: Callable[[], Any]) -> str:
        """``--user-pool-id``, else the local pool by name, else the stack's output."""
        if self.user_pool_id:
            return self.user_pool_id
        if self.local:
            pools = call("list user pools", cognito.list_user_pools, MaxResults=60)
            for pool in pools.get("UserPools", []):
                if pool.get("Name") == LOCAL_POOL:
                    return str(pool["Id"])
            raise OpsError(f"no user pool {LOCAL_POOL} at AWS_ENDPOINT_URL: is `make run` up?")
        return stack_output(
            cloudformation(), self.stack_name or default_stack_name(self.jurisdiction), "UserPoolId"
        )


class AwsRefused(OpsError):
    """AWS answered with an error code this script gives no special meaning."""

    def __init__(self, what: str, code: str, response: dict[str, Any] | None = None):
        super().__init__(f"could not {what}: AWS answered {code}")
        self.code = code
        self.response = response or {}


def call(what: str, operation: Callable[..., Any], **request: Any) -> Any:
    """One AWS call; its refusals as ``OpsError`` (or ``ConditionFailed``), named by code."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        return operation(**request)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "unknown"))
        if code == "ConditionalCheckFailedException":
            raise ConditionFailed(what) from None
        if code in ACCESS_CODES:
            raise OpsError(
                f"AWS refused to {what} ({code}): docs/operations.md lists the permissions "
                "each script needs"
            ) from None
        raise AwsRefused(what, code, dict(exc.response)) from None
    except NoCredentialsError:
        raise OpsError(
            "no AWS credentials: configure a profile (aws configure / AWS_PROFILE), or use "
            "--dry-run to see the plan without them"
        ) from None
    except BotoCoreError as exc:
        raise OpsError(
            f"could not {what} ({type(exc).__name__}): every step is safe to repeat, run it again"
        ) from None
