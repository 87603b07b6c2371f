"""Create a staff account (by default a jurisdiction's first admin): a Cognito user plus the
app's Users record, both or neither.

Cognito holds the password; the Users table holds the role and department (the app refuses
anyone who has only one of the two). The record is written first, under the condition that
none exists, and the Cognito user last (it is what emails the invitation); if Cognito
refuses, the record this run wrote is removed again. A run that stopped halfway is finished
by running the same command again. An existing person is never changed without
``--update``: a rerun with the same details changes nothing, other details are refused.

The temporary password is never an argument (shell history, ``ps``): it comes from
``ADMIN_TEMPORARY_PASSWORD`` or a prompt (``--ask-temporary-password``); without either,
Cognito makes one and emails it. A dry run reads nothing, so it needs no credentials.

    .venv/bin/python -m infra.ops.create_admin --jurisdiction salt-lake-county \\
        --username dana --email dana@example.gov --name "Dana Whitfield" --department probation
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from chalicelib.adapters.cognito_accounts import CognitoAccounts
from chalicelib.domain.users import Role
from chalicelib.services.staff_accounts import (
    AccountDiffers,
    AccountNotFinished,
    NewUser,
    create_account,
)
from chalicelib.store.models import ALL_MODELS
from chalicelib.store.tables import bind_tables
from chalicelib.store.users import UserStore
from infra.definitions import PASSWORD_POLICY

from .aws_target import Target, add_target_options
from .common import (
    OpsError,
    OpsFailure,
    ask,
    aws_client,
    describe,
    endpoint_url,
    jurisdiction,
    parser,
    region_for,
    run,
)

PASSWORD_VARIABLE = "ADMIN_TEMPORARY_PASSWORD"  # noqa: S105 - the name of a variable
SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")  # Cognito's special characters


def password_problems(password: str) -> list[str]:
    """What the user pool's policy (infra/definitions.py) would refuse in ``password``."""
    rules = [
        (len(password) >= int(PASSWORD_POLICY["MinimumLength"]), "12 characters or more"),
        (any(c.isupper() for c in password), "an upper-case letter"),
        (any(c.islower() for c in password), "a lower-case letter"),
        (any(c.isdigit() for c in password), "a digit"),
        (any(c in SYMBOLS for c in password), "a symbol"),
    ]
    return [need for ok, need in rules if not ok]


def create_user(
    cognito: Any,
    users: UserStore,
    user_pool_id: str,
    new: NewUser,
    temporary_password: str | None = None,
    *,
    update: bool = False,
) -> list[str]:
    """Make ``new`` exist in both places, or refuse; one report line per thing done (the
    steps are the app's own, ``services/staff_accounts.py``, which the /staff pages use)."""
    accounts = CognitoAccounts(cognito, user_pool_id)
    try:
        return create_account(
            accounts, users, new, temporary_password, update=update, describe=describe
        )
    except AccountDiffers as exc:
        raise OpsError(f"{exc}: nothing changed; run again with --update to change them") from None
    except AccountNotFinished as exc:
        raise OpsFailure(str(exc)) from exc.__cause__


def bind_models(prefix: str, region: str, endpoint: str | None = None) -> None:
    """Point the PynamoDB models at the stack's tables in ``region`` (at ``endpoint``)."""
    for model in ALL_MODELS:
        if model.Meta.region != region or model.Meta.host != endpoint:
            model.Meta.region = region
            model.Meta.host = endpoint
            model._connection = None
    bind_tables(prefix)


def main(argv: list[str] | None = None) -> int:
    args = arguments().parse_args(argv)
    return run("create_admin", lambda: _create(args))


def _create(args: argparse.Namespace) -> int:
    if args.temporary_password is not None:
        raise OpsError(
            "a password on the command line stays in shell history and in ps: set "
            f"{PASSWORD_VARIABLE} or pass --ask-temporary-password instead; nothing was done"
        )
    found = jurisdiction(args.jurisdiction)
    if found.department(args.department) is None:
        known = ", ".join(d.department_id for d in found.departments)
        raise OpsError(f"--department must be one of {known}")
    region = region_for(args, found)
    target = Target.from_args(args, region)
    prefix = target.prefix
    new = NewUser(args.username, args.email, args.name, args.department, Role(args.role))
    password = _temporary_password(args)
    if args.dry_run:
        print(
            f"Would create {new.username} ({new.label}): the Cognito user in "
            f"{target.describe_pool()} and the Users record in {prefix}users ({region}), "
            "whichever is missing"
            + ("; an existing person's details changed to these" if args.update else "")
            + ". Nothing was read (a dry run needs no credentials)."
        )
        return 0
    cognito = aws_client(args, "cognito-idp", region)
    pool_id = target.find_user_pool(cognito, lambda: aws_client(args, "cloudformation", region))
    bind_models(prefix, region, endpoint_url(args))
    print("\n".join(create_user(cognito, UserStore(), pool_id, new, password, update=args.update)))
    return 0


def _temporary_password(args: argparse.Namespace) -> str | None:
    """From the environment, or asked for with --ask-temporary-password (never in a dry
    run); checked against the pool's policy before anything is done."""
    password = os.environ.get(PASSWORD_VARIABLE, "").strip() or None
    if password is None and args.ask_temporary_password and not args.dry_run:
        password = ask("temporary password", PASSWORD_VARIABLE, secret=True)
    problems = password_problems(password) if password else []
    if problems:
        raise OpsError(f"the temporary password needs {', '.join(problems)}")
    return password


def arguments() -> argparse.ArgumentParser:
    made = parser("create_admin", "Create a staff account (by default an admin).")
    add_target_options(made, user_pool=True)
    made.add_argument("--username", required=True, help="what they type to sign in")
    made.add_argument("--email", required=True, help="where Cognito sends the invitation")
    made.add_argument("--name", required=True, help="display name, e.g. 'Dana Whitfield'")
    made.add_argument("--department", required=True, help="a department id of the jurisdiction")
    made.add_argument("--role", default=Role.ADMIN.value, choices=[r.value for r in Role])
    made.add_argument(
        "--update",
        action="store_true",
        help="change an existing person's name, email, role or department to these",
    )
    made.add_argument(
        "--ask-temporary-password",
        action="store_true",
        help=f"type the temporary password at a prompt (or set {PASSWORD_VARIABLE}); "
        "without either Cognito makes one; it is emailed either way",
    )
    made.add_argument("--temporary-password", help=argparse.SUPPRESS)  # refused: see _create
    return made


if __name__ == "__main__":
    sys.exit(main())
