"""API Gateway's WebSocket management API: post to an open page, or close its connection.

The same calls reach the local stack's gateway (``infra/local/websocket_gateway.py``), which
answers them as API Gateway does: 200, or 410 ``GoneException`` for a connection that has
already gone. Bounded by the shared client's timeouts like every other AWS call.
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)


class PushGateway:
    def __init__(self, client: Any):
        self._client = client  # boto3 "apigatewaymanagementapi" bound to the API's stage

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        """Deliver one message; False when the connection is gone (the caller forgets it).

        Any other failure is logged and also reported as not delivered: a page that missed a
        push catches up when it reconnects, so nothing is lost by moving on.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        data = json.dumps(message, separators=(",", ":")).encode()
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code != "GoneException":
                log.warning("push failed", extra={"error": code})
            return False
        except BotoCoreError as exc:
            log.warning("push failed", extra={"error": type(exc).__name__})
            return False
        return True

    def close(self, connection_id: str) -> None:
        """Ask API Gateway to close a connection (its disconnect handler then runs)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.delete_connection(ConnectionId=connection_id)
        except (BotoCoreError, ClientError) as exc:
            log.info("closing a connection failed", extra={"error": type(exc).__name__})
