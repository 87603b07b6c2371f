"""The Lambda roles' policy: each action only on this stack's own resources.

Chalice (``autogen_policy: false``) gives every handler a role whose policy document is the
stage's policy file, copied into the template unchanged. We write that file with
CloudFormation references in it, so every handler — including ones added to app.py later —
gets this policy with no change to packaging. ``checks.py`` proves every role got it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.config_loader import StackConfig
from infra.definitions import METRICS_NAMESPACE

from . import names
from .names import arn_of, sub

DYNAMODB_ACTIONS = [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
]
MEDIA_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
# Supervisors and admins manage staff from the app; nothing else of Cognito is needed.
COGNITO_ACTIONS = [
    "cognito-idp:InitiateAuth",
    "cognito-idp:RespondToAuthChallenge",
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminResetUserPassword",
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminUserGlobalSignOut",
]


def account_arn(service: str, resource: str) -> dict[str, Any]:
    """An ARN in this stack's account and region."""
    return sub(f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}")


def lambda_policy(config: StackConfig, table_ids: Iterable[str]) -> dict[str, Any]:
    """The document every handler's role carries."""
    tables = list(table_ids)
    parameters = account_arn("ssm", f"parameter{config.parameter_path}/*")
    statements = [
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": account_arn("logs", f"log-group:${{{names.FUNCTION_LOGS}}}:*"),
        },
        {
            "Sid": "Tables",
            "Effect": "Allow",
            "Action": DYNAMODB_ACTIONS,
            "Resource": [arn_of(t) for t in tables]
            + [sub(f"${{{t}.Arn}}/index/*") for t in tables],
        },
        {
            "Sid": "Media",
            "Effect": "Allow",
            "Action": MEDIA_ACTIONS,
            "Resource": sub(f"${{{names.MEDIA_BUCKET}.Arn}}/*"),
        },
        {
            "Sid": "Secrets",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": parameters,
        },
        {
            # SecureStrings under a customer managed key: decrypt only through SSM, only ours.
            "Sid": "DecryptSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": account_arn("kms", "key/*"),
            "Condition": {
                "StringEquals": {"kms:ViaService": sub("ssm.${AWS::Region}.amazonaws.com")},
                "StringLike": {"kms:EncryptionContext:PARAMETER_ARN": parameters},
            },
        },
        {
            "Sid": "Users",
            "Effect": "Allow",
            "Action": COGNITO_ACTIONS,
            "Resource": arn_of(names.USER_POOL),
        },
        {
            # PutMetricData has no resource ARNs; the namespace condition is the scope.
            "Sid": "Metrics",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
        },
    ]
    if config.mail_from:
        statements.append(mail_statement(config.mail_from))
    return {"Version": "2012-10-17", "Statement": statements}


def mail_statement(mail_from: str) -> dict[str, Any]:
    """Notification mail only from the configured sender (verified as address or domain)."""
    domain = mail_from.split("@", 1)[1]
    return {
        "Sid": "Mail",
        "Effect": "Allow",
        "Action": ["ses:SendEmail", "ses:SendRawEmail"],
        "Resource": [
            account_arn("ses", f"identity/{mail_from}"),
            account_arn("ses", f"identity/{domain}"),
        ],
    }


def policy_resources(document: dict[str, Any]) -> list[Any]:
    """Every Resource of every statement, flattened (the tests and checks read this)."""
    found: list[Any] = []
    for statement in document["Statement"]:
        resource = statement["Resource"]
        found.extend(resource if isinstance(resource, list) else [resource])
    return found
