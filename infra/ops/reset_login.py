"""Reset a member of staff's password or authenticator app, and sign them out everywhere.

Nobody resets their own password by e-mail (the pool's account recovery is admin only, as
the sign-in page says), so ops do it here until the app's admin pages exist:

- ``--password``: a temporary password you type at a prompt (or pipe in with
  ``--password-stdin``; never on the command line). Cognito marks the account
  FORCE_CHANGE_PASSWORD: their next sign-in asks for a new password, as on their first day.
  Give it to them by phone or in person, not by e-mail. It expires after 7 days.
- ``--mfa``: removes their authenticator app (AdminDeleteSoftwareToken). With MFA required
  (``"mfa": "ON"``) their next sign-in sets up a new one, as on their first day.

Either way every session of theirs ends (Cognito global sign-out and the app's sessions),
since a reset often means someone else may know the old secret, and an audit row records
it. Running it again is harmless (a new temporary password; no authenticator left to
remove).

    .venv/bin/python -m infra.ops.reset_login --jurisdiction salt-lake-county \\
        --username kim --password

Exit status: 0 done; 1 stopped (the message says why; nothing after that step was done).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from typing import IO, Any

from infra.definitions import PASSWORD_POLICY

from . import staff_access as access
from .aws_target import AwsRefused, Target, add_target_options, call
from .common import OpsError, jurisdiction, parser, region_for
from .staff_access import Clients, Report

SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
NO_AUTHENTICATOR = ("ResourceNotFoundException", "InvalidParameterException")


def policy_problems(password: str) -> list[str]:
    """What Cognito's password policy (infra/definitions.py) would refuse, said up front."""
    problems = []
    if len(password) < PASSWORD_POLICY["MinimumLength"]:
        problems.append(f"at least {PASSWORD_POLICY['MinimumLength']} characters")
    if PASSWORD_POLICY["RequireUppercase"] and not any(c.isupper() for c in password):
        problems.append("an upper-case letter")
    if PASSWORD_POLICY["RequireLowercase"] and not any(c.islower() for c in password):
        problems.append("a lower-case letter")
    if PASSWORD_POLICY["RequireNumbers"] and not any(c.isdigit() for c in password):
        problems.append("a number")
    if PASSWORD_POLICY["RequireSymbols"] and not any(c in SYMBOLS for c in password):
        problems.append("a symbol")
    return problems


def read_password(from_stdin: bool, stdin: IO[str] | None = None) -> str:
    """The temporary password: one line of stdin, or typed twice at a prompt (no echo)."""
    if from_stdin:
        password = (stdin or sys.stdin).readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Temporary password: ")
        if getpass.getpass("Again: ") != password:
            raise OpsError("the two passwords differ; nothing was changed")
    problems = policy_problems(password)
    if problems:
        raise OpsError(f"the password needs {', '.join(problems)}; nothing was changed")
    return password


def reset(
    target: Target,
    username: str,
    aws: Clients,
    report: Report,
    *,
    password: str | None,
    mfa: bool,
) -> None:
    pool = target.find_user_pool(aws.cognito, aws.cloudformation)
    user = access.cognito_user(aws.cognito, pool, username)
    if not user.get("Enabled", True):
        raise OpsError(
            f"{username} is disabled (offboarded): run infra.ops.offboard --reactivate first"
        )
    if access.staff_record(aws.dynamodb, target.table(access.USERS), username) is None:
        raise OpsError(
            f"{username} has no staff record in {target.table(access.USERS)}, so could not "
            "sign in anyway: check --username and --table-prefix (nothing was changed)"
        )
    audit = target.table(access.AUDIT)
    if mfa:
        report.step("authenticator", _remove_authenticator(aws.cognito, pool, username))
        access.record_audit(
            aws.dynamodb, audit, access.staff_subject(username), "mfa_reset", datetime.now(UTC)
        )
    if password is not None:
        _set_temporary_password(aws.cognito, pool, username, password)
        days = PASSWORD_POLICY["TemporaryPasswordValidityDays"]
        report.step(
            "password",
            f"temporary password set: their next sign-in asks for a new one (within {days} days)",
        )
        access.record_audit(
            aws.dynamodb, audit, access.staff_subject(username), "password_reset", datetime.now(UTC)
        )
    access.sign_out_everywhere(aws.cognito, pool, username)
    report.step("Cognito", "signed out everywhere (their refresh tokens are revoked)")
    ended = access.end_app_sessions(aws.dynamodb, target.table(access.SESSIONS), username)
    report.step("app sessions", f"ended {ended}" if ended else "none open")


