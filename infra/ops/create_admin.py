"""Create a jurisdiction's first admin: a Cognito user plus the app's Users record.

Cognito holds the password; the Users table holds the role and department (the app refuses
anyone who has only one of the two). Running it again for the same username is safe: an
existing Cognito user is kept and its Users record is written again.

    .venv/bin/python -m infra.ops.create_admin --jurisdiction salt-lake-county \\
        --username dana --email dana@example.gov --name "Dana Whitfield" --department probation
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.users import Role, User
from chalicelib.store.models import ALL_MODELS
from chalicelib.store.tables import bind_tables
from chalicelib.store.users import UserStore
from infra.definitions import table_prefix

from .common import (
    OpsError,
    add_stack_option,
    default_stack_name,
    jurisdiction,
    parser,
    region_for,
    stack_output,
)


@dataclass(frozen=True)
class NewUser:
    username: str
    email: str
    display_name: str
    department_id: str
    role: Role = Role.ADMIN


def create_user(
    cognito: Any,
    users: UserStore,
    user_pool_id: str,
    new: NewUser,
    temporary_password: str | None = None,
) -> str:
    """Create the Cognito user (Cognito emails the temporary password) and the Users record.

    Returns what happened, as a sentence for the operator.
    """
    request: dict[str, Any] = {
        "UserPoolId": user_pool_id,
        "Username": new.username,
        "UserAttributes": [
            {"Name": "email", "Value": new.email},
            {"Name": "email_verified", "Value": "true"},
        ],
        "DesiredDeliveryMediums": ["EMAIL"],
    }
    if temporary_password:
        request["TemporaryPassword"] = temporary_password
    try:
        cognito.admin_create_user(**request)
        done = f"Created {new.username} in {user_pool_id}; Cognito emails the temporary password."
    except cognito.exceptions.UsernameExistsException:
        done = f"{new.username} already existed in {user_pool_id}; kept as it is."
    user = User(new.username, new.display_name, new.email, new.role, new.department_id)
    users.save(user)
    return f"{done} Saved as {new.role.label} of {new.department_id}."


def bind_models(prefix: str, region: str) -> None:
    """Point the PynamoDB models at the stack's tables in ``region``."""
    bind_tables(prefix)
    for model in ALL_MODELS:
        if model.Meta.region != region:
            model.Meta.region = region
            model._connection = None


def main(argv: list[str] | None = None) -> int:
    args = arguments().parse_args(argv)
    try:
        found = jurisdiction(args.jurisdiction)
        if found.department(args.department) is None:
            known = ", ".join(d.department_id for d in found.departments)
            raise OpsError(f"--department must be one of {known}")
        region = region_for(args, found)
        prefix = args.table_prefix or table_prefix(args.jurisdiction)
        new = NewUser(args.username, args.email, args.name, args.department, Role(args.role))
        if args.dry_run:
            print(
                f"Would create {new.username} ({new.role.label}, {new.department_id}) in "
                f"{args.user_pool_id or 'the stack user pool'} and {prefix}users ({region})."
            )
            return 0
        import boto3  # only a real run needs AWS

        pool_id = args.user_pool_id or stack_output(
            boto3.client("cloudformation", region_name=region),
            args.stack_name or default_stack_name(args.jurisdiction),
            "UserPoolId",
        )
        bind_models(prefix, region)
        cognito = boto3.client("cognito-idp", region_name=region)
        print(create_user(cognito, UserStore(), pool_id, new, args.temporary_password))
    except OpsError as exc:
        print(f"create_admin: {exc}", file=sys.stderr)
        return 1
    return 0


def arguments() -> argparse.ArgumentParser:
    made = parser("create_admin", "Create a staff account (by default an admin).")
    add_stack_option(made)
    made.add_argument("--user-pool-id", help="skip the stack lookup and use this pool")
    made.add_argument("--table-prefix", help="default clientcomm-<jurisdiction>-")
    made.add_argument("--username", required=True, help="what they type to sign in")
    made.add_argument("--email", required=True, help="where Cognito sends the invitation")
    made.add_argument("--name", required=True, help="display name, e.g. 'Dana Whitfield'")
    made.add_argument("--department", required=True, help="a department id of the jurisdiction")
    made.add_argument("--role", default=Role.ADMIN.value, choices=[r.value for r in Role])
    made.add_argument(
        "--temporary-password",
        help="set it yourself instead of Cognito's generated one (it is still emailed)",
    )
    return made


if __name__ == "__main__":
    sys.exit(main())
