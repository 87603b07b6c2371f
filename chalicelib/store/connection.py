"""One DynamoDB client per process, shared by every model and every transaction.

PynamoDB gives each model its own connection, and each connection its own botocore session
and client. Building one loads botocore's endpoint rules and the DynamoDB service model, so
a request touching five tables in a fresh Lambda container paid for five of them (167-444 ms
measured). Here every model and the transaction connection send through one client: one
session, one connection pool, one set of timeouts, built on first use and never at import.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from pynamodb.connection import Connection

from ..config import SEND_WORKERS

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from botocore.config import Config
    from pynamodb.connection._botocore_private import BotocoreBaseClientPrivate

# Why these numbers: DynamoDB answers a GetItem in single-digit milliseconds and a transaction
# or a page of a Query in tens; a TCP and TLS handshake inside a region takes tens of
# milliseconds. A second to connect or two to answer means this attempt is stuck, and a fresh
# attempt on another connection is the better bet. Three attempts in all (botocore's standard
# mode: jittered exponential back-off, at most ~3 s, and a retry quota against storms) bound
# one call to about 3 x (1 + 2) + 3 = 12 s: under Twilio's 15 s webhook wait, so a stuck call
# ends in a 5xx that sends Twilio to the fallback URL rather than in a silent timeout, and well
# under API Gateway's 29 s.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
# Set only by the local stack: moto answers one request at a time, in the same process as
# the tests, and a Query walks its whole partition, so on a busy laptop it is far slower
# than DynamoDB. Deployed stacks never set it.
LOCAL_READ_TIMEOUT_ENV = "LOCAL_DYNAMODB_READ_TIMEOUT"
TOTAL_ATTEMPTS = 3
# A Lambda container serves one request at a time, but the sender has up to SEND_WORKERS
# texts of its batch in flight, each making its own DynamoDB calls: a connection each, so
# none is opened and thrown away per call (botocore's default keeps 10).
POOL_CONNECTIONS = max(10, SEND_WORKERS)


def read_timeout() -> float:
    return float(os.environ.get(LOCAL_READ_TIMEOUT_ENV) or READ_TIMEOUT_SECONDS)


def client_config() -> Config:
    """Every DynamoDB call is bounded: connect and read timeouts, a fixed number of attempts."""
    from botocore.config import Config

    return Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=read_timeout(),
        retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},
        max_pool_connections=POOL_CONNECTIONS,
        parameter_validation=False,  # PynamoDB builds the requests; as PynamoDB itself sets it
    )


class SharedClient:
    """The process's DynamoDB client for one region and endpoint, built on first use.

    Kept for the life of the process: Lambda hands credentials over in the environment, so
    there is no empty-credentials client to throw away (PynamoDB's own connection checks).
    """

    def __init__(self, region: str, endpoint_url: str | None) -> None:
        self.region = region
        self.endpoint_url = endpoint_url
        self._client: BaseClient | None = None
        self._lock = threading.Lock()  # building clients is not thread-safe in botocore

    def get(self) -> BaseClient:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import botocore.session

                    self._client = botocore.session.get_session().create_client(
                        "dynamodb",
                        region_name=self.region,
                        endpoint_url=self.endpoint_url,
                        config=client_config(),
                    )
        return self._client


@lru_cache(maxsize=4)
def shared_client(region: str, endpoint_url: str | None) -> SharedClient:
    """One per region and endpoint (in practice one per process: the stage's)."""
    return SharedClient(region, endpoint_url)


class SharedClientConnection(Connection):
    """A PynamoDB connection that keeps its own table schemas but sends through the shared
    client, so handing one to each model costs no botocore session."""

    def __init__(self, shared: SharedClient) -> None:
        super().__init__(
            region=shared.region,
            host=shared.endpoint_url,
            connect_timeout_seconds=CONNECT_TIMEOUT_SECONDS,
            read_timeout_seconds=read_timeout(),
            max_retry_attempts=TOTAL_ATTEMPTS - 1,
            max_pool_connections=POOL_CONNECTIONS,
        )
        self.shared = shared

    @property
    def client(self) -> BotocoreBaseClientPrivate:
        return cast("BotocoreBaseClientPrivate", self.shared.get())
