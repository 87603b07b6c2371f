"""Point every department number's inbound-message webhooks at the deployed stack.

Each number gets ``sms_url`` (with Twilio's retry settings in its fragment, see
``infra/package/webhooks.py``) and ``sms_fallback_url``, both POST. Delivery status
callbacks are not set here: the app names them per message when it sends. Credentials come
from ``TWILIO_ACCOUNT_SID`` / ``TWILIO_AUTH_TOKEN``, or with ``--from-ssm`` from the
SecureStrings ``store_secrets`` wrote.

    .venv/bin/python -m infra.ops.point_twilio --jurisdiction salt-lake-county --dry-run
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Any

from infra.definitions import secret_parameters
from infra.package.webhooks import fallback_url, sms_url

from .common import (
    OpsError,
    add_stack_option,
    default_stack_name,
    jurisdiction,
    parser,
    region_for,
    stack_output,
)

UPDATED = "updated"
UNCHANGED = "already pointed here"
WOULD_UPDATE = "would update"
MISSING = "not in this Twilio account"


@dataclass(frozen=True)
class Webhooks:
    """What every department number is pointed at (both called with POST)."""

    sms_url: str
    fallback_url: str

    @classmethod
    def for_base(cls, base_url: str) -> Webhooks:
        base = base_url.rstrip("/")
        return cls(sms_url(base), fallback_url(base))

    def already_on(self, record: Any) -> bool:
        return (
            record.sms_url == self.sms_url
            and (record.sms_method or "").upper() == "POST"
            and record.sms_fallback_url == self.fallback_url
            and (record.sms_fallback_method or "").upper() == "POST"
        )


@dataclass(frozen=True)
class NumberResult:
    department_id: str
    number: str
    outcome: str
    previous_url: str = ""

    def line(self) -> str:
        before = f" (was {self.previous_url or 'empty'})" if self.outcome != UNCHANGED else ""
        return f"{self.number}  {self.department_id:<16} {self.outcome}{before}"


def point_numbers(
    client: Any, numbers: list[tuple[str, str]], webhooks: Webhooks, *, dry_run: bool = False
) -> list[NumberResult]:
    """Set the webhooks on each ``(department id, E.164)`` number of the account.

    ``client`` is a ``twilio.rest.Client`` or anything with the same
    ``incoming_phone_numbers.list(...)`` / ``record.update(...)`` shape.
    """
    results = []
    for department_id, number in numbers:
        found = client.incoming_phone_numbers.list(phone_number=number, limit=1)
        if not found:
            results.append(NumberResult(department_id, number, MISSING))
            continue
        record = found[0]
        previous = record.sms_url or ""
        if webhooks.already_on(record):
            results.append(NumberResult(department_id, number, UNCHANGED, previous))
        elif dry_run:
            results.append(NumberResult(department_id, number, WOULD_UPDATE, previous))
        else:
            record.update(
                sms_url=webhooks.sms_url,
                sms_method="POST",
                sms_fallback_url=webhooks.fallback_url,
                sms_fallback_method="POST",
            )
            results.append(NumberResult(department_id, number, UPDATED, previous))
    return results


def credentials(args: argparse.Namespace, region: str) -> tuple[str, str]:
    if args.from_ssm:
        import boto3

        ssm = boto3.client("ssm", region_name=region)
        names = secret_parameters(args.jurisdiction)

        def read(key: str) -> str:
            found = ssm.get_parameter(Name=names[key], WithDecryption=True)
            return str(found["Parameter"]["Value"])

        return read("TWILIO_ACCOUNT_SID_PARAMETER"), read("TWILIO_AUTH_TOKEN_PARAMETER")
    sid, token = os.environ.get("TWILIO_ACCOUNT_SID"), os.environ.get("TWILIO_AUTH_TOKEN")
    if not sid or not token:
        raise OpsError("set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or pass --from-ssm")
    return sid, token


def arguments() -> argparse.ArgumentParser:
    made = parser(
        "point_twilio", "Set each department number's SMS and fallback webhooks to the stack."
    )
    add_stack_option(made)
    made.add_argument(
        "--base-url",
        help="skip the stack lookup: the stack's public base URL (its PublicBaseUrl output)",
    )
    made.add_argument(
        "--from-ssm", action="store_true", help="read the Twilio credentials from SSM"
    )
    return made


def main(argv: list[str] | None = None, client: Any = None) -> int:
    """``client`` lets a test hand in a fake Twilio; normally one is built from credentials."""
    args = arguments().parse_args(argv)
    try:
        found = jurisdiction(args.jurisdiction)
        region = region_for(args, found)
        base_url = args.base_url or _stack_base_url(args, region)
        if not base_url.startswith("https://"):
            raise OpsError(f"Twilio needs https:// webhooks; got {base_url}")
        webhooks = Webhooks.for_base(base_url)
        if client is None:
            from twilio.rest import Client

            client = Client(*credentials(args, region))
        numbers = [(d.department_id, d.twilio_number) for d in found.departments]
        results = point_numbers(client, numbers, webhooks, dry_run=args.dry_run)
    except OpsError as exc:
        print(f"point_twilio: {exc}", file=sys.stderr)
        return 1
    print(f"Inbound webhook:  {webhooks.sms_url}")
    print(f"Fallback webhook: {webhooks.fallback_url}")
    print("\n".join(result.line() for result in results))
    return 1 if any(r.outcome == MISSING for r in results) else 0


def _stack_base_url(args: argparse.Namespace, region: str) -> str:
    import boto3

    stack = args.stack_name or default_stack_name(args.jurisdiction)
    cloudformation = boto3.client("cloudformation", region_name=region)
    return stack_output(cloudformation, stack, "PublicBaseUrl")


if __name__ == "__main__":
    sys.exit(main())
