"""Creating the stack's resources in moto, from the project's own definitions."""

from __future__ import annotations

from dataclasses import dataclass

import boto3

from chalicelib.store.tables import create_tables
from infra.definitions import (
    ADMIN_CREATE_USER_CONFIG,
    APP_CLIENT_AUTH_FLOWS,
    PASSWORD_POLICY,
)

NOTIFY_FROM = "clientcomm@demo.invalid"


@dataclass(frozen=True)
class LocalResources:
    table_prefix: str
    user_pool_id: str
    user_pool_client_id: str
    media_bucket: str
    fallback_queue_url: str


def create_resources(prefix: str, region: str) -> LocalResources:
    """Tables from the PynamoDB models, the Cognito pool and app client, the media bucket,
    and the queue where the fallback URL keeps inbound texts for replay."""
    create_tables(prefix)
    cognito = boto3.client("cognito-idp", region_name=region)
    pool_id = cognito.create_user_pool(
        PoolName=f"{prefix}users",
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        AdminCreateUserConfig=ADMIN_CREATE_USER_CONFIG,
        MfaConfiguration="OFF",
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{prefix}web",
        ExplicitAuthFlows=APP_CLIENT_AUTH_FLOWS,
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]
    bucket = f"{prefix}media"
    s3 = boto3.client("s3", region_name=region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    boto3.client("ses", region_name=region).verify_email_identity(EmailAddress=NOTIFY_FROM)
    queue_url = boto3.client("sqs", region_name=region).create_queue(
        QueueName=f"{prefix}inbound-fallback"
    )["QueueUrl"]
    return LocalResources(prefix, pool_id, client_id, bucket, queue_url)