def _remove_authenticator(cognito: Any, pool: str, username: str) -> str:
    try:
        call(
            "remove their authenticator",
            cognito.admin_delete_software_token,
            UserPoolId=pool,
            Username=username,
        )
    except AwsRefused as refused:
        if refused.code in NO_AUTHENTICATOR:
            return f"none registered (Cognito answered {refused.code}); nothing to remove"
        if refused.code in ("500", "InternalFailure", "NotImplemented"):
            raise OpsError(
                "this endpoint cannot remove an authenticator (moto, the local stack, does "
                "not implement AdminDeleteSoftwareToken); on AWS it can"
            ) from None
        raise
    required = _mfa_required(cognito, pool)
    return "removed: " + (
        "their next sign-in sets up a new authenticator app"
        if required
        else "they sign in with their password alone until MFA is required"
    )


def _mfa_required(cognito: Any, pool: str) -> bool:
    config = call("read the pool's MFA setting", cognito.get_user_pool_mfa_config, UserPoolId=pool)
    return config.get("MfaConfiguration") == "ON"


def _set_temporary_password(cognito: Any, pool: str, username: str, password: str) -> None:
    try:
        call(
            "set the temporary password",
            cognito.admin_set_user_password,
            UserPoolId=pool,
            Username=username,
            Password=password,
            Permanent=False,
        )
    except AwsRefused as refused:
        if refused.code in ("InvalidPasswordException", "PasswordHistoryPolicyViolationException"):
            raise OpsError(
                f"Cognito refused that password ({refused.code}): choose another"
            ) from None
        raise


def plan(target: Target, username: str, password: bool, mfa: bool) -> str:
    pool = target.describe_pool()
    steps = []
    if mfa:
        steps.append(f"remove {username}'s authenticator app in {pool}")
    if password:
        steps.append(f"give {username} a temporary password (asked for first) in {pool}")
    steps += [
        f"sign {username} out of Cognito everywhere",
        f"delete {username}'s sessions from {target.table(access.SESSIONS)}",
        f"note it in {target.table(access.AUDIT)}",
    ]
    return "\n".join(["Would, in this order:", *(f"  {n}. {s}" for n, s in enumerate(steps, 1))])


def arguments() -> argparse.ArgumentParser:
    made = parser(
        "reset_login",
        "Give a member of staff a temporary password and/or remove their authenticator app, "
        "then sign them out everywhere.",
    )
    add_target_options(made, user_pool=True)
    made.add_argument("--username", required=True, help="their Cognito username (user id)")
    made.add_argument(
        "--password", action="store_true", help="set a temporary password (asked for)"
    )
    made.add_argument(
        "--password-stdin",
        action="store_true",
        help="set a temporary password read from the first line of stdin (for scripts)",
    )
    made.add_argument("--mfa", action="store_true", help="remove their authenticator app")
    return made


def main(argv: list[str] | None = None, aws: Clients | None = None) -> int:
    made = arguments()
    args = made.parse_args(argv)
    args.password = args.password or args.password_stdin
    if not (args.password or args.mfa):
        made.error("say what to reset: --password, --mfa or both")
    report = Report()
    try:
        target = Target.from_args(args, region_for(args, jurisdiction(args.jurisdiction)))
        print(f"Resetting {args.username}'s sign-in ({args.jurisdiction}, {target.region})")
        if args.dry_run:
            print(plan(target, args.username, args.password, args.mfa))
            print("Dry run: nothing was read or changed.")
            return 0
        password = read_password(args.password_stdin) if args.password else None
        aws = aws or Clients(
            target.client("dynamodb"),
            target.client("cognito-idp"),
            lambda: target.client("cloudformation"),
        )
        reset(target, args.username, aws, report, password=password, mfa=args.mfa)
    except OpsError as exc:
        print(report.text() or "  nothing changed", file=sys.stderr)
        print(f"reset_login: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print(report.text(), file=sys.stderr)
        print("reset_login: interrupted; run it again", file=sys.stderr)
        return 130
    print(report.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
