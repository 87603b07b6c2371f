"""The stack's own resources beside Chalice's: media bucket, user pool, logs, alarm topic."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from infra.config_loader import StackConfig
from infra.definitions import (
    ACCESS_TOKEN_HOURS,
    ACCOUNT_RECOVERY,
    ADMIN_CREATE_USER_CONFIG,
    APP_CLIENT_AUTH_FLOWS,
    ID_TOKEN_HOURS,
    MFA_METHODS,
    PASSWORD_POLICY,
    REFRESH_TOKEN_HOURS,
)

from . import names
from .names import arn_of, ref, sub

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def stack_resources(config: StackConfig) -> dict[str, Any]:
    return {
        names.MEDIA_BUCKET: media_bucket(config),
        names.MEDIA_BUCKET_POLICY: media_bucket_policy(),
        names.USER_POOL: user_pool(config),
        names.USER_POOL_CLIENT: user_pool_client(config),
        names.FUNCTION_LOGS: function_logs(config),
        names.ALARM_TOPIC: alarm_topic(config),
    }


def media_bucket(config: StackConfig) -> dict[str, Any]:
    """Photos clients text in: private, encrypted, gone after the retention period."""
    return {
        "Type": "AWS::S3::Bucket",
        **RETAIN,
        "Properties": {
            "BucketName": sub(f"clientcomm-{config.name}-media-${{AWS::AccountId}}"),
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "CorsConfiguration": upload_cors(config),
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "expire-after-retention",
                        "Status": "Enabled",
                        "ExpirationInDays": config.retention_days,
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    }
                ]
            },
        },
    }


def upload_cors(config: StackConfig) -> dict[str, Any]:
    """The compose box posts an attachment straight to the bucket (a presigned POST) and
    reads the answer: the app's origin may POST. Without a custom domain the origin is the
    REST API's execute-api host, which the bucket cannot name (the API depends on the
    functions, which depend on the bucket), so any execute-api host of the region is allowed:
    CORS only lets a page read the answer; the signed policy decides what is stored."""
    if config.public_base_url:
        parts = urlsplit(config.public_base_url)
        origin: Any = f"{parts.scheme}://{parts.netloc}"
    else:
        origin = sub("https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}")
    rule = {"AllowedMethods": ["POST"], "AllowedOrigins": [origin], "MaxAge": 3600}
    return {"CorsRules": [rule | {"AllowedHeaders": ["*"]}]}


def media_bucket_policy() -> dict[str, Any]:
    """Refuse every request that is not over TLS, whoever makes it."""
    bucket_arn = arn_of(names.MEDIA_BUCKET)
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(names.MEDIA_BUCKET),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "TlsOnly",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [bucket_arn, sub(f"${{{names.MEDIA_BUCKET}.Arn}}/*")],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        },
    }


def user_pool(config: StackConfig) -> dict[str, Any]:
    """Staff accounts. Admins create them; retained, because users can't be recreated as-is."""
    properties: dict[str, Any] = {
        "UserPoolName": f"clientcomm-{config.name}-users",
        "Policies": {"PasswordPolicy": PASSWORD_POLICY},
        "AdminCreateUserConfig": ADMIN_CREATE_USER_CONFIG,
        "AccountRecoverySetting": ACCOUNT_RECOVERY,
        "UsernameConfiguration": {"CaseSensitive": False},
        "MfaConfiguration": config.mfa,
        "DeletionProtection": "ACTIVE",
        "UserPoolTags": {"clientcomm:jurisdiction": config.name},
    }
    if config.mfa != "OFF":
        properties["EnabledMfas"] = MFA_METHODS
    return {"Type": "AWS::Cognito::UserPool", **RETAIN, "Properties": properties}


def user_pool_client(config: StackConfig) -> dict[str, Any]:
    """The app's sign-in client: password flow from our own page, no secret, short tokens."""
    return {
        "Type": "AWS::Cognito::UserPoolClient",
        "Properties": {
            "UserPoolId": ref(names.USER_POOL),
            "ClientName": f"clientcomm-{config.name}-web",
            "GenerateSecret": False,
            "ExplicitAuthFlows": APP_CLIENT_AUTH_FLOWS,
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": True,
            "IdTokenValidity": ID_TOKEN_HOURS,
            "AccessTokenValidity": ACCESS_TOKEN_HOURS,
            "RefreshTokenValidity": REFRESH_TOKEN_HOURS,
            "TokenValidityUnits": {
                "IdToken": "hours",
                "AccessToken": "hours",
                "RefreshToken": "hours",
            },
        },
    }


def function_logs(config: StackConfig) -> dict[str, Any]:
    """One log group for every handler: its exact ARN goes in the role, and it expires."""
    return log_group(f"/clientcomm/{config.name}/lambda", config)


def log_group(name: str, config: StackConfig) -> dict[str, Any]:
    """A log group of the stack, kept as long as the jurisdiction says. Kept when the stack
    is deleted or the group replaced: its logs tell what happened, and they still expire
    by themselves."""
    return {
        "Type": "AWS::Logs::LogGroup",
        **RETAIN,
        "Properties": {"LogGroupName": name, "RetentionInDays": config.log_retention_days},
    }


def alarm_topic(config: StackConfig) -> dict[str, Any]:
    """Where every alarm goes. The address must confirm the subscription once (AWS emails it)."""
    return {
        "Type": "AWS::SNS::Topic",
        "Properties": {
            "TopicName": f"clientcomm-{config.name}-alarms",
            "DisplayName": f"ClientComm {config.name}",
            "Subscription": [{"Protocol": "email", "Endpoint": config.alarm_email}],
        },
    }
