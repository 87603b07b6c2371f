"""Store a jurisdiction's secrets in SSM Parameter Store as SecureStrings, and rotate the
Twilio auth token without refusing a text.

The template only names the parameters (CloudFormation cannot create SecureStrings); the app
reads them at run time. Values never go on the command line (shell history, ``ps``): the
Twilio credentials come from ``TWILIO_ACCOUNT_SID`` / ``TWILIO_AUTH_TOKEN`` or a prompt, and
the session secret is generated here. A dry run reads and writes nothing, so it needs no AWS
credentials.

    TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... \\
        .venv/bin/python -m infra.ops.store_secrets --jurisdiction salt-lake-county

Rotating the auth token (docs/operations.md, "Rotate secrets") is two runs around Twilio's
promotion: ``--rotate-twilio-token`` stores the new token as the current one and keeps the
one it replaces as the previous one (the app accepts signatures made with either);
``--end-twilio-rotation`` forgets the previous one once the window is over. Both are safe to
run again and to interrupt.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from typing import Any

from infra.definitions import PREVIOUS_AUTH_TOKEN_VARIABLE, rotation_parameters, secret_parameters

from .common import (
    OpsError,
    ask,
    aws_client,
    jurisdiction,
    parser,
    region_for,
    run,
)

ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
SESSION_SECRET_BYTES = 48
SID_KEY = "TWILIO_ACCOUNT_SID_PARAMETER"
TOKEN_KEY = "TWILIO_AUTH_TOKEN_PARAMETER"  # noqa: S105 - the name of a name
CACHE_MINUTES = 5  # chalicelib/adapters/twilio_secrets.py MAX_AGE_SECONDS
WAIT_MINUTES = 2 * CACHE_MINUTES


def store_secrets(
    ssm: Any | None,
    jurisdiction: str,
    twilio: tuple[str, str] | None,
    *,
    rotate_session_secret: bool = False,
    kms_key_id: str | None = None,
    dry_run: bool = False,
    replace_twilio: bool = False,
) -> list[str]:
    """Write the SecureStrings; return one line per parameter saying what happened.

    The session secret is kept when it exists: a new one signs everybody out. A different
    auth token already stored is not overwritten unless ``replace_twilio`` (rotate it with
    ``rotate_twilio_token`` instead: replacing it refuses every request signed with the old
    one). ``ssm`` None (a dry run without AWS) reads nothing and says what it would check.
    """
    names = secret_parameters(jurisdiction)
    wanted: dict[str, str] = {}
    report: list[str] = []
    if twilio is not None:
        account_sid, auth_token = check_twilio(*twilio)
        stored = None if ssm is None else _read(ssm, names[TOKEN_KEY])
        if stored is not None and stored != auth_token and not replace_twilio:
            raise OpsError(
                f"{names[TOKEN_KEY]} holds a different auth token: rotate it with "
                "--rotate-twilio-token (no text refused), or pass --replace-twilio to overwrite "
                "it (requests signed with the old token are refused from then on)"
            )
        wanted[names[SID_KEY]] = account_sid
        wanted[names[TOKEN_KEY]] = auth_token
    session_name = names["SESSION_SECRET_PARAMETER"]
    if ssm is None and not rotate_session_secret:
        report.append(f"would set {session_name} unless it exists (then it is kept)")
    elif rotate_session_secret or not _exists(ssm, session_name):
        wanted[session_name] = secrets.token_urlsafe(SESSION_SECRET_BYTES)
    else:
        report.append(f"kept     {session_name} (use --rotate-session-secret to replace it)")
    for name, value in wanted.items():
        if ssm is not None and not dry_run and _read(ssm, name) == value:
            report.append(f"kept     {name} (it already holds this value)")
        else:
            report.append(_put(ssm, name, value, kms_key_id, dry_run))
    return report


def rotate_twilio_token(
    ssm: Any | None,
    jurisdiction: str,
    new_token: str | None,
    *,
    kms_key_id: str | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Store ``new_token`` as the current auth token and the one it replaces as the previous
    one, previous first, so an interrupted run is finished by running it again. ``ssm``
    None (a dry run) reads nothing; ``new_token`` may then be unknown (None)."""
    if new_token is not None:
        _, new_token = check_twilio(None, new_token)
    names = secret_parameters(jurisdiction)
    current_name = names[TOKEN_KEY]
    previous_name = rotation_parameters(jurisdiction)[PREVIOUS_AUTH_TOKEN_VARIABLE]
    if ssm is None:
        return [
            f"would set {previous_name} to the token now in {current_name}",
            f"would set {current_name} to the new token",
        ]
    if new_token is None:
        raise OpsError("no new auth token given")
    current = _read(ssm, current_name)
    if current is None:
        raise OpsError(f"{current_name} is not set: store the secrets first (without --rotate)")
    if current == new_token:
        return [f"kept     {current_name} (it already is the new token: the rotation is stored)"]
    return [
        _put(ssm, previous_name, current, kms_key_id, dry_run) + " (the token being replaced)",
        _put(ssm, current_name, new_token, kms_key_id, dry_run) + " (the new token)",
    ]


def end_twilio_rotation(ssm: Any | None, jurisdiction: str, *, dry_run: bool = False) -> list[str]:
    """Forget the previous auth token: requests signed with it are refused from then on."""
    name = rotation_parameters(jurisdiction)[PREVIOUS_AUTH_TOKEN_VARIABLE]
    if dry_run or ssm is None:
        return [f"would delete {name} (if it is there)"]
    try:
        ssm.delete_parameter(Name=name)
    except ssm.exceptions.ParameterNotFound:
        return [f"kept     nothing: {name} is not there (the rotation is over)"]
    return [f"deleted  {name}"]


