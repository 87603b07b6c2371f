"""What every ops script shares: which jurisdiction, which region, and the stack's outputs."""

from __future__ import annotations

import argparse
from typing import Any

from chalicelib.domain.jurisdiction import Jurisdiction
from infra.config_loader import JurisdictionConfigError, load_jurisdiction


class OpsError(Exception):
    """The script stopped before changing anything it could not finish; the message says why."""


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
        "--dry-run", action="store_true", help="say what would change; change nothing"
    )
    return made


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
