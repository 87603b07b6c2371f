"""The parent's side of one worker process (``lambda_worker`` is the inside): start it, send
it a request over its pipe, tell a late answer (timeout) from a dead worker (crash)."""

from __future__ import annotations

import time
from multiprocessing.connection import wait
from typing import TYPE_CHECKING

from infra.local import lambda_worker
from infra.local.lambda_worker import READY, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from multiprocessing.context import SpawnContext

STOP_GRACE = 2.0


class WorkerCrashed(Exception):
    """The worker process ended (or broke its pipe) before answering."""


class Worker:
    """The parent's handle on one worker process and its pipe."""

    def __init__(self, context: SpawnContext, project_dir: str, environment: dict[str, str]):
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=lambda_worker.serve,
            args=(child_end, project_dir, "local", environment),
            name="local-lambda",
            daemon=True,
        )
        self.process.start()
        child_end.close()  # so the worker's death reads as end-of-file here
        self.started = time.monotonic()
        self.cold_start = 0.0

    def wait_ready(self, timeout: float) -> None:
        if self.receive(timeout) != READY:
            raise WorkerCrashed("worker said something other than ready")
        self.cold_start = time.monotonic() - self.started

    def call(self, request: HttpRequest, timeout: float) -> HttpResponse:
        try:
            self.connection.send(request)
        except OSError as exc:
            raise WorkerCrashed(str(exc)) from exc
        answer = self.receive(timeout)
        if not isinstance(answer, HttpResponse):
            raise WorkerCrashed(f"worker answered {type(answer).__name__}")
        return answer

    def receive(self, timeout: float) -> object:
        """The worker's next message; TimeoutError if none in time, WorkerCrashed if it died."""
        ready = wait([self.connection, self.process.sentinel], max(timeout, 0.0))
        if not ready:
            raise TimeoutError
        try:
            if self.connection.poll():
                return self.connection.recv()
        except (EOFError, OSError) as exc:
            raise WorkerCrashed(str(exc)) from exc
        raise WorkerCrashed(f"exit code {self.process.exitcode}")

    def close(self) -> None:
        """End of pipe: an idle worker leaves its loop and exits."""
        self.connection.close()

    def reap(self, deadline: float) -> None:
        """Wait for the exit until the deadline, then kill."""
        self.process.join(max(deadline - time.monotonic(), 0.0))
        if self.process.is_alive():
            self.process.kill()
            self.process.join(STOP_GRACE)

    def kill(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join(STOP_GRACE)
