"""The steps that let a member of staff in or keep them out, each safe to repeat.

Who may do what lives in two places: Cognito (can they prove who they are) and the app's
Users table (``active``, role, department, read fresh on every request). A session lives in
three: the app's sessions table (what the cookie points at), Cognito's refresh token (what
renews the session every hour) and the open pages' sockets (closed by the push fan-out's
check of the staff record and by ``socket-upkeep`` within 5 minutes). Each step below reports
whether it changed anything, so a rerun after an interruption finishes the job and says so.

These use plain boto3 clients (not the app's PynamoDB models), so a script can be pointed
at any stack's tables without rebinding models in a process that also runs the app.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .aws_target import AwsRefused, ConditionFailed, call
from .common import OpsError

USERS = "users"
SESSIONS = "sessions"
CLIENTS = "clients"
AUDIT = "audit"
CASELOAD_INDEX = "by-case-manager"  # sparse: only active clients carry sort_name
OPS_ACTOR = "ops"


@dataclass(frozen=True)
class Clients:
    """The AWS clients a staff script uses; a test hands in its own."""

    dynamodb: Any
    cognito: Any
    cloudformation: Callable[[], Any]


@dataclass
class Report:
    """What a run did, a line per step, for the operator (never client data)."""

    lines: list[str] = field(default_factory=list)

    def step(self, what: str, outcome: str) -> None:
        self.lines.append(f"  {what:<14}{outcome}")

    def text(self) -> str:
        return "\n".join(self.lines)


def staff_subject(username: str) -> str:
    """The audit trail's subject for a member of staff (clients are ``client#<id>``)."""
    return f"staff#{username}"


