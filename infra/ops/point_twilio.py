"""Point every department number's inbound-message webhooks at the deployed stack.

Each number gets ``sms_url`` (with Twilio's retry settings in its fragment, see
``infra/package/webhooks.py``) and ``sms_fallback_url``, both POST. Delivery status
callbacks are not set here: the app names them per message when it sends. Credentials come
from ``TWILIO_ACCOUNT_SID`` / ``TWILIO_AUTH_TOKEN``, or with ``--from-ssm`` from the
SecureStrings ``store_secrets`` wrote. Twilio is reached as the app reaches it: at
``TWILIO_API_BASE_URL`` when set (the local fake Twilio), with timeouts on every request.

A dry run changes nothing and needs no AWS credentials: it reads the numbers' current
settings when Twilio credentials are in the environment and shows what would change, else
it shows only what each number would be set to. Running it again changes nothing.

    .venv/bin/python -m infra.ops.point_twilio --jurisdiction salt-lake-county --dry-run
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from chalicelib.adapters.twilio_gateway import TwilioCredentials, rest_client
from chalicelib.adapters.twilio_timing import TwilioTimeouts
from infra.definitions import secret_parameters
from infra.package.webhooks import fallback_url, sms_url

from .common import (
    LOOPBACK,
    OpsError,
    add_stack_option,
    aws_client,
    default_stack_name,
    jurisdiction,
    parser,
    region_for,
    run,
    stack_output,
)

UPDATED = "updated"
UNCHANGED = "already pointed here"
WOULD_UPDATE = "would update"
MISSING = "not in this Twilio account"
UNREAD = "would be set to the URLs above (its settings now were not read)"
# An ops script may wait longer than a webhook, but never forever.
SCRIPT_TIMEOUTS = TwilioTimeouts(connect=5.0, read=15.0, total=60.0)
STACK_BASE_URL = "<the stack's PublicBaseUrl>"


@dataclass(frozen=True)
class Webhooks:
    """What every department number is pointed at (both called with POST)."""

    sms_url: str
    fallback_url: str

    @classmethod
    def for_base(cls, base_url: str) -> Webhooks:
        base = base_url.rstrip("/")
        return cls(sms_url(base), fallback_url(base))

    def settings(self) -> dict[str, str]:
        """The number's fields, as the SDK's ``update`` takes them."""
        return {
            "sms_url": self.sms_url,
            "sms_method": "POST",
            "sms_fallback_url": self.fallback_url,
            "sms_fallback_method": "POST",
        }

    def changes(self, record: Any) -> list[str]:
        """Each field that differs, as "field: now → wanted"."""
        found = []
        for field, wanted in self.settings().items():
            now = getattr(record, field, None) or ""
            if (now.upper() if field.endswith("method") else now) != wanted:
                found.append(f"{field}: {now or 'empty'} → {wanted}")
        return found

    def already_on(self, record: Any) -> bool:
        return not self.changes(record)


@dataclass(frozen=True)
class NumberResult:
    department_id: str
    number: str
    outcome: str
    previous_url: str = ""
    changes: tuple[str, ...] = ()

    def line(self) -> str:
        shown = self.outcome in (UPDATED, WOULD_UPDATE)
        before = f" (was {self.previous_url or 'empty'})" if shown else ""
        details = "".join(f"\n    {change}" for change in self.changes)
        return f"{self.number}  {self.department_id:<16} {self.outcome}{before}{details}"


def point_numbers(
    client: Any, numbers: list[tuple[str, str]], webhooks: Webhooks, *, dry_run: bool = False
) -> list[NumberResult]:
    """Set the webhooks on each ``(department id, E.164)`` number of the account.

    ``client`` is a ``twilio.rest.Client`` or anything with the same
    ``incoming_phone_numbers.list(...)`` / ``record.update(...)`` shape. Twilio's
    PhoneNumber filter also matches numbers that merely contain the one asked for, so only
    an exact match is ever changed.
    """
    results = []
    for department_id, number in numbers:
        listed = client.incoming_phone_numbers.list(phone_number=number, limit=20)
        record = next((found for found in listed if found.phone_number == number), None)
        if record is None:
            results.append(NumberResult(department_id, number, MISSING))
            continue
        previous = record.sms_url or ""
        changes = tuple(webhooks.changes(record))
        if not changes:
            results.append(NumberResult(department_id, number, UNCHANGED, previous))
        elif dry_run:
            results.append(NumberResult(department_id, number, WOULD_UPDATE, previous, changes))
        else:
            record.update(**webhooks.settings())
            results.append(NumberResult(department_id, number, UPDATED, previous, changes))
    return results


def credentials(args: argparse.Namespace, region: str) -> tuple[str, str]:
    if args.from_ssm:
        ssm = aws_client(args, "ssm", region)
        names = secret_parameters(args.jurisdiction)

        def read(key: str) -> str:
            try:
                found = ssm.get_parameter(Name=names[key], WithDecryption=True)
            except ssm.exceptions.ParameterNotFound:
                raise OpsError(f"{names[key]} is not set: run store_secrets first") from None
            return str(found["Parameter"]["Value"])

        return read("TWILIO_ACCOUNT_SID_PARAMETER"), read("TWILIO_AUTH_TOKEN_PARAMETER")
    sid, token = os.environ.get("TWILIO_ACCOUNT_SID"), os.environ.get("TWILIO_AUTH_TOKEN")
    if not sid or not token:
        raise OpsError("set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or pass --from-ssm")
    return sid, token


def twilio_client(sid: str, token: str) -> Any:
    """The SDK client the app would build (``TWILIO_API_BASE_URL`` honoured), with timeouts."""
    base = os.environ.get("TWILIO_API_BASE_URL") or None
    return rest_client(TwilioCredentials(sid, token, base), SCRIPT_TIMEOUTS)


def check_base_url(base_url: str) -> None:
    """Twilio only calls https:// webhooks; plain http is accepted for this machine (the
    local stack, with the local fake Twilio)."""
    parts = urlsplit(base_url)
    local = parts.scheme == "http" and parts.hostname in LOOPBACK
    if not (parts.scheme == "https" or local) or not parts.hostname:
        raise OpsError(f"Twilio needs https:// webhooks; got {base_url}")


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
    return run("point_twilio", lambda: _point(args, client))


def _point(args: argparse.Namespace, client: Any) -> int:
    found = jurisdiction(args.jurisdiction)
    region = region_for(args, found)
    if args.base_url:
        check_base_url(args.base_url)
    if args.dry_run and not args.base_url:
        base_url = STACK_BASE_URL  # a dry run reads nothing from AWS
    else:
        base_url = args.base_url or _stack_base_url(args, region)
        check_base_url(base_url)
    webhooks = Webhooks.for_base(base_url)
    numbers = [(d.department_id, d.twilio_number) for d in found.departments]
    if client is None:
        client = _client_for(args, region)
    if client is None:
        results = [NumberResult(d, n, UNREAD) for d, n in numbers]
    else:
        results = point_numbers(client, numbers, webhooks, dry_run=args.dry_run)
    print(f"Inbound webhook:  {webhooks.sms_url}")
    print(f"Fallback webhook: {webhooks.fallback_url}")
    print("\n".join(result.line() for result in results))
    if any(r.outcome == MISSING for r in results):
        raise OpsError("a department number is not in this Twilio account: nothing set for it")
    return 0


def _client_for(args: argparse.Namespace, region: str) -> Any:
    """A Twilio client; None for a dry run without Twilio credentials in the environment."""
    if args.dry_run:
        sid, token = os.environ.get("TWILIO_ACCOUNT_SID"), os.environ.get("TWILIO_AUTH_TOKEN")
        return twilio_client(sid, token) if sid and token else None
    return twilio_client(*credentials(args, region))


def _stack_base_url(args: argparse.Namespace, region: str) -> str:
    stack = args.stack_name or default_stack_name(args.jurisdiction)
    return stack_output(aws_client(args, "cloudformation", region), stack, "PublicBaseUrl")


if __name__ == "__main__":
    sys.exit(main())
