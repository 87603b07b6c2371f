"""What every ops script shares: which jurisdiction, which region, the stack's outputs, how
AWS is reached (``--endpoint-url`` or ``AWS_ENDPOINT_URL``; ``--local`` for the stack
``make run`` starts), how a value is asked for, and how a script ends: one line on stderr,
never a traceback.

Exit status: 0 done; 1 refused (nothing changed; the message says what to fix); 2 failed
(AWS, Twilio or the terminal; what was done is said, and running it again finishes it).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from chalicelib.adapters.aws import CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS
from chalicelib.domain.jurisdiction import Jurisdiction
from infra.config_loader import JurisdictionConfigError, load_jurisdiction

REFUSED = 1
FAILED = 2
INTERRUPTED = 130
MAX_ATTEMPTS = 5
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class OpsError(Exception):
    """The script stopped before changing anything it could not finish; the message says why."""

    exit_code = REFUSED


class OpsFailure(OpsError):
    """Something outside the script failed it (AWS, Twilio, no terminal); safe to run again."""

    exit_code = FAILED


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every script takes."""
    made = argparse.ArgumentParser(prog=f"python -m infra.ops.{prog}", description=description)
    made.add_argument(
        "--jurisdiction",
        required=True,
        help="name of a file in infra/jurisdictions/ (without .json)",
    )
    made.add_argument("--region", help="AWS region (default: the jurisdiction's aws_region)")
    made.add_argument(
        "--dry-run",
        action="store_true",
        help="say what would change; change nothing (needs no AWS credentials)",
    )
    made.add_argument(
        "--endpoint-url",
        help="where AWS is, e.g. the local stack's moto http://127.0.0.1:8002 "
        "(default: AWS_ENDPOINT_URL, else AWS itself)",
    )
    made.add_argument(
        "--local",
        action="store_true",
        help="rehearse against the stack `make run` starts: its tables (clientcomm-local-*) "
        "and user pool, at --endpoint-url or AWS_ENDPOINT_URL (e.g. http://127.0.0.1:8002); "
        "refused without one, so a rehearsal never reaches AWS",
    )
    return made


def endpoint_url(args: argparse.Namespace) -> str | None:
    """Where AWS is: ``--endpoint-url``, else ``AWS_ENDPOINT_URL``, else AWS itself (None).
    ``--local`` without either is refused rather than sent to AWS."""
    found = getattr(args, "endpoint_url", None) or os.environ.get("AWS_ENDPOINT_URL") or None
    if found is None and getattr(args, "local", False):
        raise OpsError(
            "--local needs the local stack's moto: pass --endpoint-url http://127.0.0.1:8002 "
            "or set AWS_ENDPOINT_URL; without it this would reach AWS"
        )
    return found


def aws_client(args: argparse.Namespace, service: str, region: str) -> Any:
    """A boto3 client with timeouts and bounded retries, at ``--endpoint-url`` if given."""
    import boto3
    from botocore.config import Config

    endpoint = endpoint_url(args)
    if endpoint:
        stand_in_credentials(endpoint)
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
    )
    return boto3.client(  # type: ignore[call-overload]
        service, region_name=region, endpoint_url=endpoint, config=config
    )


