"""Each Lambda function's IAM policy, generated from ``permissions.py``.

Chalice (``autogen_policy: false``) gives every function its own role and takes the role's
policy document from a file: the stage's file by default, or the file a function names under
the stage's ``lambda_functions``. We write one file per declared function and the default
file for any other, with CloudFormation references in them; Chalice copies them into the
template unchanged. ``checks.py`` proves every role got the document meant for its function.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.config_loader import StackConfig

from . import names
from .names import arn_of, sub
from .permissions import AUDIT_DENIED, FUNCTION_GRANTS, Grant, Target, grants_for

AUDIT_TABLE = names.table_logical_id("audit")


def account_arn(service: str, resource: str) -> dict[str, Any]:
    """An ARN in this stack's account and region."""
    return sub(f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}")


def function_policies(config: StackConfig, table_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``{function name or DEFAULT: policy document}`` for every entry of the declared list."""
    tables = list(table_ids)
    return {name: function_policy(config, name, tables) for name in FUNCTION_GRANTS}


def function_policy(config: StackConfig, function: str, table_ids: Iterable[str]) -> dict:
    """The document of one function's role: its grants, each only on this stack's resources."""
    tables = list(table_ids)
    grants = grants_for(function, with_mail=bool(config.mail_from))
    return {
        "Version": "2012-10-17",
        "Statement": [statement(grant, config, tables) for grant in grants]
        + [audit_append_only(config, tables)],
    }


def audit_append_only(config: StackConfig, tables: list[str]) -> dict[str, Any]:
    """Every role: no update or delete of an audit row, whatever else it is allowed."""
    return {
        "Sid": "AuditTrailNeverChanges",
        "Effect": "Deny",
        "Action": list(AUDIT_DENIED),
        "Resource": resources(Target.AUDIT_TABLE, config, tables),
    }


def statement(grant: Grant, config: StackConfig, tables: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "Sid": grant.sid,
        "Effect": "Allow",
        "Action": list(grant.actions),
        "Resource": resources(grant.target, config, tables),
    }
    if grant.target is Target.PARAMETER_KEYS:
        # SecureStrings under any key: decrypt only through SSM, only our parameters.
        found["Condition"] = {
            "StringEquals": {"kms:ViaService": sub("ssm.${AWS::Region}.amazonaws.com")},
            "StringLike": {"kms:EncryptionContext:PARAMETER_ARN": parameters_arn(config)},
        }
    return found


def resources(target: Target, config: StackConfig, tables: list[str]) -> Any:
    if target is Target.FUNCTION_LOGS:
        return account_arn("logs", f"log-group:${{{names.FUNCTION_LOGS}}}:*")
    if target is Target.TABLES:
        kept = [t for t in tables if t != AUDIT_TABLE]
        return [arn_of(t) for t in kept] + [sub(f"${{{t}.Arn}}/index/*") for t in kept]
    if target is Target.AUDIT_TABLE:
        return [arn_of(AUDIT_TABLE), sub(f"${{{AUDIT_TABLE}.Arn}}/index/*")]
    if target is Target.PARAMETERS:
        return parameters_arn(config)
    if target is Target.PARAMETER_KEYS:
        return account_arn("kms", "key/*")
    if target is Target.MAIL_SENDER:
        return mail_identities(str(config.mail_from))
    if target is Target.FALLBACK_QUEUE:
        return arn_of(names.FALLBACK_QUEUE)
    if target is Target.SEND_QUEUE:
        return arn_of(names.SEND_QUEUE)
    if target is Target.STATUS_QUEUE:
        return arn_of(names.STATUS_QUEUE)
    if target is Target.MEDIA_COPY_QUEUE:
        return arn_of(names.MEDIA_COPY_QUEUE)
    if target is Target.MEDIA_OBJECTS:
        return sub(f"${{{names.MEDIA_BUCKET}.Arn}}/media/*")
    if target is Target.PAGE_CONNECTIONS:
        return sub(
            f"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:"
            f"${{{names.WEBSOCKET_API}}}/*/*/@connections/*"
        )
    if target is Target.USER_POOL:  # by its id (Ref), as the pool's own Arn attribute says it
        return sub(
            f"arn:${{AWS::Partition}}:cognito-idp:${{AWS::Region}}:${{AWS::AccountId}}:"
            f"userpool/${{{names.USER_POOL}}}"
        )
    if target is Target.TABLE_STREAMS:
        return [sub(f"${{{t}.StreamArn}}") for t in tables if t in names.STREAMED_TABLES]
    raise ValueError(f"no resources for {target}")


def parameters_arn(config: StackConfig) -> dict[str, Any]:
    return account_arn("ssm", f"parameter{config.parameter_path}/*")


def mail_identities(mail_from: str) -> list[dict[str, Any]]:
    """SES checks the sender's address identity or its domain's, whichever is verified."""
    domain = mail_from.split("@", 1)[1]
    return [account_arn("ses", f"identity/{mail_from}"), account_arn("ses", f"identity/{domain}")]


def policy_actions(document: dict[str, Any]) -> set[str]:
    """Every action a document allows (the tests compare these with the declared list)."""
    found: set[str] = set()
    for entry in document["Statement"]:
        if entry["Effect"] != "Allow":
            continue
        action = entry["Action"]
        found.update(action if isinstance(action, list) else [action])
    return found
