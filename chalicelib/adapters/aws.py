"""The one place boto3 clients are built: lazily, once per service and region, bounded.

Every client has explicit connect and read timeouts and a bounded number of retries: a
Lambda behind API Gateway has 29 s and a Twilio webhook 15 s, so no call may hang.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 3
# SQS long polling holds a receive open for up to its wait time; the read timeout covers it.
LONG_POLL_READ_TIMEOUT_SECONDS = 25


@lru_cache(maxsize=16)
def _client(service: str, region: str, endpoint_url: str | None, read_timeout: int) -> Any:
    import boto3  # costs ~130 ms; only paths that reach AWS beyond DynamoDB pay it
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=read_timeout,
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
    )
    # The service is chosen at run time, so no typed overload of boto3.client applies.
    return boto3.client(  # type: ignore[call-overload]
        service, region_name=region, endpoint_url=endpoint_url, config=config
    )


def aws_client(
    service: str,
    region: str,
    endpoint_url: str | None = None,
    read_timeout: int = READ_TIMEOUT_SECONDS,
) -> Any:
    """A cached client; ``endpoint_url`` is the local moto server (None on AWS)."""
    return _client(service, region, endpoint_url, read_timeout)
