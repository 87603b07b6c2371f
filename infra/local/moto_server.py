"""moto served so that each AWS request runs alone, as DynamoDB applies each request atomically.

moto's ``ThreadedMotoServer`` handles requests on threads that share its in-memory backends
without a lock: two concurrent transactions can both pass their conditions, and concurrent
writes can be lost. In AWS every DynamoDB request (a transaction included) is atomic. This
server wraps moto's WSGI app in a lock. SQS is left out: its ReceiveMessage may wait up to
20 s for a message by design, and holding the lock meanwhile would stall every other service.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from werkzeug.serving import BaseWSGIServer

WAITS_BY_DESIGN = frozenset({"sqs"})
SIGNING_SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/[^/,]+/([^/,]+)/aws4_request")


def signing_service(environ: WSGIEnvironment) -> str:
    """The AWS service a request was signed for ("" when unsigned, e.g. JWKS or moto-api)."""
    found = SIGNING_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return found.group(1) if found else ""


class OneRequestAtATime:
    """WSGI middleware: run each request (and read its whole answer) holding one lock."""

    def __init__(self, app: WSGIApplication):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if signing_service(environ) in WAITS_BY_DESIGN:
            return self.app(environ, start_response)
        with self.lock:
            result = self.app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()


class SerialMotoServer:
    """In-process moto on a thread, with ``ThreadedMotoServer``'s start/stop/address methods."""

    def __init__(self, ip_address: str = "127.0.0.1", port: int = 0):
        self.ip_address = ip_address
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from infra.local import moto_fair_queues, moto_queries, moto_responses, moto_transactions

        moto_transactions.install()  # item-level rollback: sound because requests run alone
        moto_responses.install()  # items written as they are, not walked through the model
        moto_queries.install()  # a Query costs its partition, not the whole table
        moto_fair_queues.install()  # MessageGroupId tenants served fairly, as AWS fair queues
        app = OneRequestAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self.ip_address, self.port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()

    def get_host_and_port(self) -> tuple[str, int]:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
