"""Store a jurisdiction's secrets in SSM Parameter Store as SecureStrings.

The template only names the parameters (CloudFormation cannot create SecureStrings); the app
reads them at run time. Values never go on the command line (shell history, ``ps``): the
Twilio credentials come from ``TWILIO_ACCOUNT_SID`` / ``TWILIO_AUTH_TOKEN`` or a prompt, and
the session secret is generated here.

    TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... \\
        .venv/bin/python -m infra.ops.store_secrets --jurisdiction salt-lake-county
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import secrets
import sys
from typing import Any

from infra.definitions import secret_parameters

from .common import OpsError, jurisdiction, parser, region_for

ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
SESSION_SECRET_BYTES = 48


def store_secrets(
    ssm: Any,
    jurisdiction: str,
    twilio: tuple[str, str] | None,
    *,
    rotate_session_secret: bool = False,
    kms_key_id: str | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Write the SecureStrings; return one line per parameter saying what happened.

    The session secret is kept when it exists: a new one signs everybody out.
    """
    names = secret_parameters(jurisdiction)
    wanted: dict[str, str] = {}
    report: list[str] = []
    if twilio is not None:
        account_sid, auth_token = twilio
        if not ACCOUNT_SID.match(account_sid):
            raise OpsError("the Twilio Account SID is 'AC' followed by 32 hexadecimal digits")
        if len(auth_token) < 16:
            raise OpsError("the Twilio auth token looks too short")
        wanted[names["TWILIO_ACCOUNT_SID_PARAMETER"]] = account_sid
        wanted[names["TWILIO_AUTH_TOKEN_PARAMETER"]] = auth_token
    session_name = names["SESSION_SECRET_PARAMETER"]
    if rotate_session_secret or not _exists(ssm, session_name):
        wanted[session_name] = secrets.token_urlsafe(SESSION_SECRET_BYTES)
    else:
        report.append(f"kept     {session_name} (use --rotate-session-secret to replace it)")
    for name, value in wanted.items():
        if dry_run:
            report.append(f"would set {name}")
            continue
        request = {"Name": name, "Value": value, "Type": "SecureString", "Overwrite": True}
        if kms_key_id:
            request["KeyId"] = kms_key_id
        ssm.put_parameter(**request)
        report.append(f"set      {name}")
    return report


def _exists(ssm: Any, name: str) -> bool:
    try:
        ssm.get_parameter(Name=name)
    except ssm.exceptions.ParameterNotFound:
        return False
    return True


def twilio_credentials() -> tuple[str, str]:
    """From the environment, else asked for (the token without echo)."""
    account_sid = os.environ.get("TWILIO_ACCOUNT_SID") or input("Twilio Account SID: ").strip()
    auth_token = os.environ.get("TWILIO_AUTH_TOKEN") or getpass.getpass("Twilio auth token: ")
    return account_sid.strip(), auth_token.strip()


def arguments() -> argparse.ArgumentParser:
    made = parser("store_secrets", "Store the Twilio credentials and session secret in SSM.")
    made.add_argument(
        "--no-twilio", action="store_true", help="leave the Twilio credentials as they are"
    )
    made.add_argument(
        "--rotate-session-secret",
        action="store_true",
        help="replace the session secret (signs every member of staff out)",
    )
    made.add_argument("--kms-key-id", help="a customer managed KMS key (default aws/ssm)")
    return made


def main(argv: list[str] | None = None) -> int:
    args = arguments().parse_args(argv)
    try:
        region = region_for(args, jurisdiction(args.jurisdiction))
        twilio = None if args.no_twilio else twilio_credentials()
        import boto3  # only a real run needs AWS

        report = store_secrets(
            boto3.client("ssm", region_name=region),
            args.jurisdiction,
            twilio,
            rotate_session_secret=args.rotate_session_secret,
            kms_key_id=args.kms_key_id,
            dry_run=args.dry_run,
        )
    except OpsError as exc:
        print(f"store_secrets: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