def set_active(
    dynamodb: Any, users_table: str, audit_table: str, username: str, active: bool, now: datetime
) -> bool:
    """Set the Users record's ``active`` flag and its audit row in one transaction.

    True when it changed, False when it already was so. The record must exist: this never
    creates a member of staff (``create_admin`` does, with a role and a department).
    """
    names = {"#id": "user_id", "#active": "active"}
    values: dict[str, Any] = {":wanted": {"BOOL": active}}
    update = "SET #active = :wanted"
    if not active:  # as the admins' page does: no session begun before now counts again
        names["#from"] = "sessions_from"
        values[":now"] = {"S": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")}
        update += ", #from = :now"
    if active:
        condition = "attribute_exists(#id) AND #active = :was"
        values[":was"] = {"BOOL": False}
    else:  # a record written before the flag existed counts as active
        condition = "attribute_exists(#id) AND (attribute_not_exists(#active) OR #active = :was)"
        values[":was"] = {"BOOL": True}
    action = "staff_reactivated" if active else "staff_deactivated"
    try:
        _transact(
            dynamodb,
            "change the staff record",
            [
                {
                    "Update": {
                        "TableName": users_table,
                        "Key": {"user_id": {"S": username}},
                        "UpdateExpression": update,
                        "ConditionExpression": condition,
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }
                },
                {"Put": audit_put(audit_table, staff_subject(username), action, now)},
            ],
        )
    except ConditionFailed:
        record = staff_record(dynamodb, users_table, username)
        if record is None:
            raise OpsError(
                f"{username} has no staff record in {users_table}: check --username and "
                "--table-prefix (nothing was changed)"
            ) from None
        return False
    return True


def staff_record(dynamodb: Any, users_table: str, username: str) -> dict[str, Any] | None:
    """The Users item as stored (strongly consistent), or None."""
    found = call(
        "read the staff record",
        dynamodb.get_item,
        TableName=users_table,
        Key={"user_id": {"S": username}},
        ConsistentRead=True,
    )
    item = found.get("Item")
    return dict(item) if item else None


def is_active(record: dict[str, Any]) -> bool:
    return bool(record.get("active", {}).get("BOOL", True))


def audit_put(table: str, subject: str, action: str, now: datetime) -> dict[str, Any]:
    """An audit item shaped as ``store/audit.py`` writes them (subject, time#random id)."""
    at_id = f"{now.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{secrets.token_hex(4)}"
    return {
        "TableName": table,
        "Item": {
            "subject": {"S": subject},
            "at_id": {"S": at_id},
            "at": {"S": at_id},  # chain-audit links it (store/audit.py writes both)
            "actor": {"S": OPS_ACTOR},
            "action": {"S": action},
        },
        "ConditionExpression": "attribute_not_exists(subject)",
    }


def record_audit(dynamodb: Any, table: str, subject: str, action: str, now: datetime) -> None:
    """One audit row on its own (a Cognito-only change, such as a password reset)."""
    call("write the audit row", dynamodb.put_item, **audit_put(table, subject, action, now))


def _transact(dynamodb: Any, what: str, items: list[dict[str, Any]]) -> None:
    """TransactWriteItems; ``ConditionFailed`` when a condition cancelled it, an
    ``OpsError`` naming the reasons when anything else did (nothing was written)."""
    try:
        call(what, dynamodb.transact_write_items, TransactItems=items)
    except AwsRefused as refused:
        if refused.code != "TransactionCanceledException":
            raise
        reasons = [r.get("Code", "None") for r in refused.response.get("CancellationReasons", [])]
        if "ConditionalCheckFailed" in reasons:
            raise ConditionFailed(what) from None
        raise OpsError(
            f"could not {what}: DynamoDB cancelled it ({', '.join(reasons) or 'no reason'}); "
            "nothing was written, run again"
        ) from None


def end_app_sessions(dynamodb: Any, sessions_table: str, username: str) -> int:
    """Delete every app session of ``username``; how many this run ended.

    The sessions table has no index by person (a request finds its session by key), so this
    is a Scan filtered on ``user_id``: an ops command, over a small table (one item per
    sign-in, gone after 12 hours). Each delete is conditional on the item still being this
    person's, and one already gone counts as ended.
    """
    request: dict[str, Any] = {
        "TableName": sessions_table,
        "FilterExpression": "#user = :user",
        "ProjectionExpression": "#key",
        "ExpressionAttributeNames": {"#user": "user_id", "#key": "session_key"},
        "ExpressionAttributeValues": {":user": {"S": username}},
    }
    ended = 0
    while True:
        page = call("read the sessions table", dynamodb.scan, **request)
        for item in page.get("Items", []):
            try:
                call(
                    "end a session",
                    dynamodb.delete_item,
                    TableName=sessions_table,
                    Key={"session_key": item["session_key"]},
                    ConditionExpression="#user = :user",
                    ExpressionAttributeNames={"#user": "user_id"},
                    ExpressionAttributeValues={":user": {"S": username}},
                )
                ended += 1
            except ConditionFailed:  # signed out or expired meanwhile
                continue
        if "LastEvaluatedKey" not in page:
            return ended
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def active_client_count(dynamodb: Any, clients_table: str, username: str) -> int:
    """How many active clients still have ``username`` as case manager (a COUNT Query of
    the caseload index, which holds only active clients)."""
    request: dict[str, Any] = {
        "TableName": clients_table,
        "IndexName": CASELOAD_INDEX,
        "KeyConditionExpression": "#owner = :owner",
        "ExpressionAttributeNames": {"#owner": "case_manager_id"},
        "ExpressionAttributeValues": {":owner": {"S": username}},
        "Select": "COUNT",
    }
    total = 0
    while True:
        page = call("count the caseload", dynamodb.query, **request)
        total += int(page.get("Count", 0))
        if "LastEvaluatedKey" not in page:
            return total
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def cognito_user(cognito: Any, pool_id: str, username: str) -> dict[str, Any]:
    """AdminGetUser, with "no such user" and "no such pool" said plainly."""
    try:
        found = call(
            "read the Cognito user", cognito.admin_get_user, UserPoolId=pool_id, Username=username
        )
    except AwsRefused as refused:
        if refused.code == "UserNotFoundException":
            raise OpsError(f"{username} is not a user of Cognito pool {pool_id}") from None
        if refused.code == "ResourceNotFoundException":
            raise OpsError(f"there is no Cognito user pool {pool_id}") from None
        raise
    return dict(found)


def set_cognito_enabled(cognito: Any, pool_id: str, username: str, enabled: bool) -> bool:
    """AdminEnableUser / AdminDisableUser; True when it changed anything."""
    if bool(cognito_user(cognito, pool_id, username).get("Enabled", True)) == enabled:
        return False
    operation = cognito.admin_enable_user if enabled else cognito.admin_disable_user
    verb = "enable" if enabled else "disable"
    call(f"{verb} the Cognito user", operation, UserPoolId=pool_id, Username=username)
    return True


def sign_out_everywhere(cognito: Any, pool_id: str, username: str) -> None:
    """AdminUserGlobalSignOut: every refresh token Cognito issued to them stops working, so
    no session of theirs can renew its hourly ID token."""
    call(
        "sign them out of Cognito",
        cognito.admin_user_global_sign_out,
        UserPoolId=pool_id,
        Username=username,
    )