def stand_in_credentials(endpoint: str) -> None:
    """The local stack's moto takes any credentials: give this script's process some when it
    has none and AWS is on this machine, so a laptop without an AWS profile rehearses."""
    has_credentials = any(os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE"))
    if urlsplit(endpoint).hostname in LOOPBACK and not has_credentials:
        os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "local"  # noqa: S105


def ask(prompt: str, variable: str, *, secret: bool = False) -> str:
    """A value from the environment, else typed at the terminal (a secret without echo);
    without a terminal (closed or redirected stdin) OpsFailure names the variable."""
    given = os.environ.get(variable, "").strip()
    if given:
        return given
    if not sys.stdin or sys.stdin.closed or not sys.stdin.isatty():
        raise OpsFailure(f"no terminal to ask for the {prompt} on: set {variable}")
    try:
        typed = getpass.getpass(f"{prompt}: ") if secret else input(f"{prompt}: ")
    except EOFError:
        raise OpsFailure(f"no {prompt} was typed: set {variable}") from None
    if not typed.strip():
        raise OpsError(f"no {prompt} given")
    return typed.strip()


def run(prog: str, work: Callable[[], int]) -> int:
    """Run a script's work; end in one line on stderr and an exit status, never a
    traceback, for every failure the script can explain."""
    try:
        return work()
    except OpsError as exc:
        _say(prog, str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _say(prog, "interrupted; every step is safe to repeat: run it again to finish")
        return INTERRUPTED
    except EOFError:
        _say(prog, "standard input closed while a value was asked for (see --help)")
        return FAILED
    except Exception as exc:
        explained = describe(exc)
        if explained is None:
            raise  # a defect in the script: its traceback is what a developer needs
        _say(prog, explained)
        return FAILED


def describe(exc: BaseException) -> str | None:
    """One line for a failure of AWS, DynamoDB or Twilio; None for anything else. AWS
    errors are named by operation and code only: a message could quote what was sent."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )
    from pynamodb.exceptions import PynamoDBException
    from requests import RequestException
    from twilio.base.exceptions import TwilioException, TwilioRestException

    from chalicelib.domain.errors import NotStored

    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return (
            "no AWS credentials: configure a profile (aws configure, AWS_PROFILE), or pass "
            "--endpoint-url for the local stack; --dry-run needs none"
        )
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "unknown")
        return f"AWS refused {exc.operation_name} ({code}); nothing after it was done"
    if isinstance(exc, BotoCoreError):
        return f"could not reach AWS ({type(exc).__name__}); run it again"
    if isinstance(exc, PynamoDBException):
        cause = exc.cause if isinstance(exc.cause, Exception) else None
        return (cause and describe(cause)) or f"DynamoDB failed ({type(exc).__name__})"
    if isinstance(exc, NotStored):
        return f"{exc}; run it again"
    if isinstance(exc, TwilioRestException):
        return f"Twilio refused the request (HTTP {exc.status}, error {exc.code})"
    if isinstance(exc, TwilioException):
        answer = exc.args[1] if len(exc.args) > 1 else None
        status = getattr(answer, "status_code", None)
        return f"Twilio refused the request (HTTP {status})" if status else "Twilio failed"
    if isinstance(exc, RequestException):
        return f"could not reach Twilio ({type(exc).__name__}); run it again"
    return None


def _say(prog: str, message: str) -> None:
    print(f"{prog}: {message}", file=sys.stderr)


def add_stack_option(made: argparse.ArgumentParser) -> None:
    made.add_argument(
        "--stack-name",
        help="CloudFormation stack to read ids and URLs from (default clientcomm-<jurisdiction>)",
    )


def jurisdiction(name: str) -> Jurisdiction:
    """The validated jurisdiction file, or OpsError naming the file and fields."""
    try:
        return load_jurisdiction(name)
    except JurisdictionConfigError as exc:
        raise OpsError(str(exc)) from exc


def region_for(args: argparse.Namespace, found: Jurisdiction) -> str:
    region = args.region or found.raw.get("aws_region")
    if not region:
        raise OpsError(f"{args.jurisdiction} has no aws_region; pass --region")
    return str(region)


def default_stack_name(jurisdiction: str) -> str:
    return f"clientcomm-{jurisdiction}"


def stack_output(cloudformation: Any, stack_name: str, key: str) -> str:
    """One output of a deployed stack (``UserPoolId``, ``TwilioSmsWebhookUrl`` ...)."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except cloudformation.exceptions.ClientError as exc:
        raise OpsError(f"cannot read stack {stack_name}: {exc}") from exc
    for output in stacks[0].get("Outputs", []):
        if output["OutputKey"] == key:
            return str(output["OutputValue"])
    raise OpsError(f"stack {stack_name} has no output {key}; is it deployed and complete?")
