"""One DynamoDB call of a backfill, its failures told apart, and the client it goes through.

Only error codes are repeated in messages: an AWS message could quote what was sent.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.aws import CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS

from ..aws_target import LOCAL_CREDENTIALS, Target
from ..common import OpsError, stand_in_credentials

# A bulk job may wait longer than a request can: more attempts, and "adaptive" retries slow
# this client down when DynamoDB throttles, leaving the capacity to the app.
MAX_ATTEMPTS = 10


class ConditionFailed(Exception):
    """DynamoDB refused a write because its condition no longer held."""


class TableMissing(OpsError):
    """The table named is not there."""


def call(table: str, operation: Any, **request: Any) -> Any:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return operation(**request)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "unknown")
        if code == "ConditionalCheckFailedException":
            raise ConditionFailed() from None
        if code == "ResourceNotFoundException":
            raise TableMissing(
                f"there is no table {table}: check --jurisdiction, --table-prefix and --region"
            ) from None
        if code in ("AccessDeniedException", "UnrecognizedClientException"):
            raise OpsError(
                f"AWS refused access to {table} ({code}): docs/operations.md, 'Backfills', "
                "lists what a dry run and a real run need"
            ) from None
        raise OpsError(f"DynamoDB answered {code}; what is done stays done, run again") from None
    except BotoCoreError as exc:
        raise OpsError(
            f"could not reach DynamoDB ({type(exc).__name__}); what is done stays done, run again"
        ) from None


def bulk_client(target: Target) -> Any:
    """A DynamoDB client with timeouts and many adaptive retries, where ``target`` is."""
    import os

    import boto3
    from botocore.config import Config

    if target.endpoint:
        stand_in_credentials(target.endpoint)
    keys = (
        {name.lower(): value for name, value in LOCAL_CREDENTIALS.items()}
        if target.local and not os.environ.get("AWS_ACCESS_KEY_ID")
        else {}
    )
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS},
    )
    return boto3.client(  # type: ignore[call-overload]
        "dynamodb",
        region_name=target.region,
        endpoint_url=target.endpoint,
        config=config,
        **keys,
    )