def check_twilio(account_sid: str | None, auth_token: str) -> tuple[str, str]:
    if account_sid is not None and not ACCOUNT_SID.match(account_sid):
        raise OpsError("the Twilio Account SID is 'AC' followed by 32 hexadecimal digits")
    if len(auth_token) < 16:
        raise OpsError("the Twilio auth token looks too short")
    return account_sid or "", auth_token


def _put(ssm: Any | None, name: str, value: str, kms_key_id: str | None, dry_run: bool) -> str:
    if dry_run or ssm is None:
        return f"would set {name}"
    request = {"Name": name, "Value": value, "Type": "SecureString", "Overwrite": True}
    if kms_key_id:
        request["KeyId"] = kms_key_id
    ssm.put_parameter(**request)
    return f"set      {name}"


def _read(ssm: Any, name: str) -> str | None:
    try:
        found = ssm.get_parameter(Name=name, WithDecryption=True)
    except ssm.exceptions.ParameterNotFound:
        return None
    return str(found["Parameter"]["Value"])


def _exists(ssm: Any, name: str) -> bool:
    try:
        ssm.get_parameter(Name=name)
    except ssm.exceptions.ParameterNotFound:
        return False
    return True


def twilio_credentials() -> tuple[str, str]:
    """From the environment, else asked for at the terminal (the token without echo)."""
    account_sid = ask("Twilio Account SID", "TWILIO_ACCOUNT_SID")
    return account_sid, new_auth_token()


def new_auth_token() -> str:
    return ask("Twilio auth token", "TWILIO_AUTH_TOKEN", secret=True)


def arguments() -> argparse.ArgumentParser:
    made = parser("store_secrets", "Store the Twilio credentials and session secret in SSM.")
    twilio = made.add_mutually_exclusive_group()
    twilio.add_argument(
        "--no-twilio", action="store_true", help="leave the Twilio credentials as they are"
    )
    twilio.add_argument(
        "--rotate-twilio-token",
        action="store_true",
        help="store the new auth token (TWILIO_AUTH_TOKEN or asked for) as the current one and "
        "keep the stored one as the previous one, before promoting it in Twilio",
    )
    twilio.add_argument(
        "--end-twilio-rotation",
        action="store_true",
        help="forget the previous auth token (after the rotation window)",
    )
    made.add_argument(
        "--replace-twilio",
        action="store_true",
        help="overwrite a different stored auth token at once (refuses requests signed with it)",
    )
    made.add_argument(
        "--rotate-session-secret",
        action="store_true",
        help="replace the session secret (signs every member of staff out)",
    )
    made.add_argument("--kms-key-id", help="a customer managed KMS key (default aws/ssm)")
    return made


def main(argv: list[str] | None = None, ssm: Any = None) -> int:
    """``ssm`` lets a test hand in a client; normally one is built (never for a dry run)."""
    args = arguments().parse_args(argv)
    return run("store_secrets", lambda: _store(args, ssm))


def _store(args: argparse.Namespace, ssm: Any) -> int:
    region = region_for(args, jurisdiction(args.jurisdiction))
    if args.dry_run:
        ssm = None
        print("Dry run: nothing is read or written.")
    elif ssm is None:
        ssm = aws_client(args, "ssm", region)
    if args.end_twilio_rotation:
        report = end_twilio_rotation(ssm, args.jurisdiction, dry_run=args.dry_run)
    elif args.rotate_twilio_token:
        token = _from_environment("TWILIO_AUTH_TOKEN") if args.dry_run else new_auth_token()
        report = rotate_twilio_token(ssm, args.jurisdiction, token, kms_key_id=args.kms_key_id)
        report.append(
            f"Next: wait {WAIT_MINUTES} minutes (every function reads the tokens at least every "
            f"{CACHE_MINUTES}), promote the secondary token in Twilio, and end the rotation "
            "once the fallback and status queues are empty (docs/operations.md)."
        )
    else:
        twilio = None if args.no_twilio else _twilio_for(args)
        report = [] if twilio is not None or args.no_twilio else _asked_later(args.jurisdiction)
        report += store_secrets(
            ssm,
            args.jurisdiction,
            twilio,
            rotate_session_secret=args.rotate_session_secret,
            kms_key_id=args.kms_key_id,
            dry_run=args.dry_run,
            replace_twilio=args.replace_twilio,
        )
    print("\n".join(report))
    return 0


def _twilio_for(args: argparse.Namespace) -> tuple[str, str] | None:
    """The credentials to store. A dry run never asks: it checks them when the environment
    has them, else says they will be asked for (None)."""
    if not args.dry_run:
        return twilio_credentials()
    sid, token = _from_environment("TWILIO_ACCOUNT_SID"), _from_environment("TWILIO_AUTH_TOKEN")
    return (sid, token) if sid and token else None


def _asked_later(jurisdiction: str) -> list[str]:
    names = secret_parameters(jurisdiction)
    return [f"would set {names[key]} (asked for at the real run)" for key in (SID_KEY, TOKEN_KEY)]


def _from_environment(variable: str) -> str | None:
    return os.environ.get(variable, "").strip() or None


if __name__ == "__main__":
    sys.exit(main())
