"""Creating the stack's resources in moto, from the project's own definitions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from chalicelib.config import MEDIA_COPY_QUEUE_NAME, SEND_QUEUE_NAME
from chalicelib.store.tables import create_tables
from infra.definitions import (
    ADMIN_CREATE_USER_CONFIG,
    APP_CLIENT_AUTH_FLOWS,
    PASSWORD_POLICY,
)
from infra.local.lambda_events import lambda_timeout

NOTIFY_FROM = "clientcomm@demo.invalid"
PROJECT_DIR = Path(__file__).resolve().parents[2]
SEND_FUNCTION = "send-scheduled"  # app.py's name for the send queue's consumer
MEDIA_COPY_FUNCTION = "copy-media"  # and the media-copy queue's
# A received batch stays hidden for twice the sender's timeout: never handed to a second
# sender while the first may still run (Lambda refuses less than one timeout), yet back
# within minutes after a failure, where AWS waits six timeouts (infra/package/queues.py).
TIMEOUTS_HIDDEN_LOCALLY = 2


@dataclass(frozen=True)
class LocalResources:
    table_prefix: str
    user_pool_id: str
    user_pool_client_id: str
    media_bucket: str
    fallback_queue_url: str
    send_queue_url: str
    status_queue_url: str
    media_copy_queue_url: str = ""

    def event_source_queues(self) -> dict[str, str]:
        """The local queue behind each queue name the app's SQS event sources declare."""
        queues = {SEND_QUEUE_NAME: self.send_queue_url}
        if self.media_copy_queue_url:
            queues[MEDIA_COPY_QUEUE_NAME] = self.media_copy_queue_url
        return queues


LOCAL_UPLOAD_CORS = {
    "CORSRules": [
        {
            "AllowedMethods": ["POST"],
            "AllowedOrigins": ["http://127.0.0.1:*", "http://localhost:*"],
            "AllowedHeaders": ["*"],
            "MaxAgeSeconds": 3600,
        }
    ]
}


def create_resources(prefix: str, region: str) -> LocalResources:
    """Tables from the PynamoDB models, the Cognito pool and app client, the media bucket,
    the queue where the fallback URL keeps inbound texts for replay, the queue where
    scheduled texts wait for a sender, and the one where status callbacks that could not
    be stored wait for their replay."""
    create_tables(prefix)
    cognito: Any = boto3.client("cognito-idp", region_name=region)  # settings shared as dicts
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
    # The compose box posts attachments straight here (a presigned POST) from the app's
    # page, whatever port the app was given: any loopback origin.
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=LOCAL_UPLOAD_CORS)
    boto3.client("ses", region_name=region).verify_email_identity(EmailAddress=NOTIFY_FROM)
    sqs = boto3.client("sqs", region_name=region)
    fallback_url = sqs.create_queue(QueueName=f"{prefix}inbound-fallback")["QueueUrl"]
    send_url = sqs.create_queue(
        QueueName=f"{prefix}send",
        Attributes={"VisibilityTimeout": str(send_visibility_timeout())},
    )["QueueUrl"]
    status_url = sqs.create_queue(QueueName=f"{prefix}status-callbacks")["QueueUrl"]
    media_copy_url = sqs.create_queue(
        QueueName=f"{prefix}media-copy",
        Attributes={"VisibilityTimeout": str(visibility_timeout(MEDIA_COPY_FUNCTION))},
    )["QueueUrl"]
    return LocalResources(
        prefix, pool_id, client_id, bucket, fallback_url, send_url, status_url, media_copy_url
    )


def send_visibility_timeout() -> int:
    return visibility_timeout(SEND_FUNCTION)


def visibility_timeout(function: str) -> int:
    return TIMEOUTS_HIDDEN_LOCALLY * lambda_timeout(PROJECT_DIR, function)
