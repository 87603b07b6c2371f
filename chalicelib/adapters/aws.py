"""The one place boto3 clients are built: lazily, once per service and region."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=16)
def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    import boto3  # costs ~130 ms; only paths that reach AWS beyond DynamoDB pay it

    return boto3.client(service, region_name=region, endpoint_url=endpoint_url)


def aws_client(service: str, region: str, endpoint_url: str | None = None) -> Any:
    """A cached client; ``endpoint_url`` is the local moto server (None on AWS)."""
    return _client(service, region, endpoint_url)
