"""Offboard a member of staff (or take them back) from a command line; admins do the same on
the app's /staff pages (services/staff_admin.py), which also move the clients first.

Offboarding, in this order, each step safe to repeat:

1. the Users record is marked inactive (with its audit row, in one transaction): from the
   very next request the app refuses every session of theirs and sign-in with their
   password, and pushes stop reaching their open pages;
2. Cognito signs them out everywhere (AdminUserGlobalSignOut: their refresh tokens stop
   working);
3. the Cognito user is disabled (AdminDisableUser: no sign-in at all);
4. their app sessions are deleted (the sessions table; the cookie then points at nothing).

Open pages are told "signed out" and closed by the next pushed change that would have
reached them, or by ``socket-upkeep`` within 5 minutes. Their clients keep them as case
manager until a supervisor moves them (the script says how many). ``--reactivate`` enables
the Cognito user and marks the record active again; they sign in afresh.

    .venv/bin/python -m infra.ops.offboard --jurisdiction salt-lake-county --username kim
    .venv/bin/python -m infra.ops.offboard --jurisdiction salt-lake-county --username kim \\
        --reactivate

Exit status: 0 done (or already so); 1 stopped before finishing (the message says why; run
it again); 130 interrupted (run it again).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from . import staff_access as access
from .aws_target import AwsRefused, Target, add_target_options
from .common import OpsError, jurisdiction, parser, region_for
from .staff_access import Clients, Report

UPKEEP_MINUTES = 5  # app.py: socket-upkeep's rate


def offboard(target: Target, username: str, aws: Clients, report: Report) -> None:
    pool = target.find_user_pool(aws.cognito, aws.cloudformation)
    enabled = bool(access.cognito_user(aws.cognito, pool, username).get("Enabled", True))
    now = datetime.now(UTC)
    changed = access.set_active(
        aws.dynamodb, target.table(access.USERS), target.table(access.AUDIT), username, False, now
    )
    report.step("staff record", "marked inactive" if changed else "already inactive")
    if enabled:
        try:
            access.sign_out_everywhere(aws.cognito, pool, username)
            report.step("Cognito", "signed out everywhere (their refresh tokens are revoked)")
        except AwsRefused as refused:
            if refused.code != "NotAuthorizedException":  # disabled meanwhile
                raise
            report.step("Cognito", "already disabled: it accepts none of their tokens")
        access.set_cognito_enabled(aws.cognito, pool, username, False)
        report.step("Cognito", f"disabled in {pool}")
    else:
        report.step("Cognito", f"already disabled in {pool}: it accepts none of their tokens")
    ended = access.end_app_sessions(aws.dynamodb, target.table(access.SESSIONS), username)
    report.step("app sessions", f"ended {ended}" if ended else "none open")
    report.step(
        "open pages",
        "told they are signed out at the next pushed change, or by socket-upkeep within "
        f"{UPKEEP_MINUTES} minutes",
    )
    count = access.active_client_count(aws.dynamodb, target.table(access.CLIENTS), username)
    if count:
        report.step(
            "caseload",
            f"{count} active client(s) still have {username} as case manager. A supervisor of "
            "the department moves each one (Caseload, Show: Whole department, the client, Move "
            "client). Until then their texts still arrive, unread for the department's "
            "supervisors, and their scheduled texts and reminders still go out.",
        )
    else:
        report.step("caseload", "no active clients")


def reactivate(target: Target, username: str, aws: Clients, report: Report) -> None:
    pool = target.find_user_pool(aws.cognito, aws.cloudformation)
    changed = access.set_cognito_enabled(aws.cognito, pool, username, True)
    report.step("Cognito", f"enabled in {pool}" if changed else f"already enabled in {pool}")
    now = datetime.now(UTC)
    changed = access.set_active(
        aws.dynamodb, target.table(access.USERS), target.table(access.AUDIT), username, True, now
    )
    report.step("staff record", "marked active" if changed else "already active")
    report.step(
        "sign-in",
        "with their own password, as before; if they no longer know it: "
        "python -m infra.ops.reset_login --password",
    )


def plan(target: Target, username: str, reactivating: bool) -> str:
    """What a real run would do; needs no credentials and calls nothing."""
    pool = target.describe_pool()
    if reactivating:
        steps = [
            f"enable Cognito user {username} in {pool}",
            f"mark {username} active in {target.table(access.USERS)} (with an audit row)",
        ]
    else:
        steps = [
            f"mark {username} inactive in {target.table(access.USERS)} (with an audit row)",
            f"sign {username} out of Cognito everywhere, then disable the user in {pool}",
            f"delete {username}'s sessions from {target.table(access.SESSIONS)}",
            f"count the active clients {username} is case manager of",
        ]
    return "\n".join(["Would, in this order:", *(f"  {n}. {s}" for n, s in enumerate(steps, 1))])


def arguments() -> argparse.ArgumentParser:
    made = parser(
        "offboard",
        "Keep a member of staff out: mark them inactive, sign them out everywhere, disable "
        "their Cognito user. --reactivate lets them back in. Safe to run again.",
    )
    add_target_options(made, user_pool=True)
    made.add_argument("--username", required=True, help="their Cognito username (user id)")
    made.add_argument(
        "--reactivate", action="store_true", help="undo an offboarding: enable and mark active"
    )
    return made


def main(argv: list[str] | None = None, aws: Clients | None = None) -> int:
    args = arguments().parse_args(argv)
    name = "offboard"
    report = Report()
    try:
        target = Target.from_args(args, region_for(args, jurisdiction(args.jurisdiction)))
        doing = "Reactivating" if args.reactivate else "Offboarding"
        print(f"{doing} {args.username} ({args.jurisdiction}, {target.region})")
        if args.dry_run:
            print(plan(target, args.username, args.reactivate))
            print("Dry run: nothing was read or changed.")
            return 0
        aws = aws or Clients(
            target.client("dynamodb"),
            target.client("cognito-idp"),
            lambda: target.client("cloudformation"),
        )
        (reactivate if args.reactivate else offboard)(target, args.username, aws, report)
    except OpsError as exc:
        print(report.text() or "  nothing changed", file=sys.stderr)
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(report.text(), file=sys.stderr)
        print(f"{name}: interrupted; every step is safe to repeat, run it again", file=sys.stderr)
        return 130
    print(report.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
