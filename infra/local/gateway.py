"""The local stack's API Gateway: a threaded front door, each request run in a worker process.

API Gateway accepts a burst and invokes one Lambda container per concurrent request; each
container is a separate process with its own module state. Here a threaded HTTP server with a
deep listen backlog accepts the burst and hands every request to ``lambda_pool``; inside a
worker, chalice's own ``LocalGateway`` turns it into the API Gateway event, so routing, binary
types, multi-value headers and the app's middleware behave as under ``chalice local``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from infra.local.clock import offset_seconds
from infra.local.lambda_pool import WorkerPool
from infra.local.lambda_worker import HttpRequest

GATEWAY_TIMEOUT = 29.0  # API Gateway's integration timeout, in seconds
LISTEN_BACKLOG = 128


class FrontDoorServer(ThreadingHTTPServer):
    """A thread per connection and room for a burst in the accept queue."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pool: WorkerPool, timeout: float):
        self.pool = pool
        self.gateway_timeout = timeout
        super().__init__(address, FrontDoor)


class FrontDoor(BaseHTTPRequestHandler):
    """Reads one HTTP request, has a worker answer it, writes the answer as is."""

    protocol_version = "HTTP/1.1"  # keep-alive, as chalice's dev server
    server: FrontDoorServer

    def handle_any_method(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length) if length > 0 else None
        request = HttpRequest(
            self.command, self.path, dict(self.headers), body, clock_offset=offset_seconds()
        )
        response = self.server.pool.handle(request, self.server.gateway_timeout)
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if response.body is not None:
            self.wfile.write(response.body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = handle_any_method


class LocalApiGateway:
    """Binds at construction (so the port is known early); ``start`` once the environment is set."""

    def __init__(
        self,
        host: str,
        port: int,
        project_dir: str | Path,
        *,
        max_workers: int = 8,
        warm_workers: int = 2,
        timeout: float = GATEWAY_TIMEOUT,
    ):
        self.pool = WorkerPool(str(project_dir), warm=warm_workers, cap=max_workers)
        self.server = FrontDoorServer((host, port), self.pool, timeout)
        self.port: int = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self, environment: dict[str, str]) -> LocalApiGateway:
        """Serve now; warm workers load the app meanwhile (the first requests wait for them)."""
        self.pool.start(environment)
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="local-api-gateway", daemon=True
        )
        self._thread.start()
        return self

    def wait_until_warm(self) -> None:
        self.pool.wait_until_warm()

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
        self.server.server_close()
        self.pool.stop()
